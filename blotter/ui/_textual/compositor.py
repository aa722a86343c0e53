"""The main screen's compositor and the screen-level hooks it needs (Textual's `_compositor` module is private).

Textual (8.2.8) draws a partial update by cropping to the box around all the changed regions and
rendering in full every widget whose clip (its container's area) meets that box. A new fill changes
the status line at the top, the fills table in the middle and the totals at the bottom: the box is
the whole screen, and 18 widgets drew 325 lines (at 160x50, the fills table following its last row).
`DirtyRowsCompositor`: 7 widgets, 37 lines. A filter key that keeps the same rows: 14 widgets and 279
lines before, 3 and 3 here; j in the fills table: 13 and 280, 3 and 31.
"""

from __future__ import annotations

from typing import Iterable

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.reactive import Reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

DEFAULT_SCREEN_ID = "_default"  # the id Textual's own default screen has (App.get_default_screen)


class DirtyRowsCompositor(Compositor):
    """A partial update draws each widget only on the rows where a changed region crosses it, and not
    where a widget in front of it covers that change.

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
        # what is visible of the widgets drawn so far, front to back, as (left, top, right, bottom):
        # plain numbers, as a frame makes these tests for every widget and every change
        in_front: list[tuple[int, int, int, int]] = []
        edges = [(r.x, r.y, r.right, r.bottom) for r in changed]
        for widget, (region, clip) in self.visible_widgets.items():
            seen = region.intersection(clip)
            left, top, right, bottom = seen.x, seen.y, seen.right, seen.bottom
            parts = []
            for x1, y1, x2, y2 in edges:
                x1, y1, x2, y2 = max(x1, left), max(y1, top), min(x2, right), min(y2, bottom)
                if x1 < x2 and y1 < y2 and not _covered(x1, y1, x2, y2, in_front):
                    parts.append((y1, y2))
            in_front.append((left, top, right, bottom))
            for first, end in _bands(parts):
                rows = Region(left, first, right - left, end - first)
                # the rows as the clip: Textual's chops take the lines drawn from region & clip
                yield region, rows, widget.render_lines(rows.translate((-region.x, -region.y)))


def _covered(x1: int, y1: int, x2: int, y2: int, boxes: list[tuple[int, int, int, int]]) -> bool:
    """The box (x1, y1)-(x2, y2) lies inside one of `boxes`."""
    for left, top, right, bottom in boxes:
        if left <= x1 and top <= y1 and x2 <= right and y2 <= bottom:
            return True
    return False


def _bands(rows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The rows (top, bottom past the end) the spans cover, overlapping or touching runs joined."""
    out: list[tuple[int, int]] = []
    for top, bottom in sorted(rows):
        if out and top <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], bottom))
        else:
            out.append((top, bottom))
    return out


def use_compositor(screen: Screen, compositor: Compositor) -> None:
    """Draw `screen` with `compositor` (Textual's Screen makes its own in __init__: call this after)."""
    screen._compositor = compositor


def quiet_focused() -> Reactive[Widget | None]:
    """`Screen.focused` as Textual declares it, but repainting nothing when it changes (a class attribute)."""
    return Reactive(None, repaint=False)
