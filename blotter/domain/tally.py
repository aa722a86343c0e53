"""Exact running sums of fills for an order or a day bucket, and the day totals by symbol and currency.

Sums are Decimal in a wide context, so adding and taking back a fill (a correction, a replay) is exact
and the figures do not depend on the order the fills arrived in.
"""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation

from blotter.domain.events import ContractRef
from blotter.domain.rows import ZERO, FillRow, Totals

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
    return x is None or not -1e300 < x < 1e300  # a NaN compares false too


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


def trade_amounts(fill: FillRow) -> tuple[bool, Decimal, Decimal, Decimal]:
    """(bought, shares, shares * price, shares * price * multiplier) of one fill."""
    value = fill.shares * dec(fill.price)
    return fill.side in ("BOT", "BUY"), fill.shares, value, value * multiplier(fill.contract.multiplier)


def fee_amounts(fill: FillRow) -> tuple[Decimal | None, Decimal | None] | None:
    """(commission, realized P&L) of a fill's report, None where unknown or unset; None if both are."""
    commission, pnl = fill.commission, fill.realized_pnl
    if commission is None and pnl is None:
        return None
    return None if commission is None else dec(commission), None if pnl is None else dec(pnl)


class Tally:
    """Running sums for one order; `sign` is +1 to add a fill, -1 to take it back. `key`: the order's.

    Call inside `localcontext(EXACT)` so that no sum rounds. A sum still the untouched ZERO takes a
    fill's own value object, not a copy of it (most orders fill once).
    """

    __slots__ = ("key", "fills", "shares", "value", "commission", "pnl", "pnl_fills", "currency")

    def __init__(self, key: object = None) -> None:
        self.key = key
        self.fills = self.pnl_fills = 0
        self.shares = self.value = self.commission = self.pnl = ZERO
        self.currency = ""

    def trade(self, sign: int, amounts: tuple[bool, Decimal, Decimal, Decimal]) -> None:
        _, shares, value, _ = amounts
        if sign < 0:
            shares, value = -shares, -value
        self.fills += sign
        total = self.shares
        self.shares = shares if total is ZERO and shares else total + shares
        total = self.value
        self.value = value if total is ZERO and value else total + value

    def fees(self, sign: int, amounts: tuple[Decimal | None, Decimal | None], currency: str) -> None:
        commission, pnl = amounts
        if commission is not None:
            if sign < 0:
                commission = -commission
            total = self.commission
            self.commission = commission if total is ZERO and commission else total + commission
            if currency and sign > 0:
                self.currency = currency
        if pnl is not None:
            if sign < 0:
                pnl = -pnl
            total = self.pnl
            self.pnl = pnl if total is ZERO and pnl else total + pnl
            self.pnl_fills += sign

    def avg_price(self) -> float | None:
        return float(EXACT.divide(self.value, self.shares)) if self.shares else None


class Bucket(Tally):
    """A day bucket's sums (one symbol or one currency): also what was bought and sold, and their notional."""

    __slots__ = ("bought", "sold", "bought_notional", "sold_notional")

    def __init__(self, key: object = None) -> None:
        super().__init__(key)
        self.bought = self.sold = self.bought_notional = self.sold_notional = ZERO

    def trade(self, sign: int, amounts: tuple[bool, Decimal, Decimal, Decimal]) -> None:
        bought, shares, value, notional = amounts  # Tally.trade inline: twice a fill
        if sign < 0:
            shares, value, notional = -shares, -value, -notional
        self.fills += sign
        total = self.shares
        self.shares = shares if total is ZERO and shares else total + shares
        total = self.value
        self.value = value if total is ZERO and value else total + value
        if bought:
            self.bought += shares
            self.bought_notional += notional
        else:
            self.sold += shares
            self.sold_notional += notional

    def empty(self) -> bool:
        return not (self.fills or self.pnl_fills or self.shares or self.commission or self.pnl
                    or self.bought_notional or self.sold_notional)

    def freeze(self, key: str) -> Totals:
        return Totals(key, self.fills, self.bought, self.sold, float(self.bought_notional),
                      float(self.sold_notional), float(self.commission), float(self.pnl))


class TotalsBook:
    """Day totals per symbol (ContractRef.display) and per currency, kept up to date fill by fill.

    Trades count in the contract's currency; commission and realized P&L in the report's currency.
    """

    def __init__(self) -> None:
        self._tallies: tuple[dict[str, Bucket], dict[str, Bucket]] = ({}, {})
        self._rows: tuple[dict[str, Totals], dict[str, Totals]] = ({}, {})
        self._dirty: tuple[set[str], set[str]] = (set(), set())

    def _tally(self, which: int, key: str) -> Bucket:
        self._dirty[which].add(key)
        tally = self._tallies[which].get(key)
        if tally is None:
            tally = self._tallies[which][key] = Bucket(key)
        return tally

    def count(self, contract: ContractRef, sign: int, trade: tuple[bool, Decimal, Decimal, Decimal] | None,
              fees: tuple[Decimal | None, Decimal | None] | None, currency: str) -> None:
        """A fill's trade and / or fees (None: not these) added or taken back."""
        symbol = self._tally(0, contract.display)
        money = contract.currency
        if trade is not None:
            symbol.trade(sign, trade)
            self._tally(1, money).trade(sign, trade)
        if fees is not None:
            symbol.fees(sign, fees, currency)
            self._tally(1, currency or money).fees(sign, fees, currency)

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
