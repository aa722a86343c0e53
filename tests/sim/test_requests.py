"""blotter.sim.requests against frames written by IB's own client (ibapi's EClient): every plain-text
server version the simulator speaks, and a sample of the protobuf generation's (201 on), where each
request is decoded from whichever form ibapi sends it in at that version."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ibapi.client import EClient
from ibapi.const import UNSET_DECIMAL, UNSET_DOUBLE, UNSET_INTEGER
from ibapi.contract import ComboLeg as IbComboLeg
from ibapi.contract import Contract, DeltaNeutralContract
from ibapi.execution import ExecutionFilter
from ibapi.order import Order, OrderComboLeg
from ibapi.order_cancel import OrderCancel
from ibapi.server_versions import MIN_SERVER_VER_USER_INFO
from ibapi.order_condition import (
    ExecutionCondition,
    MarginCondition,
    PercentChangeCondition,
    PriceCondition,
    TimeCondition,
    VolumeCondition,
)
from ibapi.tag_value import TagValue
from ibapi.wrapper import EWrapper

from blotter.sim import decode
from blotter.sim import requests as rq
from blotter.sim import versions as V
from blotter.sim.frames import read_payload
from blotter.sim.model import ContractSpec, OrderSpec
from blotter.sim.requests import (
    MSG_NAMES,
    CancelAccountSummary,
    CancelAccountUpdatesMulti,
    CancelMktData,
    CancelOrder,
    CancelPnL,
    CancelPnLSingle,
    CancelPositions,
    CancelPositionsMulti,
    ComboLeg,
    Condition,
    ConditionKind,
    MsgId,
    PlaceOrder,
    ReqAccountSummary,
    ReqAccountUpdates,
    ReqAccountUpdatesMulti,
    ReqAllOpenOrders,
    ReqAutoOpenOrders,
    ReqCompletedOrders,
    ReqContractDetails,
    ReqCurrentTime,
    ReqCurrentTimeInMillis,
    ReqExecutions,
    ReqGlobalCancel,
    ReqIds,
    ReqManagedAccts,
    ReqMarketDataType,
    ReqMarketRule,
    ReqMatchingSymbols,
    ReqMktData,
    ReqOpenOrders,
    ReqPnL,
    ReqPnLSingle,
    ReqPositions,
    ReqPositionsMulti,
    ReqSecDefOptParams,
    ReqUserInfo,
    StartApi,
    Unsupported,
    decode_request,
)
from blotter.sim.wire import WireError, split_fields, take_frame

TEXT_VERSIONS = range(V.MIN_SUPPORTED, V.TEXT_LAST + 1)
# One version where each group of requests served moves to protobuf (201 executions ... 213 startApi),
# 202 (text in 4-byte framing only), 218 (attached orders) and the newest.
PROTOBUF_VERSIONS = (201, 202, 203, 204, 205, 206, 207, 210, 212, 213, 218, V.MAX_SUPPORTED)
VERSIONS = (*TEXT_VERSIONS, *PROTOBUF_VERSIONS)


# --- capturing what ibapi sends ---------------------------------------------------------------


class _Conn:
    """Stands in for ibapi's Connection: records the bytes the client sends."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def sendMsg(self, msg: bytes) -> None:
        self.sent.append(msg)

    def isConnected(self) -> bool:
        return True


class _Wrapper(EWrapper):
    def __init__(self) -> None:
        super().__init__()
        self.errors: list[tuple[Any, ...]] = []

    def error(self, *args: Any) -> None:
        self.errors.append(args)


def sent_payload(version: int, call: Callable[[EClient], object]) -> bytes:
    """The payload of the one frame `call` makes ibapi's client send at `version`."""
    wrapper = _Wrapper()
    client = EClient(wrapper)
    client.conn = _Conn()
    client.serverVersion_ = version
    client.connState = EClient.CONNECTED
    client.clientId = 7
    client.optCapab = "+PACEAPI"
    call(client)
    assert not wrapper.errors, wrapper.errors
    assert len(client.conn.sent) == 1
    buf = bytearray(client.conn.sent[0])
    payload = take_frame(buf)
    assert payload is not None and not buf
    return payload


def sent_fields(version: int, call: Callable[[EClient], object]) -> list[str]:
    """The text fields of the one frame `call` makes ibapi's client send at a text version."""
    assert version <= V.TEXT_LAST
    return split_fields(sent_payload(version, call))


def decoded(version: int, call: Callable[[EClient], object]) -> rq.Request:
    """What the simulator at `version` reads from the frame `call` makes ibapi send, text or protobuf."""
    return decode.read(version, read_payload(version, sent_payload(version, call)))


# --- what the decoder should give for an ibapi Contract / Order -------------------------------


def _unset(value: Any) -> Any:
    return None if value in (UNSET_DOUBLE, UNSET_INTEGER) else value


def expected_contract(c: Contract, *, sec_id: bool = False, include_expired: bool = False) -> ContractSpec:
    return ContractSpec(
        con_id=c.conId, symbol=c.symbol, sec_type=c.secType, last_trade_date=c.lastTradeDateOrContractMonth,
        strike=_unset(c.strike), right=c.right, multiplier=c.multiplier, exchange=c.exchange,
        primary_exchange=c.primaryExchange, currency=c.currency, local_symbol=c.localSymbol,
        trading_class=c.tradingClass, sec_id_type=c.secIdType if sec_id else "",
        sec_id=c.secId if sec_id else "", include_expired=c.includeExpired if include_expired else False,
    )


def expected_order(o: Order) -> OrderSpec:
    return OrderSpec(
        action=o.action,
        total_quantity=Decimal(0) if o.totalQuantity == UNSET_DECIMAL else o.totalQuantity,
        order_type=o.orderType, lmt_price=_unset(o.lmtPrice), aux_price=_unset(o.auxPrice), tif=o.tif,
        oca_group=o.ocaGroup, account=o.account, open_close=o.openClose, origin=o.origin,
        order_ref=o.orderRef, transmit=o.transmit, parent_id=o.parentId, block_order=o.blockOrder,
        sweep_to_fill=o.sweepToFill, display_size=o.displaySize, trigger_method=o.triggerMethod,
        outside_rth=o.outsideRth, hidden=o.hidden, discretionary_amt=float(o.discretionaryAmt),
        good_after_time=o.goodAfterTime, good_till_date=o.goodTillDate, fa_group=o.faGroup,
        fa_method=o.faMethod, fa_percentage=o.faPercentage, model_code=o.modelCode,
        short_sale_slot=o.shortSaleSlot, designated_location=o.designatedLocation,
        exempt_code=o.exemptCode, oca_type=o.ocaType, rule80a=o.rule80A, settling_firm=o.settlingFirm,
        all_or_none=o.allOrNone, min_qty=_unset(o.minQty), percent_offset=_unset(o.percentOffset),
        trail_stop_price=_unset(o.trailStopPrice), trailing_percent=_unset(o.trailingPercent),
        what_if=o.whatIf, not_held=o.notHeld, algo_strategy=o.algoStrategy, cash_qty=_unset(o.cashQty),
        dont_use_auto_price_for_hedge=o.dontUseAutoPriceForHedge, use_price_mgmt_algo=o.usePriceMgmtAlgo,
        manual_order_time=o.manualOrderTime, customer_account=o.customerAccount,
        professional_customer=o.professionalCustomer, include_overnight=o.includeOvernight,
        imbalance_only=o.imbalanceOnly, deactivate=o.deactivate, post_only=o.postOnly,
        allow_pre_open=o.allowPreOpen, ignore_open_auction=o.ignoreOpenAuction,
        route_marketable_to_bbo=o.routeMarketableToBbo, seek_price_improvement=o.seekPriceImprovement,
        what_if_type=_unset(o.whatIfType), hedge_max_size=_unset(o.hedgeMaxSize),
        conditions_include_overnight=o.conditionsIncludeOvernight,
    )


# --- order cases ------------------------------------------------------------------------------


def stock(symbol: str = "AAPL") -> Contract:
    c = Contract()
    c.symbol, c.secType, c.exchange, c.primaryExchange, c.currency = symbol, "STK", "SMART", "NASDAQ", "USD"
    return c


def order(action: str, qty: Decimal | int, order_type: str, **attrs: Any) -> Order:
    o = Order()
    o.action, o.totalQuantity, o.orderType = action, Decimal(qty), order_type
    for name, value in attrs.items():
        setattr(o, name, value)
    return o


def future() -> Contract:
    c = Contract()
    c.symbol, c.secType, c.exchange, c.currency = "ES", "FUT", "CME", "USD"
    c.lastTradeDateOrContractMonth, c.multiplier, c.localSymbol, c.tradingClass = "202603", "50", "ESH6", "ES"
    return c


def forex() -> Contract:
    c = Contract()
    c.symbol, c.secType, c.exchange, c.currency, c.localSymbol = "EUR", "CASH", "IDEALPRO", "USD", "EUR.USD"
    return c


def combo() -> Contract:
    c = Contract()
    c.symbol, c.secType, c.exchange, c.currency = "AAPL,MSFT", "BAG", "SMART", "USD"
    legs = []
    for con_id, action, open_close in ((265598, "BUY", 0), (272093, "SELL", 1)):
        leg = IbComboLeg()
        leg.conId, leg.ratio, leg.action, leg.exchange, leg.openClose = con_id, 1, action, "SMART", open_close
        legs.append(leg)
    c.comboLegs = legs
    return c


def _combo_order() -> Order:
    o = order("BUY", 1, "LMT", lmtPrice=-1.25)
    leg_price = OrderComboLeg()
    leg_price.price = 10.5
    o.orderComboLegs = [leg_price, OrderComboLeg()]
    o.smartComboRoutingParams = [TagValue("NonGuaranteed", "1")]
    return o


def _conditional_order() -> Order:
    o = order("BUY", 100, "LMT", lmtPrice=140.0, conditionsCancelOrder=True)
    o.conditions = [
        PriceCondition(2, 265598, "SMART", True, 150.0),
        TimeCondition(False, "20260131 10:00:00 US/Eastern").Or(),
        MarginCondition(True, 30),
        ExecutionCondition("STK", "SMART", "MSFT"),
        VolumeCondition(272093, "SMART", False, 1000000),
        PercentChangeCondition(272093, "SMART", True, 5.5),
    ]
    return o


def _newest_fields(v: int) -> Order:
    """An order with the fields the later versions added, each set where the version has it."""
    o = order("BUY", 5, "LMT", lmtPrice=10.0)
    for since, name, value in (
        (V.DURATION, "duration", 60), (V.POST_TO_ATS, "postToAts", 1),
        (V.AUTO_CANCEL_PARENT, "autoCancelParent", True),
        (V.ADVANCED_ORDER_REJECT, "advancedErrorOverride", "8229"),
        (V.MANUAL_ORDER_TIME, "manualOrderTime", "20260131 10:00:00"),
        (V.CUSTOMER_ACCOUNT, "customerAccount", "CUST1"), (V.PROFESSIONAL_CUSTOMER, "professionalCustomer", True),
        (V.INCLUDE_OVERNIGHT, "includeOvernight", True), (V.CME_TAGGING_FIELDS, "manualOrderIndicator", 1),
        (V.IMBALANCE_ONLY, "imbalanceOnly", True),
    ):
        if v >= since:
            setattr(o, name, value)
    return o


def _skipped_blocks() -> tuple[Contract, Order]:
    """Delta-neutral order and contract, scale, hedge: fields the sim skips, present."""
    c = stock()
    c.deltaNeutralContract = DeltaNeutralContract()
    c.deltaNeutralContract.conId, c.deltaNeutralContract.delta, c.deltaNeutralContract.price = 8314, 0.5, 12.0
    o = order("SELL", 3, "LMT", lmtPrice=1.0, deltaNeutralOrderType="LMT", deltaNeutralAuxPrice=1.5,
              deltaNeutralConId=8314, deltaNeutralShortSale=True, scaleInitLevelSize=1, scaleSubsLevelSize=1,
              scalePriceIncrement=0.05, scaleAutoReset=True, hedgeType="D", hedgeParam="beta=1",
              notHeld=True, orderMiscOptions=[TagValue("a", "b")])
    o.mifid2DecisionMaker, o.cashQty, o.minQty, o.percentOffset = "dm", 1000.0, 2, 0.1
    return c, o


def _peg(order_type: str, exchange: str = "SMART", **attrs: Any) -> tuple[Contract, Order]:
    c = stock()
    c.exchange = exchange
    return c, order("BUY", 100, order_type, **attrs)


@dataclass(frozen=True)
class OrderCase:
    name: str
    build: Callable[[int], tuple[Contract, Order]]
    since: int = V.MIN_SUPPORTED
    legs: tuple[ComboLeg, ...] = ()
    algo_params: tuple[tuple[str, str], ...] = ()
    conditions: tuple[Condition, ...] = ()


ORDER_CASES = [
    OrderCase("lmt_day", lambda v: (stock(), order("BUY", 100, "LMT", lmtPrice=144.8, tif="DAY", account="DU123"))),
    OrderCase("mkt", lambda v: (stock("MSFT"), order("SELL", 10, "MKT", orderRef="r1", transmit=False))),
    OrderCase("stp_lmt_gtc_outside_rth", lambda v: (stock(), order(
        "SELL", 50, "STP LMT", lmtPrice=99.5, auxPrice=100.0, tif="GTC", outsideRth=True))),
    OrderCase("trail_percent", lambda v: (stock(), order(
        "SELL", 100, "TRAIL", trailingPercent=1.5, trailStopPrice=98.0))),
    OrderCase("trail_limit", lambda v: (stock(), order(
        "SELL", 100, "TRAIL LIMIT", auxPrice=0.5, lmtPriceOffset=0.1, trailStopPrice=99.0))),
    OrderCase("moc", lambda v: (stock(), order("BUY", 100, "MOC"))),
    OrderCase("loc", lambda v: (stock(), order("BUY", 100, "LOC", lmtPrice=101.0))),
    OrderCase("mit", lambda v: (stock(), order("BUY", 100, "MIT", auxPrice=95.0))),
    OrderCase("lit", lambda v: (stock(), order("SELL", 100, "LIT", lmtPrice=96.0, auxPrice=95.0))),
    OrderCase("gtd", lambda v: (stock(), order(
        "BUY", 100, "LMT", lmtPrice=1.0, tif="GTD", goodTillDate="20260131 16:00:00 US/Eastern"))),
    OrderCase("what_if", lambda v: (stock(), order("BUY", 100, "LMT", lmtPrice=1.0, whatIf=True))),
    OrderCase("algo", lambda v: (stock(), order(
        "BUY", 100, "LMT", lmtPrice=1.0, algoStrategy="Adaptive",
        algoParams=[TagValue("adaptivePriority", "Normal"), TagValue("x", "")])),
        algo_params=(("adaptivePriority", "Normal"), ("x", ""))),
    OrderCase("conditions", lambda v: (stock(), _conditional_order()), conditions=(
        Condition(ConditionKind.PRICE, True, True, "150.0", 265598, "SMART", 2),
        Condition(ConditionKind.TIME, False, False, "20260131 10:00:00 US/Eastern"),
        Condition(ConditionKind.MARGIN, True, True, "30"),
        Condition(ConditionKind.EXECUTION, True, sec_type="STK", exchange="SMART", symbol="MSFT"),
        Condition(ConditionKind.VOLUME, True, False, "1000000", 272093, "SMART"),
        Condition(ConditionKind.PERCENT_CHANGE, True, True, "5.5", 272093, "SMART"),
    )),
    OrderCase("fractional", lambda v: (stock(), order("BUY", Decimal("0.5"), "MKT"))),
    OrderCase("future", lambda v: (future(), order("BUY", 2, "LMT", lmtPrice=5000.25, account="DU1"))),
    OrderCase("forex", lambda v: (forex(), order("SELL", 20000, "LMT", lmtPrice=1.08735))),
    OrderCase("cash_qty", lambda v: (forex(), order("BUY", 0, "MKT", totalQuantity=UNSET_DECIMAL, cashQty=5000.0))),
    OrderCase("price_mgmt_algo", lambda v: (stock(), order("BUY", 1, "MKT", usePriceMgmtAlgo=False))),
    OrderCase("combo", lambda v: (combo(), _combo_order()), legs=(
        ComboLeg(265598, 1, "BUY", "SMART", 0, 0, "", -1), ComboLeg(272093, 1, "SELL", "SMART", 1, 0, "", -1))),
    OrderCase("skipped_blocks", lambda v: _skipped_blocks()),
    OrderCase("peg_bench", lambda v: _peg(
        "PEG BENCH", referenceContractId=8314, peggedChangeAmount=0.1, referenceChangeAmount=0.2,
        referenceExchangeId="SMART", isPeggedChangeAmountDecrease=True)),
    OrderCase("newest_fields", lambda v: (stock(), _newest_fields(v))),
    OrderCase("peg_best_up_to_mid", lambda v: _peg(
        "PEG BEST", "IBKRATS", minTradeQty=100, minCompeteSize=100, competeAgainstBestOffset=float("inf"),
        midOffsetAtWhole=0.01, midOffsetAtHalf=0.005), since=V.PEGBEST_PEGMID_OFFSETS),
    OrderCase("peg_best_offset", lambda v: _peg(
        "PEG BEST", "IBKRATS", minCompeteSize=100, competeAgainstBestOffset=0.02), since=V.PEGBEST_PEGMID_OFFSETS),
    OrderCase("peg_mid", lambda v: _peg(
        "PEG MID", "IBKRATS", midOffsetAtWhole=0.01, midOffsetAtHalf=0.005), since=V.PEGBEST_PEGMID_OFFSETS),
]


CASES = {case.name: case for case in ORDER_CASES}


def _order_params() -> list[Any]:
    return [pytest.param(case, v, id=f"{case.name}-v{v}") for case in ORDER_CASES for v in VERSIONS
            if v >= case.since]


def place_order_fields(v: int, case: OrderCase, order_id: int = 42) -> tuple[list[str], Contract, Order]:
    contract, o = case.build(v)
    return sent_fields(v, lambda c: c.placeOrder(order_id, contract, o)), contract, o


def place_order_call(v: int, case: OrderCase) -> Callable[[EClient], object]:
    contract, o = case.build(v)
    return lambda c: c.placeOrder(42, contract, o)


@pytest.mark.parametrize("case, v", _order_params())
def test_place_order(case: OrderCase, v: int) -> None:
    contract, o = case.build(v)
    request = decoded(v, lambda c: c.placeOrder(42, contract, o))
    assert request == PlaceOrder(
        42, expected_contract(contract, sec_id=True), expected_order(o),
        case.legs, case.algo_params, case.conditions,
    )


def test_place_order_values_spot_check() -> None:
    """A few decoded values spelled out, so the expected_* mappings are not the only witness."""
    request = decode_request(200, place_order_fields(200, CASES["lmt_day"])[0])
    assert isinstance(request, PlaceOrder)
    spec = request.order
    assert (spec.action, spec.total_quantity, spec.order_type, spec.lmt_price, spec.aux_price) == (
        "BUY", Decimal(100), "LMT", 144.8, None)
    assert (spec.tif, spec.account, spec.outside_rth, spec.trailing_percent) == ("DAY", "DU123", False, None)
    assert (request.contract.symbol, request.contract.strike, request.contract.primary_exchange) == (
        "AAPL", None, "NASDAQ")
    fractional = decode_request(163, place_order_fields(163, CASES["fractional"])[0])
    assert fractional.order.total_quantity == Decimal("0.5")


# --- the other requests -----------------------------------------------------------------------


def _exec_filter(v: int) -> ExecutionFilter:
    ef = ExecutionFilter()
    ef.clientId, ef.acctCode, ef.time, ef.symbol = 3, "DU1", "20260101-09:30:00", "AAPL"
    ef.secType, ef.exchange, ef.side = "STK", "SMART", "BUY"
    if v >= V.PARAMETRIZED_DAYS_OF_EXECUTIONS:
        ef.lastNDays, ef.specificDates = 3, [20260102, 20260105]
    return ef


def _cancel(v: int) -> OrderCancel:
    oc = OrderCancel()
    if v >= V.MANUAL_ORDER_TIME:
        oc.manualOrderCancelTime = "20260131 10:00:00"
    if v >= V.CME_TAGGING_FIELDS:
        oc.extOperator, oc.manualOrderIndicator = "op", 1
    return oc


def _with_expiry(c: Contract, v: int) -> Contract:
    c.includeExpired, c.secIdType, c.secId, c.conId = True, "ISIN", "US0378331005", 265598
    if v >= V.BOND_ISSUERID:
        c.issuerId = "e1"
    return c


def _mkt_data_bag() -> Contract:
    c = combo()
    c.deltaNeutralContract = DeltaNeutralContract()
    return c


OTHER_CASES: list[tuple[str, Callable[[int], tuple[Callable[[EClient], object], object]]]] = [
    ("startApi", lambda v: (lambda c: c.startApi(), StartApi(7, "+PACEAPI"))),
    ("reqIds", lambda v: (lambda c: c.reqIds(-1), ReqIds(-1))),
    ("reqCurrentTime", lambda v: (lambda c: c.reqCurrentTime(), ReqCurrentTime())),
    ("reqContractDetails", lambda v: (
        lambda c: c.reqContractDetails(9, _with_expiry(future(), v)),
        ReqContractDetails(9, expected_contract(_with_expiry(future(), v), sec_id=True, include_expired=True)))),
    ("reqMarketRule", lambda v: (lambda c: c.reqMarketRule(26), ReqMarketRule(26))),
    ("reqMktData", lambda v: (
        lambda c: c.reqMktData(5, stock(), "233,236", False, False, []),
        ReqMktData(5, expected_contract(stock()), "233,236", False, False))),
    ("reqMktData_snapshot", lambda v: (
        lambda c: c.reqMktData(6, forex(), "", True, True, []),
        ReqMktData(6, expected_contract(forex()), "", True, True))),
    ("reqMktData_bag", lambda v: (
        lambda c: c.reqMktData(7, _mkt_data_bag(), "", False, False, []),
        ReqMktData(7, expected_contract(combo()), "", False, False,
                   (ComboLeg(265598, 1, "BUY", "SMART"), ComboLeg(272093, 1, "SELL", "SMART"))))),
    ("cancelMktData", lambda v: (lambda c: c.cancelMktData(5), CancelMktData(5))),
    ("reqMarketDataType", lambda v: (lambda c: c.reqMarketDataType(3), ReqMarketDataType(3))),
    ("cancelOrder", lambda v: (
        lambda c: c.cancelOrder(42, _cancel(v)), CancelOrder(42, _cancel(v).manualOrderCancelTime))),
    ("reqGlobalCancel", lambda v: (lambda c: c.reqGlobalCancel(_cancel(v)), ReqGlobalCancel())),
    ("reqOpenOrders", lambda v: (lambda c: c.reqOpenOrders(), ReqOpenOrders())),
    ("reqAllOpenOrders", lambda v: (lambda c: c.reqAllOpenOrders(), ReqAllOpenOrders())),
    ("reqAutoOpenOrders", lambda v: (lambda c: c.reqAutoOpenOrders(True), ReqAutoOpenOrders(True))),
    ("reqCompletedOrders", lambda v: (lambda c: c.reqCompletedOrders(False), ReqCompletedOrders(False))),
    ("reqExecutions", lambda v: (
        lambda c: c.reqExecutions(11, _exec_filter(v)),
        ReqExecutions(11, 3, "DU1", "20260101-09:30:00", "AAPL", "STK", "SMART", "BUY",
                      *((3, [20260102, 20260105]) if v >= V.PARAMETRIZED_DAYS_OF_EXECUTIONS else (None, []))))),
    ("reqExecutions_default", lambda v: (
        lambda c: c.reqExecutions(12, ExecutionFilter()), ReqExecutions(12, 0, "", "", "", "", "", "", None, []))),
    ("reqPositions", lambda v: (lambda c: c.reqPositions(), ReqPositions())),
    ("cancelPositions", lambda v: (lambda c: c.cancelPositions(), CancelPositions())),
    ("reqAccountUpdates", lambda v: (lambda c: c.reqAccountUpdates(True, "DU1"), ReqAccountUpdates(True, "DU1"))),
    ("reqAccountUpdates_off", lambda v: (lambda c: c.reqAccountUpdates(False, ""), ReqAccountUpdates(False, ""))),
    ("reqManagedAccts", lambda v: (lambda c: c.reqManagedAccts(), ReqManagedAccts())),
    ("reqAccountUpdatesMulti", lambda v: (
        lambda c: c.reqAccountUpdatesMulti(3, "DU1", "", True), ReqAccountUpdatesMulti(3, "DU1", "", True))),
    ("reqAccountUpdatesMulti_model", lambda v: (
        lambda c: c.reqAccountUpdatesMulti(4, "", "M1", False), ReqAccountUpdatesMulti(4, "", "M1", False))),
    ("cancelAccountUpdatesMulti", lambda v: (
        lambda c: c.cancelAccountUpdatesMulti(3), CancelAccountUpdatesMulti(3))),
    ("reqPositionsMulti", lambda v: (
        lambda c: c.reqPositionsMulti(5, "DU1", "M1"), ReqPositionsMulti(5, "DU1", "M1"))),
    ("cancelPositionsMulti", lambda v: (lambda c: c.cancelPositionsMulti(5), CancelPositionsMulti(5))),
    ("reqAccountSummary", lambda v: (
        lambda c: c.reqAccountSummary(6, "All", "NetLiquidation,$LEDGER"),
        ReqAccountSummary(6, "All", "NetLiquidation,$LEDGER"))),
    ("cancelAccountSummary", lambda v: (lambda c: c.cancelAccountSummary(6), CancelAccountSummary(6))),
    ("reqPnL", lambda v: (lambda c: c.reqPnL(7, "DU1", ""), ReqPnL(7, "DU1", ""))),
    ("cancelPnL", lambda v: (lambda c: c.cancelPnL(7), CancelPnL(7))),
    ("reqPnLSingle", lambda v: (
        lambda c: c.reqPnLSingle(8, "DU1", "M1", 265598), ReqPnLSingle(8, "DU1", "M1", 265598))),
    ("cancelPnLSingle", lambda v: (lambda c: c.cancelPnLSingle(8), CancelPnLSingle(8))),
    ("reqMatchingSymbols", lambda v: (lambda c: c.reqMatchingSymbols(9, "AAP"), ReqMatchingSymbols(9, "AAP"))),
    ("reqSecDefOptParams", lambda v: (
        lambda c: c.reqSecDefOptParams(10, "AAPL", "", "STK", 265598),
        ReqSecDefOptParams(10, "AAPL", "", "STK", 265598))),
    ("reqSecDefOptParams_fop", lambda v: (
        lambda c: c.reqSecDefOptParams(11, "ES", "CME", "FUT", 0), ReqSecDefOptParams(11, "ES", "CME", "FUT", 0))),
    ("reqCurrentTimeInMillis", lambda v: (lambda c: c.reqCurrentTimeInMillis(), ReqCurrentTimeInMillis())),
    ("reqUserInfo", lambda v: (lambda c: c.reqUserInfo(12), ReqUserInfo(12))),
    ("reqHistoricalData", lambda v: (
        lambda c: c.reqHistoricalData(1, stock(), "", "1 D", "1 min", "TRADES", 1, 1, False, []),
        Unsupported(20, "reqHistoricalData", 1))),
    ("reqMktDepth", lambda v: (lambda c: c.reqMktDepth(2, stock(), 5, False, []), Unsupported(10, "reqMktDepth", 2))),
]


# The first version at which ibapi sends a request, where that is inside the supported range.
SINCE = {"reqUserInfo": MIN_SERVER_VER_USER_INFO, "reqCurrentTimeInMillis": V.CURRENT_TIME_IN_MILLIS}


def _other_params() -> list[Any]:
    return [pytest.param(name, case, v, id=f"{name}-v{v}") for name, case in OTHER_CASES
            for v in VERSIONS if v >= SINCE.get(name, V.MIN_SUPPORTED)]


@pytest.mark.parametrize("name, case, v", _other_params())
def test_other_requests(name: str, case: Callable[[int], tuple[Callable[[EClient], object], object]], v: int) -> None:
    call, expected = case(v)
    assert decoded(v, call) == expected


@pytest.mark.parametrize("call", [
    *(pytest.param(place_order_call(V.MAX_SUPPORTED, case), id=case.name)
      for case in ORDER_CASES if case.since <= V.TEXT_LAST),
    *(pytest.param(case(V.MAX_SUPPORTED)[0], id=name) for name, case in OTHER_CASES),
])
def test_same_request_in_both_generations(call: Callable[[EClient], object]) -> None:
    """What ibapi sends as text at 200 and as protobuf at 226 is one request to the simulator."""
    assert decoded(V.TEXT_LAST, call) == decoded(V.MAX_SUPPORTED, call)


def _multiplier_future(multiplier: str) -> Contract:
    c = future()
    c.multiplier = multiplier
    return c


def _unordered_algo_params() -> Order:
    return order("BUY", 1, "LMT", lmtPrice=1.0, algoStrategy="Vwap", algoParams=[
        TagValue("startTime", "09:30"), TagValue("maxPctVol", "0.1"), TagValue("maxPctVol", "0.2")])


def _integer_price_condition() -> Order:
    o = order("BUY", 1, "LMT", lmtPrice=1.0)
    o.conditions = [PriceCondition(0, 265598, "SMART", True, 150)]
    return o


# Where the two generations cannot give the same request, because of what protobuf carries.
DELIBERATE_DIFFERENCES = [
    pytest.param(  # Contract.multiplier is a double in protobuf: the client's own spelling is lost
        lambda c: c.reqContractDetails(1, _multiplier_future("50.0")),
        lambda r: r.contract.multiplier, "50.0", "50", id="multiplier_is_a_double"),
    pytest.param(  # algoParams is a map in protobuf: no order (sorted by tag), a repeated tag keeps its last
        lambda c: c.placeOrder(1, stock(), _unordered_algo_params()),
        lambda r: r.algo_params, (("startTime", "09:30"), ("maxPctVol", "0.1"), ("maxPctVol", "0.2")),
        (("maxPctVol", "0.2"), ("startTime", "09:30")), id="algo_params_are_a_map"),
    pytest.param(  # text sends str() of the client's value; protobuf a double, so an int price gains ".0"
        lambda c: c.placeOrder(1, stock(), _integer_price_condition()),
        lambda r: r.conditions[0].value, "150", "150.0", id="condition_price_is_a_double"),
]


@pytest.mark.parametrize("call, part, at_200, at_226", DELIBERATE_DIFFERENCES)
def test_deliberate_differences(call: Callable[[EClient], object], part: Callable[[Any], object],
                                at_200: object, at_226: object) -> None:
    assert (part(decoded(V.TEXT_LAST, call)), part(decoded(V.MAX_SUPPORTED, call))) == (at_200, at_226)


def test_names() -> None:
    assert MSG_NAMES[20] == "reqHistoricalData"
    assert all(m in MSG_NAMES for m in MsgId)
    assert decode_request(170, ["999", "x"]) == Unsupported(999, "unknown message")


# --- malformed frames -------------------------------------------------------------------------


@pytest.mark.parametrize("v", [157, 169, 177, 187, 192, 200])
@pytest.mark.parametrize("case", [CASES[n] for n in ("lmt_day", "combo", "conditions", "algo", "skipped_blocks")],
                         ids=lambda c: c.name)
def test_truncated_or_padded_place_order(case: OrderCase, v: int) -> None:
    fields = place_order_fields(v, case)[0]
    for end in range(1, len(fields)):
        with pytest.raises(WireError, match="placeOrder"):
            decode_request(v, fields[:end])
    with pytest.raises(WireError, match="unexpected field"):
        decode_request(v, fields + [""])


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity", "1e"])
def test_bad_quantity(bad: str) -> None:
    fields = place_order_fields(176, CASES["lmt_day"])[0]
    assert fields[17] == "100"  # id, orderId, 12 contract fields, secIdType, secId, action, quantity
    fields[17] = bad
    with pytest.raises(WireError, match=r"placeOrder.*total_quantity"):
        decode_request(176, fields)


def test_non_numeric_where_a_number_is_needed() -> None:
    fields = sent_fields(170, lambda c: c.cancelOrder(42, OrderCancel()))
    fields[fields.index("42")] = "forty-two"
    with pytest.raises(WireError, match="cancelOrder"):
        decode_request(170, fields)


def test_bad_condition() -> None:
    fields = place_order_fields(180, CASES["conditions"])[0]
    position = fields.index("a")  # the first condition's connector; its type is just before it
    fields[position - 1] = "2"
    with pytest.raises(WireError, match="condition type 2"):
        decode_request(180, fields)
    fields[position - 1], fields[position] = "1", "x"
    with pytest.raises(WireError, match="connector"):
        decode_request(180, fields)


@pytest.mark.parametrize("fields, version", [
    ([], 170), (["x"], 170), ([""], 170), (["3"], 170), (["71", "2", "seven", ""], 170), (["49", "1"], 227),
    (["49", "1"], 156),
])
def test_malformed(fields: list[str], version: int) -> None:
    with pytest.raises(WireError):
        decode_request(version, fields)


# --- properties -------------------------------------------------------------------------------

_TOKENS = ["", "0", "1", "2", "-1", "3", "5", "7", "BAG", "2147483647", "1.5", "Infinity", "inf", "nan",
           "1e999", "PEG BEST", "PEG MID", "PEG BENCH", "IBKRATS", "a", "o", "x", "1.7976931348623157e+308",
           "170141183460469231731687303715884105727"]
_field = st.one_of(st.sampled_from(_TOKENS), st.text(max_size=4))
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _decodes_or_wire_error(version: int, fields: list[str]) -> None:
    try:
        result = decode_request(version, fields)
    except WireError:
        return
    assert type(result).__module__ == "blotter.sim.requests"


@_SETTINGS
@given(
    version=st.integers(V.MIN_SUPPORTED, V.TEXT_LAST),
    msg_id=st.one_of(st.sampled_from([str(int(m)) for m in MsgId]), _field),
    rest=st.lists(_field, max_size=80),
)
def test_arbitrary_fields_raise_only_wire_error(version: int, msg_id: str, rest: list[str]) -> None:
    _decodes_or_wire_error(version, [msg_id, *rest])


@_SETTINGS
@given(
    version=st.sampled_from([157, 170, 188, 200]),
    case=st.sampled_from([c for c in ORDER_CASES if c.since == V.MIN_SUPPORTED]),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(["set", "insert", "delete"]), _field),
                   min_size=1, max_size=3),
)
def test_mutated_place_order_raises_only_wire_error(
    version: int, case: OrderCase, edits: list[tuple[int, str, str]]
) -> None:
    fields = place_order_fields(version, case)[0]
    for position, op, value in edits:
        i = 1 + position % len(fields)
        if op == "set" and i < len(fields):
            fields[i] = value
        elif op == "insert":
            fields.insert(i, value)
        elif i < len(fields):
            del fields[i]
    _decodes_or_wire_error(version, fields)
