"""Exact running sums of fills for an order or a day bucket, and the day totals by symbol and currency.

Sums are Decimal in a wide context, so adding and taking back a fill (a correction, a replay) is exact
and the figures do not depend on the order the fills arrived in.
"""

from __future__ import annotations

import math
from decimal import Context, Decimal, InvalidOperation

from blotter.domain.events import Commission, ContractRef, Execution
from blotter.domain.rows import ZERO, Totals

EXACT = Context(prec=60)  # wide enough that a day of fills never rounds; sums run inside localcontext(EXACT)
ONE = Decimal(1)
_MULTIPLIERS: dict[str, Decimal] = {}
_DECIMALS: dict[float, Decimal] = {}


def dec(x: float) -> Decimal:
    """A float price as the decimal it was written as (144.8, not 144.8000000000000113686...)."""
    d = _DECIMALS.get(x)
    if d is None:
        if len(_DECIMALS) > 65536:
            _DECIMALS.clear()
        d = _DECIMALS[x] = Decimal(repr(x))
    return d


def unset(x: float | None) -> bool:
    """TWS's unset double (or any non-finite value) that slipped through as a number."""
    return x is None or not math.isfinite(x) or abs(x) >= 1e300


def multiplier(text: str) -> Decimal:
    """The contract multiplier ("" or junk: 1)."""
    m = _MULTIPLIERS.get(text)
    if m is None:
        try:
            m = Decimal(text) if text else ONE
        except InvalidOperation:
            m = ONE
        m = _MULTIPLIERS[text] = m if m.is_finite() and m > 0 else ONE
    return m


def trade_amounts(ex: Execution) -> tuple[bool, Decimal, Decimal, Decimal]:
    """(bought, shares, shares * price, shares * price * multiplier) of one fill."""
    value = ex.shares * dec(ex.price)
    return ex.side in ("BOT", "BUY"), ex.shares, value, value * multiplier(ex.contract.multiplier)


def fee_amounts(c: Commission | None) -> tuple[Decimal | None, Decimal | None]:
    """(commission, realized P&L) of a commission report; None where unknown or unset."""
    if c is None:
        return None, None
    return (None if unset(c.commission) else dec(c.commission),
            None if unset(c.realized_pnl) else dec(c.realized_pnl))


class Tally:
    """Running sums for one order or one totals bucket; `sign` is +1 to add a fill, -1 to take it back.

    Call inside `localcontext(EXACT)` so that no sum rounds.
    """

    __slots__ = ("fills", "shares", "value", "bought", "sold", "bought_notional", "sold_notional",
                 "commission", "pnl", "pnl_fills", "currency")

    def __init__(self) -> None:
        self.fills = self.pnl_fills = 0
        self.shares = self.value = self.bought = self.sold = ZERO
        self.bought_notional = self.sold_notional = self.commission = self.pnl = ZERO
        self.currency = ""

    def trade(self, sign: int, amounts: tuple[bool, Decimal, Decimal, Decimal]) -> None:
        bought, shares, value, notional = amounts
        if sign < 0:
            shares, value, notional = -shares, -value, -notional
        self.fills += sign
        self.shares += shares
        self.value += value
        if bought:
            self.bought += shares
            self.bought_notional += notional
        else:
            self.sold += shares
            self.sold_notional += notional

    def fees(self, sign: int, amounts: tuple[Decimal | None, Decimal | None], currency: str) -> None:
        commission, pnl = amounts
        if commission is not None:
            self.commission += commission if sign > 0 else -commission
            if currency and sign > 0:
                self.currency = currency
        if pnl is not None:
            self.pnl += pnl if sign > 0 else -pnl
            self.pnl_fills += sign

    def empty(self) -> bool:
        return not (self.fills or self.pnl_fills or self.shares or self.commission or self.pnl
                    or self.bought_notional or self.sold_notional)

    def avg_price(self) -> float | None:
        return float(EXACT.divide(self.value, self.shares)) if self.shares else None

    def freeze(self, key: str) -> Totals:
        return Totals(key, self.fills, self.bought, self.sold, float(self.bought_notional),
                      float(self.sold_notional), float(self.commission), float(self.pnl))


class TotalsBook:
    """Day totals per symbol (ContractRef.display) and per currency, kept up to date fill by fill.

    Trades count in the contract's currency; commission and realized P&L in the report's currency.
    """

    def __init__(self) -> None:
        self._tallies: tuple[dict[str, Tally], dict[str, Tally]] = ({}, {})
        self._rows: tuple[dict[str, Totals], dict[str, Totals]] = ({}, {})
        self._dirty: tuple[set[str], set[str]] = (set(), set())

    def _tally(self, which: int, key: str) -> Tally:
        self._dirty[which].add(key)
        tally = self._tallies[which].get(key)
        if tally is None:
            tally = self._tallies[which][key] = Tally()
        return tally

    def trade(self, contract: ContractRef, sign: int, amounts: tuple[bool, Decimal, Decimal, Decimal]) -> None:
        self._tally(0, contract.display).trade(sign, amounts)
        self._tally(1, contract.currency).trade(sign, amounts)

    def fees(self, contract: ContractRef, sign: int, amounts: tuple[Decimal | None, Decimal | None],
             currency: str) -> None:
        if amounts == (None, None):
            return
        self._tally(0, contract.display).fees(sign, amounts, currency)
        self._tally(1, currency or contract.currency).fees(sign, amounts, currency)

    def flush(self) -> bool:
        """Freeze the buckets touched since the last flush; True if any shown figure changed."""
        changed = False
        for tallies, rows, dirty in zip(self._tallies, self._rows, self._dirty):
            for key in dirty:
                tally = tallies[key]
                if tally.empty():
                    del tallies[key]
                    changed |= rows.pop(key, None) is not None
                    continue
                row = tally.freeze(key)
                if rows.get(key) != row:
                    rows[key], changed = row, True
            dirty.clear()
        return changed

    def by_symbol(self) -> dict[str, Totals]:
        return dict(self._rows[0])

    def by_currency(self) -> dict[str, Totals]:
        return dict(self._rows[1])
