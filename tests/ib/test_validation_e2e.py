"""Validation end to end, through the real ibapi client against the simulator.

What the validator accepts, the simulator accepts (no reject); what it refuses never reaches the
socket: the ticket path (validate, then `session.place` only if ok) is checked against the
simulator's record of the placeOrder requests it received.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timezone
from decimal import Decimal
from typing import Iterable, Iterator

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from blotter.domain import events as ev
from blotter.domain.status import OrderStatus
from blotter.domain.store import Store
from blotter.domain.ticket import ORDER_KINDS, SIDES, TIFS, ContractRules, OrderRequest, rule_id_for
from blotter.domain.validation import Touch, Verdict, submit, validate_modify
from blotter.sim import instruments
from blotter.sim.model import Instrument
from blotter.sim.server import SimServer
from tests.conftest import SIM_START, make_sim
from tests.ib.test_core import Core

D = Decimal
NOW = SIM_START.replace(tzinfo=timezone.utc)
WAIT = 10.0
# what a trader asks contractDetails for, by the name the tests use
SPECS: dict[str, ev.ContractRef] = {
    name: ev.ContractRef(symbol=name, sec_type="STK", exchange="SMART", currency="USD")
    for name in ("AAPL", "MSFT", "SPY", "QPNY")
} | {
    "ES": ev.ContractRef(symbol="ES", sec_type="FUT", exchange="CME", currency="USD", last_trade_date="202612"),
    "EUR.USD": ev.ContractRef(symbol="EUR", sec_type="CASH", exchange="IDEALPRO", currency="USD"),
    "AAPL_CALL": ev.ContractRef(symbol="AAPL", sec_type="OPT", exchange="SMART", currency="USD",
                                last_trade_date="20261218", strike=260.0, right="C"),
}


class SeenStore(Store):
    """A Store that also keeps what no row shows (contract details, market rules, ends of lists)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[ev.Event] = []

    def apply(self, batch: Iterable[ev.Event]) -> object:
        batch = list(batch)
        self.seen += [e for e in batch if isinstance(e, (ev.ContractInfo, ev.MarketRule, ev.EndOf))]
        return super().apply(batch)


@dataclass
class Desk:
    """The simulator, a Core on it, and each contract as the ticket knows it (from the real details path)."""

    sim: SimServer
    core: Core
    contracts: dict[str, tuple[ev.ContractRef, ContractRules, Instrument]] = field(default_factory=dict)
    placed: dict[int, ev.OrderFields] = field(default_factory=dict)

    def quote(self, name: str) -> Touch:
        con_id = self.contracts[name][2].con_id
        q = self.sim.call(lambda: self.sim.market.quote(con_id))
        return Touch.of(q.bid, q.ask, q.last)

    def ticket(self, name: str, request: OrderRequest) -> tuple[Verdict, int | None]:
        """The ticket path: validate, then place only a valid order (its warnings confirmed)."""
        ref, rules, _ = self.contracts[name]

        def place(fields: ev.OrderFields) -> int | None:
            order_id = self.core.session.place(ref, fields)
            if order_id is not None:
                self.placed[order_id] = fields
            return order_id

        return submit(request, rules, place, quote=self.quote(name), now=NOW, confirmed=True)

    def answered(self, order_id: int) -> ev.OrderFields:
        """Wait until the simulator acknowledged the order or refused it; fail on a refusal."""
        def done(store: Store) -> bool:
            row = self.core.row(order_id)
            return row is not None and (row.last_error is not None or row.perm_id != 0)
        self.core.until(done, timeout=WAIT, what=f"order {order_id} acknowledged or refused")
        row = self.core.row(order_id)
        assert row.last_error is None, f"the simulator rejected {self.placed[order_id]}: {row.last_error}"
        assert row.status in (OrderStatus.PRE_SUBMITTED, OrderStatus.SUBMITTED)
        return row.order

    def received_ids(self) -> list[int]:
        """The order id of every placeOrder the simulator received."""
        return [r.request.order_id for r in self.sim.recorder.of("placeOrder")]  # either generation


def _fetch(core: Core, store: SeenStore) -> dict[str, tuple[ev.ContractRef, ContractRules, Instrument]]:
    """Each contract's details, then the market rule of its exchange, through the session."""
    infos: dict[str, ev.ContractInfo] = {}
    for name, spec in SPECS.items():
        req = core.session.contract_details(spec)
        core.until(lambda s: any(isinstance(e, ev.EndOf) and e.req_id == req for e in store.seen), timeout=WAIT)
        [infos[name]] = [e for e in store.seen if isinstance(e, ev.ContractInfo) and e.req_id == req]
    wanted = {rule for rule in map(rule_id_for, infos.values()) if rule is not None}
    for rule_id in wanted:
        core.session.market_rule(rule_id)
    core.until(lambda s: wanted <= {e.rule_id for e in store.seen if isinstance(e, ev.MarketRule)}, timeout=WAIT)
    rules = [e for e in store.seen if isinstance(e, ev.MarketRule)]
    found = {}
    for name, info in infos.items():
        inst = instruments.by_con_id(info.contract.con_id)
        assert inst is not None
        found[name] = (info.contract, ContractRules.from_details(info, rules), inst)
    return found


@pytest.fixture(scope="module")
def desk() -> Iterator[Desk]:
    sim = make_sim()
    core = Core(sim.port, 1)
    store = core.store = SeenStore()  # before the first batch is applied
    try:
        core.until(lambda s: core.resyncs >= 1, timeout=WAIT, what="first resync")
        yield Desk(sim, core, _fetch(core, store))
    finally:
        core.session.stop()
        sim.stop()


# -- what a trader might send: every instrument, order type and TIF, prices on and off the grid ----------

# mostly sizes every contract takes (2500 is above the size precaution: a warning, confirmed), then bad ones
SIZES = st.sampled_from([D(1), D(3), D(100), D(2500)] * 3 + [D("0.5"), D("0.0001"), D("0.00005"), D("10.5"), D(0),
                                                            D(-10)])
GTDS = [None, "20261127 16:00:00 US/Eastern", "20261120 16:00:00", "20261120-21:00:00", "20261119 16:00:00",
        "next friday"]


@st.composite
def prices(draw, inst: Instrument, near: Decimal) -> Decimal:
    """A price near `near`: on the simulator's own grid mostly, off it sometimes."""
    step = instruments.increment_at(inst, near)
    on = (near / step).to_integral_value() * step
    return draw(st.sampled_from([on, on, on + step, on - 2 * step, on + step / 3, near * D("1.0001")]))


@st.composite
def tickets(draw) -> tuple[str, OrderRequest]:
    name = draw(st.sampled_from(sorted(SPECS)))
    inst = next(i for i in instruments.INSTRUMENTS if (i.symbol, i.sec_type) == (SPECS[name].symbol,
                                                                                  SPECS[name].sec_type))
    kind = ORDER_KINDS[draw(st.sampled_from(list(ORDER_KINDS)))]
    market = D(str(inst.start_price)) * draw(st.sampled_from([D("0.8"), D("0.97"), D(1), D("1.03"), D("1.2")]))
    fitting = draw(st.integers(0, 4)) > 0  # mostly the prices the type takes, sometimes any
    want = {"lmt": kind.limit, "aux": kind.aux and not kind.trailing} if fitting else \
        {"lmt": draw(st.booleans()), "aux": draw(st.booleans())}
    amount = instruments.increment_at(inst, market) * draw(st.sampled_from([D(1), D(20), D("7.5"), D("0.5")]))
    trail = draw(st.sampled_from(["amount", "percent", "both", "none"] if not fitting else ["amount", "percent"]))
    tif = draw(st.sampled_from(["DAY", "DAY", "DAY", "GTC", "GTC", *TIFS]))
    return name, OrderRequest(
        side=draw(st.sampled_from(SIDES)), quantity=draw(SIZES), symbol=SPECS[name].symbol,
        order_type=kind.name, lmt_price=draw(prices(inst, market)) if want["lmt"] else None,
        aux_price=(amount if trail in ("amount", "both") else None) if kind.trailing
        else (draw(prices(inst, market)) if want["aux"] else None),
        trailing_percent=draw(st.sampled_from([D(1), D("2.5"), D(0), D(150)]))
        if kind.trailing and trail in ("percent", "both") else None,
        tif=tif, gtd=draw(st.sampled_from(GTDS)) if tif == "GTD" else None,
        outside_rth=draw(st.sampled_from([False, False, True])),
    )


def test_every_order_the_validator_accepts_the_simulator_accepts(desk):
    accepted: list[int] = []
    refused: list[Verdict] = []
    before = len(desk.received_ids())

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(ticket=tickets())
    def check(ticket: tuple[str, OrderRequest]) -> None:
        name, request = ticket
        verdict, order_id = desk.ticket(name, request)
        note(f"{name} {request} -> {verdict}")
        if order_id is None:
            assert not verdict.ok
            refused.append(verdict)
            return
        accepted.append(order_id)
        echoed = desk.answered(order_id)
        assert echoed.order_type == request.order_type and echoed.total_quantity == request.quantity

    check()
    assert len(accepted) >= 5 and len(refused) >= 5, (len(accepted), len(refused))
    received = desk.received_ids()[before:]
    assert sorted(received) == sorted(accepted)  # every accepted order, once, and nothing refused


# the refusals: each must stay on this machine
REFUSED = [
    ("AAPL", OrderRequest("BUY", D(100), "AAPL", "LMT", lmt_price=D("1490"))),  # $1490 for $149: blocked
    ("AAPL", OrderRequest("BUY", D(100), "AAPL", "LMT", lmt_price=D("144.805"))),
    ("QPNY", OrderRequest("BUY", D(1000), "QPNY", "LMT", lmt_price=D("0.45125"))),
    ("QPNY", OrderRequest("BUY", D("10.5"), "QPNY", "LMT", lmt_price=D("0.4512"))),
    ("ES", OrderRequest("SELL", D(2), "ES", "STP", aux_price=D("5000.10"))),
    ("ES", OrderRequest("SELL", D(1), "ES", "MOC")),
    ("AAPL", OrderRequest("BUY", D(10), "AAPL", "MKT", outside_rth=True)),
    ("AAPL", OrderRequest("BUY", D(10), "AAPL", "MOC", tif="GTC")),
    ("AAPL", OrderRequest("BUY", D(10), "AAPL", "LMT", lmt_price=D("250"), tif="GTD", gtd="20261119 16:00:00")),
    ("AAPL", OrderRequest("SELL", D(10), "AAPL", "TRAIL", aux_price=D("1.50"), trailing_percent=D(2))),
    ("AAPL", OrderRequest("BUY", D(10), "AAPL", "STP LMT", aux_price=D("260"))),
    ("EUR.USD", OrderRequest("BUY", D("20000.005"), "EUR", "LMT", lmt_price=D("1.0870"))),
]


def test_an_order_that_fails_validation_never_reaches_the_socket(desk):
    before = len(desk.received_ids())
    for name, request in REFUSED:
        verdict, order_id = desk.ticket(name, request)
        assert order_id is None and not verdict.ok, (name, request, verdict)
    bid = desk.quote("AAPL").bid
    verdict, sentinel = desk.ticket("AAPL", OrderRequest("BUY", D(1), "AAPL", "LMT", lmt_price=bid - 1))
    assert verdict.ok and sentinel is not None
    desk.answered(sentinel)  # the outbox keeps order: anything sent before it has arrived by now
    assert desk.received_ids()[before:] == [sentinel]


def test_a_modify_is_judged_on_the_blotters_row_and_only_a_valid_one_is_sent(desk):
    ref, rules, _ = desk.contracts["AAPL"]
    bid = desk.quote("AAPL").bid
    _, order_id = desk.ticket("AAPL", OrderRequest("BUY", D(5), "AAPL", "LMT", lmt_price=bid - 2))
    desk.answered(order_id)
    row = desk.core.row(order_id)
    start = OrderRequest.from_fields(row.order, row.contract)  # as TWS echoed it
    for change, message in [(dict(side="SELL"), "side cannot change from BUY to SELL"),
                            (dict(lmt_price=bid - D("2.005")), "is not on the 0.01 grid")]:
        verdict = validate_modify(row, replace(start, **change), rules, desk.quote("AAPL"), now=NOW)
        assert message in verdict.problems[0].message
    better = replace(start, lmt_price=bid - D("1.5"))
    assert validate_modify(row, better, rules, desk.quote("AAPL"), now=NOW).ok
    desk.core.session.modify(order_id, ref, better.to_fields())
    desk.core.until(lambda s: desk.core.row(order_id).order.lmt_price == float(bid - D("1.5"))
                    and not desk.core.row(order_id).modify_pending, timeout=WAIT, what="the modified price")
    assert desk.core.row(order_id).last_error is None
    assert desk.received_ids().count(order_id) == 2  # the order and its one valid change
