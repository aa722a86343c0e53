"""The simulator's order and execution messages, checked two ways.

1. Conformance: for each recorded TWS frame, build the sim records for the same situation from the
   frame's key values only (everything else left at the defaults a client sends), encode, and compare
   field by field with what real TWS wrote.
2. Every supported server version: IB's own decoder reads each message with every field consumed,
   and the callback carries the values the simulator holds.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
from ibapi.const import UNSET_DOUBLE, UNSET_INTEGER
from ibapi.decoder import Decoder
from ibapi.wrapper import EWrapper

from blotter.sim import encode_orders as enc
from blotter.sim.model import Fill, Instrument, OrderSpec, OrderState, SimOrder
from blotter.sim.versions import MIN_SUPPORTED, TEXT_LAST
from blotter.sim.wire import UNSET_DOUBLE_TEXT
from tests import captures
from tests.ibdecode import decode

ENCODED_KINDS = {3, 5, 11, 59, 100, 101, 102}
VERSIONS = range(MIN_SUPPORTED, TEXT_LAST + 1)


@pytest.fixture(autouse=True, scope="module")
def _discover_ibapi_params_once() -> Iterator[None]:
    """ibapi's Decoder() re-inspects every EWrapper signature (~7 ms) into class-level tables that
    never change; this module decodes ~1,800 frames, so inspect once and skip it afterwards."""
    Decoder(EWrapper(), TEXT_LAST)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Decoder, "discoverParams", lambda self: None)
        yield


# ---------------------------------------------------------------------------------------------
# 1. Conformance against recorded TWS frames
# ---------------------------------------------------------------------------------------------


def _captures() -> list[Any]:
    return [
        pytest.param(row, id=f"line{n + 1}-msg{row['msg_id']}")
        for n, row in enumerate(captures.records())
        if row["msg_id"] in ENCODED_KINDS
    ]


def _same_exec_time(captured: str, ours: str) -> bool:
    """Older TWS wrote "YYYYMMDD  HH:MM:SS" (two spaces, no zone); the sim writes the current form
    "YYYYMMDD HH:MM:SS Zone". Same date and time; a zone, when captured, must be ours too."""
    if not re.fullmatch(r"\d{8} \d\d:\d\d:\d\d \S+", ours):
        return False
    cap = captured.split()
    return cap[:2] == ours.split()[:2] and (len(cap) == 2 or cap == ours.split())


# (msg_id, field index) -> why it may differ, and the convention both must share.
EXCUSED: dict[tuple[int, int], tuple[str, Callable[[str, str], bool]]] = {
    (11, 15): ("execution time in the older zone-less layout", _same_exec_time),
}


def _instrument(contract: Any, time_zone_id: str = "US/Eastern") -> Instrument:
    """The sim instrument for a decoded ibapi Contract (right "?" means none)."""
    return Instrument(
        con_id=contract.conId, symbol=contract.symbol, sec_type=contract.secType,
        exchange=contract.exchange, primary_exchange="", currency=contract.currency,
        local_symbol=contract.localSymbol, trading_class=contract.tradingClass, long_name="",
        min_tick=0.01, market_rule_ids="", order_types="", valid_exchanges="",
        multiplier=contract.multiplier, last_trade_date=contract.lastTradeDateOrContractMonth,
        strike=contract.strike, right="" if contract.right == "?" else contract.right,
        time_zone_id=time_zone_id,
    )


_BLANK = Instrument(0, "", "", "", "", "", "", "", "", 0.01, "", "", "")  # where a message has no contract


def _opt(value: float) -> float | None:
    return None if value == UNSET_DOUBLE else value


def _client_spec(order: Any, total_quantity: Decimal) -> OrderSpec:
    """What the recorded client sent: the order's key values, the rest at client defaults.

    Every recorded order shows dontUseAutoPriceForHedge=1: IB's Java client (and rust-ibapi after
    it) sends 1 by default and TWS echoes it, so the client defaults here include it.
    """
    return OrderSpec(
        action=order.action, total_quantity=total_quantity, order_type=order.orderType,
        lmt_price=_opt(order.lmtPrice) or None, aux_price=_opt(order.auxPrice) or None,
        tif=order.tif, account=order.account, order_ref=order.orderRef,
        outside_rth=order.outsideRth, what_if=order.whatIf, dont_use_auto_price_for_hedge=True,
    )


def _sim_order(contract: Any, order: Any, state: Any, order_id: int, total: Decimal, filled: Decimal) -> SimOrder:
    commission = _opt(state.commissionAndFees)
    return SimOrder(
        order_id=order_id, client_id=order.clientId, perm_id=order.permId,
        instrument=_instrument(contract), spec=_client_spec(order, total),
        state=OrderState(
            status=state.status, commission=commission,
            commission_currency=state.commissionAndFeesCurrency,
            completed_time=state.completedTime, completed_status=state.completedStatus,
        ),
        filled=filled,
    )


def _fill(contract: Any, ex: Any, commission: float = 0.0, currency: str = "USD",
          realized_pnl: float | None = None) -> Fill:
    date, clock, *zone = ex.time.split()
    tz = zone[0] if zone else "US/Eastern"  # the zone-less layout was local exchange time
    local = datetime.strptime(f"{date} {clock}", "%Y%m%d %H:%M:%S").replace(tzinfo=ZoneInfo(tz))
    return Fill(
        exec_id=ex.execId, order_id=ex.orderId, client_id=ex.clientId, perm_id=ex.permId,
        instrument=_instrument(contract, tz), time=local.astimezone(timezone.utc).replace(tzinfo=None),
        account=ex.acctNumber, exchange=ex.exchange, side=ex.side, shares=ex.shares, price=ex.price,
        cum_qty=ex.cumQty, avg_price=ex.avgPrice, order_ref=ex.orderRef, model_code=ex.modelCode,
        last_liquidity=ex.lastLiquidity, commission=commission, commission_currency=currency,
        realized_pnl=realized_pnl,
    )


def _reencode(version: int, decoded_at: int, fields: list[str]) -> list[str]:
    """Read the capture's key values with ibapi, rebuild the situation in sim records, encode it."""
    (name, args), = decode(decoded_at, fields)
    msg_id = int(fields[0])
    if msg_id == 5:
        order_id, contract, order, state = args
        sim = _sim_order(contract, order, state, order_id, order.totalQuantity, Decimal(0))
        return enc.open_order(version, sim)
    if msg_id == 101:
        contract, order, state = args
        total = order.totalQuantity + order.filledQuantity  # TWS reports what was left to fill
        sim = _sim_order(contract, order, state, 0, total, order.filledQuantity)
        return enc.completed_order(version, sim)
    if msg_id == 3:
        order_id, status, filled, remaining, avg, perm_id, parent_id, last, client_id, why, cap = args
        spec = OrderSpec(total_quantity=filled + remaining, parent_id=parent_id)
        sim = SimOrder(order_id, client_id, perm_id, _BLANK, spec, OrderState(status=status), filled=filled,
                       avg_fill_price=avg, last_fill_price=last, why_held=why)
        return enc.order_status(version, sim, cap)
    if msg_id == 11:
        req_id, contract, execution = args
        return enc.exec_details(version, req_id, _fill(contract, execution))
    if msg_id == 59:
        (report,) = args
        fill = Fill(exec_id=report.execId, order_id=0, client_id=0, perm_id=0, instrument=_BLANK,
                    time=datetime(2024, 1, 2), account="", exchange="", side="BOT", shares=Decimal(1),
                    price=1.0, cum_qty=Decimal(1), avg_price=1.0, commission=report.commissionAndFees,
                    commission_currency=report.currency, realized_pnl=_opt(report.realizedPNL))
        return enc.commission_report(version, fill)
    if msg_id == 100:
        perm_id, client_id, order_id = args
        return enc.order_bound(version, SimOrder(order_id, client_id, perm_id, _BLANK, OrderSpec()))
    assert msg_id == 102, name
    return enc.completed_orders_end(version)


@pytest.mark.parametrize("capture", _captures())
def test_matches_recorded_tws_frame(capture: dict[str, Any]) -> None:
    lo, hi = capture["decodes_exactly_at_server_versions"]
    versions = range(max(lo, MIN_SUPPORTED), min(hi, TEXT_LAST) + 1)
    assert versions, "capture decodes at no supported version"
    expected: list[str] = capture["fields"]
    msg_id = capture["msg_id"]
    for version in versions:
        got = _reencode(version, versions[0], expected)
        assert len(got) == len(expected), f"v{version}: {len(got)} fields, TWS wrote {len(expected)}"
        wrong = []
        for i, (want, have) in enumerate(zip(expected, got)):
            excused = EXCUSED.get((msg_id, i))
            ok = excused[1](want, have) if excused else want == have
            if not ok:
                wrong.append((i, want, have))
        assert not wrong, f"v{version}: (field, TWS, sim) differ: {wrong}"


# ---------------------------------------------------------------------------------------------
# 2. Every supported version decodes, with the values intact
# ---------------------------------------------------------------------------------------------

AAPL = Instrument(
    con_id=265598, symbol="AAPL", sec_type="STK", exchange="SMART", primary_exchange="NASDAQ",
    currency="USD", local_symbol="AAPL", trading_class="NMS", long_name="APPLE INC", min_tick=0.01,
    market_rule_ids="26", order_types="LMT,MKT,STP,STP LMT,TRAIL", valid_exchanges="SMART,NASDAQ",
)
ES = Instrument(
    con_id=495512563, symbol="ES", sec_type="FUT", exchange="CME", primary_exchange="",
    currency="USD", local_symbol="ESH5", trading_class="ES", long_name="E-mini S&P 500",
    min_tick=0.25, market_rule_ids="67", order_types="LMT,MKT,STP", valid_exchanges="CME",
    multiplier="50", last_trade_date="20250321", contract_month="202503", time_zone_id="US/Central",
)
EURUSD = Instrument(
    con_id=12087792, symbol="EUR", sec_type="CASH", exchange="IDEALPRO", primary_exchange="",
    currency="USD", local_symbol="EUR.USD", trading_class="EUR.USD",
    long_name="European Monetary Union Euro", min_tick=0.00005, market_rule_ids="239",
    order_types="LMT,MKT", valid_exchanges="IDEALPRO",
)


def _order(n: int, inst: Instrument, status: str = "Submitted", **spec: Any) -> SimOrder:
    spec.setdefault("action", "BUY")
    spec.setdefault("tif", "DAY")
    spec.setdefault("account", "DU1234567")
    return SimOrder(order_id=n, client_id=7, perm_id=900_000 + n, instrument=inst,
                    spec=OrderSpec(**spec), state=OrderState(status=status))


def _orders() -> dict[str, SimOrder]:
    q = Decimal
    what_if = _order(5, AAPL, "PreSubmitted", total_quantity=q(100), order_type="LMT",
                     lmt_price=150.0, what_if=True)
    what_if.state = OrderState(
        status="PreSubmitted", init_margin_before=1000.0, maint_margin_before=900.0,
        equity_with_loan_before=50000.0, init_margin_change=3750.5, maint_margin_change=3410.0,
        equity_with_loan_change=-1.25, init_margin_after=4750.5, maint_margin_after=4310.0,
        equity_with_loan_after=49998.75, commission=1.0, min_commission=1.0, max_commission=1.5,
        commission_currency="USD",
    )
    filled = _order(6, AAPL, "Filled", action="SELL", total_quantity=q(100), order_type="LMT",
                    lmt_price=150.25, order_ref="exit")
    filled.filled, filled.avg_fill_price, filled.last_fill_price = q(100), 150.31, 150.3
    filled.state.commission, filled.state.commission_currency = 1.0, "USD"
    filled.state.completed_time = "20250102 10:31:02 America/New_York"
    filled.state.completed_status = "Filled Size: 100"
    trail = _order(4, AAPL, "PreSubmitted", action="SELL", total_quantity=q(10), order_type="TRAIL",
                   tif="GTC", trailing_percent=1.5, trail_stop_price=145.0)
    trail.trail_stop = 147.75
    return {
        "lmt-day": _order(1, AAPL, total_quantity=q(100), order_type="LMT", lmt_price=150.25),
        "mkt": _order(2, AAPL, "PreSubmitted", action="SELL", total_quantity=q(50), order_type="MKT"),
        "stp-lmt-gtc-rth": _order(3, AAPL, total_quantity=q(25), order_type="STP LMT", lmt_price=149.5,
                                  aux_price=150.0, tif="GTC", outside_rth=True),
        "trail-pct": trail,
        "what-if": what_if,
        "filled": filled,
        "future": _order(7, ES, total_quantity=q(2), order_type="LMT", lmt_price=5000.25),
        "forex": _order(8, EURUSD, total_quantity=q("25000.5"), order_type="LMT", lmt_price=1.08735),
    }


ORDERS = _orders()


def _fills() -> dict[str, Fill]:
    base = dict(client_id=7, account="DU1234567", commission_currency="USD")
    return {
        "stock": Fill(exec_id="0000e0d5.6789abcd.01.01", order_id=6, perm_id=900_006, instrument=AAPL,
                      time=datetime(2025, 1, 2, 15, 31, 2), exchange="ISLAND", side="SLD",
                      shares=Decimal(60), price=150.31, cum_qty=Decimal(60), avg_price=150.31,
                      order_ref="exit", commission=1.0, realized_pnl=123.45, submitter="trader1", **base),
        "future": Fill(exec_id="0000e0d5.6789abce.01.01", order_id=7, perm_id=900_007, instrument=ES,
                       time=datetime(2025, 1, 2, 23, 59, 59), exchange="CME", side="BOT", shares=Decimal(2),
                       price=5000.25, cum_qty=Decimal(2), avg_price=5000.25, last_liquidity=1,
                       pending_price_revision=True, commission=4.5, **base),
        "forex": Fill(exec_id="0000e0d5.6789abcf.01.01", order_id=8, perm_id=900_008, instrument=EURUSD,
                      time=datetime(2025, 7, 1, 4, 0, 0), exchange="IDEALPRO", side="BOT",
                      shares=Decimal("25000.5"), price=1.08735, cum_qty=Decimal("25000.5"),
                      avg_price=1.08735, commission=2.0, **base),
    }


FILLS = _fills()


def _only_call(version: int, fields: list[str], name: str) -> tuple[Any, ...]:
    calls = decode(version, fields)
    assert [c[0] for c in calls] == [name]
    return calls[0][1]


def _check_order(contract: Any, order: Any, sim: SimOrder) -> None:
    inst, spec = sim.instrument, sim.spec
    assert (contract.conId, contract.symbol, contract.secType) == (inst.con_id, inst.symbol, inst.sec_type)
    assert (contract.multiplier, contract.exchange, contract.currency, contract.lastTradeDateOrContractMonth) == (
        inst.multiplier, inst.exchange, inst.currency, inst.last_trade_date)
    assert (order.action, order.orderType, order.tif, order.account) == (
        spec.action, spec.order_type, spec.tif, spec.account)
    assert order.lmtPrice == (spec.lmt_price or 0.0) and order.auxPrice == (spec.aux_price or 0.0)
    assert order.outsideRth == spec.outside_rth and order.permId == sim.perm_id
    assert order.trailingPercent == (spec.trailing_percent if spec.trailing_percent is not None else UNSET_DOUBLE)
    assert order.trailStopPrice == (sim.trail_stop if sim.trail_stop is not None else UNSET_DOUBLE)
    assert order.orderRef == spec.order_ref


@pytest.mark.parametrize("version", VERSIONS)
def test_open_order_decodes_at_every_version(version: int) -> None:
    for name, sim in ORDERS.items():
        order_id, contract, order, state = _only_call(version, enc.open_order(version, sim), "openOrder")
        _check_order(contract, order, sim)
        assert order_id == order.orderId == sim.order_id and order.clientId == sim.client_id, name
        assert isinstance(order.totalQuantity, Decimal) and order.totalQuantity == sim.spec.total_quantity
        assert state.status == sim.state.status and order.whatIf == sim.spec.what_if
        assert state.commissionAndFees == (sim.state.commission if sim.state.commission is not None else UNSET_DOUBLE)
        assert state.commissionAndFeesCurrency == sim.state.commission_currency
        if sim.spec.what_if:
            assert float(state.initMarginAfter) == sim.state.init_margin_after
            assert float(state.equityWithLoanChange) == sim.state.equity_with_loan_change
            assert state.maxCommissionAndFees == sim.state.max_commission
        else:
            assert state.initMarginBefore == state.maintMarginAfter == UNSET_DOUBLE_TEXT


@pytest.mark.parametrize("version", VERSIONS)
def test_completed_order_decodes_at_every_version(version: int) -> None:
    for sim in ORDERS.values():
        contract, order, state = _only_call(version, enc.completed_order(version, sim), "completedOrder")
        _check_order(contract, order, sim)
        assert order.totalQuantity == sim.remaining and order.filledQuantity == sim.filled
        assert (state.status, state.completedTime, state.completedStatus) == (
            sim.state.status, sim.state.completed_time, sim.state.completed_status)


@pytest.mark.parametrize("version", VERSIONS)
def test_order_status_and_bound_decode_at_every_version(version: int) -> None:
    for sim in ORDERS.values():
        args = _only_call(version, enc.order_status(version, sim, 151.0), "orderStatus")
        assert args == (sim.order_id, sim.state.status, sim.filled, sim.remaining, sim.avg_fill_price,
                        sim.perm_id, sim.spec.parent_id, sim.last_fill_price, sim.client_id, sim.why_held, 151.0)
        assert _only_call(version, enc.order_bound(version, sim), "orderBound") == \
            (sim.perm_id, sim.client_id, sim.order_id)
    assert _only_call(version, enc.open_order_end(version), "openOrderEnd") == ()
    assert _only_call(version, enc.completed_orders_end(version), "completedOrdersEnd") == ()
    assert _only_call(version, enc.exec_details_end(version, 42), "execDetailsEnd") == (42,)


@pytest.mark.parametrize("version", VERSIONS)
def test_exec_details_and_commission_decode_at_every_version(version: int) -> None:
    for fill in FILLS.values():
        req_id, contract, ex = _only_call(version, enc.exec_details(version, -1, fill), "execDetails")
        inst = fill.instrument
        assert req_id == -1 and (contract.conId, contract.symbol, contract.multiplier) == (
            inst.con_id, inst.symbol, inst.multiplier)
        assert (ex.execId, ex.orderId, ex.permId, ex.clientId) == (
            fill.exec_id, fill.order_id, fill.perm_id, fill.client_id)
        assert (ex.side, ex.shares, ex.price, ex.cumQty, ex.avgPrice) == (
            fill.side, fill.shares, fill.price, fill.cum_qty, fill.avg_price)
        assert (ex.acctNumber, ex.exchange, ex.orderRef, ex.lastLiquidity) == (
            fill.account, fill.exchange, fill.order_ref, fill.last_liquidity)
        assert ex.pendingPriceRevision == (fill.pending_price_revision and version >= 178)
        assert ex.submitter == (fill.submitter if version >= 198 else "")
        (report,) = _only_call(version, enc.commission_report(version, fill), "commissionAndFeesReport")
        assert (report.execId, report.commissionAndFees, report.currency) == (
            fill.exec_id, fill.commission, fill.commission_currency)
        assert report.realizedPNL == (fill.realized_pnl if fill.realized_pnl is not None else UNSET_DOUBLE)
        assert report.yield_ == UNSET_DOUBLE


@pytest.mark.parametrize(
    ("when", "zone", "text"),
    [
        (datetime(2025, 1, 2, 15, 31, 2), "US/Eastern", "20250102 10:31:02 US/Eastern"),
        (datetime(2025, 7, 1, 4, 0, 0), "US/Eastern", "20250701 00:00:00 US/Eastern"),  # summer time
        (datetime(2025, 1, 2, 23, 59, 59), "US/Central", "20250102 17:59:59 US/Central"),
    ],
)
def test_exec_time_is_local_exchange_time_with_zone(when: datetime, zone: str, text: str) -> None:
    assert enc.exec_time(when, zone) == text


def test_unset_conventions() -> None:
    """The defaults TWS writes, spelled as the captures spell them."""
    fields = enc.open_order(176, ORDERS["mkt"])
    assert fields[16:18] == ["0.0", "0.0"]  # a MKT order's lmtPrice / auxPrice
    assert fields[6:8] == ["0", "?"]  # zero strike, blank right
    assert fields.count("None") == 2  # deltaNeutralOrderType, adjustedOrderType
    assert str(UNSET_INTEGER) in fields and UNSET_DOUBLE_TEXT in fields
    report = enc.commission_report(200, FILLS["forex"])
    assert report[5:] == [UNSET_DOUBLE_TEXT, UNSET_DOUBLE_TEXT, ""]
