"""TWS-style precautions: what a human probably did not mean ($1490 typed for $149), judged against the market.

Each check is configurable (None turns it off). Warnings are for the user to confirm in the review
step; blocks refuse the order outright. Without a live quote the checks that need one say so: they
never pass silently.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from blotter.domain.prices import Grid, show, to_decimal
from blotter.domain.ticket import ContractRules, OrderKind
from blotter.records import frozen


@frozen
class Finding:
    """One thing wrong or worth a second look, and the request field it is about."""

    field: str  # the OrderRequest field (lmt_price, quantity, tif...), or "quote" / "order"
    message: str  # what the user reads: names the figure and the exact problem

    def __str__(self) -> str:
        return self.message


@frozen
class Touch:
    """The live market for the contract, in Decimals for the checks: the touch (bid, ask) and the last
    trade (None where unknown). (`reference.Quote` is the same market as shown, in floats and sizes.)"""

    bid: Decimal | None = None
    ask: Decimal | None = None
    last: Decimal | None = None

    @classmethod
    def of(cls, bid: object = None, ask: object = None, last: object = None) -> Touch:
        """From tick values (floats): TWS's -1 / 0 for "no bid" reads as unknown."""
        def real(value: object) -> Decimal | None:
            number = to_decimal(value)
            return number if number is not None and number > 0 else None
        return cls(real(bid), real(ask), real(last))

    def reference(self, side: str) -> tuple[str, Decimal] | None:
        """What a price is compared with: the ask for a buy, the bid for a sell (the last if that is all)."""
        touch = ("ask", self.ask) if side == "BUY" else ("bid", self.bid)
        if touch[1] is not None and touch[1] > 0:
            return touch  # type: ignore[return-value]
        return ("last", self.last) if self.last is not None and self.last > 0 else None


@frozen
class Precautions:
    """The precautionary settings: warn above each figure, block above the hard limits (None: off)."""

    max_pct_away: Decimal | None = Decimal(5)  # a price more than 5 % from the ask (buy) / bid (sell)
    max_ticks_away: int | None = None  # a price more than N increments from it (off by default)
    max_value: Decimal | None = Decimal(50_000)  # quantity x price x multiplier, in the contract's currency
    max_size: Decimal | None = Decimal(1_000)  # quantity
    block_pct_through: Decimal | None = Decimal(10)  # a limit more than 10 % through the market: refused
    block_sec_types: frozenset[str] = frozenset({"STK"})  # where that hard limit applies (as IB does)
    block_value: Decimal | None = None  # a hard cap on the order's value
    block_size: Decimal | None = None  # a hard cap on the quantity


def _pct(value: Decimal) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def _size(value: Decimal) -> str:
    return f"{value.normalize():,f}"


Add = Callable[[str, str], None]


def check(side: str, quantity: Decimal | None, kind: OrderKind | None, prices: dict[str, tuple[str, Decimal]],
          rules: ContractRules, quote: Touch | None, limits: Precautions, warn: Add, block: Add) -> None:
    """Every precaution for an order whose valid prices are `prices` (field -> (label, price))."""
    ref = quote.reference(side) if quote is not None else None
    compared = {f: lp for f, lp in prices.items() if f != "aux_price" or (kind is not None and not kind.trailing)}
    if ref is None and compared:
        unchecked = " and ".join(f"{label} {_show(price, rules.grid)}" for label, price in compared.values())
        warn("quote", f"no live quote for {rules.name}: {unchecked} not checked against the market")
    elif ref is not None:
        for f, (label, price) in compared.items():
            _against_market(f, label, price, side, kind, ref, rules, limits, warn, block)
    if quantity is None or quantity <= 0:
        return
    _caps(f"quantity {_size(quantity)}", quantity, limits.max_size, limits.block_size, "size limit", _size,
          warn, block)
    at = compared.get("lmt_price") or compared.get("aux_price") or (("", ref[1]) if ref is not None else None)
    if at is None:  # a market-like order without a quote (a bad price has its own problem)
        if kind is not None and not kind.limit and (not kind.aux or kind.trailing) \
                and (limits.max_value is not None or limits.block_value is not None):
            warn("quote", f"no live quote for {rules.name}: the value of this {kind.name} order is unknown")
        return
    value = quantity * at[1] * rules.multiplier
    _caps(f"value {_amount(value)} {rules.currency}", value, limits.max_value, limits.block_value, "limit",
          _amount, warn, block)


def _caps(what: str, figure: Decimal, soft: Decimal | None, hard: Decimal | None, name: str,
          fmt: Callable[[Decimal], str], warn: Add, block: Add) -> None:
    if hard is not None and figure > hard:
        block("quantity", f"{what} is above the hard {name} of {fmt(hard)}")
    elif soft is not None and figure > soft:
        warn("quantity", f"{what} is above your {fmt(soft)} {name}")


def _against_market(field: str, label: str, price: Decimal, side: str, kind: OrderKind | None,
                    ref: tuple[str, Decimal], rules: ContractRules, limits: Precautions, warn: Add,
                    block: Add) -> None:
    name, market = ref
    grid = rules.grid
    direction = "above" if price > market else "below"
    where = f"{label} {_show(price, grid)} is {{}} {direction} the {name} {_show(market, grid)}"
    pct = abs(price - market) / market * 100
    through = price > market if side == "BUY" else price < market
    hard = limits.block_pct_through
    marketable = field == "lmt_price" and kind is not None and kind.name in ("LMT", "LOC")
    if marketable and through and hard is not None and pct > hard and rules.sec_type in limits.block_sec_types:
        block(field, where.format(f"{_pct(pct)}%") + f": more than {_pct(hard)}% through the market is refused")
        return
    if limits.max_pct_away is not None and pct > limits.max_pct_away:
        warn(field, where.format(f"{_pct(pct)}%"))
    elif limits.max_ticks_away is not None and grid.known:
        ticks = grid.ticks_between(price, market)
        if ticks > limits.max_ticks_away:
            warn(field, where.format(f"{ticks:.0f} ticks"))


def _show(price: Decimal, grid: Grid) -> str:
    return show(price, grid.step_at(price)) if grid.known else str(price)
