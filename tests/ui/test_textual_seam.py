"""The Textual release blotter.ui._textual was checked against, and every private name, signature and
behaviour of Textual's the UI relies on. A new Textual fails exactly these tests, each saying what to
re-check: an override Textual no longer calls fails silently (the slow path it replaced comes back).
"""

from __future__ import annotations

import hashlib
import inspect
import pkgutil
import tomllib
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import textual
from textual.screen import Screen

from blotter.ui._textual import AFTER_ESCAPE, BUILT_FOR, PRIVATE, CheckedRepaintScrollBar, DirtyRowsCompositor, \
    ValueHookInput, character_to_key
from blotter.ui.screen import MainScreen

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
AFTER_A_BUMP = ("re-check the code this message names, run tests/ui (the snapshots, test_partial_updates) and "
                "bench/latency.py and bench/scale.py, then update BUILT_FOR (blotter/ui/_textual/__init__.py) "
                "and this file")


def test_textual_is_the_release_the_seam_was_checked_against():
    names = "\n".join(f"  {name}: {where}" for name, (_, where) in PRIVATE.items())
    pinned = [d for d in tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"] if d.startswith("textual")]
    assert version("textual") == BUILT_FOR and pinned == [f"textual=={BUILT_FOR}"], (
        f"textual {version('textual')} installed and {pinned} in pyproject.toml, but blotter.ui._textual was "
        f"checked against {BUILT_FOR}. Re-check each private name it uses (the other tests in this file say "
        f"which changed):\n{names}\n{AFTER_A_BUMP}")


@cache
def instance(cls: type) -> Any:
    return cls()


def resolve(dotted: str) -> Any:
    """What a dotted name names; an attribute only instances have (set in __init__) on a fresh instance."""
    try:
        return pkgutil.resolve_name(dotted)
    except AttributeError:
        owner, _, name = dotted.rpartition(".")
        return getattr(instance(pkgutil.resolve_name(owner)), name)


def source(dotted: str) -> str:
    obj = resolve(dotted)
    return inspect.getsource(getattr(obj, "fget", obj))  # a property: its getter


@pytest.mark.parametrize("name", sorted(PRIVATE))
def test_a_private_name_of_textuals_the_seam_uses_is_there(name):
    try:
        resolve(name)
    except (AttributeError, ImportError) as exc:
        pytest.fail(f"textual {version('textual')} has no {name} ({exc}): {PRIVATE[name][1]}; {AFTER_A_BUMP}")


# what the seam (or the UI) does Textual's way, or relies on Textual doing: the source it was written
# against, by its digest
COPIED = [
    ("textual._compositor.Compositor.render_partial_update", "888dccc892d8ecc2",
     "DirtyRowsCompositor reads _dirty_regions before it, and it renders the box around them"),
    ("textual._compositor.Compositor._render_chops", "ca8c3359d7afd017",
     "it calls _get_renders(crop), DirtyRowsCompositor's, and takes each widget's lines from region & clip"),
    ("textual._compositor.Compositor._get_renders", "8ac93299aa5d3bef",
     "DirtyRowsCompositor yields what it yields, front to back, for fewer rows"),
    ("textual._compositor.Compositor.update_widgets", "86c02b2f8d6d93dd",
     "it asks each widget's _exchange_repaint_regions, CheckedRepaintScrollBar's"),
    ("textual.screen.Screen.__init__", "1f509dabafc58436", "use_compositor replaces the _compositor it makes"),
    ("textual.screen.Screen._update_timer", "6736ab93692ef9ed", "startup.set_rates sets the UPDATE_PERIOD it reads"),
    ("textual.app.App.get_default_screen", "511c6eebbc38d230", "DEFAULT_SCREEN_ID is the id of the screen it makes"),
    ("textual.widget.Widget._scroll_update", "edb9f6257285830d",
     "sizing.resize calls it in place of a layout: it must only update the scrollbars"),
    ("textual.widget.Widget.vertical_scrollbar", "6b140a728f0b50e4", "widgets.vertical_scrollbar is a copy of it"),
    ("textual.widget.Widget._exchange_repaint_regions", "a2d797888f08a6a7",
     "CheckedRepaintScrollBar returns nothing in its place when the bar looks as sent"),
    ("textual.widget._BorderTitle.__set__", "56fa711aecd98f1d",
     "widgets.set_border_text keeps a text as it does, in the same _border_title, less markup and refresh"),
    ("textual.widgets._input.Input._watch_value", "ffa57a58cea18cc5",
     "FilterLine sets the same virtual size first (Size(content_width, 1)) so it lays out nothing"),
    ("textual.reactive.Reactive._check_watchers", "7264430bbdce0b5a",
     "it calls _watch_<name>, ValueHookInput's _watch_value, before watch_<name>"),
    ("textual.app.App._watch_theme", "a6de38d37b42f581",
     "theme.set_theme_unread is a copy of it, less its CSS refresh"),
    ("textual.keys._character_to_key", "422e0a6af915a9c4", "escape_then_key names the key typed after Esc with it"),
    ("textual.widgets._footer.Footer.compose", "8514ae6622cb1844", "KeyBar._keys is what it shows (ui/footer.py)"),
    ("textual.widgets._footer.Footer.bindings_changed", "eb88714081bd2305",
     "KeyBar overrides it, and calls it only when its keys changed (ui/footer.py)"),
    ("textual.widgets._footer.Footer.on_mount", "1a81a045e0f3c6a8",
     "it subscribes bindings_changed, KeyBar's, to the screen's bindings (ui/footer.py)"),
    ("textual._styles_cache.StylesCache.render_widget", "b946353fb1eb72b9",
     "LineTable.render_lines does what it does to a plain widget's lines (ui/table.py)"),
    ("textual._styles_cache.StylesCache.render_line", "928d7496e850dbf6",
     "LineTable.render_lines does what it does to a plain widget's lines (ui/table.py)"),
]


@pytest.mark.parametrize("name, digest, what", COPIED, ids=[c[0] for c in COPIED])
def test_what_the_seam_does_textuals_way_is_what_it_was_written_against(name, digest, what):
    now = hashlib.sha256(source(name).encode()).hexdigest()[:16]
    assert now == digest, f"{name} changed in textual {version('textual')} ({what}): {AFTER_A_BUMP}"


SIGNATURES = [
    ("textual._compositor.Compositor.render_partial_update", "(self) -> 'ChopsUpdate | None'",
     "DirtyRowsCompositor.render_partial_update"),
    ("textual._compositor.Compositor._get_renders",
     "(self, crop: 'Region | None' = None) -> 'Iterable[tuple[Region, Region, list[Strip]]]'",
     "DirtyRowsCompositor._get_renders"),
    ("textual.widget.Widget._scroll_update", "(self, virtual_size: 'Size') -> 'None'", "widgets.update_scrollbars"),
    ("textual.app.App._start_widget", "(self, parent: 'Widget', widget: 'Widget') -> 'None'",
     "widgets.vertical_scrollbar"),
    ("textual.widget.Widget._exchange_repaint_regions", "(self) -> 'Collection[Region]'",
     "CheckedRepaintScrollBar._exchange_repaint_regions"),
    ("textual.widgets.Input._watch_value", "(self, value: 'str') -> 'None'", "ValueHookInput._watch_value"),
    ("textual.keys._character_to_key", "(character: 'str') -> 'str'", "keys.character_to_key"),
    ("textual.app.App._refresh_truecolor_filter", "(self, theme: 'TerminalTheme') -> 'None'",
     "theme.set_theme_unread"),
]


@pytest.mark.parametrize("name, signature, user", SIGNATURES, ids=[s[0] for s in SIGNATURES])
def test_a_signature_the_seam_calls_or_overrides_is_the_same(name, signature, user):
    now = str(inspect.signature(resolve(name)))
    assert now == signature, f"{name} is now {now} in textual {version('textual')}: re-check {user}"


OVERRIDES = [(DirtyRowsCompositor, "render_partial_update"), (DirtyRowsCompositor, "_get_renders"),
             (CheckedRepaintScrollBar, "_exchange_repaint_regions"), (ValueHookInput, "_watch_value")]


@pytest.mark.parametrize("cls, name", OVERRIDES, ids=[f"{c.__name__}.{n}" for c, n in OVERRIDES])
def test_a_method_the_seam_overrides_is_still_the_base_classes_to_override(cls, name):
    base = cls.__mro__[1]
    assert name in vars(cls) and callable(getattr(base, name, None)), (
        f"{base.__name__} has no {name} in textual {version('textual')}: {cls.__name__}.{name} is never called")
    assert inspect.signature(getattr(cls, name)) == inspect.signature(getattr(base, name))


def test_screen_focused_is_declared_again_as_textual_declares_it_but_its_repaint():
    """MainScreen's `focused` replaces Screen's: the same reactive, save that a move repaints nothing."""
    theirs, ours = ({item[0]: item[1] for item in r.__rich_repr__()} for r in (Screen.focused, MainScreen.focused))
    assert theirs.pop("repaint") is True and ours.pop("repaint") is False
    assert ours == theirs, f"textual {version('textual')} declares Screen.focused as {theirs}: re-check quiet_focused"


def test_a_screen_draws_with_the_compositor_it_keeps_as__compositor():
    screen = Screen()
    assert type(screen._compositor).__name__ == "Compositor" and isinstance(screen._compositor._dirty_regions, set)
    assert isinstance(inspect.getattr_static(type(screen._compositor), "visible_widgets"), property)


def test_only_the_modules_startup_sets_read_the_frame_rate():
    """set_rates sets MAX_FPS and UPDATE_PERIOD where Textual reads them; a copy elsewhere would keep 60."""
    root = Path(textual.__file__).parent
    for name, where in (("MAX_FPS", {"constants.py", "screen.py"}), ("UPDATE_PERIOD", {"screen.py"})):
        users = {str(p.relative_to(root)) for p in root.rglob("*.py") if name in p.read_text(encoding="utf-8")}
        assert users == where, f"{name} is read in {sorted(users)}: re-check blotter/ui/_textual/startup.py"


def test_textual_reads_esc_and_a_character_as_these_characters():
    """What escape_then_key undoes: macOS's Option characters for Esc then a digit, - or =."""
    assert AFTER_ESCAPE == {"§": "6", "¡": "1", "™": "2", "£": "3", "¢": "4", "∞": "5", "¶": "7", "•": "8",
                            "ª": "9", "º": "0", "–": "-", "≠": "="}, "re-check blotter.ui.bindings.escape_then_key"
    assert [character_to_key(c) for c in "a1-=§!"] == ["a", "1", "minus", "equals_sign", "section_sign",
                                                      "exclamation_mark"]


TESTS_USE = [  # private names the tests reach for to watch the app (not the seam's: listed so a bump names them)
    ("textual.app.App._display", "tests/ui/conftest.py Terminal, test_scrollbar: every frame written"),
    ("textual.app.App._driver", "tests/ui/conftest.py burst: keys as one read from the terminal"),
    ("textual.app.App._notifications", "test_themes, test_journal_ui: the notifications shown"),
    ("textual.widget.Widget._styles_cache", "test_table_lines: the lines Textual styled"),
    ("textual.widgets._footer.FooterKey", "test_footer: the key labels"),
    ("textual._compositor.LayoutUpdate", "test_partial_updates: a full frame"),
    ("textual._compositor.ChopsUpdate", "test_scrollbar: a partial frame"),
]


@pytest.mark.parametrize("name, user", TESTS_USE, ids=[t[0] for t in TESTS_USE])
def test_a_private_name_the_tests_use_is_there(name, user):
    try:
        resolve(name)
    except (AttributeError, ImportError) as exc:
        pytest.fail(f"textual {version('textual')} has no {name} ({exc}): re-check {user}")
