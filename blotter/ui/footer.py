"""The key bar, re-made only when the keys it shows change.

Textual's Footer re-mounts every key label each time the screen's bindings are looked at again, which
is on every move of the focus: a `/` opening a filter line, Enter or Esc closing it. Each re-mount is
a layout of the whole screen, and they were most of what a `/` cost (two to four layouts of 10-15 ms
with 100,000 fills held, bench/scale.py's machine). The keys shown are mostly the app's, the same
whichever table or filter line has the focus.
"""

from __future__ import annotations

from typing import Hashable

from textual.screen import Screen
from textual.widgets import Footer


class KeyBar(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._shown: Hashable | None = None  # the keys (and their state) last shown

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = self._keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)

    def _keys(self, screen: Screen) -> Hashable:
        """What Footer.compose shows: each shown binding with its state, and the palette's key."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple((binding.key, binding.action, binding.description, enabled, tooltip)
                     for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
                     if binding.show or key == palette)
