"""What a trader relies on, order by order: IB's own client against the simulated TWS.

Every test asserts what the client receives (statuses, fills, commissions, errors with TWS codes)
and what the simulator itself holds. The market is a seeded random walk moved only by `sim.advance`,
so prices are chosen relative to the quote of the moment and the clock is stepped until they trade.
"""

from __future__ import annotations

import copy
import itertools
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Callable, Iterator

import pytest
from ibapi.contract import Contract
from ibapi.order import Order

from blotter.sim.market import SimClock
from blotter.sim.model import SimOrder
from tests.conftest import make_sim
from tests.ibclient import IBClient

UNSET = 1.7976931348623157e308
AAPL, AAPL_OPT, QPNY, ES, EUR = 265598, 788430215, 699400117, 515416632, 12087792
STEP = 0.25  # the simulator's market step, in seconds
CENT = Decimal("0.01")


# -- contracts and orders ---------------------------------------------------------------------------


def stock(symbol: str = "AAPL", sec_type: str = "STK") -> Contract:
    c = Contract()
    c.symbol, c.secType, c.exchange, c.currency = symbol, sec_type, "SMART", "USD"
    return c


def future() -> Contract:
    c = Contract()
    c.symbol, c.secType, c.exchange, c.currency, c.lastTradeDateOrContractMonth = "ES", "FUT", "CME", "USD", "202612"
    return c


def forex() -> Contract:
    c = Contract()
    c.symbol, c.secType, c.exchange, c.currency = "EUR", "CASH", "IDEALPRO", "USD"
    return c


def option() -> Contract:
    c = Contract()
    c.symbol, c.secType, c.exchange, c.currency = "AAPL", "OPT", "SMART", "USD"
    c.lastTradeDateOrContractMonth, c.strike, c.right, c.multiplier = "20261218", 260.0, "C", "100"
    return c


def order(action: str, qty: int | str, order_type: str = "MKT", tif: str = "DAY", **attrs: Any) -> Order:
    """An ibapi Order; attrs use ibapi's names (lmtPrice, auxPrice, trailingPercent, outsideRth...)."""
    o = Order()
    o.action, o.totalQuantity, o.orderType, o.tif = action, Decimal(str(qty)), order_type, tif
    for name, value in attrs.items():
        setattr(o, name, value)
    return o


def px(value: float | Decimal) -> float:
    """A price on the cent grid, as a client would type it."""
    return float(Decimal(str(value)).quantize(CENT))


# -- one client at one simulated TWS ------------------------------------------------------------------


class Desk:
    """A trader's seat: places orders with fresh ids, steps the clock, reads both sides."""

    def __init__(self, sim: Any, client: IBClient) -> None:
        self.sim, self.client = sim, client
        self._ids = itertools.count(client.wait_for("nextValidId")[0][0])
        self._syncs = 0

    def send(self, contract: Contract, o: Order, order_id: int | None = None) -> int:
        """placeOrder without waiting (a new id unless one is given: a modify)."""
        oid = next(self._ids) if order_id is None else order_id
        self.client.placeOrder(oid, contract, o)
        return oid

    def place(self, contract: Contract, o: Order) -> int:
        """placeOrder and wait until the sim has it (its first PreSubmitted status)."""
        oid = self.send(contract, o)
        self.wait_status(oid, "PreSubmitted")
        return oid

    def wait_status(self, oid: int, status: str, count: int = 1) -> list[tuple[Any, ...]]:
        return self.client.wait_for("orderStatus", lambda i, st, *r: i == oid and st == status, count=count)

    def sync(self) -> None:
        """A request round trip: everything the sim sent before it has reached the client."""
        self._syncs += 1
        self.client.reqCurrentTime()
        self.client.wait_for("currentTime", count=self._syncs)

    def quote(self, con_id: int = AAPL) -> Any:
        return self.sim.call(lambda: self.sim.market.quote(con_id))

    def record(self, oid: int, client_id: int = 1) -> SimOrder | None:
        """A copy of the sim's own order (None if it holds none under this id)."""
        return self.sim.call(lambda: copy.deepcopy(self.sim.broker.by_key.get((client_id, oid))))

    def status(self, oid: int) -> str:
        return self.sim.call(lambda: self.sim.broker.by_key[(1, oid)].state.status)

    def step_until(self, done: Callable[[], bool], steps: int = 400,
                   each: Callable[[], None] | None = None) -> int:
        """Step the market one step at a time until done() holds on the sim's loop; returns the steps."""
        for n in range(steps):
            if self.sim.call(done):
                return n
            self.sim.advance(STEP)
            if each is not None:
                each()
        raise AssertionError(f"not done after {steps} market steps")

    def until_status(self, oid: int, status: str) -> int:
        """Step until the sim's order has this status; returns the steps."""
        return self.step_until(lambda: self.sim.broker.by_key[(1, oid)].state.status == status)

    def statuses(self, oid: int) -> list[str]:
        return self.client.statuses(oid)

    def status_args(self, oid: int) -> list[tuple[Any, ...]]:
        return [a for a in self.client.args("orderStatus") if a[0] == oid]

    def fills(self, oid: int) -> list[Any]:
        return [a[2] for a in self.client.args("execDetails") if a[2].orderId == oid]

    def sim_fills(self, oid: int) -> list[Any]:
        return self.sim.call(lambda: [f for f in self.sim.broker.fills.values() if f.order_id == oid])

    def commissions(self, oid: int) -> list[Any]:
        """The commission reports of this order's fills (waits until every fill has its report)."""
        ids = {f.execId for f in self.fills(oid)}
        self.client.wait_until(lambda calls: ids <= {c[1][0].execId for c in calls
                                                     if c[0] == "commissionAndFeesReport"}, what="commissions")
        return [a[0] for a in self.client.args("commissionAndFeesReport") if a[0].execId in ids]

    def errors(self, oid: int) -> list[tuple[int, str]]:
        return [(e[2], e[3]) for e in self.client.errors() if e[0] == oid]

    def assert_totals(self, oid: int, total: Decimal) -> None:
        """filled + remaining is the order's size in every orderStatus the client got."""
        for args in self.status_args(oid):
            assert args[2] + args[3] == total, args


@pytest.fixture
def desk(sim: Any, connect: Callable[..., IBClient]) -> Desk:
    return Desk(sim, connect())


# -- order types ---------------------------------------------------------------------------------------


def test_market_order_fills_at_the_touch(desk: Desk) -> None:
    oid = desk.place(stock(), order("BUY", 100))
    desk.until_status(oid, "Filled")
    desk.wait_status(oid, "Filled")
    ask = desk.quote().ask  # no step since the fill: the touch it traded at
    assert [f.price for f in desk.fills(oid)] == [ask]
    assert list(dict.fromkeys(desk.statuses(oid))) == ["PreSubmitted", "Submitted", "Filled"]
    held = desk.record(oid)
    assert held.filled == Decimal(100) and held.avg_fill_price == ask


def test_limit_rests_away_from_the_market_and_never_fills_worse(desk: Desk) -> None:
    q = desk.quote()
    resting = desk.place(stock(), order("BUY", 100, "LMT", lmtPrice=px(q.bid - 2)))
    buy = desk.place(stock(), order("BUY", 100, "LMT", lmtPrice=px(q.ask + 0.3)))
    sell = desk.place(stock(), order("SELL", 100, "LMT", lmtPrice=px(q.bid - 0.3)))
    desk.until_status(buy, "Filled")
    desk.until_status(sell, "Filled")
    desk.sim.advance(2)
    desk.wait_status(sell, "Filled")
    assert all(f.price <= px(q.ask + 0.3) for f in desk.fills(buy))
    assert all(f.price >= px(q.bid - 0.3) for f in desk.fills(sell))
    assert desk.status(resting) == "Submitted" and desk.record(resting).filled == 0
    assert desk.fills(resting) == [] and desk.statuses(resting)[-1] == "Submitted"


# (order type, side, trigger offset from the touch, limit offset from the trigger, trigger side):
# a buy stop sits above the ask, a sell stop below the bid, if-touched orders the other way round.
TRIGGERED = [
    pytest.param("STP", "BUY", 0.10, None, id="stp-buy"),
    pytest.param("STP", "SELL", -0.10, None, id="stp-sell"),
    pytest.param("STP LMT", "BUY", 0.10, 0.15, id="stp-lmt-buy"),
    pytest.param("STP LMT", "SELL", -0.10, -0.15, id="stp-lmt-sell"),
    pytest.param("MIT", "BUY", -0.10, None, id="mit-buy"),
    pytest.param("MIT", "SELL", 0.10, None, id="mit-sell"),
    pytest.param("LIT", "BUY", -0.10, 0.05, id="lit-buy"),
    pytest.param("LIT", "SELL", 0.10, -0.05, id="lit-sell"),
]


@pytest.mark.parametrize("order_type, side, offset, limit_offset", TRIGGERED)
def test_stop_and_if_touched_orders_are_held_until_triggered(
        desk: Desk, order_type: str, side: str, offset: float, limit_offset: float | None) -> None:
    q = desk.quote()
    trigger = px((q.ask if side == "BUY" else q.bid) + offset)
    attrs: dict[str, Any] = {"auxPrice": trigger}
    if limit_offset is not None:
        attrs["lmtPrice"] = px(trigger + limit_offset)
    oid = desk.place(stock(), order(side, 100, order_type, **attrs))

    def still_held() -> None:
        held = desk.record(oid)
        assert held.triggered or held.state.status == "PreSubmitted", "held by IB until its trigger"

    waited = desk.step_until(lambda: desk.sim.broker.by_key[(1, oid)].triggered, each=still_held)
    assert waited >= 2, "the trigger should not be hit at once: the test would not show the hold"
    desk.until_status(oid, "Filled")
    desk.wait_status(oid, "Filled")
    statuses = list(dict.fromkeys(desk.statuses(oid)))
    assert statuses == ["PreSubmitted", "Submitted", "Filled"]
    prices = [f.price for f in desk.fills(oid)]
    stop_like = order_type.startswith("STP")
    beyond = (side == "BUY") == stop_like  # a buy stop fills at or above its trigger, a buy MIT at or below
    assert all(p >= trigger if beyond else p <= trigger for p in prices)
    if limit_offset is not None:
        limit = px(trigger + limit_offset)
        assert all(p <= limit if side == "BUY" else p >= limit for p in prices)
    assert desk.record(oid).filled == Decimal(100)


def _snapped(value: Decimal, up: bool) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_CEILING if up else ROUND_FLOOR)


# (order type, side, attrs builder from the quote before placing)
TRAILING = [
    pytest.param("TRAIL", "SELL", lambda q: {"auxPrice": 0.1}, id="trail-amount-sell"),
    pytest.param("TRAIL", "BUY", lambda q: {"auxPrice": 0.1}, id="trail-amount-buy"),
    pytest.param("TRAIL", "SELL", lambda q: {"trailingPercent": 0.05}, id="trail-percent-sell"),
    pytest.param("TRAIL LIMIT", "SELL", lambda q: {
        "auxPrice": 0.1, "trailStopPrice": px(q.bid - 0.1), "lmtPrice": px(q.bid - 0.3)}, id="trail-limit-sell"),
]


@pytest.mark.parametrize("order_type, side, attrs", TRAILING)
def test_trailing_orders_follow_the_market_then_trigger(
        desk: Desk, order_type: str, side: str, attrs: Callable[[Any], dict[str, Any]]) -> None:
    q = desk.quote()
    spec = attrs(q)
    oid = desk.place(stock(), order(side, 100, order_type, **spec))
    buy = side == "BUY"
    levels: list[Decimal] = [Decimal(str(spec["trailStopPrice"]))] if "trailStopPrice" in spec else []

    def follow() -> None:  # after each step, up to the one where it fires
        held = desk.record(oid)
        touch = Decimal(str(desk.quote().ask if buy else desk.quote().bid))
        gap = Decimal(str(spec["auxPrice"])) if "auxPrice" in spec \
            else touch * Decimal(str(spec["trailingPercent"])) / 100
        levels.append(_snapped(touch + gap if buy else touch - gap, up=buy))
        expected = min(levels) if buy else max(levels)  # a trailing stop only ever moves toward the market
        assert Decimal(str(held.trail_stop)) == expected
        assert held.triggered or held.state.status == "PreSubmitted"

    desk.step_until(lambda: desk.sim.broker.by_key[(1, oid)].triggered, each=follow)
    desk.until_status(oid, "Filled")
    desk.wait_status(oid, "Filled")
    stop = desk.record(oid).trail_stop
    prices = [f.price for f in desk.fills(oid)]
    if order_type == "TRAIL LIMIT":  # the limit keeps its distance from the trailing stop
        limit = stop - (spec["trailStopPrice"] - spec["lmtPrice"])
        assert all(p >= round(limit, 2) for p in prices)
    else:
        assert all(p >= stop if buy else p <= stop for p in prices)
    opened = [a[2] for a in desk.client.args("openOrder") if a[0] == oid]
    assert opened[-1].trailStopPrice == stop, "openOrder reports the live stop level"
    assert list(dict.fromkeys(desk.statuses(oid))) == ["PreSubmitted", "Submitted", "Filled"]


def test_auction_orders_wait_for_their_auction(desk: Desk) -> None:
    last = desk.quote().last
    moc = desk.place(stock(), order("BUY", 100, "MOC"))
    loc = desk.place(stock(), order("SELL", 100, "LOC", lmtPrice=px(last - 5)))
    loc_away = desk.place(stock(), order("BUY", 100, "LOC", lmtPrice=px(last - 5)))
    opg = desk.place(stock(), order("BUY", 100, "MKT", tif="OPG"))
    opg_lmt = desk.place(stock(), order("SELL", 100, "LMT", tif="OPG", lmtPrice=px(last - 5)))
    ids = [moc, loc, loc_away, opg, opg_lmt]
    desk.sim.advance(3)
    assert [desk.status(i) for i in ids] == ["PreSubmitted"] * 5, "IB holds auction orders"
    assert not any(desk.fills(i) for i in ids)

    opening = desk.quote().last
    desk.sim.auction(closing=False)
    desk.wait_status(opg, "Filled")
    desk.wait_status(opg_lmt, "Filled")
    assert [f.price for f in desk.fills(opg) + desk.fills(opg_lmt)] == [opening, opening]
    assert [desk.status(i) for i in (moc, loc, loc_away)] == ["PreSubmitted"] * 3

    desk.sim.advance(1)
    closing = desk.quote().last
    desk.sim.auction(closing=True)
    desk.wait_status(moc, "Filled")
    desk.wait_status(loc, "Filled")
    desk.wait_status(loc_away, "Cancelled")
    assert [f.price for f in desk.fills(moc) + desk.fills(loc)] == [closing, closing]
    assert closing >= px(last - 5), "a LOC sell trades at or above its limit"
    assert desk.fills(loc_away) == [] and desk.record(loc_away).filled == 0


# -- time in force ----------------------------------------------------------------------------------


def test_end_of_day_cancels_day_deactivates_dtc_and_keeps_gtc(desk: Desk) -> None:
    price = px(desk.quote().bid - 3)
    day = desk.place(stock(), order("BUY", 100, "LMT", "DAY", lmtPrice=price))
    gtc = desk.place(stock(), order("BUY", 100, "LMT", "GTC", lmtPrice=price))
    dtc = desk.place(stock(), order("BUY", 100, "LMT", "DTC", lmtPrice=price))
    desk.sim.advance(STEP)
    desk.wait_status(gtc, "Submitted")
    desk.sim.end_of_day()
    desk.wait_status(day, "Cancelled")
    desk.wait_status(dtc, "Inactive")
    desk.sync()
    assert desk.statuses(gtc)[-1] == "Submitted"
    assert [desk.status(i) for i in (day, gtc, dtc)] == ["Cancelled", "Submitted", "Inactive"]
    desk.sim.advance(STEP)
    assert desk.status(gtc) == "Submitted", "a GTC order works on the next day"


def test_ioc_takes_what_is_there_and_cancels_the_rest(desk: Desk) -> None:
    big = desk.place(stock(), order("BUY", 5000, "MKT", "IOC"))
    away = desk.place(stock(), order("BUY", 100, "LMT", "IOC", lmtPrice=px(desk.quote().bid - 3)))
    desk.sim.advance(STEP)
    desk.wait_status(big, "Cancelled")
    desk.wait_status(away, "Cancelled")
    filled = sum(f.shares for f in desk.fills(big))
    held = desk.record(big)
    assert 0 < filled < 5000 and held.filled == filled
    assert desk.sim.call(lambda: desk.sim.market.available(AAPL, "BUY")) == 0, "it took the whole ask"
    assert desk.status_args(big)[-1][2:4] == (filled, 5000 - filled)
    desk.assert_totals(big, Decimal(5000))
    assert desk.fills(away) == [] and desk.record(away).filled == 0


def test_fok_fills_whole_or_not_at_all_and_leaves_the_touch(desk: Desk) -> None:
    fok = desk.place(option(), order("BUY", 1000, "MKT", "FOK"))
    ioc = desk.place(option(), order("BUY", 1000, "MKT", "IOC"))  # behind the FOK in the same step
    desk.sim.advance(STEP)
    desk.wait_status(fok, "Cancelled")
    desk.wait_status(ioc, "Cancelled")
    assert desk.fills(fok) == [] and desk.record(fok).filled == 0
    assert desk.record(ioc).filled > 0, "the FOK must not have consumed the touch"
    assert desk.sim.call(lambda: desk.sim.market.available(AAPL_OPT, "BUY")) == 0

    small = desk.place(option(), order("BUY", 1, "MKT", "FOK"))
    desk.sim.advance(STEP)
    desk.wait_status(small, "Filled")
    assert sum(f.shares for f in desk.fills(small)) == 1


@pytest.mark.parametrize("good_till", [
    "20261120 10:01:00 US/Eastern", "20261120 10:01:00 America/New_York", "20261120 15:01:00 UTC",
    "20261120-15:01:00", "20261120 10:01:00",
])
def test_gtd_expires_when_the_clock_passes_its_date(desk: Desk, good_till: str) -> None:
    # the sim starts at 10:00 New York (15:00 UTC); a date without a zone is in TWS's zone (New York)
    oid = desk.place(stock(), order("BUY", 100, "LMT", "GTD", lmtPrice=px(desk.quote().bid - 3),
                                    goodTillDate=good_till))
    desk.sim.advance(59)
    desk.wait_status(oid, "Submitted")
    assert desk.status(oid) == "Submitted"
    desk.sim.advance(1.5)
    desk.wait_status(oid, "Cancelled")
    assert desk.record(oid).state.status == "Cancelled"


@pytest.fixture
def premarket(server_version: int) -> Iterator[Desk]:
    """A TWS whose stocks keep regular hours, at 09:29 New York (14:29 UTC) on a Friday."""
    server = make_sim(always_open=False, clock=SimClock.manual(datetime(2026, 11, 20, 14, 29, 0)),
                      max_version=server_version)
    client = IBClient().start(server.port, 1)
    yield Desk(server, client)
    client.stop()
    server.stop()


def test_outside_regular_hours_only_orders_that_ask_for_it_trade(premarket: Desk) -> None:
    desk = premarket
    q = desk.quote()
    rth = desk.place(stock(), order("BUY", 100, "LMT", lmtPrice=px(q.ask + 5)))
    ext = desk.place(stock(), order("BUY", 100, "LMT", lmtPrice=px(q.ask + 5), outsideRth=True))
    mkt = desk.place(stock(), order("BUY", 100, "MKT", outsideRth=True))
    assert [code for code, _ in desk.errors(mkt)] == [2109, 399]  # ignored, then held until the open
    [(code, text)] = desk.errors(rth)
    assert code == 399 and text.splitlines() == [
        "Order Message:", "BUY 100 AAPL NASDAQ",
        "Warning: your order will not be placed at the exchange until 2026-11-20 09:30:00 US/Eastern"]
    desk.sim.advance(5)
    desk.wait_status(ext, "Filled")
    assert all(f.price <= px(q.ask + 5) for f in desk.fills(ext))
    assert [desk.record(i).filled for i in (rth, mkt)] == [0, 0], "nothing else trades before 09:30"
    assert [desk.status(i) for i in (rth, mkt)] == ["PreSubmitted"] * 2, "held until the open"

    desk.sim.advance(60)  # 09:30:05
    desk.wait_status(rth, "Filled")
    desk.wait_status(mkt, "Filled")
    assert all(f.price <= px(q.ask + 5) for f in desk.fills(rth))
    assert desk.errors(ext) == [], "an order that may trade outside regular hours is not held"


# -- rejections ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_desk(server_version: int) -> Iterator[Desk]:
    """One TWS and client for tests that only check what is refused (nothing is left working)."""
    server = make_sim(max_version=server_version)
    client = IBClient().start(server.port, 1)
    yield Desk(server, client)
    client.stop()
    server.stop()


REJECTIONS = [
    pytest.param(stock(), order("BUY", 100, "MOC", "GTC"), 111, id="moc-gtc"),
    pytest.param(stock(), order("BUY", 100, "STP", "OPG", auxPrice=300.0), 111, id="opg-stp"),
    pytest.param(stock(), order("BUY", 100, "STP LMT", auxPrice=300.0), 463, id="stp-lmt-without-limit"),
    pytest.param(stock(), order("SELL", 100, "TRAIL", auxPrice=0.5, trailingPercent=1.0), 201,
                 id="trail-amount-and-percent"),
    pytest.param(stock(), order("SELL", 100, "TRAIL"), 201, id="trail-without-amount"),
    pytest.param(stock(), order("BUY", 0, "LMT", lmtPrice=100.0), 434, id="zero-quantity"),
    pytest.param(stock(), order("BUY", -100, "LMT", lmtPrice=100.0), 434, id="negative-quantity"),
    pytest.param(stock("QPNY"), order("BUY", "10.5", "LMT", lmtPrice=0.45), 355, id="fraction-of-whole-shares"),
    pytest.param(forex(), order("BUY", 20000, "MOC"), 387, id="moc-on-forex"),
    pytest.param(future(), order("BUY", 1, "LOC", lmtPrice=6800.0), 387, id="loc-on-future"),
    pytest.param(future(), order("BUY", 1, "LMT", "OPG", lmtPrice=6800.0), 111, id="opg-on-future"),
    pytest.param(stock(), order("BUY", 100, "LMT", "GTD", lmtPrice=100.0, goodTillDate="next friday"), 334,
                 id="gtd-unreadable"),
    pytest.param(stock(), order("BUY", 100, "LMT", "GTD", lmtPrice=100.0, goodTillDate="20261120 10:00:00 Mars/Base"),
                 334, id="gtd-unknown-zone"),
    pytest.param(stock("ZZZZQ"), order("BUY", 100, "LMT", lmtPrice=10.0), 200, id="unknown-symbol"),
    pytest.param(stock("AAPL", sec_type=""), order("BUY", 100, "LMT", lmtPrice=10.0), 200, id="ambiguous"),
]


@pytest.mark.parametrize("contract, o, code", REJECTIONS)
def test_rejected_order_gets_its_code_and_creates_no_order(
        shared_desk: Desk, contract: Contract, o: Order, code: int) -> None:
    desk = shared_desk
    before = desk.sim.call(lambda: len(desk.sim.broker.orders))
    oid = desk.send(contract, o)
    desk.client.wait_for("error", lambda req, t, c, *r: req == oid)
    desk.sync()
    assert [c for c, _ in desk.errors(oid)] == [code]
    assert desk.statuses(oid) == [] and not [a for a in desk.client.args("openOrder") if a[0] == oid]
    assert desk.record(oid) is None and desk.sim.call(lambda: len(desk.sim.broker.orders)) == before


def test_ambiguous_contract_names_the_symbol(shared_desk: Desk) -> None:
    desk = shared_desk
    oid = desk.send(stock("AAPL", sec_type=""), order("BUY", 100, "LMT", lmtPrice=10.0))
    desk.client.wait_for("error", lambda req, t, c, *r: req == oid)
    assert desk.errors(oid) == [(200, "The contract description specified for AAPL is ambiguous.")]


# -- modify ------------------------------------------------------------------------------------------


def test_modify_price_and_quantity_and_refused_modifies_leave_the_order_working(desk: Desk) -> None:
    q = desk.quote()
    price = px(q.bid - 2)
    oid = desk.place(stock(), order("BUY", 100, "LMT", lmtPrice=price))
    desk.sim.advance(STEP)
    desk.wait_status(oid, "Submitted")

    desk.send(stock(), order("BUY", 100, "LMT", lmtPrice=px(price - 0.5)), oid)
    desk.client.wait_for("openOrder", lambda i, c, o, s: i == oid and o.lmtPrice == px(price - 0.5))
    desk.send(stock(), order("BUY", 300, "LMT", lmtPrice=px(price - 0.5)), oid)
    desk.client.wait_for("orderStatus", lambda i, st, filled, rem, *r: i == oid and rem == 300)
    held = desk.record(oid)
    assert (held.spec.lmt_price, held.spec.total_quantity, held.state.status) == (px(price - 0.5), 300, "Submitted")

    desk.send(stock(), order("SELL", 300, "LMT", lmtPrice=px(price - 0.5)), oid)  # side
    desk.send(stock(), order("BUY", 300, "STP LMT", lmtPrice=px(price - 0.5), auxPrice=px(price)), oid)  # type
    desk.sim.reject_next("Simulated rejection")
    desk.send(stock(), order("BUY", 300, "LMT", lmtPrice=px(price - 1)), oid)
    desk.client.wait_for("error", lambda req, t, code, *r: req == oid, count=3)
    desk.sync()
    assert desk.errors(oid) == [
        (105, "Order being modified does not match original order."),
        (105, "Order being modified does not match original order."),
        (201, "Order rejected - reason:Simulated rejection"),
    ]
    held = desk.record(oid)
    assert (held.spec.action, held.spec.order_type, held.spec.lmt_price, held.spec.total_quantity) == \
        ("BUY", "LMT", px(price - 0.5), 300)
    assert held.state.status == "Submitted" and desk.statuses(oid)[-1] == "Submitted"
    desk.sim.advance(1)
    assert desk.status(oid) == "Submitted", "a refused modify is not the order's death"

    marketable = px(desk.quote().ask + 0.5)
    desk.send(stock(), order("BUY", 300, "LMT", lmtPrice=marketable), oid)
    desk.until_status(oid, "Filled")
    desk.wait_status(oid, "Filled")
    assert all(f.price <= marketable for f in desk.fills(oid))
    assert {a[2] + a[3] for a in desk.status_args(oid)} == {100, 300}, "every status adds up to the size then"
    assert desk.status_args(oid)[-1][2:4] == (300, 0)


def test_modify_of_a_filled_order_is_refused(desk: Desk) -> None:
    oid = desk.place(stock(), order("BUY", 100))
    desk.until_status(oid, "Filled")
    desk.wait_status(oid, "Filled")
    desk.send(stock(), order("BUY", 200), oid)
    desk.client.wait_for("error", lambda req, t, code, *r: req == oid)
    assert [c for c, _ in desk.errors(oid)] == [104]
    held = desk.record(oid)
    assert (held.spec.total_quantity, held.filled, held.state.status) == (100, 100, "Filled")


# -- fills, what-if, repeats, commissions -------------------------------------------------------------------


def test_limit_larger_than_the_touch_fills_in_parts(desk: Desk) -> None:
    limit = px(desk.quote().ask + 0.1)
    oid = desk.place(stock(), order("BUY", 1000, "LMT", lmtPrice=limit))
    desk.until_status(oid, "Filled")
    desk.wait_status(oid, "Filled")
    fills = desk.fills(oid)
    ours = desk.sim_fills(oid)
    assert len(fills) >= 2 and len({f.time for f in ours}) == len(ours), "parts, in different steps"
    assert sum(f.shares for f in fills) == 1000 and fills[-1].cumQty == 1000
    assert all(f.price <= limit for f in fills)
    desk.assert_totals(oid, Decimal(1000))
    partial = [a for a in desk.status_args(oid) if a[1] == "Submitted" and 0 < a[2] < 1000]
    assert partial, "partial fills are reported as Submitted with what is filled so far"


def test_what_if_answers_with_margin_and_commission_and_places_nothing(desk: Desk) -> None:
    oid = desk.send(stock(), order("BUY", 100, "LMT", lmtPrice=px(desk.quote().bid - 1), whatIf=True))
    _, contract, o, state = desk.client.wait_for("openOrder", lambda i, *r: i == oid)[0]
    assert o.whatIf and contract.conId == AAPL
    assert state.commissionAndFees == 1.0 and state.commissionAndFeesCurrency == "USD"
    assert state.minCommissionAndFees != UNSET and state.maxCommissionAndFees != UNSET
    assert float(state.initMarginChange) > 0 and float(state.maintMarginChange) > 0
    assert float(state.initMarginAfter) == pytest.approx(float(state.initMarginBefore) + float(state.initMarginChange))
    desk.sim.advance(1)
    desk.sync()
    assert desk.statuses(oid) == [] and desk.fills(oid) == []
    assert desk.record(oid) is None and desk.sim.call(lambda: len(desk.sim.broker.orders)) == 0


def test_repeated_statuses_arrive_three_times_for_one_order(desk: Desk) -> None:
    desk.sim.repeat_statuses(2)
    oid = desk.place(stock(), order("BUY", 100))
    desk.until_status(oid, "Filled")
    desk.wait_status(oid, "Filled", count=3)
    desk.sync()
    assert desk.statuses(oid) == ["PreSubmitted"] * 3 + ["Submitted"] * 3 + ["Filled"] * 3
    assert len(desk.fills(oid)) == 1, "executions are not repeated"
    assert desk.sim.call(lambda: len([o for o in desk.sim.broker.orders.values() if o.order_id == oid])) == 1


COMMISSIONS = [
    pytest.param(stock(), 100, lambda fills: 1.00, id="aapl-100-minimum"),
    pytest.param(stock(), 1000, lambda fills: 5.00, id="aapl-1000-per-share"),
    pytest.param(stock("QPNY"), 1000, lambda fills: round(sum(float(f.shares) * f.price for f in fills) * 0.01, 2),
                 id="sub-dollar-capped-at-1pct"),
    pytest.param(future(), 3, lambda fills: 3 * 0.85, id="es-per-contract"),
    pytest.param(forex(), 20000, lambda fills: 2.00, id="eurusd-minimum"),
    pytest.param(forex(), 300000, lambda fills: round(sum(float(f.shares) * f.price for f in fills) * 0.00002, 2),
                 id="eurusd-0.2bp"),
]


@pytest.mark.parametrize("contract, qty, expected", COMMISSIONS)
def test_commission_per_order_across_its_fills(
        desk: Desk, contract: Contract, qty: int, expected: Callable[[list[Any]], float]) -> None:
    oid = desk.place(contract, order("BUY", qty))
    desk.until_status(oid, "Filled")
    desk.wait_status(oid, "Filled")
    fills = desk.fills(oid)
    reports = desk.commissions(oid)
    assert len(reports) == len(fills) and {r.currency for r in reports} == {"USD"}
    assert round(sum(r.commissionAndFees for r in reports), 2) == pytest.approx(expected(fills))
    ours = {f.exec_id: f.commission for f in desk.sim_fills(oid)}
    assert {r.execId: r.commissionAndFees for r in reports} == ours
    if (contract.symbol, qty) == ("AAPL", 1000):
        assert len(fills) >= 2, "the minimum is charged once per order, not per partial fill"
