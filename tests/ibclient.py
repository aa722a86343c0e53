"""IB's own client (ibapi) connected to the simulator, recording every callback for tests to wait on."""

from __future__ import annotations

import threading
from typing import Any, Callable

from ibapi.client import EClient
from ibapi.wrapper import EWrapper

Call = tuple[str, tuple[Any, ...]]
WAIT = 10.0  # seconds a test waits for an event before failing


class Recorder(EWrapper):
    """An EWrapper that appends every callback to `calls` and wakes anyone waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.cond = threading.Condition()

    def record(self, name: str, args: tuple[Any, ...]) -> None:
        with self.cond:
            self.calls.append((name, args))
            self.cond.notify_all()


def _method(name: str) -> Callable[..., None]:
    def method(self: Recorder, *args: Any) -> None:
        self.record(name, args)
    method.__name__ = name
    return method


for _name in dir(EWrapper):
    if not _name.startswith("_") and callable(getattr(EWrapper, _name)) and _name not in ("logAnswer",):
        setattr(Recorder, _name, _method(_name))


class IBClient(EClient):
    """EClient + Recorder on its own run thread, with waits on what arrived."""

    def __init__(self) -> None:
        self.rec = Recorder()
        super().__init__(self.rec)
        self._thread: threading.Thread | None = None

    def start(self, port: int, client_id: int = 1, host: str = "127.0.0.1") -> "IBClient":
        self.connect(host, port, client_id)
        assert self.isConnected(), "could not connect to the simulator"
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"ibapi-{client_id}")
        self._thread.start()
        self.wait_for("nextValidId")
        return self

    def _loop(self) -> None:
        try:
            self.run()
        except TypeError:  # ibapi decodes what was queued after disconnect() with no server version
            pass

    def stop(self) -> None:
        self.disconnect()
        if self._thread is not None:
            self._thread.join(5)

    # -- waiting ------------------------------------------------------------------------------

    def calls(self, name: str | None = None) -> list[Call]:
        with self.rec.cond:
            return [c for c in self.rec.calls if name is None or c[0] == name]

    def args(self, name: str) -> list[tuple[Any, ...]]:
        return [c[1] for c in self.calls(name)]

    def wait_until(self, predicate: Callable[[list[Call]], Any], timeout: float = WAIT, what: str = "") -> Any:
        """Wait until predicate(all calls so far) is truthy; returns its value."""
        with self.rec.cond:
            result = predicate(self.rec.calls)
            if not result:
                self.rec.cond.wait_for(lambda: predicate(self.rec.calls), timeout)
                result = predicate(self.rec.calls)
        if not result:
            raise AssertionError(f"timed out waiting for {what or predicate}; last calls: {self.rec.calls[-8:]}")
        return result

    def wait_for(self, name: str, match: Callable[..., bool] = lambda *a: True, count: int = 1,
                 timeout: float = WAIT) -> list[tuple[Any, ...]]:
        """Wait for `count` callbacks `name` whose args satisfy `match`; returns their args."""
        def found(calls: list[Call]) -> list[tuple[Any, ...]] | None:
            hits = [c[1] for c in calls if c[0] == name and match(*c[1])]
            return hits if len(hits) >= count else None
        return self.wait_until(found, timeout, what=f"{count} x {name}")

    def errors(self, code: int | None = None) -> list[tuple[Any, ...]]:
        """error callbacks as (reqId, errorTime, code, message, advancedOrderRejectJson)."""
        return [a for a in self.args("error") if code is None or a[2] == code]

    def statuses(self, order_id: int) -> list[str]:
        return [a[1] for a in self.args("orderStatus") if a[0] == order_id]
