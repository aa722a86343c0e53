"""The positions pane: each account's line (net liquidation and P&L), then its positions as TWS values them.

It shares the bottom-left place with the commissions pane: `5` shows it there, `3` the commissions.
"""

from __future__ import annotations

import time as _time
from typing import Callable

from rich.style import Style

from blotter.domain.gap import duration
from blotter.domain.holdings import PositionRow
from blotter.domain.rows import Changes
from blotter.domain.store import Store
from blotter.domain.text import money, price, qty
from blotter.ui.filtering import Key
from blotter.ui.panes import Pane, clock_time
from blotter.ui.table import Cell, Column


def pnl_meaning(value: float | None) -> str | None:
    return None if not value else ("pnl-gain" if value > 0 else "pnl-loss")


class PositionsPane(Pane):
    TITLE = "Positions"
    COLUMNS = [  # what "where am I now?" asks first comes first: a narrow pane shows that much
        Column("symbol", "Symbol", 10), Column("position", "Position", 8, True),
        Column("daily", "Daily P&L", 11, True), Column("unrealized", "Unreal. P&L", 11, True),
        Column("value", "Mkt value", 13, True), Column("avg", "Avg cost", 10, True),
        Column("price", "Price", 10, True), Column("realized", "Real. P&L", 11, True),
        Column("account", "Account", 10),
    ]

    def __init__(self, store: Store, style_of: Callable[[str], Style],
                 clock: Callable[[], float] = _time.time) -> None:
        super().__init__(store, style_of, id="positions")
        self.clock = clock

    def all_keys(self) -> list[Key]:
        return [("account", a.account) for a in self.store.accounts()] + \
               [("position", r.key) for r in self.store.positions()]

    def selected(self) -> PositionRow | None:
        """The position under the cursor (None on an account's line)."""
        key = self.table.current_key
        if not isinstance(key, tuple) or key[0] != "position":
            return None
        return self.store.position(key[1])

    def cells(self, key: Key) -> list[Cell]:
        kind, name = key  # type: ignore[misc]
        if kind == "account":
            a = self.store.account(name)
            if a is None:
                return [("", None)] * len(self.COLUMNS)
            return [(a.account, "header"), ("net liq", "header"), (money(a.daily), pnl_meaning(a.daily)),
                    (money(a.unrealized), pnl_meaning(a.unrealized)), (money(a.net_liquidation), "header"),
                    ("", None), (a.currency, "muted"), (money(a.realized), pnl_meaning(a.realized)),
                    (a.account, "muted")]
        r = self.store.position(name)
        if r is None:
            return [("", None)] * len(self.COLUMNS)
        side = None if not r.position else ("side-buy" if r.position > 0 else "side-sell")
        return [(r.contract.display, None), (qty(r.position), side), (money(r.daily), pnl_meaning(r.daily)),
                (money(r.unrealized), pnl_meaning(r.unrealized)), (money(r.market_value), None),
                (price(r.avg_cost), None), (price(r.market_price), None),
                (money(r.realized), pnl_meaning(r.realized)), (r.account, "muted")]

    def apply(self, changes: Changes) -> None:
        if not (changes.positions or changes.accounts_changed):
            return
        changed = [("position", key) for key in changes.positions]
        accounts = [("account", a.account) for a in self.store.accounts()] if changes.accounts_changed else []
        self.forget([*changed, *accounts])
        if self.sort_column is None and not self._words and self.all_keys() == self.table.keys:
            self.table.update([*changed, *accounts])
            self.retitle()
        else:
            self.rebuild()

    def notes(self) -> list[str]:
        """Each account's buying power and excess liquidity, and how old its figures are; for a day read
        from the journal, the time of the last position it holds (positions are as of then)."""
        notes = []
        now = self.clock()
        if self.store.connection.state is None:  # an earlier day, from the journal
            last = max((r.updated for r in self.store.positions()), default=0.0)
            notes.append(f"as of {clock_time(last)} (last known)" if last else "no positions journaled")
        for a in self.store.accounts():
            parts = [f"BP {money(a.buying_power)}" if a.buying_power is not None else "",
                     f"excess {money(a.excess_liquidity)}" if a.excess_liquidity is not None else ""]
            age = f"as of {duration(now - a.values_at)} ago" if a.values_at else ""  # TWS's every 3 minutes
            notes.append(" ".join(p for p in (a.account, *parts, age) if p))
        return notes + super().notes()
