"""ibapi's Connection with a timeout on the TCP connect, kept per connection, and the reason it failed.

ibapi's own has no timeout: a blackholed host hangs in connect(). The blotter's Client builds one of
these for each connection it opens (ibapi's EClient.connect builds its own by module-global name).
"""

from __future__ import annotations

import socket

from ibapi.connection import Connection


class TimedConnection(Connection):
    """A Connection whose connect() gives up after `timeout` seconds; `failure` says why, in a few words."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port)
        self.timeout = timeout
        self.failure = ""

    def connect(self) -> None:
        try:
            self.socket = socket.create_connection((self.host, self.port), timeout=self.timeout)
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # an order leaves now, not with the next
        except socket.timeout:
            self.failure = f"no answer within {self.timeout:g}s"
        except OSError as exc:
            self.failure = (exc.strerror or str(exc)).lower()
        else:
            self.socket.settimeout(1)  # as ibapi's: the reader wakes each second to see whether it should stop
