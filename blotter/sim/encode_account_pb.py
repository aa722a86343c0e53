"""The protobuf forms (server version 207 on; P&L from 210) of the account and position messages in
blotter.sim.encode_market: each carries its text twin's values, a field TWS has no value for absent.
"""

from __future__ import annotations

from decimal import Decimal

from blotter.sim.encode_contract_pb import contract, listing
from blotter.sim.frames import Proto
from blotter.sim.model import Instrument
from blotter.sim.wire import fmt_decimal

ACCT_VALUE, PORTFOLIO_VALUE, ACCT_UPDATE_TIME, ACCT_DOWNLOAD_END = 6, 7, 8, 54
POSITION_DATA, POSITION_END, ACCOUNT_SUMMARY, ACCOUNT_SUMMARY_END = 61, 62, 63, 64
POSITION_MULTI, POSITION_MULTI_END, ACCOUNT_UPDATE_MULTI, ACCOUNT_UPDATE_MULTI_END = 71, 72, 73, 74
PNL, PNL_SINGLE = 94, 95


def position(account: str, inst: Instrument, pos: Decimal, avg_cost: float) -> Proto:
    """position: the contract names the primary listing, as the text form does."""
    return Proto(POSITION_DATA, "Position", {"account": account or None, "contract": contract(inst, listing(inst)),
                                             "position": fmt_decimal(pos), "avgCost": float(avg_cost)})


def position_end() -> Proto:
    return Proto(POSITION_END, "PositionEnd", {})


def position_multi(req_id: int, account: str, model_code: str, inst: Instrument, pos: Decimal,
                   avg_cost: float) -> Proto:
    return Proto(POSITION_MULTI, "PositionMulti", {
        "reqId": req_id, "account": account or None, "contract": contract(inst, listing(inst)),
        "position": fmt_decimal(pos), "avgCost": float(avg_cost), "modelCode": model_code or None})


def position_multi_end(req_id: int) -> Proto:
    return Proto(POSITION_MULTI_END, "PositionMultiEnd", {"reqId": req_id})


def account_value(key: str, value: str, currency: str, account: str) -> Proto:
    return Proto(ACCT_VALUE, "AccountValue", {"key": key or None, "value": value or None,
                                              "currency": currency or None, "accountName": account or None})


def portfolio_value(inst: Instrument, position: Decimal, market_price: float, market_value: float,
                    avg_cost: float, unrealized: float, realized: float, account: str) -> Proto:
    """portfolioValue: the contract names its primary listing and no routing exchange, as in text."""
    return Proto(PORTFOLIO_VALUE, "PortfolioValue", {
        "contract": contract(inst, "", listing(inst)), "position": fmt_decimal(position),
        "marketPrice": float(market_price), "marketValue": float(market_value), "averageCost": float(avg_cost),
        "unrealizedPNL": float(unrealized), "realizedPNL": float(realized), "accountName": account or None})


def account_time(hhmm: str) -> Proto:
    return Proto(ACCT_UPDATE_TIME, "AccountUpdateTime", {"timeStamp": hhmm or None})


def account_download_end(account: str) -> Proto:
    return Proto(ACCT_DOWNLOAD_END, "AccountDataEnd", {"accountName": account or None})


def account_update_multi(req_id: int, account: str, model_code: str, key: str, value: str, currency: str) -> Proto:
    return Proto(ACCOUNT_UPDATE_MULTI, "AccountUpdateMulti", {
        "reqId": req_id, "account": account or None, "modelCode": model_code or None, "key": key or None,
        "value": value or None, "currency": currency or None})


def account_update_multi_end(req_id: int) -> Proto:
    return Proto(ACCOUNT_UPDATE_MULTI_END, "AccountUpdateMultiEnd", {"reqId": req_id})


def account_summary(req_id: int, account: str, tag: str, value: str, currency: str) -> Proto:
    return Proto(ACCOUNT_SUMMARY, "AccountSummary", {"reqId": req_id, "account": account or None, "tag": tag or None,
                                                     "value": value or None, "currency": currency or None})


def account_summary_end(req_id: int) -> Proto:
    return Proto(ACCOUNT_SUMMARY_END, "AccountSummaryEnd", {"reqId": req_id})


def pnl(req_id: int, daily: float, unrealized: float | None, realized: float | None) -> Proto:
    """P&L of the account: a figure TWS does not know yet (None) is absent."""
    return Proto(PNL, "PnL", {"reqId": req_id, "dailyPnL": float(daily), "unrealizedPnL": unrealized,
                              "realizedPnL": realized})


def pnl_single(req_id: int, pos: Decimal, daily: float, unrealized: float | None, realized: float | None,
               value: float) -> Proto:
    return Proto(PNL_SINGLE, "PnLSingle", {"reqId": req_id, "position": fmt_decimal(pos), "dailyPnL": float(daily),
                                           "unrealizedPnL": unrealized, "realizedPnL": realized,
                                           "value": float(value)})
