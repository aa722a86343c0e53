"""Opening one connection to TWS with timeouts: the TCP connect, the handshake and START_API.

ibapi's own connect has no timeout: a blackholed host hangs in connect(), and a TWS showing its
"accept incoming connection?" dialog hangs in the handshake. The blotter's Client bounds both, and
a failure comes back here as one line a person can act on.
"""

from __future__ import annotations

from typing import Callable

from ibapi.wrapper import EWrapper

from blotter.ib._ibapi.client import Client


class ConnectError(Exception):
    """Could not connect; the message is one line for the user."""


def open_client(wrapper: EWrapper, host: str, port: int, client_id: int, timeout: float,
                readers: dict[int, Callable[[bytes], bool]] | None = None) -> Client:
    """Connect and hand-shake within `timeout` seconds; raises ConnectError with the reason.
    `readers`: protobuf messages the client reads its own way (see Client)."""
    client = Client(wrapper, timeout, readers)
    client.connect(host, port, client_id)
    if not client.isConnected():
        raise ConnectError(f"cannot connect to TWS at {host}:{port}: {client.failure or 'the connection closed'}"
                           " (is TWS or IB Gateway running with API connections enabled on that port?)")
    return client
