"""A scrollbar whose cells are sent again only when what it shows changes.

Textual's ScrollBar repaints on every change of its window's size, of the lines behind it and of
the scroll position. With a day of fills and the fills table following its last row, every new fill
changes two of them, and the bar was drawn again (its 16 lines cost 1.4 ms of a 10 ms frame at
100,000 fills, at 160x50) to show the same thumb in the same cell: a row among 100,000 moves it by an
eighth of a cell every few hundred fills.

The test is made when the screen gathers what to draw, on the bar as the frame will show it: between
a new row and the scroll that follows it the thumb is an eighth of a cell off for a moment.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from textual.geometry import Region
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip

from blotter.ui._textual import CheckedRepaintScrollBar


class QuietScrollBar(CheckedRepaintScrollBar):
    _shown: Any = None  # what the whole bar showed when last drawn (None: not known)
    _drawn: tuple[Any, list[Strip]] | None = None  # the last lines made, and for what

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines made last time when nothing they show has changed: a refresh of the table behind
        the bar (each scroll) takes in the bar's cells too."""
        looks = self._looks(super().render())
        key = (looks, crop, tuple(self.app.get_line_filters()))
        if looks is None or self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, super().render_lines(crop))
        if crop == self.size.region:
            self._shown = looks
        elif looks != self._shown:
            self._shown = None
        return self._drawn[1]

    def looks_as_sent(self) -> bool:
        """No cells to send again when the bar, as this frame will show it, looks as it did."""
        return self._shown is not None and self.parent is not None and self._looks(super().render()) == self._shown

    def _looks(self, bar: RenderableType) -> Any:
        """What a drawing of the bar puts on the screen: its cells, their glyphs and their colours."""
        if not isinstance(bar, ScrollBarRender):
            return None  # drawn some other way: always drawn again
        length = self.size.height if self.vertical else self.size.width
        segments = bar.render_bar(size=length, window_size=bar.window_size, virtual_size=bar.virtual_size,
                                  position=bar.position, thickness=self.thickness, vertical=self.vertical)
        return self.size, bar.style, tuple(segments.segments)
