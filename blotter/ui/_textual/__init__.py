"""The seam between the blotter and Textual's internals: every private name of Textual's the UI uses.

- compositor.py: the main screen's `DirtyRowsCompositor` (a subclass of Textual's private Compositor),
  how a screen is given it, and a `Screen.focused` that repaints nothing.
- widgets.py: a new virtual size without a layout (sizing.resize), a table's own vertical scrollbar, a
  border's title set without a repaint, and the hooks a scrollbar and an input override.
- keys.py: Textual's key table and character names, which the blotter reads to undo alt+key.
- theme.py: a theme set before the stylesheet is read (a copy of App._watch_theme, less its CSS refresh).
- startup.py: the frame rate and the interpreter's switch interval, set by `install()`.

Importing any of this changes nothing; `install()` (BlotterApp.__init__ calls it, so every start of
the blotter, its benchmarks and its tests get it before Textual draws) changes what startup.py says.
tests/ui/test_textual_seam.py pins the Textual release this was checked against (BUILT_FOR) and probes
every name in PRIVATE; tests/ui/test_textual_sealed.py finds none of them outside this package.
"""

from __future__ import annotations

import logging
from importlib.metadata import version

from blotter.ui._textual.compositor import DEFAULT_SCREEN_ID, DirtyRowsCompositor, quiet_focused, use_compositor
from blotter.ui._textual.keys import AFTER_ESCAPE, character_to_key
from blotter.ui._textual.startup import FRAMES_PER_SECOND, SWITCH_INTERVAL, set_rates
from blotter.ui._textual.theme import set_theme_unread
from blotter.ui._textual.widgets import (CheckedRepaintScrollBar, ValueHookInput, set_border_text,
                                         update_scrollbars, vertical_scrollbar)

__all__ = ["AFTER_ESCAPE", "BUILT_FOR", "DEFAULT_SCREEN_ID", "FRAMES_PER_SECOND", "PRIVATE", "SWITCH_INTERVAL",
           "CheckedRepaintScrollBar", "DirtyRowsCompositor", "ValueHookInput", "character_to_key", "install",
           "quiet_focused", "set_border_text", "set_theme_unread", "update_scrollbars", "use_compositor",
           "vertical_scrollbar"]

log = logging.getLogger("blotter.ui")

BUILT_FOR = "8.2.8"  # the textual release every name below was checked against

# Textual's name -> (the word the blotter's code uses it by, where here it is used). Each has a probe in
# tests/ui/test_textual_seam.py, and none of the words is in blotter/ outside this package.
PRIVATE: dict[str, tuple[str | None, str]] = {
    "textual._compositor.Compositor": ("textual._compositor", "compositor.DirtyRowsCompositor subclasses it"),
    "textual._compositor.ChopsUpdate": ("textual._compositor", "compositor.DirtyRowsCompositor returns it"),
    "textual._compositor.Compositor._get_renders": ("_get_renders", "compositor.DirtyRowsCompositor overrides it"),
    "textual._compositor.Compositor._dirty_regions": ("_dirty_regions", "compositor.DirtyRowsCompositor reads it"),
    "textual.screen.Screen._compositor": ("_compositor", "compositor.use_compositor replaces it"),
    "textual.screen.Screen.focused": (None, "compositor.quiet_focused declares it again"),  # public, a common word
    "textual.app.App.get_default_screen": ('"_default"', "compositor.DEFAULT_SCREEN_ID is its screen's id"),
    "textual.widget.Widget._scroll_update": ("_scroll_update", "widgets.update_scrollbars calls it"),
    "textual.widget.Widget._vertical_scrollbar": ("_vertical_scrollbar", "widgets.vertical_scrollbar sets it"),
    "textual.app.App._start_widget": ("_start_widget", "widgets.vertical_scrollbar calls it"),
    "textual.widget.Widget._border_title": ("_border_title", "widgets.set_border_text sets it"),
    "textual.widget.Widget._border_subtitle": ("_border_subtitle", "widgets.set_border_text sets it"),
    "textual.widget.Widget._exchange_repaint_regions": ("_exchange_repaint_regions",
                                                       "widgets.CheckedRepaintScrollBar overrides it"),
    "textual.widgets.Input._watch_value": ("_watch_value", "widgets.ValueHookInput overrides it"),
    "textual._ansi_sequences.ANSI_SEQUENCES_KEYS": ("ANSI_SEQUENCES_KEYS", "keys.AFTER_ESCAPE is read from it"),
    "textual.keys._character_to_key": ("_character_to_key", "keys.character_to_key calls it"),
    "textual.app.App._watch_theme": ("_watch_theme", "theme.set_theme_unread is a copy of it"),
    "textual.app.App._refresh_truecolor_filter": ("_refresh_truecolor_filter", "theme.set_theme_unread calls it"),
    "textual.constants.MAX_FPS": ("MAX_FPS", "startup.set_rates sets it"),
    "textual.screen.UPDATE_PERIOD": ("UPDATE_PERIOD", "startup.set_rates sets it"),
}

_installed = False


def install() -> None:
    """Make the process-wide changes the blotter runs with (startup.py). Idempotent."""
    global _installed
    if _installed:
        return
    _installed = True
    if version("textual") != BUILT_FOR:
        log.warning("textual %s, not the %s blotter.ui._textual was checked against: run "
                    "tests/ui/test_textual_seam.py", version("textual"), BUILT_FOR)
    set_rates()
