"""The account requests of the simulated TWS: positions (plain and multi), account updates (plain and
multi), account summaries and P&L streams, and the position a fill changed pushed to its subscribers.

The figures are portfolio's; this module answers each request with them, at the asking session's version.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from blotter.sim import encode_market as em
from blotter.sim import errors, instruments, portfolio
from blotter.sim import requests as rq
from blotter.sim.engine import Broker
from blotter.sim.frames import Message
from blotter.sim.market import Market, SimClock
from blotter.sim.model import Fill
from blotter.sim.session import ErrorReply, Session


class Accounts:
    """Answers every session's account requests from one broker's fills and one market's prices."""

    def __init__(self, broker: Broker, market: Market, clock: SimClock, accounts: tuple[str, ...],
                 error: ErrorReply) -> None:
        self.broker, self.market, self.clock, self.accounts = broker, market, clock, accounts
        self._error = error

    def req_positions(self, s: Session, r: rq.ReqPositions) -> None:
        s.positions_stream = True
        for h in portfolio.holdings(self.broker, self.market):
            s.send(self._position(s, h))
        s.send(em.position_end(s.version))

    def cancel_positions(self, s: Session, r: rq.CancelPositions) -> None:
        s.positions_stream = False

    def req_positions_multi(self, s: Session, r: rq.ReqPositionsMulti) -> None:
        account = self._account_of(r.account)
        s.position_multi_streams[r.req_id] = (account, r.model_code)
        for h in portfolio.holdings(self.broker, self.market, account):
            s.send(self._position(s, h, r.req_id, r.model_code))
        s.send(em.position_multi_end(s.version, r.req_id))

    def cancel_positions_multi(self, s: Session, r: rq.CancelPositionsMulti) -> None:
        s.position_multi_streams.pop(r.req_id, None)

    def req_account_updates(self, s: Session, r: rq.ReqAccountUpdates) -> None:
        if not r.subscribe:
            s.account_stream = None
            return
        account = s.account_stream = self._account_of(r.acct_code)
        for key, value, currency in portfolio.account_values(self.broker, self.market, account):
            s.send(em.account_value(s.version, key, value, currency, account))
        for h in portfolio.holdings(self.broker, self.market, account, open_only=True):
            s.send(self._portfolio_line(s, h))
        s.send(em.account_time(s.version, self.clock.eastern().strftime("%H:%M")))
        s.send(em.account_download_end(s.version, account))

    def req_account_updates_multi(self, s: Session, r: rq.ReqAccountUpdatesMulti) -> None:
        account = self._account_of(r.account)
        for key, value, currency in portfolio.account_values(self.broker, self.market, account):
            s.send(em.account_update_multi(s.version, r.req_id, account, r.model_code, key, value, currency))
        s.send(em.account_update_multi_end(s.version, r.req_id))

    def req_account_summary(self, s: Session, r: rq.ReqAccountSummary) -> None:
        s.summary_streams[r.req_id] = r.tags
        self.send_summary(s, r.req_id)

    def send_summary(self, s: Session, req_id: int) -> None:
        """The summary's tags and its end: on the request, then every three minutes as TWS does."""
        for account, tag, value, currency in portfolio.summary(self.broker, self.market, self.accounts,
                                                               s.summary_streams[req_id]):
            s.send(em.account_summary(s.version, req_id, account, tag, value, currency))
        s.send(em.account_summary_end(s.version, req_id))

    def cancel_summary(self, s: Session, r: rq.CancelAccountSummary) -> None:
        s.summary_streams.pop(r.req_id, None)

    def cancel_answered(self, s: Session, r: rq.CancelAccountUpdatesMulti) -> None:
        """Nothing to stop: account updates multi are answered once, not streamed."""

    def req_pnl(self, s: Session, r: rq.ReqPnL) -> None:
        s.pnl_streams[r.req_id] = (self._account_of(r.account), None)
        self.send_pnl(s, r.req_id)

    def req_pnl_single(self, s: Session, r: rq.ReqPnLSingle) -> None:
        if instruments.by_con_id(r.con_id) is None:
            self._error(s, r.req_id, errors.NO_SECURITY_DEFINITION.reply())
            return
        s.pnl_streams[r.req_id] = (self._account_of(r.account), r.con_id)
        self.send_pnl(s, r.req_id)

    def cancel_pnl(self, s: Session, r: rq.CancelPnL | rq.CancelPnLSingle) -> None:
        s.pnl_streams.pop(r.req_id, None)

    def send_pnl(self, s: Session, req_id: int) -> None:
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

    def position_changed(self, fill: Fill, sessions: Iterable[Session]) -> None:
        """After a fill TWS pushes the changed position to every session subscribed to positions or to
        the account's updates, whichever client placed the order."""
        held = portfolio.holdings(self.broker, self.market, fill.account, fill.instrument.con_id)
        if not held:
            return
        h = held[0]
        for s in sessions:
            if s.positions_stream:
                s.send(self._position(s, h))
            for req_id, (account, model_code) in s.position_multi_streams.items():
                if account == h.account:
                    s.send(self._position(s, h, req_id, model_code))
            if s.account_stream == h.account:
                s.send(self._portfolio_line(s, h))

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

    def _account_of(self, requested: str) -> str:
        """The account a request names, or the first one when it names none (or "All")."""
        return requested if requested and requested != "All" else self.accounts[0]
