"""The main screen: what changes is repainted, and only that is drawn again.

Textual's `Screen.focused` is a reactive that repaints the whole screen when it changes, so each
switch of pane (1-4), `/` and Esc drew every line of every pane again. What a move of the focus
changes repaints itself: a pane's border (its `:focus-within` style), a table's cursor line (Focus,
Blur), the filter line, the key bar (the bindings it shows).

And a frame draws only the widgets with a changed region in sight, only on those rows
(`DirtyRowsCompositor`).
"""

from __future__ import annotations

from typing import Iterable

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.reactive import Reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


class DirtyRowsCompositor(Compositor):
    """A partial update draws each widget only on the rows where a changed region crosses it, and not
    where a widget in front of it covers that change.

    Textual (8.2.8) draws a partial update by cropping to the box around all the changed regions and
    rendering in full every widget whose clip (its container's area) meets that box. A new fill
    changes the status line at the top, the fills table in the middle and the totals at the bottom:
    the box is the whole screen, and 18 widgets drew 325 lines (at 160x50, the fills table following
    its last row). Here: 7 widgets, 37 lines. A filter key that keeps the same rows: 14 widgets and
    279 lines before, 3 and 3 here; j in the fills table: 13 and 280, 3 and 31.

    The terminal is sent only the cells inside the changed regions. On each of them the first widget
    front to back paints it, as in Textual; the widgets skipped here paint none of them.
    """

    _changed: list[Region] | None = None  # the changed regions while a partial update is drawn

    def render_partial_update(self) -> ChopsUpdate | None:
        self._changed = list(self._dirty_regions)
        try:
            return super().render_partial_update()
        finally:
            self._changed = None

    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
        changed = self._changed
        if crop is None or not changed:  # a full update, or all of the screen asked for
            yield from super()._get_renders(crop)
            return
        in_front: list[Region] = []  # what is visible of the widgets drawn so far, front to back
        for widget, (region, clip) in self.visible_widgets.items():
            seen = region.intersection(clip)
            parts = [part for part in (seen.intersection(r) for r in changed)
                     if part.area and not any(front.contains_region(part) for front in in_front)]
            in_front.append(seen)
            for top, bottom in _bands(parts):
                rows = Region(seen.x, top, seen.width, bottom - top)
                # the rows as the clip: Textual's chops take the lines drawn from region & clip
                yield region, rows, widget.render_lines(rows.translate((-region.x, -region.y)))


def _bands(parts: Iterable[Region]) -> list[tuple[int, int]]:
    """The rows the regions cover (top, bottom past the end), overlapping or touching runs joined."""
    out: list[tuple[int, int]] = []
    for top, bottom in sorted((part.y, part.bottom) for part in parts):
        if out and top <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], bottom))
        else:
            out.append((top, bottom))
    return out


class MainScreen(Screen):
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name, id, classes)
        self._compositor = DirtyRowsCompositor()
