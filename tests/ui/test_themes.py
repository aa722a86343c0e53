"""Themes: every shipped theme on the main screen, broken theme files, user themes, NO_COLOR, --list-themes."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from rich.style import Style
from rich.terminal_theme import SVG_EXPORT_THEME

from blotter.ui import theme as themes
from tests.ui.conftest import SIZE, settle, until

SHIPPED = sorted(e.name[: -len(".toml")] for e in resources.files("blotter.themes").iterdir()
                 if e.name.endswith(".toml"))
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No user themes but the ones a test writes: $XDG_CONFIG_HOME/blotter/themes/ in a temporary folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    folder = tmp_path / "blotter" / "themes"
    folder.mkdir(parents=True)
    return folder


def shipped_text(name: str) -> str:
    return resources.files("blotter.themes").joinpath(f"{name}.toml").read_text(encoding="utf-8")


# -- what each theme looks like ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["dark", "light", "high-contrast", "ansi"])
def test_main_screen_in_each_theme(snap_compare, world, name):
    assert snap_compare(world.app(theme=name), terminal_size=SIZE, run_before=settle)


# -- the files ---------------------------------------------------------------------------------

def test_the_four_themes_ship():
    assert {"dark", "light", "high-contrast", "ansi"} <= set(SHIPPED)
    assert themes.available() == SHIPPED
    assert themes.DEFAULT in SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_every_theme_gives_every_meaning(name):
    spec = themes.read(name)
    assert spec.name == name
    assert set(spec.meaning) == set(themes.MEANINGS)
    assert "primary" in spec.base


def test_the_ansi_theme_uses_only_the_terminals_16_colours():
    spec = themes.read("ansi")
    assert spec.ansi
    assert all(v.startswith("ansi_") for v in spec.base.values())
    assert not any("#" in v for v in spec.meaning.values())
    assert not themes.read("dark").ansi


def test_an_ansi_theme_gets_the_variables_textuals_ansi_mode_lacks(own_config):
    (own_config / "bare.toml").write_text(shipped_text("ansi").split("[variables]")[0])
    spec = themes.read("bare")
    assert spec.variables == {"ansi-background": "ansi_default", "ansi-foreground": "ansi_default"}


def test_an_ansi_theme_with_an_rgb_colour_is_refused(own_config):
    (own_config / "plain.toml").write_text(shipped_text("ansi").replace('"bold bright_blue"', '"#5fb3ff"'))
    with pytest.raises(themes.ThemeError, match=r"side-buy = '#5fb3ff': an ansi theme uses the 16"):
        themes.read("plain")


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    def luminance(rgb: tuple[int, int, int]) -> float:
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in (c / 255 for c in rgb)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", ["light", "high-contrast"])
def test_every_meaning_is_readable(name):
    """WCAG AA (4.5:1) for each meaning on its own background or the theme's, and on the unfocused cursor."""
    spec = themes.read(name)
    background = Style.parse(f"on {spec.base['background']}").bgcolor.get_truecolor()
    blur = Style.parse(spec.meaning["cursor-blur"]).bgcolor
    for meaning, text in spec.meaning.items():
        style = Style.parse(text)
        if style.color is None:
            continue
        ground = style.bgcolor.get_truecolor() if style.bgcolor else background
        assert contrast(style.color.get_truecolor(), ground) >= 4.5, (meaning, text)
        if blur is not None and style.bgcolor is None:
            assert contrast(style.color.get_truecolor(), blur.get_truecolor()) >= 4.5, (meaning, "on cursor-blur")


BROKEN = {
    "bad TOML": (lambda text: text.replace("[meaning]", "[meaning"), r"Expected ']'"),
    "missing meaning": (lambda text: re.sub(r"(?m)^side-sell = .*\n", "", text), r"\[meaning\] lacks side-sell"),
    "non-string value": (lambda text: re.sub(r"(?m)^side-buy = .*$", "side-buy = 42", text),
                         r"\[meaning\] side-buy must be a string, not 42"),
    "unknown base key": (lambda text: text.replace("[base]", '[base]\nprimray = "#ffffff"'),
                         r"\[base\] has unknown 'primray'"),
    "unknown meaning": (lambda text: text.replace("[meaning]", '[meaning]\nside-buyy = "red"'),
                        r"\[meaning\] has unknown 'side-buyy'"),
    "bad colour": (lambda text: re.sub(r'(?m)^primary = .*$', 'primary = "#12345"', text),
                   r"\[base\] primary = '#12345' is not a colour"),
    "bad style": (lambda text: re.sub(r'(?m)^muted = .*$', 'muted = "boldish grey"', text), r"muted = 'boldish grey'"),
    "bad variable": (lambda text: text + '\n[variables]\nborder = "#zz0000"\n',
                     r"\[variables\] border = '#zz0000' is not a colour"),
    "dark not a bool": (lambda text: text.replace("dark = true", 'dark = "yes"'), r"dark must be true or false"),
    "name not a string": (lambda text: "name = 7\n" + text, r"name must be a string"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_theme_file_is_one_line_naming_the_file_and_the_problem(own_config, case):
    change, problem = BROKEN[case]
    (own_config / "broken.toml").write_text(change(shipped_text("dark")))
    assert "broken" in themes.available(), "a broken file is still listed"
    with pytest.raises(themes.ThemeError) as raised:
        themes.read("broken")
    message = str(raised.value)
    assert "\n" not in message
    assert str(own_config / "broken.toml") in message
    assert re.search(problem, message), message


def test_an_unknown_theme_names_the_ones_there_are():
    with pytest.raises(themes.ThemeError, match=r"no theme 'nosuch' \(available: ansi, dark, high-contrast, light"):
        themes.read("nosuch")


def test_a_users_theme_overrides_the_shipped_one(own_config):
    navy = shipped_text("light").replace('side-buy = "#0550ae"', 'side-buy = "#000080"')
    (own_config / "light.toml").write_text(navy)
    (own_config / "mine.toml").write_text(shipped_text("dark"))
    assert themes.available() == sorted({*SHIPPED, "mine"})
    assert themes.read("light").meaning["side-buy"] == "#000080"
    assert themes.read("mine").meaning == themes.read("dark").meaning


# -- the app -----------------------------------------------------------------------------------

def test_a_broken_theme_notifies_and_uses_the_default(world, own_config):
    (own_config / "broken.toml").write_text("dark = true\n[meaning\n")
    asyncio.run(_broken_theme(world.app(theme="broken")))


async def _broken_theme(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "blotter-dark"
        assert app.style_of("side-buy") == Style.parse(themes.read("dark").meaning["side-buy"])
        notes = [n.message for n in app._notifications]
        assert any("broken.toml" in n and "using dark" in n for n in notes), notes
        assert all(n.severity == "error" for n in app._notifications if "broken" in n.message)


def test_the_other_themes_come_after_the_first_frame_and_a_broken_default_is_a_warning(world, own_config):
    (own_config / "dark.toml").write_text("dark = true\n[meaning\n")  # the user's own dark, broken
    asyncio.run(_others_later(world.app(theme="light")))


async def _others_later(app) -> None:
    assert set(app.available_themes) & {f"blotter-{n}" for n in themes.available()} == {"blotter-light"}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "blotter-light"
        await until(pilot, lambda: app.get_theme("blotter-ansi") is not None, "the other themes offered")
        assert app.get_theme("blotter-high-contrast") is not None and app.get_theme("blotter-dark") is None
        warned = [n for n in app._notifications if "dark.toml" in n.message]
        assert [n.severity for n in warned] == ["warning"], [n.message for n in app._notifications]


def test_the_app_gives_textual_the_themes_ansi_flag_and_variables(world):
    asyncio.run(_ansi_and_variables(world.app(theme="ansi")))


async def _ansi_and_variables(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_theme.ansi and app.native_ansi_color, "the terminal's own 16 colours, not RGB"
        assert app.current_theme.variables == themes.read("ansi").variables
        assert app.get_theme("blotter-light").variables == themes.read("light").variables


def test_no_color_renders_without_colour(world, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = world.app()
    assert app.no_color, "Textual reads NO_COLOR when the app is made"
    asyncio.run(_no_color(app))


async def _no_color(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        svg = app.export_screenshot()
    default = {  # the SVG export's own default foreground and background
        SVG_EXPORT_THEME.foreground_color.hex[1:].lower(), SVG_EXPORT_THEME.background_color.hex[1:].lower()}
    colours = {c.lower() for c in re.findall(r"(?:fill|color): ?#([0-9a-fA-F]{6})", svg)} - default
    assert colours
    chromatic = {c for c in colours if len({c[0:2], c[2:4], c[4:6]}) > 1}
    assert not chromatic, f"colours on screen with NO_COLOR set: {sorted(chromatic)}"


# -- the command line --------------------------------------------------------------------------

def test_listing_themes_loads_neither_textual_nor_rich():
    code = ("import sys; from blotter.ui.theme import available; available(); "
            "print(sorted(m for m in ('textual', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_list_themes_prints_one_name_a_line(tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "blotter", "--list-themes"], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == SHIPPED
    assert {"dark", "light", "high-contrast", "ansi"} <= set(out.stdout.splitlines())


def test_a_theme_chosen_in_the_palette_brings_its_meanings_to_the_rows_on_screen(world):
    asyncio.run(_switched(world.app(theme="dark")))


async def _switched(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.get_theme("blotter-light") is not None, "the other themes offered")
        table = app.pane("fills").table
        buy = next(n for n, key in enumerate(table.keys) if table.cells(key)[1][0] == "BOT")
        row = buy + 1 - table.scroll_offset.y  # the header is line 0

        def side_colour() -> str | None:
            segments = [s for s in table.render_line(row) if s.text.strip() == "BOT"]
            return segments[0].style.color.name if segments and segments[0].style.color else None

        assert side_colour() == Style.parse(themes.read("dark").meaning["side-buy"]).color.name
        app.theme = "blotter-light"  # what the palette's "Change theme" does
        await pilot.pause()
        light = Style.parse(themes.read("light").meaning["side-buy"]).color.name
        assert light != Style.parse(themes.read("dark").meaning["side-buy"]).color.name
        assert side_colour() == light, "the row kept the start theme's colour for a buy"
        assert app.style_of("state-ok") == Style.parse(themes.read("light").meaning["state-ok"])
        app.theme = "textual-dark"  # one of Textual's own: no meanings of ours
        await pilot.pause()
        assert app.style_of("side-buy") == Style()
