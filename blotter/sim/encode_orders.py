"""Encoders for the order and execution messages TWS sends: openOrder, completedOrder, orderStatus,
orderBound, execDetails, commission report, and their end markers.

Each function returns the message's fields as text, message id first, as real TWS writes them at a
server version in [MIN_SUPPORTED, TEXT_LAST] (and later, until the message turns protobuf: then its
form in blotter.sim.encode_orders_pb); `frames.frame_message` turns either into bytes. Field order
and the values of everything the simulator does not model (scale, hedge, delta-neutral, algo,
conditions...) follow the recorded TWS frames in tests/captures.
"""

from __future__ import annotations

import functools
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from blotter.sim import encode_orders_pb as pb
from blotter.sim import versions as v
from blotter.sim.frames import Message
from blotter.sim.model import Fill, Instrument, SimOrder
from blotter.sim.wire import (
    UNSET_DOUBLE_TEXT,
    UNSET_INT,
    UNSET_LONG,
    fmt,
    fmt_decimal,
    fmt_opt_float,
    fmt_unset_float,
)

# Incoming message ids (TWS -> client).
ORDER_STATUS = "3"
OPEN_ORDER = "5"
EXECUTION_DATA = "11"
OPEN_ORDER_END = "53"
EXECUTION_DATA_END = "55"
COMMISSION_REPORT = "59"
ORDER_BOUND = "100"
COMPLETED_ORDER = "101"
COMPLETED_ORDERS_END = "102"

# What TWS writes for values a client left at their defaults.
OCA_TYPE_DEFAULT = 3  # "reduce on fill without block", reported when the client sent 0
SHAREHOLDER_DEFAULT = "Not an insider or substantial shareholder"
DELTA_NEUTRAL_NONE = "None"  # deltaNeutralOrderType / adjustedOrderType of an order without one

_UNSET_INT = str(UNSET_INT)
_UNSET_LONG = str(UNSET_LONG)
_UNSET = UNSET_DOUBLE_TEXT
_FALSE = "0"


def _num(value: float | None) -> str:
    """A double TWS writes as a bare "0" when zero or absent (order-status prices, strike, cashQty)."""
    return "0" if not value else fmt(float(value))


def _price(value: float | None) -> str:
    """An order's lmtPrice / auxPrice: "0.0" when the order has none (a MKT order's limit)."""
    return fmt(float(value or 0.0))


def _trail_stop(order: SimOrder) -> float | None:
    """The trailing order's stop level: the live one once the simulator tracks it, else the client's."""
    return order.trail_stop if order.trail_stop is not None else order.spec.trail_stop_price


def _order_contract(inst: Instrument) -> list[str]:
    """The contract as openOrder / completedOrder carry it: a zero strike as "0", a blank right as "?"."""
    return [
        str(inst.con_id), inst.symbol, inst.sec_type, inst.last_trade_date, _num(inst.strike),
        inst.right or "?", inst.multiplier, inst.exchange, inst.currency, inst.local_symbol,
        inst.trading_class,
    ]


def _order_head(version: int, order: SimOrder, completed: bool) -> list[str]:
    """The order fields from action to `solicited`, shared by openOrder and completedOrder.

    completedOrder leaves out clientId, sharesAllocation, auctionStrategy, blockOrder, the deprecated
    eTradeOnly / firmQuoteOnly / nbboPriceCap, parentId, basisPoints, optOutSmartRouting and the
    delta-neutral clearing fields; it reports what is left to fill as totalQuantity (0 once filled).
    """
    s = order.spec
    is_open = not completed
    out = [
        s.action,
        fmt_decimal(order.remaining if completed else s.total_quantity),
        s.order_type, _price(s.lmt_price), _price(s.aux_price), s.tif, s.oca_group, s.account,
        s.open_close, str(s.origin), s.order_ref,
    ]
    if is_open:
        out.append(str(order.client_id))
    out += [str(order.perm_id), fmt(s.outside_rth), fmt(s.hidden), _num(s.discretionary_amt), s.good_after_time]
    if is_open:
        out.append(f"{order.perm_id}.0/{s.account}/100")  # sharesAllocation (deprecated), as TWS fills it
    out += [s.fa_group, s.fa_method, s.fa_percentage]
    if version < v.FA_PROFILE_DESUPPORT:
        out.append("")  # faProfile
    out += [
        s.model_code, s.good_till_date, s.rule80a, fmt_opt_float(s.percent_offset), s.settling_firm,
        str(s.short_sale_slot), s.designated_location, str(s.exempt_code),
    ]
    if is_open:
        out.append("0")  # auctionStrategy
    out += ["", "", "", "", ""]  # startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper
    out.append(str(s.display_size) if s.display_size > 0 else _UNSET_INT)
    if is_open:
        out.append(fmt(s.block_order))
    out += [
        fmt(s.sweep_to_fill), fmt(s.all_or_none), "" if s.min_qty is None else str(s.min_qty),
        str(s.oca_type or OCA_TYPE_DEFAULT),
    ]
    if is_open:
        out += [_FALSE, _FALSE, "", str(s.parent_id)]  # eTradeOnly, firmQuoteOnly, nbboPriceCap, parentId
    out.append(str(s.trigger_method))
    # Volatility params. TWS names the delta-neutral order type "None", a non-empty text, so the
    # client goes on to read the delta-neutral block that follows.
    out += ["", "0", DELTA_NEUTRAL_NONE, "", "0"]  # volatility, volatilityType, dnOrderType, dnAuxPrice, dnConId
    if is_open:
        out += ["", "", "", "?"]  # dnSettlingFirm, dnClearingAccount, dnClearingIntent, dnOpenClose
    out += [_FALSE, "0", ""]  # dnShortSale, dnShortSaleSlot, dnDesignatedLocation
    out += [_FALSE, "0"]  # continuousUpdate, referencePriceType
    out += [fmt_opt_float(_trail_stop(order)), fmt_opt_float(s.trailing_percent)]
    if is_open:
        out += ["", ""]  # basisPoints, basisPointsType
    out += ["", "0", "0", "0"]  # comboLegsDescrip, comboLegs, orderComboLegs, smartComboRoutingParams
    out += [_UNSET_INT, _UNSET_INT, "", ""]  # scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement, hedgeType
    if is_open:
        out.append(_FALSE)  # optOutSmartRouting
    out += ["", "IB", fmt(s.not_held)]  # clearingAccount, clearingIntent, notHeld
    out += [_FALSE, s.algo_strategy]  # deltaNeutralContract present, algoStrategy
    if s.algo_strategy:
        out.append("0")  # algo params (the simulator keeps none)
    out.append(_FALSE)  # solicited
    return out


def _open_order_state(version: int, order: SimOrder) -> list[str]:
    """whatIf, status and the order state: margins only for a what-if order, the commission whenever
    TWS knows one (a preview's estimate, or the charged commission of a filled order)."""
    st = order.state
    out = [fmt(order.spec.what_if), st.status]
    if order.spec.what_if:
        out += [fmt_unset_float(m) for m in (
            st.init_margin_before, st.maint_margin_before, st.equity_with_loan_before,
            st.init_margin_change, st.maint_margin_change, st.equity_with_loan_change,
            st.init_margin_after, st.maint_margin_after, st.equity_with_loan_after,
        )]
    else:
        out += [_UNSET] * 9  # the nine margins, unset
    out += [
        fmt_opt_float(st.commission), fmt_opt_float(st.min_commission), fmt_opt_float(st.max_commission),
        st.commission_currency,
    ]
    if version >= v.FULL_ORDER_PREVIEW_FIELDS:
        out.append("")  # marginCurrency
        out += [_UNSET] * 9  # the nine margins outside regular trading hours
        out += ["", "", "0"]  # suggestedSize, rejectReason, order allocations
    out.append(st.warning_text)
    return out


def _order_tail(version: int, order: SimOrder, completed: bool) -> list[str]:
    """The order fields after the state, where openOrder and completedOrder differ most."""
    s = order.spec
    st = order.state
    out = [_FALSE, _FALSE]  # randomizeSize, randomizePrice
    if pb.is_peg_bench(s):
        out += ["0", _FALSE, "0", "0", ""]  # referenceContractId, isPeggedChangeAmountDecrease, amounts, exchange
    out.append("0")  # conditions
    trail = fmt_unset_float(_trail_stop(order))
    if completed:
        out += [trail, _UNSET]  # trailStopPrice, lmtPriceOffset
    else:
        out += [DELTA_NEUTRAL_NONE, _UNSET]  # adjustedOrderType, triggerPrice
        out += [trail, _UNSET]  # trailStopPrice, lmtPriceOffset
        out += [_UNSET, _UNSET, _UNSET, "0"]  # adjustedStopPrice, adjustedStopLimitPrice, adjustedTrailingAmount, unit
        out += ["", "", ""]  # softDollarTier name, value, displayName
    out += [_num(s.cash_qty), fmt(s.dont_use_auto_price_for_hedge), _FALSE]  # cashQty, dontUseAuto.., isOmsContainer
    if completed:
        out += ["", fmt_decimal(order.filled), _UNSET_INT, _FALSE, SHAREHOLDER_DEFAULT]  # autoCancelDate .. shareholder
        out += [fmt(s.imbalance_only), _FALSE, _UNSET_LONG]  # imbalanceOnly, routeMarketableToBbo, parentPermId
        out += [st.completed_time, st.completed_status]
    else:
        out += [_FALSE, fmt(bool(s.use_price_mgmt_algo))]  # discretionaryUpToLimitPrice, usePriceMgmtAlgo
        if version >= v.DURATION:
            out.append("")  # duration
        if version >= v.POST_TO_ATS:
            out.append("")  # postToAts
        if version >= v.AUTO_CANCEL_PARENT:
            out.append(_FALSE)  # autoCancelParent
    if version >= v.PEGBEST_PEGMID_OFFSETS:
        out += ["", "", "", "", ""]  # minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole/Half
    if version >= v.CUSTOMER_ACCOUNT:
        out.append(s.customer_account)
    if version >= v.PROFESSIONAL_CUSTOMER:
        out.append(fmt(s.professional_customer))
    if not completed:
        if version >= v.BOND_ACCRUED_INTEREST:
            out.append("")  # bondAccruedInterest
        if version >= v.INCLUDE_OVERNIGHT:
            out.append(fmt(s.include_overnight))
        if version >= v.CME_TAGGING_FIELDS_IN_OPEN_ORDER:
            out += ["", ""]  # extOperator, manualOrderIndicator
    if version >= v.SUBMITTER:
        out.append("")  # submitter
    if not completed and version >= v.IMBALANCE_ONLY:
        out.append(fmt(s.imbalance_only))
    return out


def open_order(version: int, order: SimOrder) -> Message:
    """openOrder (5): the order as TWS holds it, with its state (and what-if figures for a preview)."""
    if v.sends_protobuf(version, pb.OPEN_ORDER):
        return pb.open_order(order)
    return [
        OPEN_ORDER, str(order.order_id), *_order_contract(order.instrument),
        *_order_head(version, order, completed=False),
        *_open_order_state(version, order),
        *_order_tail(version, order, completed=False),
    ]


def completed_order(version: int, order: SimOrder) -> Message:
    """completedOrder (101): a filled or cancelled order, with TWS's completed time and status text.

    It carries no order id or client id: clients match it by permId.
    """
    if v.sends_protobuf(version, pb.COMPLETED_ORDER):
        return pb.completed_order(order)
    return [
        COMPLETED_ORDER, *_order_contract(order.instrument),
        *_order_head(version, order, completed=True),
        order.state.status,
        *_order_tail(version, order, completed=True),
    ]


def order_status(version: int, order: SimOrder, mkt_cap_price: float = 0.0) -> Message:
    """orderStatus (3): status, filled / remaining and prices (zero prices as "0").

    Same text layout at every supported version (no version field since 131, mktCapPrice included).
    """
    if v.sends_protobuf(version, pb.ORDER_STATUS):
        return pb.order_status(order, mkt_cap_price)
    return [
        ORDER_STATUS, str(order.order_id), order.state.status, fmt_decimal(order.filled),
        fmt_decimal(order.remaining), _num(order.avg_fill_price), str(order.perm_id),
        str(order.spec.parent_id), _num(order.last_fill_price), str(order.client_id), order.why_held,
        _num(mkt_cap_price),
    ]


def order_bound(version: int, order: SimOrder) -> Message:
    """orderBound (100): ties an order entered in TWS (permId) to the API client and order id it got."""
    if v.sends_protobuf(version, pb.ORDER_BOUND):
        return pb.order_bound(order)
    return [ORDER_BOUND, str(order.perm_id), str(order.client_id), str(order.order_id)]


def open_order_end(version: int) -> Message:
    """openOrderEnd (53), with its message version 1."""
    if v.sends_protobuf(version, pb.OPEN_ORDER_END):
        return pb.open_order_end()
    return [OPEN_ORDER_END, "1"]


def completed_orders_end(version: int) -> Message:
    """completedOrdersEnd (102): no fields."""
    if v.sends_protobuf(version, pb.COMPLETED_ORDERS_END):
        return pb.completed_orders_end()
    return [COMPLETED_ORDERS_END]


def exec_details_end(version: int, req_id: int) -> Message:
    """execDetailsEnd (55), with its message version 1."""
    if v.sends_protobuf(version, pb.EXECUTION_DATA_END):
        return pb.exec_details_end(req_id)
    return [EXECUTION_DATA_END, "1", str(req_id)]


def exec_time(when: datetime, time_zone_id: str) -> str:
    """An execution time as TWS writes it: "YYYYMMDD HH:MM:SS Zone" in the instrument's time zone.

    `when` is naive UTC, as the simulator keeps times.
    """
    return _exec_time(when.replace(microsecond=0), time_zone_id)


@functools.lru_cache(maxsize=64)
def _exec_time(when: datetime, time_zone_id: str) -> str:
    """exec_time to the second: fills come in bursts within a second, and zone conversion is slow."""
    local = when.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(time_zone_id))
    return f"{local:%Y%m%d %H:%M:%S} {time_zone_id}"


def exec_details(version: int, req_id: int, fill: Fill) -> Message:
    """execDetails (11): one execution; req_id is -1 for one pushed as it happens.

    The contract here carries the execution's exchange, a strike as "0.0" and a blank right as "".
    """
    inst = fill.instrument
    if v.sends_protobuf(version, pb.EXECUTION_DATA):
        return pb.exec_details(req_id, fill, exec_time(fill.time, inst.time_zone_id))
    out = [
        EXECUTION_DATA, str(req_id), str(fill.order_id),
        str(inst.con_id), inst.symbol, inst.sec_type, inst.last_trade_date, fmt(float(inst.strike)),
        inst.right, inst.multiplier, fill.exchange, inst.currency, inst.local_symbol, inst.trading_class,
        fill.exec_id, exec_time(fill.time, inst.time_zone_id), fill.account, fill.exchange, fill.side,
        fmt_decimal(fill.shares), fmt(float(fill.price)), str(fill.perm_id), str(fill.client_id),
        "0",  # liquidation
        fmt_decimal(fill.cum_qty), fmt(float(fill.avg_price)), fill.order_ref,
        "", "",  # evRule, evMultiplier
        fill.model_code, str(fill.last_liquidity),
    ]
    if version >= v.PENDING_PRICE_REVISION:
        out.append(fmt(fill.pending_price_revision))
    if version >= v.SUBMITTER:
        out.append(fill.submitter)
    return out


def commission_report(version: int, fill: Fill) -> Message:
    """Commission report (59, message version 1): realized P&L unset until a fill closes a position;
    yield and yield redemption date are for bonds, so always unset."""
    if v.sends_protobuf(version, pb.COMMISSION_REPORT):
        return pb.commission_report(fill)
    return [
        COMMISSION_REPORT, "1", fill.exec_id, fmt(float(fill.commission)), fill.commission_currency,
        fmt_unset_float(fill.realized_pnl), _UNSET, "",
    ]
