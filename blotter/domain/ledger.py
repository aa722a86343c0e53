"""The day's fills with their commissions, and the sums they make per order and per symbol / currency.

A fill changed in a batch (new, corrected, commission attached) is taken out of the sums as it was
before the batch and put back in as it is after it, so corrections and replays never count twice.
"""

from __future__ import annotations

from decimal import localcontext

from blotter.domain.events import Commission, Execution
from blotter.domain.fills import FillBook
from blotter.domain.keys import OrderKey
from blotter.domain.rows import FillRow, Totals
from blotter.domain.tally import EXACT, Tally, TotalsBook, fee_amounts, trade_amounts


class Ledger:
    """Fills (FillBook), per-order tallies and day totals; `settle` then `flush` at the end of each batch.

    A fill is kept as its row (see fills.py).
    """

    def __init__(self) -> None:
        self._book = FillBook()
        self._tallies: dict[OrderKey, Tally] = {}
        self._totals = TotalsBook()
        self._arrival: list[str] = []  # base execIds in arrival order, for row-by-index access
        self._start: dict[str, FillRow | None] = {}  # fills changed in this batch, as they were before it

    def execution(self, ex: Execution, order_key: OrderKey | None) -> OrderKey | None:
        """Add or correct a fill; the key of its order if the fill changed."""
        return self._changed(self._book.execution(ex, order_key))

    def commission(self, report: Commission) -> OrderKey | None:
        """Attach a commission report (or hold it for its fill); the key of its order if the fill changed."""
        return self._changed(self._book.commission(report))

    def _changed(self, change: tuple[str, FillRow | None, FillRow] | None) -> OrderKey | None:
        if change is None:
            return None
        base, before, after = change
        self._start.setdefault(base, before)  # as it was before the batch
        key = after.order_key
        if key is not None and key not in self._tallies:  # now, so that its order can take the same key
            self._tallies[key] = Tally(key)
        return key

    def tally(self, order_key: OrderKey) -> Tally | None:
        """The sums of an order's fills, as of the last settle."""
        return self._tallies.get(order_key)

    def order_key(self, key: OrderKey) -> OrderKey:
        """The key object this order's fills already hold (a fill may come before its order), else key."""
        tally = self._tallies.get(key)
        return key if tally is None else tally.key  # type: ignore[return-value]

    def settle(self) -> set[OrderKey]:
        """Bring the sums up to date with the fills changed in this batch; the orders whose sums moved."""
        orders: set[OrderKey] = set()
        fills = self._book.fills
        with localcontext(EXACT):
            for base, before in self._start.items():
                after = fills[base]
                traded = before is None or before.exec_id != after.exec_id  # a new fill, or a correction
                if before is not None:
                    self._count(before, -1, traded, orders)
                self._count(after, 1, traded, orders)
        return orders

    def _count(self, fill: FillRow, sign: int, traded: bool, orders: set[OrderKey]) -> None:
        """Add (sign 1) or take back (-1) a fill's fees, and its trade if `traded`, in every sum it is in."""
        trade = trade_amounts(fill) if traded else None
        fees = fee_amounts(fill)
        if trade is None and fees is None:
            return  # no report, or one with nothing set
        self._totals.count(fill.contract, sign, trade, fees, fill.commission_currency)
        key = fill.order_key
        if key is not None:
            orders.add(key)
            tally = self._tallies.get(key)
            if tally is None:
                tally = self._tallies[key] = Tally(key)
            if trade is not None:
                tally.trade(sign, trade)
            if fees is not None:
                tally.fees(sign, fees, fill.commission_currency)

    def flush(self) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
        """(fills added, fills updated, totals changed) since the last flush; call after settle."""
        added, updated = [], []
        fills = self._book.fills
        for base, before in self._start.items():
            if before is None:
                added.append(base)
            elif fills[base] is not before:  # the book makes a new row only when something changed
                updated.append(base)
        self._arrival += added
        self._start = {}
        return tuple(added), tuple(updated), self._totals.flush()

    def row(self, base_id: str) -> FillRow | None:
        return self._book.fills.get(base_id)

    def rows(self) -> list[FillRow]:
        fills = self._book.fills
        return [fills[base] for base in self._arrival]

    def count(self) -> int:
        return len(self._arrival)

    def row_at(self, index: int) -> FillRow:
        """The index-th fill in arrival order (negative counts from the end)."""
        return self._book.fills[self._arrival[index]]

    def by_symbol(self) -> dict[str, Totals]:
        return self._totals.by_symbol()

    def by_currency(self) -> dict[str, Totals]:
        return self._totals.by_currency()

