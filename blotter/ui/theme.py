"""Themes: TOML files that say what each meaning looks like (buy, sell, each status, each severity).

A theme file (its file name is the theme's name, what `--theme` takes) holds `dark` (true / false),
optionally `ansi = true` (it uses only the terminal's 16 colours), a `[base]` table of
Textual's base colours ("#4a9eff", "ansi_blue") and a `[meaning]` table giving every meaning in
MEANINGS a rich style ("#ff7b72", "bold #8b949e", "#ffffff on #d70000", "bold bright_white on red"),
and optionally `[variables]`: Textual's own derived variables where its derivation does not suit
(`panel-lighten-2 = "#8c959f"` on a light theme, where lightening the panel would hide the borders).
Widgets and .tcss ask for a meaning, never a colour. Themes ship as the package data `blotter.themes`
(the top-level themes/ folder); a user's files in $XDG_CONFIG_HOME/blotter/themes/ override them.

Listing themes imports neither textual nor rich (`blotter --list-themes` stays quick); reading one does.
"""

from __future__ import annotations

import tomllib
from dataclasses import field
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Callable

from blotter.config import config_dir
from blotter.records import frozen

MEANINGS = (
    "side-buy", "side-sell", "status-pending", "status-working", "status-filled", "status-cancelled",
    "status-rejected", "severity-info", "severity-warning", "severity-error", "severity-connectivity",
    "badge-paper", "badge-live", "badge-demo", "state-ok", "state-bad", "header", "cursor", "cursor-blur",
    "pnl-gain", "pnl-loss", "muted",
)
BASE = ("primary", "secondary", "accent", "warning", "error", "success", "foreground", "background", "surface",
        "panel")
KEYS = ("name", "dark", "ansi", "base", "meaning", "variables")
DEFAULT = "dark"

Bad = Callable[[str], "ThemeError"]  # a problem -> the error naming the file


class ThemeError(Exception):
    """A theme file that cannot be used; the message (one line) names the file and the problem."""


@frozen
class ThemeSpec:
    name: str
    dark: bool
    base: dict[str, str] = field(default_factory=dict)
    meaning: dict[str, str] = field(default_factory=dict)
    ansi: bool = False  # uses only the terminal's own 16 colours: Textual must not convert them to RGB
    variables: dict[str, str] = field(default_factory=dict)  # Textual theme variables, as Theme(variables=)


def _files() -> dict[str, Traversable]:
    """Theme name -> file: the shipped ones, then the user's, which override a shipped one of the same name."""
    found: dict[str, Traversable] = {}
    for entry in sorted(resources.files("blotter.themes").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.is_file():
            found[entry.name[: -len(".toml")]] = entry
    user = config_dir() / "themes"
    if user.is_dir():
        for path in sorted(user.glob("*.toml")):
            found[path.stem] = path
    return found


def available() -> list[str]:
    """Every theme's name, broken files included (reading one says what is wrong with it)."""
    return sorted(_files())


def read(name: str) -> ThemeSpec:
    """Load and check a theme; raises ThemeError naming the file and what is wrong."""
    files = _files()
    if name not in files:
        raise ThemeError(f"no theme {name!r} (available: {', '.join(sorted(files))})")
    source = files[name]

    def bad(problem: str) -> ThemeError:
        return ThemeError(f"theme file {source}: {problem}")

    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise bad(" ".join(str(exc).split())) from None
    if unknown := [k for k in data if k not in KEYS]:
        raise bad(f"unknown key {', '.join(map(repr, unknown))} (a theme has {', '.join(KEYS)})")
    if not isinstance(data.get("name", ""), str):  # older files carry one; the file's name is what counts
        raise bad(f"name must be a string, not {data['name']!r}")
    for flag in ("dark", "ansi"):
        if not isinstance(data.get(flag, False), bool):
            raise bad(f"{flag} must be true or false, not {data[flag]!r}")
    base = _table(data, "base", BASE, bad)
    meaning = _table(data, "meaning", MEANINGS, bad)
    variables = _table(data, "variables", None, bad)
    if "primary" not in base:
        raise bad("[base] lacks primary")
    if missing := [m for m in MEANINGS if m not in meaning]:
        raise bad(f"[meaning] lacks {', '.join(missing)}")
    ansi = data.get("ansi", False)
    if ansi:  # Textual 8's ANSI mode leaves these undefined, yet its own CSS refers to them
        variables = {"ansi-background": "ansi_default", "ansi-foreground": "ansi_default", **variables}
    _check_colours(base, meaning, variables, ansi, bad)
    return ThemeSpec(name, data.get("dark", True), base, meaning, ansi, variables)


def _table(data: dict[str, Any], key: str, known: tuple[str, ...] | None, bad: Bad) -> dict[str, str]:
    """A table of strings; `known`: the keys it may have (None: any)."""
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise bad(f"{key} must be a table ([{key}])")
    if known is not None and (unknown := [k for k in table if k not in known]):
        raise bad(f"[{key}] has unknown {', '.join(map(repr, unknown))} (known: {', '.join(known)})")
    for k, v in table.items():
        if not isinstance(v, str):
            raise bad(f"[{key}] {k} must be a string, not {v!r}")
    return dict(table)


def _check_colours(base: dict[str, str], meaning: dict[str, str], variables: dict[str, str], ansi: bool,
                   bad: Bad) -> None:
    """Every base colour is one Textual reads, every meaning a style rich reads (ansi: 16 colours only),
    and every variable that is a colour ("#8c959f", "ansi_blue 50%") one Textual reads."""
    from rich.color import ColorType
    from rich.errors import StyleSyntaxError
    from rich.style import Style
    from textual.color import Color, ColorParseError

    for key, value in base.items():
        try:
            colour = Color.parse(value)
        except ColorParseError:
            raise bad(f"[base] {key} = {value!r} is not a colour") from None
        if ansi and colour.ansi is None:
            raise bad(f"[base] {key} = {value!r}: an ansi theme uses ansi_* colours only")
    for key, value in variables.items():
        if key.endswith("-style") or value.split()[:1] in ([], ["auto"]):
            continue
        try:
            colour = Color.parse(value.split()[0])
        except ColorParseError:
            raise bad(f"[variables] {key} = {value!r} is not a colour") from None
        if ansi and colour.ansi is None and colour.a > 0:
            raise bad(f"[variables] {key} = {value!r}: an ansi theme uses ansi_* colours only")
    for key, value in meaning.items():
        try:
            style = Style.parse(value)
        except StyleSyntaxError as exc:
            raise bad(f"[meaning] {key} = {value!r}: {exc}") from None
        if ansi and any(c is not None and c.type not in (ColorType.DEFAULT, ColorType.STANDARD)
                        for c in (style.color, style.bgcolor)):
            raise bad(f"[meaning] {key} = {value!r}: an ansi theme uses the 16 terminal colours only")
