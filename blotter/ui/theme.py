"""Themes: TOML files that say what each meaning looks like (buy, sell, each status, each severity).

A theme file has `name`, `dark`, a `[base]` table of Textual's base colours and a `[meaning]` table
of rich style strings ("#ff7b72", "bold #8b949e", "#ffffff on #d70000", "ansi_red"). Widgets and
.tcss ask for a meaning, never a colour. Themes ship as the package data `blotter.themes`; a user's
own files may sit in $XDG_CONFIG_HOME/blotter/themes/.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from blotter.config import config_dir

MEANINGS = (
    "side-buy", "side-sell", "status-pending", "status-working", "status-filled", "status-cancelled",
    "status-rejected", "severity-info", "severity-warning", "severity-error", "severity-connectivity",
    "badge-paper", "badge-live", "badge-demo", "state-ok", "state-bad", "header", "cursor", "cursor-blur",
    "pnl-gain", "pnl-loss", "muted",
)
BASE = ("primary", "secondary", "accent", "warning", "error", "success", "foreground", "background", "surface",
        "panel")
DEFAULT = "dark"


class ThemeError(Exception):
    """A theme file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class ThemeSpec:
    name: str
    dark: bool
    base: dict[str, str] = field(default_factory=dict)
    meaning: dict[str, str] = field(default_factory=dict)
    ansi: bool = False  # uses only the terminal's own 16 colours


def _files() -> dict[str, object]:
    """Theme name -> file (shipped first, then the user's, which may override)."""
    found: dict[str, object] = {}
    for entry in resources.files("blotter.themes").iterdir():
        if entry.name.endswith(".toml"):
            found[entry.name[:-5]] = entry
    user = config_dir() / "themes"
    if user.is_dir():
        for path in sorted(user.glob("*.toml")):
            found[path.stem] = path
    return found


def available() -> list[str]:
    return sorted(_files())


def read(name: str) -> ThemeSpec:
    """Load and check a theme; raises ThemeError naming the file and what is wrong."""
    files = _files()
    if name not in files:
        raise ThemeError(f"no theme {name!r} (available: {', '.join(sorted(files))})")
    source = files[name]
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ThemeError(f"theme {name}: {exc}") from None
    base, meaning = data.get("base", {}), data.get("meaning", {})
    if not isinstance(base, dict) or not isinstance(meaning, dict):
        raise ThemeError(f"theme {name}: [base] and [meaning] must be tables")
    missing = [m for m in MEANINGS if m not in meaning]
    if missing:
        raise ThemeError(f"theme {name}: [meaning] lacks {', '.join(missing)}")
    unknown = [b for b in base if b not in BASE]
    if unknown or "primary" not in base:
        raise ThemeError(f"theme {name}: [base] needs primary and knows only {', '.join(BASE)}")
    return ThemeSpec(str(data.get("name", name)), bool(data.get("dark", True)),
                     {k: str(v) for k, v in base.items()}, {k: str(v) for k, v in meaning.items()},
                     bool(data.get("ansi", False)))


def path_of(name: str) -> Path | None:
    source = _files().get(name)
    return source if isinstance(source, Path) else None
