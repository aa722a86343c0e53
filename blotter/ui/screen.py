"""The main screen: a move of the focus repaints what it changes, not every line on the screen.

Textual's `Screen.focused` is a reactive that repaints the whole screen when it changes, so each
switch of pane (1-4), `/` and Esc drew every line of every pane again. What a move of the focus
changes repaints itself: a pane's border (its `:focus-within` style), a table's cursor line (Focus,
Blur), the filter line, the key bar (the bindings it shows).
"""

from __future__ import annotations

from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget


class MainScreen(Screen):
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
