"""Conversions between ibapi's mutable objects and the domain's frozen values (camelCase stops here)."""

from __future__ import annotations

from decimal import Decimal
from sys import intern

from typing import Any

from ibapi.const import UNSET_DECIMAL, UNSET_DOUBLE
from ibapi.contract import Contract, ContractDetails
from ibapi.order import Order
from ibapi.order_state import OrderState

from blotter.domain.events import ContractInfo, ContractRef, OrderFields


def price(value: float | None) -> float | None:
    """A price TWS may leave unset (the max double) as None."""
    if value is None or value == UNSET_DOUBLE or value >= 1.7976931348623157e308:
        return None
    return number(float(value))


def number(value: float) -> float:
    """`value`; a NaN (which the wire's "nan" and a protobuf double can carry) raises: the frame is skipped."""
    if value != value:
        raise ValueError("a price that is not a number")
    return value


def quantity(value: Decimal | None) -> Decimal:
    """A quantity, 0 when unset; NaN or infinity raises (the frame is skipped), as text that is no number does."""
    if value is None or value == UNSET_DECIMAL:
        return Decimal(0)
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"a quantity that is not a number: {amount}")
    return amount


def contract_ref(c: Contract) -> ContractRef:
    """The contract's ContractRef: the same object for the same contract, while it is among the last
    CONTRACTS_KEPT seen (a day of fills holds a few refs, not one per fill; and each is made once)."""
    return contract_ref_of(c.conId, c.symbol, c.secType, c.exchange, c.primaryExchange, c.currency, c.localSymbol,
                           c.tradingClass, c.multiplier, c.lastTradeDateOrContractMonth, c.strike, c.right)


def contract_ref_of(*key: Any) -> ContractRef:
    """contract_ref of the contract's fields, in contract_ref's order (what a protobuf contract gives)."""
    ref = _refs.get(key)
    if ref is None:
        if len(_refs) >= CONTRACTS_KEPT:
            _refs.clear()
        con_id, symbol, sec_type, exchange, primary, currency, local_symbol, trading_class, multiplier, \
            last_trade_date, strike, right = key
        ref = _refs[key] = ContractRef(
            con_id=con_id, symbol=symbol, sec_type=sec_type, exchange=exchange, primary_exchange=primary,
            currency=currency, local_symbol=local_symbol, trading_class=trading_class,
            multiplier=str(multiplier or ""), last_trade_date=last_trade_date, strike=price(strike) or 0.0,
            right="" if right in ("?", "0") else right,
        )
    return ref


CONTRACTS_KEPT = 10_000
_refs: dict[tuple[object, ...], ContractRef] = {}  # used on the ibapi thread only


def order_fields(o: Order) -> OrderFields:
    return order_fields_of(o, quantity(o.totalQuantity), o.lmtPrice, o.auxPrice, o.trailingPercent, o.trailStopPrice)


def order_fields_of(o: object, total_quantity: Decimal, lmt_price: float, aux_price: float,
                    trailing_percent: float, trail_stop_price: float) -> OrderFields:
    """The fields of an order: the quantity as `quantity` gives it, the prices as given (unset as ibapi has
    them), the rest read from `o` by ibapi's names (an ibapi Order, or a protobuf one: the same names, the
    same empty values). The side, type, time in force and account are one string apiece for a whole day
    of orders (they repeat; each openOrder brings its own copies, ~200 bytes an order)."""
    order_type = o.orderType  # type: ignore[attr-defined]
    return OrderFields(
        action=intern(o.action), total_quantity=total_quantity, order_type=intern(order_type),  # type: ignore[attr-defined]
        lmt_price=_carried(lmt_price, order_type in LIMIT_TYPES), aux_price=_carried(aux_price, False),
        tif=intern(o.tif), account=intern(o.account), outside_rth=bool(o.outsideRth),  # type: ignore[attr-defined]
        order_ref=o.orderRef, parent_id=o.parentId, trailing_percent=price(trailing_percent),  # type: ignore[attr-defined]
        trail_stop_price=price(trail_stop_price), good_till_date=o.goodTillDate, oca_group=o.ocaGroup,  # type: ignore[attr-defined]
    )


LIMIT_TYPES = {"LMT", "STP LMT", "LIT", "LOC", "TRAIL LIMIT", "LMT + MKT", "REL + LMT"}


def _carried(value: float, zero_means_price: bool) -> float | None:
    """TWS echoes 0.0 for a price an order does not carry: that reads as no price."""
    p = price(value)
    return None if p is None or (p == 0.0 and not zero_means_price) else p


def margin(text: str) -> float | None:
    """What-if margins arrive as text; unset is the max double or empty."""
    try:
        return price(float(text)) if text else None
    except ValueError:
        return None


def what_if_figures(state: OrderState) -> dict[str, float | None]:
    return {
        "commission": price(state.commissionAndFees),
        "init_margin_change": margin(state.initMarginChange),
        "maint_margin_change": margin(state.maintMarginChange),
        "equity_with_loan_change": margin(state.equityWithLoanChange),
    }


def contract_info(req_id: int, d: ContractDetails) -> ContractInfo:
    return ContractInfo(
        req_id=req_id, contract=contract_ref(d.contract), long_name=d.longName, min_tick=d.minTick,
        market_rule_ids=d.marketRuleIds, order_types=d.orderTypes, valid_exchanges=d.validExchanges,
        min_size=quantity(d.minSize) or Decimal(1), size_increment=quantity(d.sizeIncrement) or Decimal(1),
        time_zone_id=d.timeZoneId, trading_hours=d.tradingHours, liquid_hours=d.liquidHours,
    )


def to_contract(ref: ContractRef) -> Contract:
    c = Contract()
    c.conId = ref.con_id
    c.symbol, c.secType, c.exchange, c.currency = ref.symbol, ref.sec_type, ref.exchange, ref.currency
    c.primaryExchange, c.localSymbol, c.tradingClass = ref.primary_exchange, ref.local_symbol, ref.trading_class
    c.multiplier, c.lastTradeDateOrContractMonth, c.right = ref.multiplier, ref.last_trade_date, ref.right
    c.strike = ref.strike or UNSET_DOUBLE if ref.sec_type in ("OPT", "FOP") else 0.0
    return c


def to_order(fields: OrderFields, what_if: bool = False) -> Order:
    o = Order()
    o.action, o.totalQuantity, o.orderType = fields.action, fields.total_quantity, fields.order_type
    o.lmtPrice = UNSET_DOUBLE if fields.lmt_price is None else fields.lmt_price
    o.auxPrice = UNSET_DOUBLE if fields.aux_price is None else fields.aux_price
    o.tif, o.account, o.outsideRth, o.orderRef = fields.tif, fields.account, fields.outside_rth, fields.order_ref
    o.trailingPercent = UNSET_DOUBLE if fields.trailing_percent is None else fields.trailing_percent
    o.trailStopPrice = UNSET_DOUBLE if fields.trail_stop_price is None else fields.trail_stop_price
    o.goodTillDate, o.ocaGroup, o.parentId = fields.good_till_date, fields.oca_group, fields.parent_id
    o.whatIf = what_if
    return o
