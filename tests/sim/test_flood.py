"""The flood scenario: every client gets N fills of its own orders right after START_API, then the
session carries on as normal. Functional checks only; the speed is measured in bench/sim_flood.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

import pytest
from ibapi.execution import ExecutionFilter

from blotter.sim import scenarios
from blotter.sim.server import SimConfig, SimServer
from tests.conftest import make_sim
from tests.ibclient import IBClient

FILLS = 300


@pytest.fixture
def flood_sim(monkeypatch: pytest.MonkeyPatch, server_version: int) -> Iterator[SimServer]:
    monkeypatch.setattr(scenarios, "FLOOD_BATCH", 64)  # several writes, with requests served between them
    server = make_sim(scenario="flood", flood_fills=FILLS, max_version=server_version)
    yield server
    server.stop()


@pytest.fixture
def clients() -> Iterator[list[IBClient]]:
    made: list[IBClient] = []
    yield made
    for client in made:
        client.stop()


def _connect(sim: SimServer, clients: list[IBClient], client_id: int) -> IBClient:
    client = IBClient().start(sim.port, client_id)
    clients.append(client)
    return client


def _wait_for_flood(client: IBClient) -> None:
    """Every fill's execution and commission, and every order's Filled status, have arrived."""
    client.wait_for("execDetails", lambda req, c, e: req == -1, count=FILLS)
    client.wait_for("commissionAndFeesReport", count=FILLS)
    client.wait_for("orderStatus", lambda oid, st, *rest: st == "Filled", count=FILLS)
    client.wait_for("openOrder", count=FILLS)


def _round_trip(client: IBClient) -> None:
    """reqCurrentTime answered: the session is live and everything sent before the answer has arrived."""
    before = len(client.calls("currentTime"))
    client.reqCurrentTime()
    client.wait_for("currentTime", count=before + 1)


def test_flood_delivers_each_fill_once_then_the_session_carries_on(flood_sim, clients):
    client = _connect(flood_sim, clients, 1)
    _wait_for_flood(client)
    _round_trip(client)

    pushed = [e for req, _, e in client.args("execDetails") if req == -1]
    exec_ids = [e.execId for e in pushed]
    assert len(exec_ids) == FILLS and len(set(exec_ids)) == FILLS
    assert all(e.clientId == 1 and e.shares == Decimal(100) for e in pushed)
    order_ids = {e.orderId for e in pushed}
    assert len(order_ids) == FILLS, "each flood fill fills a whole order of its own"

    reports = client.args("commissionAndFeesReport")
    assert sorted(r[0].execId for r in reports) == sorted(exec_ids)
    assert all(r[0].commissionAndFees > 0 for r in reports)

    last_status: dict[int, tuple] = {}
    for args in client.args("orderStatus"):
        last_status[args[0]] = args
    assert set(last_status) == order_ids
    for oid, (_, status, filled, remaining, *_rest) in last_status.items():
        assert (status, filled, remaining) == ("Filled", Decimal(100), Decimal(0)), oid
    assert {args[0] for args in client.args("openOrder")} == order_ids

    client.reqExecutions(7, ExecutionFilter())
    client.wait_for("execDetailsEnd", lambda req: req == 7)
    again = [e for req, _, e in client.args("execDetails") if req == 7]
    assert sorted(e.execId for e in again) == sorted(exec_ids)
    assert len([e for req, _, e in client.args("execDetails") if req == -1]) == FILLS, "no fill sent twice"


def test_each_client_gets_its_own_flood_of_its_own_orders(flood_sim, clients):
    first = _connect(flood_sim, clients, 1)
    _wait_for_flood(first)
    second = _connect(flood_sim, clients, 2)
    _wait_for_flood(second)
    _round_trip(second)
    _round_trip(first)

    for client, client_id in ((first, 1), (second, 2)):
        pushed = [e for req, _, e in client.args("execDetails") if req == -1]
        assert len(pushed) == FILLS, f"client {client_id} got another client's fills"
        assert {e.clientId for e in pushed} == {client_id}
        owners = flood_sim.call(lambda: {(o.client_id, o.order_id): o.perm_id
                                         for o in flood_sim.broker.orders.values()})
        assert all(owners.get((client_id, e.orderId)) == e.permId for e in pushed), \
            f"client {client_id}'s executions name orders it does not own"
        statuses = client.args("orderStatus")
        assert {s[8] for s in statuses} == {client_id}  # clientId of every orderStatus

    perm_ids = [{e.permId for req, _, e in c.args("execDetails")} for c in (first, second)]
    assert not perm_ids[0] & perm_ids[1], "the two floods share no order"


def test_a_flood_after_executions_waits_until_the_client_has_resynced(monkeypatch, clients, server_version):
    """flood_after="executions": what a blotter's resync asks is answered from a quiet account, then the
    flood comes (bench/throughput.py measures a flood into a blotter that has already caught up)."""
    monkeypatch.setattr(scenarios, "FLOOD_BATCH", 64)
    sim = make_sim(scenario="flood", flood_fills=FILLS, flood_after="executions", max_version=server_version)
    try:
        client = _connect(sim, clients, 1)
        _round_trip(client)
        client.reqCompletedOrders(False)
        client.wait_for("completedOrdersEnd")
        _round_trip(client)
        assert not client.calls("execDetails") and not client.calls("completedOrder"), "flooded before it asked"

        client.reqExecutions(7, ExecutionFilter())
        client.wait_for("execDetailsEnd", lambda req: req == 7)
        assert not [e for req, _, e in client.args("execDetails") if req == 7], "the resync saw the flood"
        _wait_for_flood(client)

        client.reqExecutions(8, ExecutionFilter())
        client.wait_for("execDetailsEnd", lambda req: req == 8)
        _round_trip(client)
        assert len([e for req, _, e in client.args("execDetails") if req == 8]) == FILLS, "once flooded, shown"
        assert len([e for req, _, e in client.args("execDetails") if req == -1]) == FILLS, "one flood only"
    finally:
        sim.stop()


def test_flood_after_must_be_a_known_moment() -> None:
    with pytest.raises(ValueError, match="flood_after"):
        SimServer(SimConfig(scenario="flood", flood_fills=1, flood_after="later"))
