"""The contract and market-data requests of the simulated TWS: contract details, market rules, symbol
searches, option chains, and quotes (snapshots and streams) at the market's current touch."""

from __future__ import annotations

from decimal import Decimal

from blotter.sim import encode_market as em
from blotter.sim import errors, instruments
from blotter.sim import requests as rq
from blotter.sim.market import Market
from blotter.sim.session import ErrorReply, Session


class MarketData:
    """Answers every session's contract and market-data requests from one market."""

    def __init__(self, market: Market, error: ErrorReply) -> None:
        self.market = market
        self._error = error

    def req_contract_details(self, s: Session, r: rq.ReqContractDetails) -> None:
        found = instruments.find(r.contract)
        if not found:
            self._error(s, r.req_id, errors.NO_SECURITY_DEFINITION.reply())
            return
        for inst in found:
            s.send(em.contract_data(s.version, r.req_id, inst))
        s.send(em.contract_data_end(s.version, r.req_id))

    def req_market_rule(self, s: Session, r: rq.ReqMarketRule) -> None:
        bands = instruments.MARKET_RULES.get(r.rule_id)
        if bands is None:
            self._error(s, -1, errors.NO_MARKET_RULE.reply(rule_id=r.rule_id))
            return
        s.send(em.market_rule(s.version, r.rule_id, bands))

    def req_matching_symbols(self, s: Session, r: rq.ReqMatchingSymbols) -> None:
        s.send(em.symbol_samples(s.version, r.req_id, instruments.matching(r.pattern)))

    def req_sec_def_opt_params(self, s: Session, r: rq.ReqSecDefOptParams) -> None:
        for chain in instruments.option_chains(r.underlying_symbol, r.underlying_con_id):
            s.send(em.sec_def_opt_params(s.version, r.req_id, *chain))
        s.send(em.sec_def_opt_params_end(s.version, r.req_id))

    def req_market_data_type(self, s: Session, r: rq.ReqMarketDataType) -> None:
        s.market_data_type = r.market_data_type

    def req_mkt_data(self, s: Session, r: rq.ReqMktData) -> None:
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

    def cancel_mkt_data(self, s: Session, r: rq.CancelMktData) -> None:
        s.subscriptions.pop(r.req_id, None)

    def send_ticks(self, s: Session) -> None:
        """The touch of every instrument the session streams, after a market step."""
        for req_id, con_id in list(s.subscriptions.items()):
            self._send_quote(s, req_id, con_id)

    def _send_quote(self, s: Session, req_id: int, con_id: int) -> None:
        q = self.market.quote(con_id)
        delayed = s.market_data_type in (3, 4)
        bid, ask, last = (66, 67, 68) if delayed else (1, 2, 4)
        s.send(em.tick_price(s.version, req_id, bid, q.bid, Decimal(q.bid_size)))
        s.send(em.tick_price(s.version, req_id, ask, q.ask, Decimal(q.ask_size)))
        s.send(em.tick_price(s.version, req_id, last, q.last, Decimal(q.last_size)))
