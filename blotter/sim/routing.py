"""Who sees what the simulated TWS's book does, and the notices encoded for each session that may."""

from __future__ import annotations

from typing import Callable

from blotter.sim import encode_market as em
from blotter.sim import encode_orders as eo
from blotter.sim.engine import BoundNotice, CommissionNotice, ErrorNotice, FillNotice, Notice, OrderNotice
from blotter.sim.model import Fill, SimOrder
from blotter.sim.session import Session


class Router:
    """A client sees its own orders and fills, the master client everyone's, client 0 those entered in TWS."""

    def __init__(self, sessions: list[Session], master: int | None, ms: Callable[[], int],
                 position_changed: Callable[[Fill, list[Session]], None]) -> None:
        self.sessions = sessions  # the server's own list, which it keeps up to date
        self.master = master
        self._ms = ms
        self._position_changed = position_changed

    def sees(self, client_id: int | None, order: SimOrder) -> bool:
        return self.sees_owner(client_id, order.client_id)

    def sees_owner(self, client_id: int | None, owner: int) -> bool:
        """True if a session with `client_id` sees orders and fills of client `owner`."""
        return client_id is not None and (client_id == owner or client_id == self.master)

    def publish(self, notices: list[Notice]) -> None:
        """Encode each notice for every session that may see it, at that session's version."""
        for notice in notices:
            if isinstance(notice, ErrorNotice):
                for s in self._sessions_of(lambda cid: cid == notice.client_id):
                    s.send(em.error(s.version, notice.id, notice.code, notice.text, time_ms=self._ms()))
            elif isinstance(notice, OrderNotice):
                order = notice.order
                for s in self._sessions_of(lambda cid: self.sees(cid, order)):
                    if order.client_id == 0 and order.order_id == 0 and not (s.client_id == 0 and s.auto_bind):
                        continue  # unbound TWS orders reach client 0 only once it asked for them
                    if notice.open_order:
                        s.send(eo.open_order(s.version, order))
                    for _ in range(notice.statuses):
                        s.send(eo.order_status(s.version, order))
            elif isinstance(notice, FillNotice):
                for s in self._sessions_of(lambda cid: self.sees_owner(cid, notice.fill.client_id)):
                    s.send(eo.exec_details(s.version, -1, notice.fill))
                self._position_changed(notice.fill, self._sessions_of(lambda cid: True))
            elif isinstance(notice, CommissionNotice):
                for s in self._sessions_of(lambda cid: self.sees_owner(cid, notice.fill.client_id)):
                    s.send(eo.commission_report(s.version, notice.fill))
            elif isinstance(notice, BoundNotice):
                for s in self._sessions_of(lambda cid: cid == 0):
                    s.send(eo.order_bound(s.version, notice.order))

    def _sessions_of(self, wanted: Callable[[int | None], bool]) -> list[Session]:
        return [s for s in self.sessions if s.client_id is not None and not s.closed and wanted(s.client_id)]
