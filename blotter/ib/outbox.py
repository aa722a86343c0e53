"""The one paced sender: every outgoing message goes through it, at most `rate` in any one second.

Callers hand it a send function and return at once. Under the limit, with nothing waiting, the
message goes out on the caller's thread right away (a key that transmits reaches the socket in about
a millisecond, with no hand-over to another thread); otherwise its own thread sends in order,
waiting only as long as the limit needs. Order is kept either way. It never drops a message while
connected; what cannot be sent (the link went down first) is reported back through `on_unsent`,
never silently lost.
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from typing import Callable

from blotter.records import frozen

log = logging.getLogger("blotter.ib")

WINDOW = 1.0
# Seconds of slack between one window's burst and the next. TWS times a message when it reads it, so a
# burst of 50 it reads over 40 ms (seen with the simulator on a loaded machine) ends 40 ms later in its
# clock than in ours; with 20 ms of slack the next burst then made 51 in TWS's second (error 100, the
# message dropped). 0.1 s keeps bursts at the limit and costs sustained rate: 50 per 1.1 s.
MARGIN = 0.1


@frozen
class Outgoing:
    """One message to send: `send()` performs it; `kind` and `order_id` name it for reports."""

    send: Callable[[], None]
    kind: str
    order_id: int = 0


class Outbox:
    """A FIFO of outgoing messages drained by one thread at no more than `rate` per second."""

    def __init__(self, rate: int = 50, is_connected: Callable[[], bool] = lambda: True,
                 on_unsent: Callable[[Outgoing, str], None] = lambda msg, why: None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1:
            raise ValueError("the message rate must be at least 1 per second")
        self.rate = rate
        self.is_connected = is_connected
        self.on_unsent = on_unsent
        self.clock = clock
        self.sent_times: collections.deque[float] = collections.deque(maxlen=rate)
        self._queue: queue.SimpleQueue[Outgoing | None] = queue.SimpleQueue()
        self._lock = threading.RLock()  # one send at a time, in order (a send that reports back may put again)
        self._waiting = 0  # messages put on the queue and not yet sent (or reported unsent)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="blotter-outbox", daemon=True)
        self._thread.start()
        self.sent = 0

    def put(self, message: Outgoing) -> None:
        """Send now if nothing waits and the limit allows, else queue it; returns at once either way."""
        with self._lock:
            if not self._waiting and not self._stop.is_set() and self._slot_wait() <= 0:
                self._send(message)
                return
            self._waiting += 1
        self._queue.put(message)

    def note_sent(self) -> None:
        """Count a message sent outside the outbox (the handshake's START_API) against the limit."""
        self.sent_times.append(self.clock())

    def pending(self) -> int:
        return self._waiting

    def close(self) -> None:
        self._stop.set()
        self._queue.put(None)
        self._thread.join(5)

    def _run(self) -> None:
        while True:
            message = self._queue.get()
            if message is None or self._stop.is_set():
                return
            self._wait_for_slot()
            with self._lock:
                self._waiting -= 1
                self._send(message)

    def _send(self, message: Outgoing) -> None:
        """Send one message (holding the lock), or report why it could not go."""
        if not self.is_connected():
            self.on_unsent(message, "not connected to TWS")
            return
        try:
            message.send()
        except Exception as exc:  # a send that failed: the link broke under it
            log.warning("sending %s failed: %s", message.kind, exc)
            self.on_unsent(message, f"sending failed: {exc}")
            return
        self.sent_times.append(self.clock())
        self.sent += 1

    def _slot_wait(self) -> float:
        """Seconds until one more message keeps every one-second window within the rate (<= 0: now)."""
        if len(self.sent_times) < self.rate:
            return 0.0
        return self.sent_times[0] + WINDOW + MARGIN - self.clock()

    def _wait_for_slot(self) -> None:
        """Block this thread until one more message keeps every one-second window within the rate."""
        wait = self._slot_wait()
        if wait > 0:
            self._stop.wait(wait)
