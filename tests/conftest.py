"""Fixtures: the simulated TWS in-process on a free loopback port with a manual clock, and ibapi clients."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

import pytest

from blotter.sim.market import SimClock
from blotter.sim.server import SimConfig, SimServer
from tests.ibclient import IBClient

# A Friday, 10:00 in New York: regular trading hours.
SIM_START = datetime(2026, 11, 20, 15, 0, 0)
CAPTURES = Path(__file__).resolve().parents[2] / "shared" / "tws-captures"


def make_sim(**config) -> SimServer:
    config.setdefault("clock", SimClock.manual(SIM_START))
    config.setdefault("max_version", 200)  # until the protobuf generation is served end to end
    return SimServer(SimConfig(**config)).start()


@pytest.fixture
def sim() -> Iterator[SimServer]:
    server = make_sim()
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
