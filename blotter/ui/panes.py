"""The four panes: open (or finished) orders, fills, commissions and day totals, messages.

Each pane is a titled box around a LineTable. It keeps the keys in view (filtered by `/`, sorted by
`s`) and turns a key into cells. On each batch it is told what changed and redraws only that.
"""

from __future__ import annotations

import time as _time
from decimal import Decimal
from typing import Any, Callable, Iterable

from rich.style import Style
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.widgets import Input

from blotter.domain.keys import OrderKey
from blotter.domain.messages import Severity
from blotter.domain.rows import Changes, FillRow, OrderRow, Totals
from blotter.domain.status import OrderStatus
from blotter.domain.store import Store
from blotter.domain.text import local_clock, money, one_line, price, qty
from blotter.ui._textual import ValueHookInput, set_border_text
from blotter.ui.dialogs import MessageText
from blotter.ui.filtering import Key, keep, narrows, still_to_check, words
from blotter.ui.grams import GramIndex
from blotter.ui.sizing import resize
from blotter.ui.table import Cell, Column, LineTable

STATUS_MEANING = {
    OrderStatus.API_PENDING: "status-pending", OrderStatus.PENDING_SUBMIT: "status-pending",
    OrderStatus.PRE_SUBMITTED: "status-pending", OrderStatus.PENDING_CANCEL: "status-pending",
    OrderStatus.SUBMITTED: "status-working", OrderStatus.FILLED: "status-filled",
    OrderStatus.CANCELLED: "status-cancelled", OrderStatus.API_CANCELLED: "status-cancelled",
    OrderStatus.INACTIVE: "status-rejected", OrderStatus.UNKNOWN: "status-pending",
    OrderStatus.UNREPORTED: "status-cancelled",
}
LIQUIDITY = {1: "add", 2: "rem", 3: "out"}
INDEX_EVERY, INDEX_SLICE = 0.05, 500  # seconds between slices of fills' filter text and bitmaps, fills a slice
INDEX_IDLE, BUSY_FILLS = 1.0, 100  # slicing waits this long after a batch of this many fills (a flood)


def _memo(fn: Callable[[Any], str], size: int = 65_536) -> Callable[[Any], str]:
    """fn with its answers kept (up to `size`, then started afresh): a day of fills repeats its
    prices, sizes and seconds, and formatting them (a time zone, Decimal) costs more than a lookup."""
    seen: dict[Any, str] = {}

    def cached(value: Any) -> str:
        text = seen.get(value)
        if text is None:
            if len(seen) >= size:
                seen.clear()
            text = seen[value] = fn(value)
        return text
    return cached


_clock, _price, _qty, _money = _memo(local_clock), _memo(price), _memo(qty), _memo(money)


def side_meaning(side: str) -> str:
    return "side-buy" if side in ("BUY", "BOT") else "side-sell"


def clock_time(stamp: float) -> str:
    return _time.strftime("%H:%M:%S", _time.localtime(stamp)) if stamp else ""


def ident(order_id: int, perm_id: int) -> str:
    """An order's id as a trader uses it: its API id (negative for bound TWS orders), else p+perm id."""
    return str(order_id) if order_id else f"p{perm_id}"


class FilterLine(ValueHookInput):
    """The filter line: it filters as it is typed, in the same turn as the key, so one frame shows the
    letter and the rows it leaves (not the letter, then the rows a message later). And it lays out only
    itself: Textual's Input sets its virtual size on every key, which lays out the whole screen."""

    def __init__(self, changed: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._changed = changed

    def value_coming(self, value: str) -> None:
        resize(self, Size(self.content_width, 1))  # the size Input then sets is the one already set: no layout

    def value_came(self, value: str) -> None:
        self._changed(value)


class Pane(Vertical):
    """A titled box: a table of rows, a filter line under it, and a sort order."""

    TITLE = ""
    COLUMNS: list[Column] = []
    ROW_NUMBERS = False  # the keys are row numbers, in arrival order unless sorted

    def __init__(self, store: Store, style_of: Callable[[str], Style], *, id: str, follow: bool = False) -> None:
        super().__init__(id=id, classes="pane")
        self.store = store
        self.table = LineTable(self.COLUMNS, self.cells, style_of, id=f"{id}-table", follow=follow)
        self.filter_input = FilterLine(lambda value: self.set_filter(value.strip()), classes="filter",
                                       placeholder="filter: symbol, side, status… (Enter keeps it, Esc clears)")
        self.filter_text = ""
        self._words: list[str] = []
        self._texts: dict[Key, str] = {}  # key -> its cells' text, lower case: what a filter searches
        self._labels = ("", "")  # the border's title and subtitle as last set
        self._whole = False  # the table shows every row, in arrival order
        self.sort_column: int | None = None
        self.sort_descending = False
        self.hint = ""

    def compose(self):  # type: ignore[no-untyped-def]
        yield self.table

    def on_mount(self) -> None:
        self._filtering(False)
        self.rebuild()

    def mount_filter(self) -> None:
        """Mount the filter line: the app does it once the first frame is out (four text fields are a
        tenth of the work before it), `/` before then does it itself. Once mounted it stays, hidden
        when not in use."""
        if self.filter_input.parent is None:
            self.mount(self.filter_input)

    def _filtering(self, on: bool) -> None:
        """Show the filter line, or hide it."""
        self.filter_input.set_class(on, "-active")
        self.filter_input.can_focus = on

    # -- what subclasses say ------------------------------------------------------------------

    def all_keys(self) -> list[Key]:
        raise NotImplementedError

    def cells(self, key: Key) -> list[Cell]:
        raise NotImplementedError

    def apply(self, changes: Changes) -> None:
        """Redraw what these changes touch (default: everything, for small panes)."""
        self.rebuild()

    # -- view ---------------------------------------------------------------------------------

    def matches(self, key: Key) -> bool:
        if not self._words:
            return True
        text = self._text(key)
        return all(word in text for word in self._words)

    def _text(self, key: Key) -> str:
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = self.row_text(key)
        return text

    def row_text(self, key: Key) -> str:
        """What a filter searches in a row: its cells' text, lower case."""
        return " ".join(cell[0] for cell in self.cells(key)).lower()

    def grams(self) -> GramIndex | None:
        """The rows' texts and their letters and pairs of letters, up to date, when the keys are row
        numbers (see filtering.keep); None: the texts are looked up by key."""
        return None

    def _keep(self, keys: list[Key], wanted: list[str]) -> list[Key]:
        index = self.grams()
        text_of = index.texts.__getitem__ if index is not None else self._text  # the index's: a lookup in C
        return keep(keys, text_of, wanted, index=index, ordered=self.sort_column is None)  # type: ignore[arg-type]

    def forget(self, keys: Iterable[Key]) -> None:
        """These rows' text changed: a filter must read them again."""
        for key in keys:
            self._texts.pop(key, None)

    def set_filter(self, text: str) -> None:
        """Filter the view. Words that narrow the last filter search only the rows in view, and only for
        the words those rows may still lack (typing `aapl` searches for `a`, then `aa`..., in fewer rows)."""
        old, self._words = self._words, words(text)
        self.filter_text = text
        if not narrows(old, self._words):
            self.rebuild(narrower=self._whole and bool(self._words))  # every row, now some of them
            return
        check = still_to_check(old, self._words)
        if check:
            self._show(self._keep(self.table.keys, check), narrower=True)
        self.retitle()

    def _show(self, keys: list[Key], *, narrower: bool = False) -> None:
        self.table.set_keys(keys, narrower=narrower, ascending=self.ROW_NUMBERS and self.sort_column is None)
        self._whole = self.sort_column is None and not self._words

    def rebuild(self, *, narrower: bool = False) -> None:
        """Show every row again, filtered and sorted. `narrower`: the new rows are some of those in view,
        in the same order (a filter typed over the whole view); not after the rows themselves changed."""
        keys = self.all_keys()
        if self._words:
            keys = self._keep(keys, self._words)
        if self.sort_column is not None:
            col = self.sort_column
            keys.sort(key=lambda k: _sortable(self.cells(k)[col][0]), reverse=self.sort_descending)
        self._show(keys, narrower=narrower)
        self.retitle()

    def retitle(self) -> None:
        self.label(title=f"{self.TITLE} ({len(self.table.keys)})", subtitle=" · ".join(self.notes()))

    def notes(self) -> list[str]:
        """What the bottom border says: the filter, the sort, and a hint."""
        notes = []
        if self.filter_text:
            notes.append(f"filter: {self.filter_text}")
        if self.sort_column is not None:
            notes.append(f"sort: {self.COLUMNS[self.sort_column].title} {'↓' if self.sort_descending else '↑'}")
        if self.hint:
            notes.append(self.hint)
        return notes

    def label(self, *, title: str, subtitle: str) -> None:
        """Set the box's title and subtitle, redrawing only a border line that changed. (Textual's own
        setters redraw the whole box whether or not the text changed: on every fill, and on every key
        that moves a cursor, that was a repaint of each line of the pane.)"""
        changed = []
        if title != self._labels[0]:
            set_border_text(self, title=title)
            changed.append(0)
        if subtitle != self._labels[1]:
            set_border_text(self, subtitle=subtitle)
            changed.append(self.outer_size.height - 1)
        self._labels = (title, subtitle)
        if changed and self.is_mounted:
            dx, dy = self.content_offset
            self.refresh(*(Region(-dx, y - dy, self.outer_size.width, 1) for y in changed))

    def add_keys(self, keys: list[Key]) -> None:
        """New rows: appended in place when the view is in arrival order, else the view is rebuilt."""
        if self.sort_column is not None:
            self.rebuild()
            return
        self.table.append([k for k in keys if self.matches(k)])
        self.retitle()

    def cycle_sort(self, step: int) -> None:
        """s: sort by the next column (then back to arrival order); S: reverse the direction."""
        if step < 0:
            if self.sort_column is not None:
                self.sort_descending = not self.sort_descending
        elif self.sort_column is None:
            self.sort_column, self.sort_descending = 0, False
        elif self.sort_column + 1 < len(self.COLUMNS):
            self.sort_column += 1
        else:
            self.sort_column = None
        self.rebuild()

    def start_filter(self) -> None:
        self.mount_filter()
        self._filtering(True)
        self.filter_input.value = self.filter_text
        # now, not after a refresh (nor after the mount, if `/` came before the first frame): keys typed
        # on in the same burst go to the line in order, and it reads them once it is mounted
        self.screen.set_focus(self.filter_input)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # the filter line has filtered already

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.set_focus(self.table)  # at once: the next key is for the table
        self._filtering(False)

    def leave_filter(self) -> None:
        """Esc in the filter line: the filter cleared, the line hidden, the table focused."""
        self.filter_input.value = ""
        self._filtering(False)
        self.screen.set_focus(self.table)


def _sortable(text: str) -> tuple[int, Any]:
    """Numbers sort as numbers, everything else as text."""
    try:
        return (0, Decimal(text.replace(",", "").split("/")[0]))
    except ArithmeticError:
        return (1, text.lower())


class OrdersPane(Pane):
    TITLE = "Open orders"
    COLUMNS = [
        Column("time", "Time", 8), Column("id", "Id", 11, True), Column("side", "Side", 4),
        Column("qty", "Qty", 6, True), Column("symbol", "Symbol", 7), Column("type", "Type", 6),
        Column("limit", "Limit", 9, True), Column("status", "Status", 12), Column("filled", "Fill/Rem", 9, True),
        Column("aux", "Aux", 9, True), Column("tif", "TIF", 4), Column("avg", "Avg", 10, True),
        Column("account", "Account", 10), Column("error", "Last error", 48),
    ]

    def __init__(self, store: Store, style_of: Callable[[str], Style]) -> None:
        super().__init__(store, style_of, id="orders")
        self.finished = False

    def all_keys(self) -> list[Key]:
        rows = self.store.done() if self.finished else self.store.working()
        return [row.key for row in rows]

    def row(self, key: Key) -> OrderRow | None:
        return self.store.order(key) if isinstance(key, OrderKey) else None

    def cells(self, key: Key) -> list[Cell]:
        row = self.store.order(key)  # type: ignore[arg-type]
        if row is None:
            return [("", None)] * len(self.COLUMNS)
        o = row.order
        status = row.completed_status if row.completed_status == "Rejected" else row.status_text
        status_meaning = "status-rejected" if status == "Rejected" else STATUS_MEANING[row.status]
        if row.modify_pending:
            status += " (mod)"
        error = f"{row.last_error[0]} {row.last_error[1]}" if row.last_error else ""
        meaning = "severity-error"
        waited = None if error or not row.status.working else self.store.stuck_for(row.key)
        if waited is not None:
            error, meaning = f"no answer from TWS for {waited:.0f} s", "severity-warning"
        gone = self.store.unreported(row.key) if row.status is OrderStatus.UNREPORTED else None
        if gone is not None:
            error, meaning = f"not reported by TWS since {clock_time(gone[0])} (last {gone[1]})", "severity-warning"
        return [
            (clock_time(row.first_seen), "muted"), (ident(row.order_id, row.perm_id), None),
            (o.action, side_meaning(o.action)),
            (qty(o.total_quantity), None), (row.contract.display, None), (o.order_type, None),
            (price(o.lmt_price), None), (status, status_meaning),
            (f"{qty(row.filled)}/{qty(row.remaining)}", None),
            (price(o.aux_price) if o.trailing_percent is None else f"{o.trailing_percent:g}%", None),
            (o.tif or "DAY", None), (price(row.avg_price) if row.avg_price else "", None),
            (o.account, "muted"), (error, meaning if error else None),
        ]

    def apply(self, changes: Changes) -> None:
        self.forget(changes.orders_updated)
        self.forget(changes.orders_removed)
        for old, new in changes.orders_rekeyed:
            self.table.replace_key(old, new)
            self.forget([old])
        moved = [k for k in (*changes.orders_added, *changes.orders_updated)
                 if self.table.has(k) != (self._belongs(k) and self.matches(k))]
        if moved or changes.orders_removed:
            self.rebuild()
        else:
            self.table.update(changes.orders_updated)

    def _belongs(self, key: Key) -> bool:
        row = self.store.order(key)  # type: ignore[arg-type]
        return row is not None and (row.status.done if self.finished else not row.status.done)

    def toggle_finished(self) -> None:
        self.finished = not self.finished
        self.TITLE = "Finished orders" if self.finished else "Open orders"
        self.rebuild()

    def selected(self) -> OrderRow | None:
        key = self.table.current_key
        return self.store.order(key) if key is not None else None  # type: ignore[arg-type]


class FillsPane(Pane):
    TITLE = "Fills"
    ROW_NUMBERS = True
    COLUMNS = [
        Column("time", "Time", 8), Column("side", "Side", 4), Column("qty", "Qty", 6, True),
        Column("symbol", "Symbol", 7), Column("price", "Price", 10, True), Column("exchange", "Exch", 6),
        Column("order", "Order", 11, True), Column("liq", "Liq", 3), Column("comm", "Comm", 7, True),
        Column("ccy", "Ccy", 3), Column("pnl", "Real. P&L", 10, True), Column("exec", "ExecId", 24),
    ]

    def __init__(self, store: Store, style_of: Callable[[str], Style]) -> None:
        """A fill's key in this pane is its row number: the Store never drops a fill, so the numbers
        stay, and a list of a day's row numbers is compact to filter (the fills' own ids are strings
        spread over the heap: a filter keystroke would read each one)."""
        super().__init__(store, style_of, id="fills", follow=True)
        self._ids = [f.base_id for f in store.fills()]  # row number -> the fill's id, in arrival order
        self._rows = list(range(len(self._ids)))  # every row number: the one int object each, as every list here holds
        self._row = dict(zip(self._ids, self._rows))  # the fill's id -> row number
        self._grams = GramIndex()  # the filter text of the first rows (made between frames), and bitmaps
        self._stale: set[int] = set()  # rows indexed whose fill has changed since
        self._busy = 0.0  # when a batch of BUSY_FILLS or more fills last came (monotonic)

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(INDEX_EVERY, self._index_slice)

    @property
    def indexed(self) -> int:
        """How many fills have their filter text ready."""
        return self._grams.rows - len(self._stale)

    def _index_slice(self) -> None:
        """Make the filter text of a slice of fills between frames, so the first `/` on a day of fills
        does not stop the screen while it reads them all. Not while fills pour in: that is idle work."""
        if _time.monotonic() - self._busy >= INDEX_IDLE:
            self._index(INDEX_SLICE)

    def _index(self, most: int | None = None) -> None:
        """Bring `most` (None: all) fills' filter texts up to date: changed ones first, then new ones."""
        index, text = self._grams, self.row_text
        most = len(self._rows) if most is None else most
        while self._stale and most > 0:
            row = self._stale.pop()
            index.change(row, text(row))
            most -= 1
        index.add(map(text, range(index.rows, min(len(self._rows), index.rows + most))))

    def _text(self, key: Key) -> str:
        row: int = key  # type: ignore[assignment]
        if row < self._grams.rows and row not in self._stale:
            return self._grams.texts[row]
        return self.row_text(row)  # made again when the slicing comes to it

    def grams(self) -> GramIndex | None:
        self._index()
        return self._grams

    def forget(self, keys: Iterable[Key]) -> None:
        made = self._grams.rows
        self._stale.update(row for row in keys if row < made)  # type: ignore[operator]

    def all_keys(self) -> list[Key]:
        return list(self._rows)

    def row_text(self, key: Key) -> str:
        """The exec id first: a word typed is often the start of one, which every fill of a session
        shares, so the search for it stops at the first letters instead of after every other cell."""
        cells = self.cells(key)
        return " ".join([cells[-1][0], *(cell[0] for cell in cells[:-1])]).lower()

    def fill_id(self, row: int) -> str:
        """The id (exec id less its correction part) of the fill on this row."""
        return self._ids[row]

    def cells(self, key: Key) -> list[Cell]:
        f: FillRow | None = self.store.fill(self._ids[key])  # type: ignore[index]
        if f is None:
            return [("", None)] * len(self.COLUMNS)
        pnl_meaning = None if not f.realized_pnl else ("pnl-gain" if f.realized_pnl > 0 else "pnl-loss")
        return [
            (_clock(f.time), "muted"), (f.side, side_meaning(f.side)), (_qty(f.shares), None),
            (f.contract.display, None), (_price(f.price), None), (f.exchange, None),
            (ident(f.order_id, f.perm_id), None), (LIQUIDITY.get(f.liquidity, ""), "muted"),
            (_money(f.commission), None), (f.commission_currency, "muted"), (_money(f.realized_pnl), pnl_meaning),
            (f.exec_id, "muted"),
        ]

    def apply(self, changes: Changes) -> None:
        if changes.fills_added:
            if len(changes.fills_added) >= BUSY_FILLS:
                self._busy = _time.monotonic()
            new = [fill_id for fill_id in changes.fills_added if fill_id not in self._row]  # never listed twice
            rows = list(range(len(self._ids), len(self._ids) + len(new)))
            self._ids += new
            self._row.update(zip(new, rows))
            self._rows += rows
            self.add_keys(rows)
        if changes.fills_updated:
            rows = [self._row[fill_id] for fill_id in changes.fills_updated if fill_id in self._row]
            self.forget(rows)
            if self.sort_column is not None:
                self.rebuild()
            else:
                self.table.update(rows)


class TotalsPane(Pane):
    TITLE = "Commissions & day totals"
    COLUMNS = [
        Column("key", "Symbol/Ccy", 10), Column("fills", "Fills", 5, True), Column("bought", "Bought", 8, True),
        Column("sold", "Sold", 8, True), Column("net", "Net", 8, True), Column("comm", "Comm", 9, True),
        Column("pnl", "Real. P&L", 11, True),
    ]

    def all_keys(self) -> list[Key]:
        return [("symbol", k) for k in sorted(self.store.totals_by_symbol())] + \
               [("currency", k) for k in sorted(self.store.totals_by_currency())]

    def cells(self, key: Key) -> list[Cell]:
        kind, name = key  # type: ignore[misc]
        table = self.store.totals_by_symbol() if kind == "symbol" else self.store.totals_by_currency()
        t: Totals | None = table.get(name)
        if t is None:
            return [("", None)] * len(self.COLUMNS)
        pnl_meaning = None if not t.realized_pnl else ("pnl-gain" if t.realized_pnl > 0 else "pnl-loss")
        return [
            (name if kind == "symbol" else f"Σ {name}", None if kind == "symbol" else "header"),
            (str(t.fills), None), (qty(t.bought), "side-buy"), (qty(t.sold), "side-sell"), (qty(t.net), None),
            (money(t.commission), None), (money(t.realized_pnl), pnl_meaning),
        ]

    def apply(self, changes: Changes) -> None:
        """A fill changes a symbol's and a currency's totals: those lines are redrawn, not the table."""
        if changes.totals_changed:
            self.forget(list(self._texts))
            if self.sort_column is None and not self._words and self.all_keys() == self.table.keys:
                self.table.update_changed()
                self.retitle()
                return
            self.rebuild()
        else:
            self.retitle()

    def notes(self) -> list[str]:
        sent, fills, ratio = self.store.efficiency()
        return [f"efficiency {ratio:.2f} ({sent} sent / {fills} fills)" if ratio is not None
                else f"efficiency – ({sent} sent / 0 fills)"]


class MessagesPane(Pane):
    TITLE = "Messages"
    ROW_NUMBERS = True
    COLUMNS = [Column("time", "Time", 8), Column("code", "Code", 5, True), Column("sev", "Kind", 5),
               Column("text", "Message", 120)]
    SEVERITY = {Severity.INFO: "severity-info", Severity.WARNING: "severity-warning",
                Severity.ERROR: "severity-error", Severity.CONNECTIVITY: "severity-connectivity"}

    def __init__(self, store: Store, style_of: Callable[[str], Style]) -> None:
        super().__init__(store, style_of, id="messages", follow=True)

    def all_keys(self) -> list[Key]:
        return list(range(self.store.message_count()))

    BINDINGS = [Binding("enter", "full_text", "Full text", show=False)]

    def cells(self, key: Key) -> list[Cell]:
        m = self.store.message_at(key)  # type: ignore[arg-type]
        meaning = self.SEVERITY[m.severity]
        where = f"#{m.id} " if m.id > 0 else ""
        return [(clock_time(m.time), "muted"), (str(m.code) if m.code else "", meaning),
                (m.severity.value[:5], meaning),
                (where + one_line(m.text), meaning if m.severity is Severity.ERROR else None)]

    def action_full_text(self) -> None:
        """Enter: the selected message as TWS wrote it, every line of it."""
        key = self.table.current_key
        if key is None:
            return
        m = self.store.message_at(key)  # type: ignore[arg-type]
        where = f" · order #{m.id}" if m.id > 0 else ""
        self.app.push_screen(MessageText(f"{clock_time(m.time)} · {m.code} {m.severity.value}{where}", m.text))

    def apply(self, changes: Changes) -> None:
        if changes.messages:
            end = self.store.message_count()
            self.add_keys(list(range(end - len(changes.messages), end)))
