"""The order requests of the simulated TWS: place, cancel and global cancel, open orders (own, all,
and client 0's auto-binding), completed orders and executions, answered from the broker's book."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterable

from blotter.sim import encode_orders as eo
from blotter.sim import errors, executions
from blotter.sim import requests as rq
from blotter.sim.engine import BoundNotice, Broker, Notice, OrderNotice
from blotter.sim.model import SimOrder
from blotter.sim.routing import Router
from blotter.sim.session import ErrorReply, Session


class Orders:
    """Answers every session's order requests; what changes the book is published through the router."""

    def __init__(self, broker: Broker, routing: Router, now: Callable[[], datetime], error: ErrorReply) -> None:
        self.broker, self.routing, self.now = broker, routing, now
        self._error = error

    def place_order(self, s: Session, r: rq.PlaceOrder) -> None:
        self.routing.publish(self.broker.place(s.client_id or 0, r.order_id, r.contract, r.order))

    def cancel_order(self, s: Session, r: rq.CancelOrder) -> None:
        self.routing.publish(self.broker.cancel(s.client_id or 0, r.order_id))

    def global_cancel(self, s: Session, r: rq.ReqGlobalCancel) -> None:
        self.routing.publish(self.broker.global_cancel())

    def req_open_orders(self, s: Session, r: rq.ReqOpenOrders) -> None:
        if s.client_id == 0:
            self.routing.publish(self.broker.bind_tws_orders())
        self._send_open_orders(s, [o for o in self.broker.working() if self.routing.sees(s.client_id, o)])

    def req_all_open_orders(self, s: Session, r: rq.ReqAllOpenOrders) -> None:
        self._send_open_orders(s, self.broker.working())

    def req_auto_open_orders(self, s: Session, r: rq.ReqAutoOpenOrders) -> None:
        if s.client_id != 0:
            self._error(s, -1, errors.AUTO_OPEN_NEEDS_CLIENT_0.reply())
            return
        s.auto_bind = r.auto_bind
        if r.auto_bind:
            self.routing.publish(self.bind_and_show())

    def bind_and_show(self) -> list[Notice]:
        """Bind open TWS orders to client 0 and show each: orderBound, then openOrder and orderStatus."""
        bound = self.broker.bind_tws_orders()
        return bound + [OrderNotice(n.order) for n in bound if isinstance(n, BoundNotice)]

    def _send_open_orders(self, s: Session, orders: Iterable[SimOrder]) -> None:
        for order in orders:
            s.send(eo.open_order(s.version, order))
            s.send(eo.order_status(s.version, order))
        s.send(eo.open_order_end(s.version))

    def req_completed_orders(self, s: Session, r: rq.ReqCompletedOrders) -> None:
        for order in self.broker.done():
            if r.api_only and order.client_id == 0 and order.order_id <= 0:
                continue
            s.send(eo.completed_order(s.version, order))
        s.send(eo.completed_orders_end(s.version))

    def req_executions(self, s: Session, r: rq.ReqExecutions) -> None:
        for fill in self.broker.fills.values():
            if self.routing.sees_owner(s.client_id, fill.client_id) and executions.matches(r, fill, self.now()):
                s.send(eo.exec_details(s.version, r.req_id, fill))
                s.send(eo.commission_report(s.version, fill))
        s.send(eo.exec_details_end(s.version, r.req_id))
