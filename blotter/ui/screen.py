"""The main screen: what changes is repainted, and only that is drawn again.

Textual's `Screen.focused` is a reactive that repaints the whole screen when it changes, so each
switch of pane (1-4), `/` and Esc drew every line of every pane again. What a move of the focus
changes repaints itself: a pane's border (its `:focus-within` style), a table's cursor line (Focus,
Blur), the filter line, the key bar (the bindings it shows).

And a frame draws only the widgets with a changed region in sight, only on those rows
(`DirtyRowsCompositor`, in blotter.ui._textual.compositor).
"""

from __future__ import annotations

from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

from blotter.ui._textual import DirtyRowsCompositor, quiet_focused, use_compositor


class MainScreen(Screen):
    focused: Reactive[Widget | None] = quiet_focused()

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name, id, classes)
        use_compositor(self, DirtyRowsCompositor())
