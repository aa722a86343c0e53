"""The simulated TWS server: listens on loopback, runs the market clock, hands each request to its handler.

`SimServer` runs on its own asyncio loop, in a background thread (`start()`) or in the caller's
loop (`serve()`). Tests drive it through thread-safe methods: `advance()` steps the simulator's
clock, and the fault methods (faults.py's, delegated) drop, refuse, delay, correct, repeat and reject
on demand. One explicit table (`handlers`) maps each request type to its handler: the session-level
ones here, the rest in orders, market_data and accounts; routing says who sees what the book does.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Coroutine

from blotter.sim import config as sim_config
from blotter.sim import decode, errors, instruments, scenarios
from blotter.sim import encode_market as em
from blotter.sim import requests as rq
from blotter.sim.accounts import Accounts
from blotter.sim.config import FLOOD_AFTER, SimConfig
from blotter.sim.engine import Broker, Notice
from blotter.sim.faults import FaultInjector
from blotter.sim.frames import Incoming
from blotter.sim.market import Market, SimClock
from blotter.sim.market_data import MarketData
from blotter.sim.model import ContractSpec, OrderSpec
from blotter.sim.orders import Orders
from blotter.sim.record import Recorder
from blotter.sim.routing import Router
from blotter.sim.session import Session

__all__ = ["FLOOD_AFTER", "UNSERVED", "SimConfig", "SimServer"]  # config's two as well: callers import them here

log = logging.getLogger("blotter.sim")
SUMMARY_EVERY = 180.0  # seconds between the updates of an account summary subscription, as TWS sends them
Handler = Callable[[Session, Any], None]
# the request types requests.py decodes that have no handler: each is answered with error 321
UNSERVED: tuple[type, ...] = (rq.Unsupported,)


class SimServer:
    """A simulated TWS: one account's orders and market, any number of client sessions."""

    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        sim_config.check(self.config)
        self.clock = self.config.clock or SimClock.real()
        self.market = Market(instruments.INSTRUMENTS, seed=self.config.seed)
        self.broker = Broker(self.market, self.clock.now, account=self.config.accounts[0],
                             seed=self.config.seed, is_open=self._is_open, opens_at=self._opens_at)
        self.faults = FaultInjector(self)
        self.accounts = Accounts(self.broker, self.market, self.clock, self.config.accounts, self._error)
        self.market_data = MarketData(self.market, self._error)
        self.sessions: list[Session] = []
        self.routing = Router(self.sessions, self.config.master_client_id, self._ms, self.accounts.position_changed)
        self.orders = Orders(self.broker, self.routing, self.clock.now, self._error)
        self.handlers = self._handlers()
        self.recorder = Recorder(self.config.record)
        self.port = self.config.port
        self.loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._numbers = iter(range(1, 1 << 62))
        self._tasks: list[asyncio.Task[Any]] = []
        self._session_tasks: set[asyncio.Task[Any]] = set()
        self._stopping: asyncio.Event | None = None
        self._steps = 0  # market steps so far: P&L streams send about once a second of them
        self._flood_waiting: set[Session] = set()  # flood_after="executions": not flooded yet

    def _handlers(self) -> dict[type, Handler]:
        """Request type -> its handler, bound here so that a subclass's override of one is the one called."""
        accounts, data, orders = self.accounts, self.market_data, self.orders
        return {
            rq.StartApi: self._on_StartApi, rq.ReqIds: self._on_ReqIds, rq.ReqCurrentTime: self._on_ReqCurrentTime,
            rq.ReqCurrentTimeInMillis: self._on_ReqCurrentTimeInMillis, rq.ReqManagedAccts: self._on_ReqManagedAccts,
            rq.ReqUserInfo: self._on_ReqUserInfo,
            rq.ReqContractDetails: data.req_contract_details, rq.ReqMarketRule: data.req_market_rule,
            rq.ReqMatchingSymbols: data.req_matching_symbols, rq.ReqSecDefOptParams: data.req_sec_def_opt_params,
            rq.ReqMarketDataType: data.req_market_data_type, rq.ReqMktData: data.req_mkt_data,
            rq.CancelMktData: data.cancel_mkt_data,
            rq.PlaceOrder: orders.place_order, rq.CancelOrder: orders.cancel_order,
            rq.ReqGlobalCancel: orders.global_cancel, rq.ReqOpenOrders: orders.req_open_orders,
            rq.ReqAllOpenOrders: orders.req_all_open_orders, rq.ReqAutoOpenOrders: orders.req_auto_open_orders,
            rq.ReqCompletedOrders: orders.req_completed_orders, rq.ReqExecutions: self._on_ReqExecutions,
            rq.ReqPositions: accounts.req_positions, rq.CancelPositions: accounts.cancel_positions,
            rq.ReqPositionsMulti: accounts.req_positions_multi,
            rq.CancelPositionsMulti: accounts.cancel_positions_multi,
            rq.ReqAccountUpdates: accounts.req_account_updates,
            rq.ReqAccountUpdatesMulti: accounts.req_account_updates_multi,
            rq.CancelAccountUpdatesMulti: accounts.cancel_answered,
            rq.ReqAccountSummary: accounts.req_account_summary, rq.CancelAccountSummary: accounts.cancel_summary,
            rq.ReqPnL: accounts.req_pnl, rq.ReqPnLSingle: accounts.req_pnl_single,
            rq.CancelPnL: accounts.cancel_pnl, rq.CancelPnLSingle: accounts.cancel_pnl,
        }

    # -- life ---------------------------------------------------------------------------------

    async def serve(self, on_ready: Callable[[], None] | None = None) -> None:
        """Listen and run the market until cancelled; `on_ready` is called once listening."""
        self.loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        await self._listen()
        if self.config.clock is None:
            self.spawn(self._run_market())
        self.faults.start()
        if self.config.scenario == "demo":
            self.publish(scenarios.start_demo(self))
        self._ready.set()
        if on_ready is not None:
            on_ready()
        try:
            await self._stopping.wait()
        finally:
            await self._shutdown()

    def start(self) -> "SimServer":
        """Run in a background thread; returns once listening (self.port is then the bound port)."""
        def run() -> None:
            try:
                asyncio.run(self.serve())
            except asyncio.CancelledError:
                pass
        self._thread = threading.Thread(target=run, name="blotter-sim", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("simulated TWS did not start")
        return self

    def shutdown(self) -> None:
        """Stop serving (call on the simulator's own loop, e.g. from a signal handler)."""
        if self._stopping is not None:
            self._stopping.set()

    def stop(self) -> None:
        """Close every session and the listener; waits for the background thread."""
        if self.loop is not None and self._thread is not None:
            assert self._stopping is not None
            self.loop.call_soon_threadsafe(self._stopping.set)
            self._thread.join(10)
        self.recorder.close()

    def __enter__(self) -> "SimServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `coro` as a background task of the simulator, cancelled at shutdown (on its loop)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.append(task)
        return task

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.config.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("listening on %s:%d", self.config.host, self.port)

    async def ensure_listening(self) -> None:
        """Listen again on the same port, unless listening already (after `go_down`)."""
        if self._server is None:
            await self._listen()

    def go_down(self, reason: str) -> None:
        """Stop listening and close every session, as TWS going down does (on the loop)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        self.close_sessions(reason)

    def close_sessions(self, reason: str) -> None:
        for s in list(self.sessions):
            s.close(reason)

    async def _shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._server is not None:
            self._server.close()
        self.close_sessions("simulator stopping")
        await asyncio.gather(*self._tasks, *self._session_tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(self, reader, writer, next(self._numbers))
        self.sessions.append(session)
        task = asyncio.current_task()
        assert task is not None
        self._session_tasks.add(task)
        try:
            await session.serve()
        finally:
            self._session_tasks.discard(task)

    def forget(self, session: Session) -> None:
        if session in self.sessions:
            self.sessions.remove(session)
            self._flood_waiting.discard(session)

    def connection_time(self) -> str:
        """The handshake's time, as TWS writes it: `yyyyMMdd HH:mm:ss <zone>`."""
        local = self.clock.eastern()
        return local.strftime("%Y%m%d %H:%M:%S ") + (local.tzname() or "")

    def _is_open(self, inst) -> bool:
        if self.config.always_open or inst.sec_type in ("CASH",):
            return True
        local = self.clock.eastern()
        minutes = local.hour * 60 + local.minute
        return local.weekday() < 5 and 9 * 60 + 30 <= minutes < 16 * 60

    def _opens_at(self, inst) -> str:
        """When the regular session next opens (US/Eastern 09:30 of the next weekday that has one)."""
        local = self.clock.eastern()
        day = local.date() if (local.hour, local.minute) < (9, 30) else local.date() + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return f"{day:%Y-%m-%d} 09:30:00 US/Eastern"

    # -- the clock ----------------------------------------------------------------------------

    async def _run_market(self) -> None:
        while True:
            await asyncio.sleep(self.config.step_seconds)
            self._step()

    def _step(self) -> None:
        self._steps += 1
        self.market.step()
        self.publish(self.broker.step())
        self._send_ticks()

    def advance(self, seconds: float) -> None:
        """Move a manual clock forward, stepping the market each `step_seconds` (thread-safe)."""
        steps = max(1, round(seconds / self.config.step_seconds))

        def run() -> None:
            for _ in range(steps):
                self.clock.advance(self.config.step_seconds)
                self._step()
        self.call(run)

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run fn on the simulator's loop and return its result (from any other thread)."""
        assert self.loop is not None
        async def wrap() -> Any:
            return fn()
        return asyncio.run_coroutine_threadsafe(wrap(), self.loop).result(30)

    # -- requests -----------------------------------------------------------------------------

    def handle(self, session: Session, incoming: Incoming) -> None:
        """One request from a session (already within the rate limit), of either generation."""
        request = None
        try:
            request = decode.read(session.version, incoming)
        finally:  # a request that does not decode is recorded too, before its WireError ends the session
            self.recorder.got(session, incoming, request)
        handler = self.handlers.get(type(request))
        if handler is None:
            name = getattr(request, "name", "?")
            log.warning("client %s: unsupported request %s (%d)", session.client_id, name, incoming.msg_id)
            req_id = getattr(request, "req_id", None)
            self._error(session, -1 if req_id is None else req_id, errors.UNSUPPORTED_REQUEST.reply(name=name))
            return
        handler(session, request)

    def rate_violation(self, session: Session, received: int) -> None:
        code, text = errors.RATE_LIMIT.reply(limit=session.rate.per_second, received=received,
                                             count=session.rate.violations)
        self._error(session, -1, (code, text))

    def _error(self, session: Session, req_id: int, err: tuple[int, str]) -> None:
        session.send(em.error(session.version, req_id, err[0], err[1], time_ms=self._ms()))

    def _ms(self) -> int:
        return int(self.clock.now().replace(tzinfo=timezone.utc).timestamp() * 1000)

    def _on_StartApi(self, s: Session, r: rq.StartApi) -> None:
        if any(o.client_id == r.client_id for o in self.sessions if o is not s):
            s.send(em.error(s.version, -1, *errors.CLIENT_ID_IN_USE.reply(), time_ms=self._ms()))
            s.close(f"client id {r.client_id} already in use")
            return
        s.client_id = r.client_id
        s.optional_capabilities = r.optional_capabilities
        s.send(em.managed_accounts(s.version, list(self.config.accounts)))
        s.send(em.next_valid_id(s.version, self.broker.next_id(r.client_id)))
        for farm in (errors.FARM_MARKET_DATA, errors.FARM_HMDS, errors.FARM_SECDEF):
            self._error(s, -1, farm.reply())
        if self.config.scenario == "flood" and self.config.flood_fills > 0:
            if self.config.flood_after == "executions":
                self._flood_waiting.add(s)  # a client that resyncs first is flooded once it caught up
            else:
                self._flood(s)

    def _flood(self, s: Session) -> None:
        scenarios.flood(self, s, self.config.flood_fills)

    def _on_ReqIds(self, s: Session, r: rq.ReqIds) -> None:
        s.send(em.next_valid_id(s.version, self.broker.next_id(s.client_id or 0)))

    def _on_ReqCurrentTime(self, s: Session, r: rq.ReqCurrentTime) -> None:
        s.send(em.current_time(s.version, self._ms() // 1000))

    def _on_ReqManagedAccts(self, s: Session, r: rq.ReqManagedAccts) -> None:
        s.send(em.managed_accounts(s.version, list(self.config.accounts)))

    def _on_ReqExecutions(self, s: Session, r: rq.ReqExecutions) -> None:
        self.orders.req_executions(s, r)
        if s in self._flood_waiting:
            self._flood_waiting.discard(s)
            self._flood(s)

    def _on_ReqCurrentTimeInMillis(self, s: Session, r: rq.ReqCurrentTimeInMillis) -> None:
        s.send(em.current_time_in_millis(s.version, self._ms()))

    def _on_ReqUserInfo(self, s: Session, r: rq.ReqUserInfo) -> None:
        s.send(em.user_info(s.version, r.req_id, ""))  # IBKR's own users have no white-branding id

    # -- routing ------------------------------------------------------------------------------

    def publish(self, notices: list[Notice]) -> None:
        """Send each notice to every session that may see it (on the loop): what scenarios and faults publish."""
        self.routing.publish(notices)

    def _send_ticks(self) -> None:
        pnl_due = self._steps % max(1, round(1 / self.config.step_seconds)) == 0  # about once a second
        summary_due = self._steps % max(1, round(SUMMARY_EVERY / self.config.step_seconds)) == 0
        for s in self.sessions:
            self.market_data.send_ticks(s)
            if pnl_due:
                for req_id in list(s.pnl_streams):
                    self.accounts.send_pnl(s, req_id)
            if summary_due:
                for req_id in list(s.summary_streams):
                    self.accounts.send_summary(s, req_id)

    # -- faults: FaultInjector's (faults.py), where tests have always called them ---------------

    def drop_all(self) -> None:
        self.faults.drop_all()

    def refuse(self) -> None:
        self.faults.refuse()

    def accept(self) -> None:
        self.faults.accept()

    def refuse_for(self, seconds: float) -> None:
        self.faults.refuse_for(seconds)

    def daily_restart(self, down_for: float | None = None) -> None:
        self.faults.daily_restart(down_for)

    def set_delay(self, seconds: float) -> None:
        self.faults.set_delay(seconds)

    def reject_next(self, reason: str = "Simulated rejection") -> None:
        self.faults.reject_next(reason)

    def commission_first(self, on: bool = True) -> None:
        self.faults.commission_first(on)

    def repeat_statuses(self, extra: int) -> None:
        self.faults.repeat_statuses(extra)

    def correct(self, exec_id: str) -> str:
        return self.faults.correct(exec_id)

    # -- what a person does in TWS (thread-safe) ----------------------------------------------

    def tws_order(self, symbol: str, action: str, qty: int, order_type: str = "LMT",
                  lmt_price: float | None = None, aux_price: float | None = None, tif: str = "DAY") -> int:
        """A person enters an order in TWS itself; returns its permId."""
        def run() -> int:
            found = instruments.find(ContractSpec(symbol=symbol)) or \
                instruments.find(ContractSpec(local_symbol=symbol))
            inst = next((i for i in found if i.sec_type != "OPT"), found[0])
            spec = OrderSpec(action=action, total_quantity=Decimal(qty), order_type=order_type,
                             lmt_price=lmt_price, aux_price=aux_price, tif=tif)
            notices = self.broker.add_tws_order(inst, spec)
            perm_id = notices[0].order.perm_id  # type: ignore[union-attr]
            if any(s.client_id == 0 and s.auto_bind for s in self.sessions):
                notices = self.orders.bind_and_show()
            self.publish(notices)
            return perm_id
        return self.call(run)

    def auction(self, closing: bool = True) -> None:
        """Run the close (MOC/LOC) or open (OPG) auction now."""
        self.call(lambda: self.publish(self.broker.auction(closing)))

    def end_of_day(self) -> None:
        """End the trading day: DAY orders cancelled, DTC deactivated."""
        self.call(lambda: self.publish(self.broker.end_of_day()))
