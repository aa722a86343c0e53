"""The simulator's record of what it received and sent: in memory for tests, JSON lines for --record."""

from __future__ import annotations

import json
import threading
import time
from typing import IO, Any, Protocol

from blotter.records import frozen
from blotter.sim.frames import Incoming, Message, recordable
from blotter.sim.requests import MSG_NAMES
from blotter.sim.requests_proto import SCHEMAS


class Peer(Protocol):
    """What a record says of the session a message came by: a session.Session, described rather than
    imported because the session module imports this one."""

    number: int
    client_id: int | None


@frozen
class Received:
    """One request as the simulator received it."""

    t: float  # time.monotonic() on arrival
    client_id: int | None
    msg_id: int
    name: str
    fields: tuple[str, ...]  # the text fields as sent, message id first; () for a protobuf request
    request: Any = None  # what blotter.sim.requests made of it, in either generation
    protobuf: bool = False


class Recorder:
    """Keeps every request received (in memory) and, with a file, every message both ways."""

    def __init__(self, path: str | None = None) -> None:
        self.received: list[Received] = []
        self._file: IO[str] | None = open(path, "a", encoding="utf-8", buffering=1) if path else None
        self._lock = threading.Condition()

    def got(self, session: Peer, incoming: Incoming, request: Any = None) -> None:
        entry = Received(time.monotonic(), session.client_id, incoming.msg_id,
                         MSG_NAMES.get(incoming.msg_id, "unknown"), tuple(incoming.fields or ()), request,
                         incoming.is_protobuf)
        with self._lock:
            self.received.append(entry)
            self._lock.notify_all()
        if self._file is not None:
            self._write("in", session, incoming.recordable(SCHEMAS.get(incoming.msg_id)))

    def sent(self, session: Peer, message: Message) -> None:
        if self._file is not None:
            self._write("out", session, recordable(message))

    def wait(self, name: str, count: int = 1, timeout: float = 10.0) -> list[Received]:
        """Block until `count` requests called `name` have arrived (from any thread); returns them."""
        with self._lock:
            self._lock.wait_for(lambda: len(self._named(name)) >= count, timeout)
            found = self._named(name)
        if len(found) < count:
            raise TimeoutError(f"{count} x {name} not received within {timeout}s (got {len(found)})")
        return found

    def _named(self, name: str) -> list[Received]:
        return [r for r in self.received if r.name == name]

    def of(self, name: str) -> list[Received]:
        with self._lock:
            return self._named(name)

    def _write(self, direction: str, session: Peer, message: dict[str, Any]) -> None:
        if self._file is not None:
            self._file.write(json.dumps({"t": round(time.time(), 6), "dir": direction, "session": session.number,
                                         "client": session.client_id, **message}) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
