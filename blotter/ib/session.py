"""The session with TWS: connect, stay connected (reconnect with backoff), resync, order ids, commands.

Everything it learns reaches the UI as events through `sink` (a thread-safe queue's put). Commands
return at once; what they cause (or why they were refused) comes back as events too.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from typing import Callable
from ibapi.client import EClient
from ibapi.execution import ExecutionFilter
from ibapi.order_cancel import OrderCancel

from blotter.domain import events as ev
from blotter.domain.holdings import SUMMARY_TAGS
from blotter.records import frozen
from blotter.ib import convert
from blotter.ib.bridge import Bridge
from blotter.ib.connect import ConnectError, open_client
from blotter.ib.outbox import Outbox, Outgoing
from blotter.ib.protobuf_events import ProtobufEvents

log = logging.getLogger("blotter.ib")

DUPLICATE_ORDER_ID = 103
CLIENT_ID_IN_USE = 326
CONNECT_FAIL = 502
LOOKUP_FAILED = frozenset({200, 321})  # no security definition; the request did not validate
TWS_IB_LOST, TWS_IB_RESTORED_LOST, TWS_IB_RESTORED_KEPT = 1100, 1101, 1102


@frozen
class SessionConfig:
    host: str = "127.0.0.1"
    port: int = 7497
    client_id: int = 0
    master_client_id: int | None = None
    rate: int = 50  # messages per second to TWS, at most
    connect_timeout: float = 5.0
    backoff_initial: float = 1.0
    backoff_max: float = 10.0  # loopback connects cost nothing: back within seconds of TWS
    resync_timeout: float = 30.0


class Session:
    """One client id's session with TWS, kept alive until `stop()`."""

    def __init__(self, config: SessionConfig, sink: Callable[[ev.Event], None],
                 rng: random.Random | None = None, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.sink = sink
        self.rng = rng or random.Random()
        self.clock = clock  # stamps events; tests fix it for reproducible screens
        self.bridge = Bridge(self._observe, clock)
        self.protobuf = ProtobufEvents(self.bridge)  # the day's hot messages, read past ibapi's decoder
        self.client: EClient | None = None
        self.state = ev.ConnState.STOPPED
        self.server_version = 0
        self.accounts: tuple[str, ...] = ()
        self.last_received = 0.0
        self.connections = 0  # successful connects so far
        self._cond = threading.Condition()
        self._ends: set[tuple[str, int]] = set()
        self._details: set[int] = set()  # contract lookups TWS has not answered to the end
        self._followed: set[tuple[str, int]] = set()  # positions whose P&L stream is asked in this connection
        self._next_id = 0
        self._req_ids = iter(range(10_000, 1 << 31))
        self._fatal = ""
        self._ready = False
        self._unreachable_told = False  # TWS's 502 "Couldn't connect" was passed on in this outage
        self._runner: threading.Thread | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.outbox = Outbox(config.rate, self._connected, self._unsent)

    # -- life ---------------------------------------------------------------------------------

    def connect(self) -> None:
        """The first connection, in the caller's thread: raises ConnectError with a one-line reason."""
        self._open()
        self._thread = threading.Thread(target=self._life, args=(True,), name="blotter-session", daemon=True)
        self._thread.start()

    def start(self) -> None:
        """Connect in the background and keep reconnecting: for when TWS may not be up yet."""
        self._thread = threading.Thread(target=self._life, args=(False,), name="blotter-session", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        client = self.client
        if client is not None:
            client.disconnect()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)
        self.outbox.close()
        self._set_state(ev.ConnState.STOPPED, "stopped")

    def _open(self) -> None:
        """Connect, hand-shake, START_API, and wait for TWS's next valid id (or its refusal)."""
        cfg = self.config
        self._set_state(ev.ConnState.CONNECTING, f"{cfg.host}:{cfg.port}")
        with self._cond:
            self._ready = False
            self._fatal = ""
        client = open_client(self.bridge, cfg.host, cfg.port, cfg.client_id, cfg.connect_timeout,
                             readers=self.protobuf.readers)
        self.outbox.note_sent()  # START_API went out with the handshake
        self.client = client
        runner = threading.Thread(target=self._run, args=(client,), name="blotter-ibapi", daemon=True)
        runner.start()
        with self._cond:
            self._cond.wait_for(lambda: self._ready or self._fatal or not client.isConnected(), cfg.connect_timeout)
            fatal, ready = self._fatal, self._ready
        if not ready:
            client.disconnect()
            raise ConnectError(fatal or f"TWS at {cfg.host}:{cfg.port} accepted the connection but did not "
                                        f"start the API session within {cfg.connect_timeout:g}s")
        self.server_version = client.serverVersion()
        self.connections += 1
        self._unreachable_told = False
        self._set_state(ev.ConnState.CONNECTED, f"server version {self.server_version}")
        self._runner = runner

    def _run(self, client: EClient) -> None:
        try:
            client.run()
        except Exception:  # a last resort: Client.run skips messages it cannot read
            log.warning("ibapi's message loop ended with an error (the resync recovers what it held)",
                        exc_info=True)
        finally:
            with self._cond:
                self._cond.notify_all()

    def _life(self, connected: bool) -> None:
        """Resync, wait for loss, back off, reconnect: until stopped or TWS refuses us for good."""
        delay = self.config.backoff_initial
        while not self._stop.is_set():
            if not connected:
                try:
                    self._open()
                except ConnectError as exc:
                    if self._fatal:
                        self._set_state(ev.ConnState.STOPPED, str(exc))
                        return
                    self._wait_to_retry(str(exc), delay)
                    delay = min(delay * 2, self.config.backoff_max)
                    continue
            connected = False
            self._resync()
            if self._runner is not None:
                self._runner.join()
            if self._stop.is_set():
                return
            delay = self.config.backoff_initial  # a fresh loss starts the backoff over
            self._wait_to_retry("connection to TWS lost", delay)

    def _wait_to_retry(self, why: str, delay: float) -> None:
        wait = delay * self.rng.uniform(0.8, 1.2)
        self._set_state(ev.ConnState.LOST, why, retry_at=self.clock() + wait)
        self._stop.wait(wait)

    def _resync(self) -> None:
        """After every (re)connect: open orders, then completed orders, then executions."""
        client = self.client
        assert client is not None
        cid = self.config.client_id
        with self._cond:
            self._ends.clear()
            self._details.clear()  # TWS answers no lookup of the connection before
        if cid == 0:
            self._send("resync", lambda: client.reqAutoOpenOrders(True))
            self._send_and_wait("resync", lambda: client.reqOpenOrders(), ("open_orders", -1))  # binds TWS orders
        if cid == 0 or cid == self.config.master_client_id:
            self._send_and_wait("resync", lambda: client.reqAllOpenOrders(), ("open_orders", -1))
        else:
            self._send_and_wait("resync", lambda: client.reqOpenOrders(), ("open_orders", -1))
        self._send_and_wait("resync", lambda: client.reqCompletedOrders(False), ("completed_orders", -1))
        req = next(self._req_ids)
        self._send_and_wait("resync", lambda: client.reqExecutions(req, ExecutionFilter()), ("executions", req))
        if client.isConnected():
            self.sink(ev.Resynced(self.clock()))
            self._follow_accounts(client)  # after: the orders' picture need not wait for the positions

    def _follow_accounts(self, client: EClient) -> None:
        """Positions (each then followed by its P&L stream), each account's P&L and its summary figures:
        asked anew on every connection, since TWS ends every subscription with it."""
        with self._cond:
            self.bridge.pnl_of.clear()
            self._followed.clear()
        self._send("resync", lambda: client.reqPositions())
        for account in self.accounts:
            self._send("resync", _pnl_of(client, self._pnl_request(account, 0), account))
        req = next(self._req_ids)
        self._send("resync", lambda: client.reqAccountSummary(req, "All", ",".join(SUMMARY_TAGS)))

    def _pnl_request(self, account: str, con_id: int) -> int:
        req = next(self._req_ids)
        self.bridge.pnl_of[req] = (account, con_id)
        return req

    def _follow_position(self, position: ev.Position) -> None:
        """A position not followed yet in this connection: ask for its P&L stream (value, daily P&L)."""
        key = position.account, position.contract.con_id
        client = self.client
        with self._cond:
            if key in self._followed or client is None or not position.contract.con_id:
                return
            self._followed.add(key)
        req = self._pnl_request(*key)
        self._send("resync", lambda: client.reqPnLSingle(req, key[0], "", key[1]))

    def _send_and_wait(self, kind: str, send: Callable[[], None], end: tuple[str, int]) -> bool:
        client = self.client
        with self._cond:
            self._ends.discard(end)
        self._send(kind, send)
        with self._cond:
            return self._cond.wait_for(
                lambda: end in self._ends or client is None or not client.isConnected() or self._stop.is_set(),
                self.config.resync_timeout) and end in self._ends

    # -- what arrives -------------------------------------------------------------------------

    def _observe(self, event: ev.Event) -> None:
        """On the ibapi thread: note what the session itself needs, then pass the event on."""
        if isinstance(event, ev.TwsMessage) and event.code == CONNECT_FAIL and event.id == -1:
            if self._unreachable_told:
                return  # the status line counts the retries down; the messages pane has it once an outage
            self._unreachable_told = True  # and it is ibapi's word, not something TWS sent: no last_received
        else:
            self.last_received = self.clock()
        if isinstance(event, ev.NextValidId):
            with self._cond:
                self._next_id = max(self._next_id, event.order_id)
                self._ready = True
                self._cond.notify_all()
        elif isinstance(event, ev.EndOf):
            with self._cond:
                self._ends.add((event.what, event.req_id))
                self._cond.notify_all()
            if event.what == "contract_details":
                self._details.discard(event.req_id)
        elif isinstance(event, ev.Accounts):
            self.accounts = event.accounts
        elif isinstance(event, ev.Position):
            self._follow_position(event)
        elif isinstance(event, ev.TwsMessage):
            self._on_message(event)
        self.sink(event)
        if isinstance(event, ev.TwsMessage) and event.code in LOOKUP_FAILED and event.id in self._details:
            # TWS's error is its last word on that lookup (an order's message may share the id: not that)
            self._details.discard(event.id)
            self.sink(ev.EndOf("contract_details", event.id))

    def _on_message(self, msg: ev.TwsMessage) -> None:
        if msg.code == CLIENT_ID_IN_USE:
            with self._cond:
                self._fatal = f"client id {self.config.client_id} is already in use at TWS; choose another"
                self._cond.notify_all()
        elif msg.code == DUPLICATE_ORDER_ID:
            client = self.client
            if client is not None:
                self._send("ids", lambda: client.reqIds(1))  # TWS answers with an id above every used one
        elif msg.code == TWS_IB_LOST:
            self._set_state(ev.ConnState.TWS_IB_LOST, msg.text)
        elif msg.code in (TWS_IB_RESTORED_LOST, TWS_IB_RESTORED_KEPT):
            self._set_state(ev.ConnState.TWS_IB_RESTORED, msg.text)
            if msg.code == TWS_IB_RESTORED_LOST:
                threading.Thread(target=self._resync, name="blotter-resync", daemon=True).start()

    def _set_state(self, state: ev.ConnState, detail: str = "", retry_at: float = 0.0) -> None:
        self.state = state
        cfg = self.config
        self.sink(ev.Connection(state, detail, cfg.host, cfg.port, cfg.client_id, self.server_version,
                                self.clock(), retry_at))

    def _connected(self) -> bool:
        client = self.client
        return client is not None and client.isConnected()

    def _unsent(self, message: Outgoing, why: str) -> None:
        self.sink(ev.Refused(message.kind, message.order_id, f"not sent: {why}", self.clock()))

    def _send(self, kind: str, send: Callable[[], None], order_id: int = 0) -> None:
        self.outbox.put(Outgoing(send, kind, order_id))

    # -- commands (return at once) ------------------------------------------------------------

    def next_order_id(self) -> int:
        with self._cond:
            if self._next_id <= 0:
                raise RuntimeError("no order id from TWS yet")
            order_id = self._next_id
            self._next_id += 1
            return order_id

    def _refuse_unless_connected(self, kind: str, order_id: int) -> bool:
        if self.state in (ev.ConnState.CONNECTED, ev.ConnState.TWS_IB_RESTORED, ev.ConnState.TWS_IB_LOST) \
                and self._connected():
            return False
        self.sink(ev.Refused(kind, order_id, "not connected to TWS: nothing was sent", self.clock()))
        return True

    def place(self, contract: ev.ContractRef, order: ev.OrderFields) -> int | None:
        """Send a new order; returns its order id (None if refused: a Refused event says why)."""
        if self._refuse_unless_connected("new", 0):
            return None
        order_id = self.next_order_id()
        self._place("new", order_id, contract, order)
        return order_id

    def modify(self, order_id: int, contract: ev.ContractRef, order: ev.OrderFields) -> None:
        """Re-send an order with the same id: TWS reads it as a modification."""
        if not self._refuse_unless_connected("modify", order_id):
            self._place("modify", order_id, contract, order)

    def _place(self, kind: str, order_id: int, contract: ev.ContractRef, order: ev.OrderFields) -> None:
        client = self.client
        assert client is not None
        ib_contract, ib_order = convert.to_contract(contract), convert.to_order(order)
        self.sink(ev.OrderSent(kind, order_id, self.config.client_id, contract, order, self.clock()))
        self._send(kind, lambda: client.placeOrder(order_id, ib_contract, ib_order), order_id)

    def what_if(self, contract: ev.ContractRef, order: ev.OrderFields) -> int | None:
        """Ask TWS for the commission and margin impact of an order without placing it."""
        if self._refuse_unless_connected("what_if", 0):
            return None
        client = self.client
        assert client is not None
        order_id = self.next_order_id()
        ib_contract, ib_order = convert.to_contract(contract), convert.to_order(order, what_if=True)
        self._send("what_if", lambda: client.placeOrder(order_id, ib_contract, ib_order), order_id)
        return order_id

    def cancel(self, order_id: int) -> None:
        if self._refuse_unless_connected("cancel", order_id):
            return
        client = self.client
        assert client is not None
        self.sink(ev.OrderSent("cancel", order_id, self.config.client_id, at=self.clock()))
        self._send("cancel", lambda: client.cancelOrder(order_id, OrderCancel()), order_id)

    def cancel_all(self) -> None:
        """Global cancel: every working order of the account, from every client and TWS."""
        if self._refuse_unless_connected("cancel_all", 0):
            return
        client = self.client
        assert client is not None
        self.sink(ev.OrderSent("cancel_all", 0, self.config.client_id, at=self.clock()))
        self._send("cancel_all", lambda: client.reqGlobalCancel(OrderCancel()))

    def contract_details(self, contract: ev.ContractRef) -> int | None:
        """Resolve a contract; ContractInfo events then EndOf('contract_details', req id) answer."""
        if self._refuse_unless_connected("contract_details", 0):
            return None
        client = self.client
        assert client is not None
        req = next(self._req_ids)
        ib_contract = convert.to_contract(contract)
        self._details.add(req)
        self._send("contract_details", lambda: client.reqContractDetails(req, ib_contract))
        return req

    def market_rule(self, rule_id: int) -> None:
        client = self.client
        if client is not None and not self._refuse_unless_connected("market_rule", 0):
            self._send("market_rule", lambda: client.reqMarketRule(rule_id))

    def quotes(self, contract: ev.ContractRef) -> int | None:
        """Subscribe to bid / ask / last; Tick events carry the request id returned."""
        if self._refuse_unless_connected("quotes", 0):
            return None
        client = self.client
        assert client is not None
        req = next(self._req_ids)
        ib_contract = convert.to_contract(contract)
        self._send("quotes", lambda: client.reqMktData(req, ib_contract, "", False, False, []))
        return req

    def stop_quotes(self, req_id: int) -> None:
        client = self.client
        if client is not None and self._connected():
            self._send("quotes", lambda: client.cancelMktData(req_id))


def _pnl_of(client: EClient, req: int, account: str) -> Callable[[], None]:
    """The request of an account's P&L stream, made now and sent when the pacing lets it."""
    return lambda: client.reqPnL(req, account, "")
