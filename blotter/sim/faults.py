"""The faults a simulated TWS shows on demand or on a schedule: drops, refused connects (a restart),
delays, rejections, repeated statuses, commissions before executions and execution corrections.

Tests call these methods from their own thread; each hands its work to the simulator's loop. The
injector acts on a `Switchboard` (the server, as this module sees it), so it never imports the server.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Coroutine, Protocol

from blotter.sim import restart
from blotter.sim.config import SimConfig
from blotter.sim.engine import Broker, Notice

log = logging.getLogger("blotter.sim")


class Switchboard(Protocol):
    """What the faults need of the server: its configuration, broker, loop, sessions and listener."""

    config: SimConfig
    broker: Broker
    loop: asyncio.AbstractEventLoop | None

    def call(self, fn: Callable[[], Any]) -> Any: ...

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]: ...

    def publish(self, notices: list[Notice]) -> None: ...

    def close_sessions(self, reason: str) -> None: ...

    def go_down(self, reason: str) -> None: ...

    async def ensure_listening(self) -> None: ...


class FaultInjector:
    """The fault switches of one simulator (thread-safe), and the loops of the scheduled ones."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        knobs, config = board.broker.faults, board.config
        knobs.repeat_status = config.repeat_status
        knobs.reject_every, knobs.correct_every = config.reject_every, config.correct_every

    def start(self) -> None:
        """Start the loops the configuration asks for (on the simulator's loop, once it listens)."""
        config = self.board.config
        if config.drop_every > 0:
            self.board.spawn(self._drop_loop(config.drop_every))
        if config.restart_at or config.restart_every > 0:
            self.board.spawn(self._restart_loop())

    # -- connections ----------------------------------------------------------------------------

    def drop_all(self) -> None:
        """Drop every client connection now; orders and fills are kept, as TWS keeps them."""
        self.board.call(lambda: self.board.close_sessions("dropped on demand"))

    async def _drop_loop(self, every: float) -> None:
        """Soak runs: drop everyone every `every` seconds, and refuse connects for `refuse_for` after."""
        board = self.board
        while True:
            await asyncio.sleep(every)
            if board.config.refuse_for > 0:
                board.go_down("TWS restarting (soak)")
                await asyncio.sleep(board.config.refuse_for)
                await board.ensure_listening()
            else:
                board.close_sessions(f"dropped (every {every}s)")

    def refuse(self) -> None:
        """Stop listening (as when TWS is down or restarting): live sessions drop, connects are refused."""
        self.board.call(lambda: self.board.go_down("TWS restarting"))

    def accept(self) -> None:
        """Listen again on the same port after `refuse`."""
        assert self.board.loop is not None
        asyncio.run_coroutine_threadsafe(self.board.ensure_listening(), self.board.loop).result(10)

    def refuse_for(self, seconds: float) -> None:
        """Refuse connections for `seconds` of real time (TWS's nightly restart), then listen again."""
        self.refuse()
        self._listen_after(seconds)

    def daily_restart(self, down_for: float | None = None) -> None:
        """TWS's daily auto-restart: every connection dropped, connects refused for `down_for` seconds of
        real time (None: until `accept`), the day's DAY orders ended. GTC orders keep working with their
        perm ids, the order id sequence goes on, and fills while it is down are reported by executions."""
        self.board.call(self._restart)
        if down_for is not None:
            self._listen_after(down_for)

    def _listen_after(self, seconds: float) -> None:
        loop = self.board.loop
        assert loop is not None
        loop.call_soon_threadsafe(
            lambda: loop.call_later(seconds, lambda: asyncio.ensure_future(self.board.ensure_listening())))

    def _restart(self) -> None:
        self.board.go_down("TWS daily restart")
        self.board.publish(self.board.broker.end_of_day())  # to nobody: a client learns it from completed orders

    async def _restart_loop(self) -> None:
        config = self.board.config
        while True:
            await asyncio.sleep(restart.until_next(config.restart_at, config.restart_every))
            log.info("daily restart: refusing connections for %gs", config.restart_for)
            self._restart()
            await asyncio.sleep(config.restart_for)
            await self.board.ensure_listening()

    # -- messages and orders --------------------------------------------------------------------

    def set_delay(self, seconds: float) -> None:
        """Hold every outgoing message back by `seconds` of real time (0 to stop)."""
        self.board.config.delay = seconds

    def reject_next(self, reason: str = "Simulated rejection") -> None:
        """The next place or modify is rejected with this reason (error 201)."""
        def run() -> None:
            self.board.broker.faults.reject_next = reason
        self.board.call(run)

    def commission_first(self, on: bool = True) -> None:
        """Send each commission report before its execution (TWS does, now and then)."""
        def run() -> None:
            self.board.broker.faults.commission_first = on
        self.board.call(run)

    def repeat_statuses(self, extra: int) -> None:
        """Send `extra` more copies of every orderStatus (as TWS sometimes does)."""
        def run() -> None:
            self.board.broker.faults.repeat_status = extra
        self.board.call(run)

    def correct(self, exec_id: str) -> str:
        """Publish a correction of a fill; returns the corrected execId."""
        def run() -> str:
            notices = self.board.broker.correct(exec_id)
            self.board.publish(notices)
            return notices[0].fill.exec_id  # type: ignore[union-attr]
        return self.board.call(run)  # type: ignore[no-any-return]
