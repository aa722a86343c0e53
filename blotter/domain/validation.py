"""Order validation before placeOrder: what the exchange would reject, and what a human probably did not mean.

`validate` judges a new order, `validate_modify` a change to a working one, `submit` is the ticket
path (validate, then send only a valid order whose warnings the user confirmed). Problems and blocks
refuse the order; warnings go to the review step. Every message names the field and the figure.
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime, timezone
from decimal import Decimal, localcontext
from typing import Callable, Mapping, Protocol, TypeVar

from blotter.domain import precautions
from blotter.domain.events import ContractRef, OrderFields
from blotter.domain.precautions import Finding, Precautions, Touch
from blotter.domain.prices import MAX_PRICE, plain, show, to_decimal
from blotter.domain.ticket import (
    ORDER_KINDS, SIDES, TIFS, TWS_ZONE, ContractRules, OrderKind, OrderRequest, tws_time, word,
)
from blotter.records import frozen, record

__all__ = ["Finding", "Precautions", "Touch", "Verdict", "submit", "validate", "validate_modify"]
T = TypeVar("T")
_TYPES = ", ".join(list(ORDER_KINDS)[:-1]) + " or " + list(ORDER_KINDS)[-1]
_TIFS = ", ".join(list(TIFS)[:-1]) + " or " + list(TIFS)[-1]
PERCENT_BOUNDS = (Decimal(0), Decimal(100))  # a trailing percent lies strictly between these


@frozen
class Verdict:
    """What validation found: problems (fix them), blocks (hard limits), warnings (confirm them)."""

    problems: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    blocks: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        """Nothing refuses the order (warnings may still need the user's confirmation)."""
        return not self.problems and not self.blocks

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings)


@record
class _Found:
    problems: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    blocks: list[Finding] = field(default_factory=list)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Finding(where, message))

    def warn(self, where: str, message: str) -> None:
        if Finding(where, message) not in self.warnings:
            self.warnings.append(Finding(where, message))

    def block(self, where: str, message: str) -> None:
        self.blocks.append(Finding(where, message))

    def verdict(self) -> Verdict:
        return Verdict(tuple(self.problems), tuple(self.warnings), tuple(self.blocks))


class Placed(Protocol):
    """A working order as the blotter shows it (an OrderRow fits)."""

    @property
    def contract(self) -> ContractRef: ...
    @property
    def order(self) -> OrderFields: ...


def _text(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:37] + "..."


def validate(request: OrderRequest, rules: ContractRules, quote: Touch | None = None,
             limits: Precautions = Precautions(), now: datetime | None = None, *,
             tws_zone: str = TWS_ZONE) -> Verdict:
    """Judge a new order against its contract's rules and the precautions. Never raises.

    `now` is aware (naive reads as UTC); a GTD time without a zone is in `tws_zone`, as TWS reads it.
    """
    found = _Found()
    side = word(request.side)
    if side not in SIDES:
        found.problem("side", f"side {_text(request.side) or '(none)'} is not BUY or SELL")
    _contract(request, rules, found)
    kind = _type_and_tif(request, rules, found, now, tws_zone)
    prices = _prices(request, rules, kind, found)
    quantity = _size(request, rules, found)
    if side in SIDES:
        precautions.check(side, quantity, kind, prices, rules, quote, limits, found.warn, found.block)
    return found.verdict()


def validate_modify(original: Placed, request: OrderRequest, rules: ContractRules, quote: Touch | None = None,
                    limits: Precautions = Precautions(), now: datetime | None = None, *,
                    tws_zone: str = TWS_ZONE) -> Verdict:
    """Judge a change to a working order: what TWS will not let change, then every rule of a new order."""
    found = _Found()
    order, contract = original.order, original.contract
    status = getattr(original, "status", None)
    if status is not None and not getattr(status, "working", True):
        found.problem("order", f"the order is {getattr(status, 'value', status)}: only a working order can be "
                               f"modified")
    change = "cancel it and place a new order"
    if word(request.side) != word(order.action):
        found.problem("side", f"side cannot change from {order.action} to {_text(request.side)}: {change}")
    if word(request.symbol) not in {word(contract.symbol), word(contract.local_symbol)} - {""}:
        found.problem("symbol", f"symbol cannot change from {contract.display} to {_text(request.symbol)}: "
                                f"{change}")
    if word(request.order_type) != word(order.order_type):
        found.problem("order_type", f"order type cannot change from {order.order_type} to "
                                    f"{_text(request.order_type)} on a working order: {change}")
    filled, quantity = to_decimal(getattr(original, "filled", 0)), to_decimal(request.quantity)
    if filled and quantity is not None and 0 < quantity < filled:
        found.problem("quantity", f"quantity {plain(quantity)} is below the {plain(filled)} already filled")
    base = validate(request, rules, quote, limits, now, tws_zone=tws_zone)
    taken = {f.field for f in found.problems}
    return Verdict(tuple(found.problems) + tuple(f for f in base.problems if f.field not in taken),
                   base.warnings, base.blocks)


def submit(request: OrderRequest, rules: ContractRules, place: Callable[[OrderFields], T], *,
           quote: Touch | None = None, limits: Precautions = Precautions(), now: datetime | None = None,
           confirmed: bool = False, tws_zone: str = TWS_ZONE) -> tuple[Verdict, T | None]:
    """The ticket path: `place(fields)` runs only for a valid order whose warnings the user confirmed."""
    verdict = validate(request, rules, quote, limits, now, tws_zone=tws_zone)
    if not verdict.ok or (verdict.warnings and not confirmed):
        return verdict, None
    return verdict, place(request.to_fields())


def _contract(request: OrderRequest, rules: ContractRules, found: _Found) -> None:
    symbol = word(request.symbol)
    if rules.symbol and symbol not in {word(rules.symbol), word(rules.local_symbol)}:
        found.problem("symbol", f"symbol {_text(request.symbol) or '(none)'} is not this ticket's contract "
                                f"{rules.name}")
    hint = word(request.sec_type)
    if hint and rules.sec_type and hint != rules.sec_type:
        found.problem("sec_type", f"{rules.name} is {rules.sec_type}, not {_text(hint)}")


def _type_and_tif(request: OrderRequest, rules: ContractRules, found: _Found, now: datetime | None,
                  tws_zone: str) -> OrderKind | None:
    """Order type and TIF: known, offered for the contract, and in a combination that makes sense."""
    kind = ORDER_KINDS.get(word(request.order_type))
    if kind is None:
        found.problem("order_type", f"order type {_text(request.order_type) or '(none)'} is not supported "
                                    f"here: use {_TYPES}")
    elif not rules.offers(kind.details):
        found.problem("order_type", f"order type {kind.name} is not offered for {rules.name}")
    tif = word(request.tif) or "DAY"
    if tif not in TIFS:
        found.problem("tif", f"TIF {_text(tif)} is not supported here: use {_TIFS}")
    elif not rules.offers((TIFS[tif],)):
        found.problem("tif", f"TIF {tif} is not offered for {rules.name}")
    elif kind is not None and kind.auction and tif != "DAY":
        found.problem("tif", f"TIF {tif} is not allowed with {kind.name}: MOC and LOC are DAY only")
    elif kind is not None and tif == "OPG" and kind.name not in ("MKT", "LMT"):
        found.problem("tif", f"TIF OPG is not allowed with {kind.name}: OPG goes with MKT or LMT only")
    shown = request.gtd_text
    if tif == "GTD":
        when = tws_time(shown, tws_zone)  # judged as sent: the text TWS will read
        moment = now or datetime.now(timezone.utc)
        moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
        if not shown:
            found.problem("gtd", "GTD needs a date and time, e.g. 20261120 16:00:00 US/Eastern")
        elif when is None:
            found.problem("gtd", f"GTD {_text(shown)} is not a TWS time: use YYYYMMDD HH:MM:SS [zone]")
        elif when <= moment:
            found.problem("gtd", f"GTD {shown} is not in the future")
    elif shown:
        found.problem("gtd", f"a GTD date needs TIF GTD, not {_text(tif)}")
    if request.outside_rth and kind is not None and kind.name == "MKT" and rules.sec_type == "STK":
        found.problem("outside_rth", "outside RTH is not allowed with MKT on stocks: use a limit order")
    return kind


def _prices(request: OrderRequest, rules: ContractRules, kind: OrderKind | None,
            found: _Found) -> dict[str, tuple[str, Decimal]]:
    """What each price means for this order type, and each one on its grid; returns the valid ones."""
    given = {name: value for name, value in (("lmt_price", request.lmt_price), ("aux_price", request.aux_price),
                                             ("trail_stop_price", request.trail_stop_price)) if value is not None}
    labels = {"lmt_price": "limit", "aux_price": (kind.aux if kind is not None and kind.aux else "stop"),
              "trail_stop_price": "trail stop"}
    percent = request.trailing_percent
    if kind is not None:
        name = kind.name
        if not kind.limit and not kind.aux:
            for where in [*given, *(["trailing_percent"] if percent is not None else [])]:
                found.problem(where, f"{name} carries no price")
            given = {}
        else:
            _needs(kind, given, percent is not None, found)
            if not kind.limit:
                given.pop("lmt_price", None)
            if not kind.aux:
                given.pop("aux_price", None)
            if not kind.trailing:
                given.pop("trail_stop_price", None)
    valid: dict[str, tuple[str, Decimal]] = {}
    grid = rules.grid
    if given and not grid.known:
        found.warn("lmt_price", f"no price increment known for {rules.name}: prices not checked against a grid")
    for where, value in given.items():
        price = _price(where, labels[where], value, rules, found)
        if price is not None:
            valid[where] = (labels[where], price)
    if percent is not None and (kind is None or kind.trailing):
        number = to_decimal(percent)
        low, high = PERCENT_BOUNDS
        if number is None or not low < number < high:
            found.problem("trailing_percent", f"trailing percent {_text(percent)} must be above {low} and "
                                              f"below {high}")
    return valid


def _needs(kind: OrderKind, given: Mapping[str, object], percent: bool, found: _Found) -> None:
    """The prices an order type must and must not carry."""
    name = kind.name
    if "lmt_price" in given and not kind.limit:
        found.problem("lmt_price", f"{name} carries no limit price")
    if kind.limit and "lmt_price" not in given:
        found.problem("lmt_price", f"{name} needs a limit price")
    if "aux_price" in given and not kind.aux:
        found.problem("aux_price", f"{name} carries no stop price")
    if kind.trailing:
        if "aux_price" not in given and not percent:
            found.problem("aux_price", f"{name} needs a trailing amount or a trailing percent")
        elif "aux_price" in given and percent:
            found.problem("trailing_percent", f"{name} takes a trailing amount or a trailing percent, not both")
        return
    if kind.aux and "aux_price" not in given:
        found.problem("aux_price", f"{name} needs a {kind.aux} price")
    if percent:
        found.problem("trailing_percent", f"{name} carries no trailing percent")
    if "trail_stop_price" in given:
        found.problem("trail_stop_price", f"{name} carries no trail stop price")


def _price(where: str, label: str, value: object, rules: ContractRules, found: _Found) -> Decimal | None:
    """One price: a positive number on the grid of its band, or a problem naming the nearest valid ones."""
    price = to_decimal(value)
    if price is None:
        found.problem(where, f"{label} {_text(value)} is not a price")
        return None
    if price <= 0:
        found.problem(where, f"{label} {plain(price)} must be above 0")
        return None
    if price > MAX_PRICE:
        found.problem(where, f"{label} {_text(plain(price))} is too large to be a price")
        return None
    grid = rules.grid
    if not grid.known or grid.on_grid(price):
        return price
    step, band = grid.step_at(price), grid.describe_band(price)
    below, above = grid.below(price), grid.above(price)
    nearest = " or ".join(show(p, grid.step_at(p)) for p in (below, above) if p is not None)
    found.problem(where, f"{label} {plain(price)} is not on the {plain(step)} grid"
                         f"{f' ({band})' if band else ''}: nearest {nearest}")
    return None


def _size(request: OrderRequest, rules: ContractRules, found: _Found) -> Decimal | None:
    """The quantity: positive, whole where only whole units trade, on the size increment, at least the minimum."""
    quantity = to_decimal(request.quantity)
    if quantity is None:
        found.problem("quantity", f"quantity {_text(request.quantity) or '(none)'} is not a number")
        return None
    shown = plain(quantity)
    if quantity <= 0:
        found.problem("quantity", f"quantity {shown} must be above 0")
        return None
    if quantity > MAX_PRICE:
        found.problem("quantity", f"quantity {_text(shown)} is too large")
        return None
    step, least = rules.size_increment, rules.min_size
    with localcontext(prec=80):
        whole, rest = divmod(quantity, step) if step > 0 else (quantity, Decimal(0))
    if rules.whole_units and quantity != quantity.to_integral_value():
        found.problem("quantity", f"quantity {shown} is fractional: {rules.name} trades in whole units only")
    elif rest:
        nearest = " or ".join(plain(q.normalize()) for q in (whole * step, (whole + 1) * step) if q >= least)
        found.problem("quantity", f"quantity {shown} is not a multiple of the size increment "
                                  f"{plain(step.normalize())}: nearest {nearest}")
    elif quantity < least:
        found.problem("quantity", f"quantity {shown} is below the minimum size {plain(least.normalize())}")
    else:
        return quantity
    return None
