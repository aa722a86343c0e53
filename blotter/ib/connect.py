"""Opening one connection to TWS with timeouts: the TCP connect, the handshake and START_API.

ibapi's own connect has no timeout: a blackholed host hangs in connect(), and a TWS showing its
"accept incoming connection?" dialog hangs in the handshake. Here both are bounded, and a failure
comes back as one line a person can act on.
"""

from __future__ import annotations

import socket
import threading

from ibapi import client as ibapi_client
from ibapi.connection import Connection
from ibapi.wrapper import EWrapper

import blotter.ib.decode  # noqa: F401  (gives ibapi a faster per-field decode)
import blotter.ib.reader  # noqa: F401  (gives ibapi the linear EReader, as Connection below gets a timeout)
from blotter.ib.client import Client


class ConnectError(Exception):
    """Could not connect; the message is one line for the user."""


_failures: dict[tuple[str, int], str] = {}  # why the last TCP connect to (host, port) failed


class TimedConnection(Connection):
    """ibapi's Connection with a timeout on the TCP connect, and the reason kept when it fails."""

    timeout = 5.0

    def connect(self) -> None:
        try:
            self.socket = socket.create_connection((self.host, self.port), timeout=self.timeout)
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # an order leaves now, not with the next
            _failures.pop((self.host, self.port), None)
        except socket.timeout:
            _failures[(self.host, self.port)] = f"no answer within {self.timeout:g}s"
            self.socket = socket.socket()  # unconnected: ibapi's send fails and it reports 502
        except OSError as exc:
            _failures[(self.host, self.port)] = (exc.strerror or str(exc)).lower()
            self.socket = socket.socket()
        self.socket.settimeout(1)


# ibapi builds its Connection by this module-level name; ours only adds the timeout.
ibapi_client.Connection = TimedConnection


def open_client(wrapper: EWrapper, host: str, port: int, client_id: int, timeout: float) -> Client:
    """Connect and hand-shake within `timeout` seconds; raises ConnectError with the reason."""
    client = Client(wrapper)
    TimedConnection.timeout = timeout
    watchdog = threading.Timer(timeout, lambda: _abort(client))
    watchdog.daemon = True
    watchdog.start()
    try:
        client.connect(host, port, client_id)
    finally:
        watchdog.cancel()
    if not client.isConnected():
        why = _failures.pop((host, port), "")
        raise ConnectError(f"cannot connect to TWS at {host}:{port}: {why or 'no handshake within %gs' % timeout}"
                           " (is TWS or IB Gateway running with API connections enabled on that port?)")
    return client


def _abort(client: Client) -> None:
    """Break a handshake that hangs (TWS never answered) by closing the socket under it."""
    if client.conn is not None and not client.isConnected():
        client.conn.disconnect()
