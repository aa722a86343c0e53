"""The simulated TWS server: listens on loopback, runs the market clock, routes what the book does.

`SimServer` runs on its own asyncio loop, in a background thread (`start()`) or in the caller's
loop (`serve()`). Tests drive it through thread-safe methods: `advance()` steps the simulator's
clock, and the fault methods drop, refuse, delay, correct, repeat and reject on demand.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo

from blotter.records import record
from blotter.sim import encode_market as em
from blotter.sim import encode_orders as eo
from blotter.sim import errors, instruments, portfolio
from blotter.sim import requests as rq
from blotter.sim import restart, versions
from blotter.sim.engine import (
    BoundNotice, Broker, CommissionNotice, ErrorNotice, FillNotice, Notice, OrderNotice,
)
from blotter.sim.frames import Incoming, Message
from blotter.sim.market import Market, SimClock
from blotter.sim.model import ContractSpec, Fill, OrderSpec, SimOrder
from blotter.sim.record import Recorder
from blotter.sim.session import Session

log = logging.getLogger("blotter.sim")
EASTERN = ZoneInfo("US/Eastern")


# when a flood scenario's client is flooded: right after START_API, or once its first reqExecutions
# is answered (after a blotter's resync)
FLOOD_AFTER = ("start", "executions")


@record
class SimConfig:
    """How the simulated TWS behaves; every field has the default a fresh TWS would have."""

    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port
    seed: int = 1
    accounts: tuple[str, ...] = ("DU1234567",)
    clock: SimClock | None = None  # None: real time
    step_seconds: float = 0.25  # one market step (quotes move, orders match)
    rate_limit: int = 50  # incoming messages per second before error 100
    max_rate_violations: int = 3  # then the session is ended, as TWS does
    master_client_id: int | None = None
    delay: float = 0.0  # seconds every outgoing message is held back
    always_open: bool = True  # False: stocks trade only in regular hours unless outsideRth
    scenario: str = "quiet"  # quiet | demo | flood
    flood_fills: int = 0
    flood_after: str = "start"  # one of FLOOD_AFTER
    record: str | None = None
    allow_remote: bool = False
    drop_every: float = 0.0  # drop every connection every N seconds
    refuse_for: float = 0.0  # ...and then refuse connections this long (a TWS restart)
    restart_at: str = ""  # "HH:MM" local time: TWS's daily auto-restart (see daily_restart)
    restart_every: float = 0.0  # ...or one every N seconds (demos and soak runs)
    restart_for: float = 30.0  # seconds connections are refused during a restart
    repeat_status: int = 0
    reject_every: int = 0
    correct_every: int = 0
    max_version: int = versions.MAX_SUPPORTED  # the highest server version it answers with (--max-version)


@record
class _Routing:
    """Who sees an order: its own client, the master client, and client 0 for TWS-entered orders."""

    master: int | None = None

    def sees(self, client_id: int | None, order: SimOrder) -> bool:
        return self.sees_owner(client_id, order.client_id)

    def sees_owner(self, client_id: int | None, owner: int) -> bool:
        """True if a session with `client_id` sees orders and fills of client `owner`."""
        return client_id is not None and (client_id == owner or client_id == self.master)


class SimServer:
    """A simulated TWS: one account's orders and market, any number of client sessions."""

    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        if not self.config.allow_remote and self.config.host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"refusing to listen on {self.config.host}: loopback only without allow_remote")
        if not versions.MIN_SUPPORTED <= self.config.max_version <= versions.MAX_SUPPORTED:
            raise ValueError(f"max_version must be within {versions.MIN_SUPPORTED}..{versions.MAX_SUPPORTED}, "
                             f"not {self.config.max_version}")
        if self.config.restart_at and restart.daily_time(self.config.restart_at) is None:
            raise ValueError(f"restart_at must be HH:MM (00:00-23:59), not {self.config.restart_at!r}")
        if self.config.flood_after not in FLOOD_AFTER:
            raise ValueError(f"flood_after must be one of {', '.join(FLOOD_AFTER)}, not {self.config.flood_after!r}")
        self.clock = self.config.clock or SimClock.real()
        self.market = Market(instruments.INSTRUMENTS, seed=self.config.seed)
        self.broker = Broker(self.market, self.clock.now, account=self.config.accounts[0],
                             seed=self.config.seed, is_open=self._is_open, opens_at=self._opens_at)
        faults = self.broker.faults
        faults.repeat_status = self.config.repeat_status
        faults.reject_every, faults.correct_every = self.config.reject_every, self.config.correct_every
        self.routing = _Routing(self.config.master_client_id)
        self.recorder = Recorder(self.config.record)
        self.sessions: list[Session] = []
        self.port = self.config.port
        self.loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._numbers = iter(range(1, 1 << 62))
        self._tasks: list[asyncio.Task[Any]] = []
        self._session_tasks: set[asyncio.Task[Any]] = set()
        self._stopping: asyncio.Event | None = None
        self._refusing: asyncio.TimerHandle | None = None
        self._steps = 0  # market steps so far: P&L streams send about once a second of them
        self._flood_waiting: set[Session] = set()  # flood_after="executions": not flooded yet

    # -- life ---------------------------------------------------------------------------------

    async def serve(self, on_ready: Callable[[], None] | None = None) -> None:
        """Listen and run the market until cancelled; `on_ready` is called once listening."""
        self.loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        await self._listen()
        if self.config.clock is None:
            self._tasks.append(asyncio.create_task(self._run_market()))
        if self.config.drop_every > 0:
            self._tasks.append(asyncio.create_task(self._drop_loop(self.config.drop_every)))
        if self.config.restart_at or self.config.restart_every > 0:
            self._tasks.append(asyncio.create_task(self._restart_loop()))
        if self.config.scenario == "demo":
            from blotter.sim.scenarios import start_demo
            self._send_all(start_demo(self))
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

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.config.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("listening on %s:%d", self.config.host, self.port)

    async def _shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._server is not None:
            self._server.close()
        self._close_sessions("simulator stopping")
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
        local = self.clock.now().replace(tzinfo=timezone.utc).astimezone(EASTERN)
        return local.strftime("%Y%m%d %H:%M:%S ") + local.tzname()

    def _is_open(self, inst) -> bool:
        if self.config.always_open or inst.sec_type in ("CASH",):
            return True
        local = self.clock.now().replace(tzinfo=timezone.utc).astimezone(EASTERN)
        minutes = local.hour * 60 + local.minute
        return local.weekday() < 5 and 9 * 60 + 30 <= minutes < 16 * 60

    def _opens_at(self, inst) -> str:
        """When the regular session next opens (US/Eastern 09:30 of the next weekday that has one)."""
        local = self.clock.now().replace(tzinfo=timezone.utc).astimezone(EASTERN)
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
        self._send_all(self.broker.step())
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
            request = rq.read(session.version, incoming)
        finally:  # a request that does not decode is recorded too, before its WireError ends the session
            self.recorder.got(session, incoming, request)
        handler = getattr(self, "_on_" + type(request).__name__, None)
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
        from blotter.sim.scenarios import flood
        flood(self, s, self.config.flood_fills)

    def _on_ReqIds(self, s: Session, r: rq.ReqIds) -> None:
        s.send(em.next_valid_id(s.version, self.broker.next_id(s.client_id or 0)))

    def _on_ReqCurrentTime(self, s: Session, r: rq.ReqCurrentTime) -> None:
        s.send(em.current_time(s.version, self._ms() // 1000))

    def _on_ReqManagedAccts(self, s: Session, r: rq.ReqManagedAccts) -> None:
        s.send(em.managed_accounts(s.version, list(self.config.accounts)))

    def _on_ReqContractDetails(self, s: Session, r: rq.ReqContractDetails) -> None:
        found = instruments.find(r.contract)
        if not found:
            self._error(s, r.req_id, errors.NO_SECURITY_DEFINITION.reply())
            return
        for inst in found:
            s.send(em.contract_data(s.version, r.req_id, inst))
        s.send(em.contract_data_end(s.version, r.req_id))

    def _on_ReqMarketRule(self, s: Session, r: rq.ReqMarketRule) -> None:
        bands = instruments.MARKET_RULES.get(r.rule_id)
        if bands is None:
            self._error(s, -1, errors.NO_MARKET_RULE.reply(rule_id=r.rule_id))
            return
        s.send(em.market_rule(s.version, r.rule_id, bands))

    def _on_ReqMarketDataType(self, s: Session, r: rq.ReqMarketDataType) -> None:
        s.market_data_type = r.market_data_type

    def _on_ReqMktData(self, s: Session, r: rq.ReqMktData) -> None:
        found = instruments.find(r.contract)
        if len(found) != 1:
            self._error(s, r.req_id, errors.NO_SECURITY_DEFINITION.reply())
            return
        inst = found[0]
        data_type = 1 if s.market_data_type == 1 else 3  # live, or delayed when asked for
        s.send(em.market_data_type(s.version, r.req_id, data_type))
        s.send(em.tick_req_params(s.version, r.req_id, inst.min_tick, "9c0001", 3))
        self._send_quote(s, r.req_id, inst.con_id)
        if r.snapshot or r.regulatory_snapshot:
            s.send(em.tick_snapshot_end(s.version, r.req_id))
        else:
            s.subscriptions[r.req_id] = inst.con_id

    def _on_CancelMktData(self, s: Session, r: rq.CancelMktData) -> None:
        s.subscriptions.pop(r.req_id, None)

    def _on_PlaceOrder(self, s: Session, r: rq.PlaceOrder) -> None:
        self._send_all(self.broker.place(s.client_id or 0, r.order_id, r.contract, r.order))

    def _on_CancelOrder(self, s: Session, r: rq.CancelOrder) -> None:
        self._send_all(self.broker.cancel(s.client_id or 0, r.order_id))

    def _on_ReqGlobalCancel(self, s: Session, r: rq.ReqGlobalCancel) -> None:
        self._send_all(self.broker.global_cancel())

    def _on_ReqOpenOrders(self, s: Session, r: rq.ReqOpenOrders) -> None:
        if s.client_id == 0:
            self._send_all(self.broker.bind_tws_orders())
        self._send_open_orders(s, [o for o in self.broker.working() if self.routing.sees(s.client_id, o)])

    def _on_ReqAllOpenOrders(self, s: Session, r: rq.ReqAllOpenOrders) -> None:
        self._send_open_orders(s, self.broker.working())

    def _on_ReqAutoOpenOrders(self, s: Session, r: rq.ReqAutoOpenOrders) -> None:
        if s.client_id != 0:
            self._error(s, -1, errors.AUTO_OPEN_NEEDS_CLIENT_0.reply())
            return
        s.auto_bind = r.auto_bind
        if r.auto_bind:
            self._send_all(self._bind_and_show())

    def _bind_and_show(self) -> list[Notice]:
        """Bind open TWS orders to client 0 and show each: orderBound, then openOrder and orderStatus."""
        bound = self.broker.bind_tws_orders()
        return bound + [OrderNotice(n.order) for n in bound if isinstance(n, BoundNotice)]

    def _send_open_orders(self, s: Session, orders: Iterable[SimOrder]) -> None:
        for order in orders:
            s.send(eo.open_order(s.version, order))
            s.send(eo.order_status(s.version, order))
        s.send(eo.open_order_end(s.version))

    def _on_ReqCompletedOrders(self, s: Session, r: rq.ReqCompletedOrders) -> None:
        for order in self.broker.done():
            if r.api_only and order.client_id == 0 and order.order_id <= 0:
                continue
            s.send(eo.completed_order(s.version, order))
        s.send(eo.completed_orders_end(s.version))

    def _on_ReqExecutions(self, s: Session, r: rq.ReqExecutions) -> None:
        for fill in self.broker.fills.values():
            if self.routing.sees_owner(s.client_id, fill.client_id) and _matches(r, fill, self.clock.now()):
                s.send(eo.exec_details(s.version, r.req_id, fill))
                s.send(eo.commission_report(s.version, fill))
        s.send(eo.exec_details_end(s.version, r.req_id))
        if s in self._flood_waiting:
            self._flood_waiting.discard(s)
            self._flood(s)

    def _on_ReqPositions(self, s: Session, r: rq.ReqPositions) -> None:
        s.positions_stream = True
        for h in portfolio.holdings(self.broker, self.market):
            s.send(self._position(s, h))
        s.send(em.position_end(s.version))

    def _on_CancelPositions(self, s: Session, r: rq.CancelPositions) -> None:
        s.positions_stream = False

    def _on_ReqPositionsMulti(self, s: Session, r: rq.ReqPositionsMulti) -> None:
        account = self._account_of(r.account)
        s.position_multi_streams[r.req_id] = (account, r.model_code)
        for h in portfolio.holdings(self.broker, self.market, account):
            s.send(self._position(s, h, r.req_id, r.model_code))
        s.send(em.position_multi_end(s.version, r.req_id))

    def _on_CancelPositionsMulti(self, s: Session, r: rq.CancelPositionsMulti) -> None:
        s.position_multi_streams.pop(r.req_id, None)

    def _on_ReqAccountUpdates(self, s: Session, r: rq.ReqAccountUpdates) -> None:
        if not r.subscribe:
            s.account_stream = None
            return
        account = s.account_stream = self._account_of(r.acct_code)
        for key, value, currency in portfolio.account_values(self.broker, self.market, account):
            s.send(em.account_value(s.version, key, value, currency, account))
        for h in portfolio.holdings(self.broker, self.market, account, open_only=True):
            s.send(self._portfolio_line(s, h))
        local = self.clock.now().replace(tzinfo=timezone.utc).astimezone(EASTERN)
        s.send(em.account_time(s.version, local.strftime("%H:%M")))
        s.send(em.account_download_end(s.version, account))

    def _position(self, s: Session, h: portfolio.Holding, req_id: int | None = None, model_code: str = "") -> Message:
        """A position line (of reqPositions, or of reqPositionsMulti's `req_id`), with the cost per contract."""
        cost = h.avg_cost * h.multiplier
        if req_id is None:
            return em.position(s.version, h.account, h.instrument, h.qty, cost)
        return em.position_multi(s.version, req_id, h.account, model_code, h.instrument, h.qty, cost)

    def _portfolio_line(self, s: Session, h: portfolio.Holding) -> Message:
        return em.portfolio_value(s.version, h.instrument, h.qty, h.price, h.value, h.avg_cost * h.multiplier,
                                  h.unrealized, portfolio.realized(self.broker, h.account, h.instrument.con_id),
                                  h.account)

    def _send_position_change(self, fill: Fill) -> None:
        """After a fill TWS pushes the changed position to every session subscribed to positions or to
        the account's updates, whichever client placed the order."""
        held = portfolio.holdings(self.broker, self.market, fill.account, fill.instrument.con_id)
        if not held:
            return
        h = held[0]
        for s in self._sessions_of(lambda cid: True):
            if s.positions_stream:
                s.send(self._position(s, h))
            for req_id, (account, model_code) in s.position_multi_streams.items():
                if account == h.account:
                    s.send(self._position(s, h, req_id, model_code))
            if s.account_stream == h.account:
                s.send(self._portfolio_line(s, h))

    def _on_ReqAccountUpdatesMulti(self, s: Session, r: rq.ReqAccountUpdatesMulti) -> None:
        account = self._account_of(r.account)
        for key, value, currency in portfolio.account_values(self.broker, self.market, account):
            s.send(em.account_update_multi(s.version, r.req_id, account, r.model_code, key, value, currency))
        s.send(em.account_update_multi_end(s.version, r.req_id))

    def _on_CancelAccountUpdatesMulti(self, s: Session, r: rq.CancelAccountUpdatesMulti) -> None:
        pass

    def _on_ReqAccountSummary(self, s: Session, r: rq.ReqAccountSummary) -> None:
        for account, tag, value, currency in portfolio.summary(self.broker, self.market, self.config.accounts,
                                                               r.tags):
            s.send(em.account_summary(s.version, r.req_id, account, tag, value, currency))
        s.send(em.account_summary_end(s.version, r.req_id))

    def _on_CancelAccountSummary(self, s: Session, r: rq.CancelAccountSummary) -> None:
        pass

    def _on_ReqPnL(self, s: Session, r: rq.ReqPnL) -> None:
        s.pnl_streams[r.req_id] = (self._account_of(r.account), None)
        self._send_pnl(s, r.req_id)

    def _on_ReqPnLSingle(self, s: Session, r: rq.ReqPnLSingle) -> None:
        if instruments.by_con_id(r.con_id) is None:
            self._error(s, r.req_id, errors.NO_SECURITY_DEFINITION.reply())
            return
        s.pnl_streams[r.req_id] = (self._account_of(r.account), r.con_id)
        self._send_pnl(s, r.req_id)

    def _on_CancelPnL(self, s: Session, r: rq.CancelPnL) -> None:
        s.pnl_streams.pop(r.req_id, None)

    _on_CancelPnLSingle = _on_CancelPnL

    def _send_pnl(self, s: Session, req_id: int) -> None:
        """One P&L update of a subscription (TWS sends them about once a second while it lasts)."""
        account, con_id = s.pnl_streams[req_id]
        daily, unrealized, realized = portfolio.pnl(self.broker, self.market, account, con_id or 0)
        if con_id is None:
            s.send(em.pnl(s.version, req_id, daily, unrealized, realized))
            return
        held = portfolio.holdings(self.broker, self.market, account, con_id)
        qty = held[0].qty if held else Decimal(0)
        value = held[0].value if held else 0.0
        s.send(em.pnl_single(s.version, req_id, qty, daily, unrealized, realized, value))

    def _account_of(self, requested: str) -> str:
        """The account a request names, or the first one when it names none (or "All")."""
        return requested if requested and requested != "All" else self.config.accounts[0]

    def _on_ReqMatchingSymbols(self, s: Session, r: rq.ReqMatchingSymbols) -> None:
        s.send(em.symbol_samples(s.version, r.req_id, instruments.matching(r.pattern)))

    def _on_ReqSecDefOptParams(self, s: Session, r: rq.ReqSecDefOptParams) -> None:
        for chain in instruments.option_chains(r.underlying_symbol, r.underlying_con_id):
            s.send(em.sec_def_opt_params(s.version, r.req_id, *chain))
        s.send(em.sec_def_opt_params_end(s.version, r.req_id))

    def _on_ReqCurrentTimeInMillis(self, s: Session, r: rq.ReqCurrentTimeInMillis) -> None:
        s.send(em.current_time_in_millis(s.version, self._ms()))

    def _on_ReqUserInfo(self, s: Session, r: rq.ReqUserInfo) -> None:
        s.send(em.user_info(s.version, r.req_id, ""))  # IBKR's own users have no white-branding id

    # -- routing ------------------------------------------------------------------------------

    def _send_all(self, notices: list[Notice]) -> None:
        """Encode each notice for every session that may see it, at that session's version."""
        for notice in notices:
            if isinstance(notice, ErrorNotice):
                for s in self._sessions_of(lambda cid: cid == notice.client_id):
                    s.send(em.error(s.version, notice.id, notice.code, notice.text, time_ms=self._ms()))
            elif isinstance(notice, OrderNotice):
                order = notice.order
                for s in self._sessions_of(lambda cid: self.routing.sees(cid, order)):
                    if order.client_id == 0 and order.order_id == 0 and not (s.client_id == 0 and s.auto_bind):
                        continue  # unbound TWS orders reach client 0 only once it asked for them
                    if notice.open_order:
                        s.send(eo.open_order(s.version, order))
                    for _ in range(notice.statuses):
                        s.send(eo.order_status(s.version, order))
            elif isinstance(notice, FillNotice):
                for s in self._sessions_of(lambda cid: self.routing.sees_owner(cid, notice.fill.client_id)):
                    s.send(eo.exec_details(s.version, -1, notice.fill))
                self._send_position_change(notice.fill)
            elif isinstance(notice, CommissionNotice):
                for s in self._sessions_of(lambda cid: self.routing.sees_owner(cid, notice.fill.client_id)):
                    s.send(eo.commission_report(s.version, notice.fill))
            elif isinstance(notice, BoundNotice):
                for s in self._sessions_of(lambda cid: cid == 0):
                    s.send(eo.order_bound(s.version, notice.order))

    def _sessions_of(self, wanted: Callable[[int | None], bool]) -> list[Session]:
        return [s for s in self.sessions if s.client_id is not None and not s.closed and wanted(s.client_id)]

    def _send_ticks(self) -> None:
        for s in self.sessions:
            for req_id, con_id in list(s.subscriptions.items()):
                self._send_quote(s, req_id, con_id)
            if self._steps % max(1, round(1 / self.config.step_seconds)) == 0:
                for req_id in list(s.pnl_streams):
                    self._send_pnl(s, req_id)

    def _send_quote(self, s: Session, req_id: int, con_id: int) -> None:
        q = self.market.quote(con_id)
        delayed = s.market_data_type in (3, 4)
        bid, ask, last = (66, 67, 68) if delayed else (1, 2, 4)
        s.send(em.tick_price(s.version, req_id, bid, q.bid, Decimal(q.bid_size)))
        s.send(em.tick_price(s.version, req_id, ask, q.ask, Decimal(q.ask_size)))
        s.send(em.tick_price(s.version, req_id, last, q.last, Decimal(q.last_size)))

    # -- faults (thread-safe) -----------------------------------------------------------------

    def drop_all(self) -> None:
        """Drop every client connection now; orders and fills are kept, as TWS keeps them."""
        self.call(lambda: self._close_sessions("dropped on demand"))

    async def _drop_loop(self, every: float) -> None:
        """Soak runs: drop everyone every `every` seconds, and refuse connects for `refuse_for` after."""
        while True:
            await asyncio.sleep(every)
            if self.config.refuse_for > 0:
                self._go_down("TWS restarting (soak)")
                await asyncio.sleep(self.config.refuse_for)
                await self._relisten()
            else:
                self._close_sessions(f"dropped (every {every}s)")

    def _close_sessions(self, reason: str) -> None:
        for s in list(self.sessions):
            s.close(reason)

    def _go_down(self, reason: str) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._close_sessions(reason)

    def refuse(self) -> None:
        """Stop listening (as when TWS is down or restarting): live sessions drop, connects are refused."""
        self.call(lambda: self._go_down("TWS restarting"))

    def accept(self) -> None:
        """Listen again on the same port after `refuse`."""
        assert self.loop is not None
        asyncio.run_coroutine_threadsafe(self._relisten(), self.loop).result(10)

    def refuse_for(self, seconds: float) -> None:
        """Refuse connections for `seconds` of real time (TWS's nightly restart), then listen again."""
        self.refuse()
        assert self.loop is not None
        self.loop.call_soon_threadsafe(
            lambda: self.loop.call_later(seconds, lambda: asyncio.ensure_future(self._relisten())))

    def daily_restart(self, down_for: float | None = None) -> None:
        """TWS's daily auto-restart: every connection dropped, connects refused for `down_for` seconds of
        real time (None: until `accept`), the day's DAY orders ended. GTC orders keep working with their
        perm ids, the order id sequence goes on, and fills while it is down are reported by executions."""
        self.call(self._restart)
        if down_for is not None:
            assert self.loop is not None
            self.loop.call_soon_threadsafe(
                lambda: self.loop.call_later(down_for, lambda: asyncio.ensure_future(self._relisten())))

    def _restart(self) -> None:
        self._go_down("TWS daily restart")
        self._send_all(self.broker.end_of_day())  # to nobody: a client learns it from completed orders

    async def _restart_loop(self) -> None:
        while True:
            await asyncio.sleep(restart.until_next(self.config.restart_at, self.config.restart_every))
            log.info("daily restart: refusing connections for %gs", self.config.restart_for)
            self._restart()
            await asyncio.sleep(self.config.restart_for)
            await self._relisten()

    async def _relisten(self) -> None:
        if self._server is None:
            await self._listen()

    def set_delay(self, seconds: float) -> None:
        """Hold every outgoing message back by `seconds` of real time (0 to stop)."""
        self.config.delay = seconds

    def reject_next(self, reason: str = "Simulated rejection") -> None:
        """The next place or modify is rejected with this reason (error 201)."""
        def run() -> None:
            self.broker.faults.reject_next = reason
        self.call(run)

    def commission_first(self, on: bool = True) -> None:
        """Send each commission report before its execution (TWS does, now and then)."""
        def run() -> None:
            self.broker.faults.commission_first = on
        self.call(run)

    def repeat_statuses(self, extra: int) -> None:
        """Send `extra` more copies of every orderStatus (as TWS sometimes does)."""
        def run() -> None:
            self.broker.faults.repeat_status = extra
        self.call(run)

    def correct(self, exec_id: str) -> str:
        """Publish a correction of a fill; returns the corrected execId."""
        def run() -> str:
            notices = self.broker.correct(exec_id)
            self._send_all(notices)
            return notices[0].fill.exec_id  # type: ignore[union-attr]
        return self.call(run)

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
                notices = self._bind_and_show()
            self._send_all(notices)
            return perm_id
        return self.call(run)

    def auction(self, closing: bool = True) -> None:
        """Run the close (MOC/LOC) or open (OPG) auction now."""
        self.call(lambda: self._send_all(self.broker.auction(closing)))

    def end_of_day(self) -> None:
        """End the trading day: DAY orders cancelled, DTC deactivated."""
        self.call(lambda: self._send_all(self.broker.end_of_day()))


def _matches(r: rq.ReqExecutions, fill, now: datetime) -> bool:
    """TWS's ExecutionFilter: every set field must match; blank / zero fields match anything."""
    inst = fill.instrument
    checks = [
        not r.client_id or r.client_id == fill.client_id,
        not r.acct_code or r.acct_code == fill.account,
        not r.symbol or r.symbol.upper() == inst.symbol.upper(),
        not r.sec_type or r.sec_type.upper() == inst.sec_type,
        not r.exchange or r.exchange.upper() == fill.exchange.upper(),
        not r.side or _SIDES.get(r.side.upper()) == fill.side,
        not r.specific_dates or int(fill.time.strftime("%Y%m%d")) in r.specific_dates,
        r.last_n_days is None or (now.date() - fill.time.date()).days <= r.last_n_days,
    ]
    if r.time:
        since = _filter_time(r.time)
        checks.append(since is None or fill.time >= since)
    return all(checks)


_SIDES = {"BUY": "BOT", "SELL": "SLD", "BOT": "BOT", "SLD": "SLD"}


def _filter_time(text: str) -> datetime | None:
    """A filter time `yyyymmdd hh:mm:ss [zone]` (or `yyyymmdd-hh:mm:ss` UTC) as naive UTC."""
    text = text.strip()
    try:
        if "-" in text[:9]:
            return datetime.strptime(text[:17], "%Y%m%d-%H:%M:%S")
        stamp = datetime.strptime(text[:17], "%Y%m%d %H:%M:%S")
    except ValueError:
        return None
    zone = text[17:].strip()
    try:
        tz = ZoneInfo(zone) if zone else EASTERN
    except (KeyError, ValueError):
        tz = EASTERN
    return stamp.replace(tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)
