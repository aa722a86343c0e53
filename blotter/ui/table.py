"""A table that renders only its visible lines (Textual's line API), for panes that hold a day of fills.

It owns no data: a pane gives it columns, the keys of the rows in view order, and a function that
turns a key into cells. Redrawing a changed row costs one line; adding rows costs an append.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from blotter.records import frozen
from blotter.ui._textual import vertical_scrollbar
from blotter.ui.filtering import Key
from blotter.ui.scrollbar import QuietScrollBar
from blotter.ui.sizing import resize

Cell = tuple[str, str | None]  # text, and the theme meaning that colours it (e.g. "side-buy") or None
LINES_KEPT = 1_000  # rows' drawn lines kept for the next frames (a few screens' worth)
_HEADER = object()  # the header line's key among the drawn lines


@frozen
class Column:
    key: str
    title: str
    width: int
    right: bool = False  # numbers are right-aligned


class LineTable(ScrollView, can_focus=True):
    """Columns over a list of row keys; only visible lines are rendered."""

    # priority: taken by the app as the key comes, not after the key has been handed to the table and
    # bubbled back up through the pane and the screen (each hop a message queue that waits behind a
    # frame or a pump under a flood). Only while the table itself has the focus, as before.
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, priority=True),
        Binding("down,j", "cursor(1)", "Down", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True),
        Binding("pagedown", "page(1)", "Page down", show=False, priority=True),
        Binding("home,g", "edge(0)", "First", show=False, priority=True),
        Binding("end,G", "edge(1)", "Last", show=False, priority=True),
    ]

    DEFAULT_CSS = """
    LineTable { height: 1fr; overflow-x: auto; overflow-y: auto; scrollbar-size: 1 1; }
    """

    class Highlighted(Message):
        """The cursor moved to another row (key None: the table is empty)."""

        def __init__(self, table: "LineTable", key: Key | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

    def __init__(self, columns: Sequence[Column], cells: Callable[[Key], list[Cell]],
                 style_of: Callable[[str], Style], *, id: str | None = None, follow: bool = False) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.cells = cells
        self.style_of = style_of
        self.keys: list[Key] = []
        self._positions: dict[Key, int] | None = {}  # key -> line; None: to be made when next asked
        self.ascending = False  # the keys are in ascending order: a key's line is bisected for, no index kept
        self.cursor = 0
        self.follow = follow  # keep the cursor on the newest row while it is on the last one
        self._width = sum(c.width + 1 for c in self.columns)
        # Drawing: the look the lines were drawn with (the table's style, the app's theme), that style,
        # the styles by (meaning, cursor) and each row's cells and line by (key, cursor); cursor: None off
        # the cursor's line, else how the cursor looks ("cursor", or "cursor-blur" when the table has
        # not the focus: a move of the focus draws the cursor's line again, not every line)
        self._look: tuple[Style, str] | None = None
        self._base = Style()
        self._styles: dict[tuple[str | None, str | None], Style] = {}
        self._lines: dict[tuple[Key, str | None], tuple[list[Cell], Strip]] = {}
        self._sized()

    @property
    def vertical_scrollbar(self) -> QuietScrollBar:
        """Textual's own, made as Textual makes it, but drawn again only when it shows something else."""
        return vertical_scrollbar(self, QuietScrollBar)

    # -- data --------------------------------------------------------------------------------

    def set_keys(self, keys: list[Key], *, narrower: bool = False, ascending: bool = False) -> None:
        """Replace every row (a new filter or sort); keeps the cursor on the same key if it is still there.
        The table keeps the list it is given (a day of fills is not copied for every filter keystroke).
        `narrower`: the new keys are some of the rows in view, in the same order, so the cursor's row is
        looked for only where it can now be (a keystroke with the cursor on the day's last fill would
        otherwise compare it with every fill before it). `ascending`: the keys are in ascending order (row
        numbers in arrival order), and rows appended later come after them."""
        self.ascending = ascending
        if ascending:
            self._positions = None
        current, cursor, dropped = self.current_key, self.cursor, len(self.keys) - len(keys)
        if narrower and not dropped:  # some of the rows in view, in order, and as many: all of them
            self.keys = keys  # nothing on screen changes (a letter every fill has: `isl`, an exec id's start)
            return
        self.keys = keys
        self._positions = None  # made when next asked: a filter keystroke over a day of fills skips it
        if current is not None:
            try:
                self.cursor = keys.index(current, max(cursor - dropped, 0) if narrower else 0)
            except ValueError:
                pass
        self.cursor = min(self.cursor, max(len(self.keys) - 1, 0))
        self._sized()
        self.refresh()
        self._announce()

    def append(self, keys: Sequence[Key]) -> None:
        """Add rows at the end: only the new lines are drawn."""
        if not keys:
            return
        at_end = self.follow and self.cursor >= len(self.keys) - 1
        start = len(self.keys)
        if self._positions is not None:
            for at, key in enumerate(keys, start):
                self._positions[key] = at
        self.keys.extend(keys)
        self._sized()
        self.refresh_lines(start + 1, len(keys))
        if at_end:
            self.move_to(len(self.keys) - 1)

    def update(self, keys: Sequence[Key]) -> None:
        """Redraw these rows if they are in view."""
        for key in keys:
            index = self._line_of(key)
            if index is not None:
                self.refresh_line(index + 1)

    def update_changed(self) -> None:
        """Redraw the rows in view whose cells are no longer those they were drawn with."""
        top = self.scroll_offset.y
        for index in range(top, min(top + self.size.height - 1, len(self.keys))):
            key = self.keys[index]
            drawn = self._lines.get((key, self._cursor_at(index)))
            if drawn is None or drawn[0] != self.cells(key):
                self.refresh_line(index + 1)

    def replace_key(self, old: Key, new: Key) -> None:
        """A row got a new key (an order's perm id arrived): same line, new key."""
        index = self._line_of(old)
        if index is not None:
            self.keys[index] = new
            if not self.ascending:
                del self._index[old]
                self._index[new] = index
            self.refresh_line(index + 1)

    @property
    def _index(self) -> dict[Key, int]:
        if self._positions is None:
            self._positions = {k: i for i, k in enumerate(self.keys)}
        return self._positions

    def _line_of(self, key: Key) -> int | None:
        """Where the key is in the keys (None: not there)."""
        if not self.ascending:
            return self._index.get(key)
        keys = self.keys
        at = bisect_left(keys, key)  # type: ignore[type-var]
        return at if at < len(keys) and keys[at] == key else None

    def has(self, key: Key) -> bool:
        return self._line_of(key) is not None

    @property
    def current_key(self) -> Key | None:
        return self.keys[self.cursor] if 0 <= self.cursor < len(self.keys) else None

    def _sized(self) -> None:
        """Tell the scroll view how many lines there are (a flood of fills or a filter keystroke then
        costs the lines that changed, not a layout of the screen: see sizing.resize)."""
        resize(self, Size(self._width, len(self.keys) + 1))

    # -- cursor ------------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self.keys:
            return
        index = max(0, min(index, len(self.keys) - 1))
        if index != self.cursor:
            old = self.cursor
            self.cursor = index
            self.refresh_line(old + 1)
            self.refresh_line(index + 1)
            self._announce()
        self.scroll_to_region(Region(0, index + 1, 1, 1), animate=False, force=True)
        if index + 1 - self.scroll_offset.y < 1:  # keep it below the header line
            self.scroll_to(y=max(index, 0), animate=False)

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(self.size.height - 2, 1))

    def action_edge(self, last: int) -> None:
        self.move_to(len(self.keys) - 1 if last else 0)

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.current_key))

    def on_focus(self) -> None:
        self._announce()
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing -----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # the table's style is worked out from every ancestor: once a frame here, not once a line
        look = (self.rich_style, self.app.theme)
        if look != self._look:  # a new look: every line is drawn anew
            self._look, self._base, self._styles, self._lines = look, look[0], {}, {}
        elif len(self._lines) > LINES_KEPT:
            self._lines = {}
        if not self._plain():
            return super().render_lines(crop)
        # What Textual's StylesCache does to a line of a widget with no border, padding, outline, tint,
        # hatch or opacity: fit it to the width, then the app's filters. Done here on the row's own
        # Strip, which is the same object from frame to frame, so the filtered line (and the compositor's
        # cuts of it) are made once, not again each frame as StylesCache's fresh Strip of every line is
        base, background = self.background_colors
        fill = Style(bgcolor=(base + background).rich_color)
        filters = self.app.get_line_filters()
        width = self.size.width
        strips = []
        for y in crop.line_range:
            strip = self.render_line(y).adjust_cell_length(width, fill)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _plain(self) -> bool:
        """Nothing of the table's styles changes its lines on their way to the screen."""
        styles = self.styles
        return (not any(edge for edge, _ in styles.border) and not any(edge for edge, _ in styles.outline)
                and not any(styles.padding) and not styles.tint.a and styles.text_opacity == 1.0
                and self.opacity == 1.0 and (not styles.has_rule("hatch") or styles.hatch == "none")
                and self.border_title is None and self.border_subtitle is None)

    def _style(self, meaning: str | None, cursor: str | None) -> Style:
        style = self._styles.get((meaning, cursor))
        if style is None:
            style = self._base + self.style_of(meaning) if meaning else self._base
            if cursor:
                style += self.style_of(cursor)
            self._styles[(meaning, cursor)] = style
        return style

    def _cursor_at(self, index: int) -> str | None:
        """How the cursor looks on this row: None off the cursor's row."""
        return None if index != self.cursor else "cursor" if self.has_focus else "cursor-blur"

    def render_line(self, y: int) -> Strip:
        """A row's line. A row drawn before with the same cells gives back the same Strip, and Textual,
        which keeps what it made of a Strip on it, does not make it again."""
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:
            key: Key = _HEADER
            cells: list[Cell] = [(c.title, "header") for c in self.columns]
            cursor: str | None = None
        else:
            index = scroll_y + y - 1
            if index >= len(self.keys):
                return Strip.blank(width, self._base)
            key = self.keys[index]
            cells = self.cells(key)
            cursor = self._cursor_at(index)
        drawn = self._lines.get((key, cursor))
        if drawn is not None and drawn[0] == cells:
            strip = drawn[1]
        else:
            segments = []
            for column, (text, meaning) in zip(self.columns, cells):
                text = text if len(text) <= column.width else text[: column.width - 1] + "…"
                text = text.rjust(column.width) if column.right else text.ljust(column.width)
                segments.append(Segment(text + " ", self._style(meaning, cursor)))
            strip = Strip(segments, self._width)
            self._lines[(key, cursor)] = (cells, strip)
        return strip.crop_extend(scroll_x, scroll_x + width, self._style(None, cursor))
