"""Fixtures: the simulated TWS in-process on a free loopback port with a manual clock, and ibapi clients."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterator

import pytest

from blotter.sim.market import SimClock
from blotter.sim.server import SimConfig, SimServer
from tests.ibclient import IBClient

# A Friday, 10:00 in New York: regular trading hours.
SIM_START = datetime(2026, 11, 20, 15, 0, 0)
# Every integration test runs at both: what every current TWS answers this project's ibapi with
# (protobuf), and the last server version of the text generation.
SERVER_VERSIONS = (226, 200)


@pytest.fixture(scope="session", params=SERVER_VERSIONS, ids=[f"v{v}" for v in SERVER_VERSIONS])
def server_version(request: pytest.FixtureRequest) -> int:
    return request.param


def make_sim(**config) -> SimServer:
    config.setdefault("clock", SimClock.manual(SIM_START))
    return SimServer(SimConfig(**config)).start()


@pytest.fixture
def sim(server_version: int) -> Iterator[SimServer]:
    server = make_sim(max_version=server_version)
    yield server
    server.stop()


@pytest.fixture
def connect(sim: SimServer) -> Iterator[Callable[..., IBClient]]:
    """connect(client_id=1) -> an ibapi client connected to `sim` (all disconnected at the end)."""
    clients: list[IBClient] = []

    def make(client_id: int = 1) -> IBClient:
        client = IBClient().start(sim.port, client_id)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.stop()
