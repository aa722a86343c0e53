"""The protobuf forms (server version 201 on) of the messages in blotter.sim.encode_market.

Each takes what its text twin takes and carries the same values: a field TWS leaves unset is absent.
Numbers TWS formats in the text form (a contract's minimum tick, a tick size) travel as the same text.
"""

from __future__ import annotations

from decimal import Decimal

from blotter.sim.encode_contract_pb import contract_values, listing
from blotter.sim.frames import Proto
from blotter.sim.instruments import derivative_types
from blotter.sim.model import Instrument
from blotter.sim.wire import fmt_decimal

TICK_PRICE, TICK_SIZE, ERR_MSG, NEXT_VALID_ID, CONTRACT_DATA, MANAGED_ACCTS = 1, 2, 4, 9, 10, 15
CURRENT_TIME, CONTRACT_DATA_END, TICK_SNAPSHOT_END, MARKET_DATA_TYPE = 49, 52, 57, 58
SEC_DEF_OPT_PARAM, SEC_DEF_OPT_PARAM_END, SYMBOL_SAMPLES, TICK_REQ_PARAMS = 75, 76, 79, 81
MARKET_RULE, USER_INFO, CURRENT_TIME_IN_MILLIS = 93, 107, 109


# -- contracts ------------------------------------------------------------------------------------

def contract_data(req_id: int, inst: Instrument, expiry: str, min_tick: str, isin: str | None,
                  agg_group: int | None) -> Proto:
    """contractData: `expiry` is the text form's lastTradeDateOrContractMonth (with a future's last
    trading time and zone), `min_tick` TWS's spelling of the tick."""
    details = {
        "marketName": inst.trading_class or None, "minTick": min_tick, "orderTypes": inst.order_types or None,
        "validExchanges": inst.valid_exchanges or None, "priceMagnifier": 1, "underConId": inst.under_con_id,
        "longName": inst.long_name or None, "contractMonth": inst.contract_month or None,
        "industry": inst.industry or None, "category": inst.category or None,
        "subcategory": inst.subcategory or None, "timeZoneId": inst.time_zone_id or None,
        "tradingHours": inst.trading_hours or None, "liquidHours": inst.liquid_hours or None,
        "secIdList": {"ISIN": isin} if isin else None, "aggGroup": agg_group,
        "underSymbol": inst.under_symbol or None, "underSecType": inst.under_sec_type or None,
        "marketRuleIds": inst.market_rule_ids or None, "realExpirationDate": inst.last_trade_date or None,
        "stockType": inst.stock_type or None, "minSize": fmt_decimal(inst.min_size),
        "sizeIncrement": fmt_decimal(inst.size_increment),
        "suggestedSizeIncrement": fmt_decimal(inst.suggested_size_increment),
    }
    contract = contract_values(inst, inst.exchange, inst.primary_exchange)
    contract.update(lastTradeDateOrContractMonth=expiry or None, lastTradeDate=inst.last_trade_date or None)
    return Proto(CONTRACT_DATA, "ContractData", {"reqId": req_id, "contract": contract, "contractDetails": details})


def contract_data_end(req_id: int) -> Proto:
    return Proto(CONTRACT_DATA_END, "ContractDataEnd", {"reqId": req_id})


def market_rule(rule_id: int, bands: list[tuple[float, float]]) -> Proto:
    return Proto(MARKET_RULE, "MarketRule", {"marketRuleId": rule_id, "priceIncrements": [
        {"lowEdge": float(low), "increment": float(increment)} for low, increment in bands]})


def symbol_samples(req_id: int, instruments: list[Instrument]) -> Proto:
    """symbolSamples: per instrument the contract as matching symbols describe it, and its derivatives."""
    return Proto(SYMBOL_SAMPLES, "SymbolSamples", {"reqId": req_id, "contractDescriptions": [
        {"contract": {"conId": inst.con_id, "symbol": inst.symbol, "secType": inst.sec_type,
                      "primaryExch": listing(inst) or None, "currency": inst.currency or None,
                      "description": inst.long_name or None},
         "derivativeSecTypes": derivative_types(inst)}
        for inst in instruments]})


def sec_def_opt_params(req_id: int, exchange: str, underlying_con_id: int, trading_class: str, multiplier: str,
                       expirations: list[str], strikes: list[float]) -> Proto:
    return Proto(SEC_DEF_OPT_PARAM, "SecDefOptParameter", {
        "reqId": req_id, "exchange": exchange or None, "underlyingConId": underlying_con_id,
        "tradingClass": trading_class or None, "multiplier": multiplier or None,
        "expirations": list(expirations), "strikes": [float(s) for s in strikes]})


def sec_def_opt_params_end(req_id: int) -> Proto:
    return Proto(SEC_DEF_OPT_PARAM_END, "SecDefOptParameterEnd", {"reqId": req_id})


# -- market data ----------------------------------------------------------------------------------

def tick_price(req_id: int, tick_type: int, price: float, size: Decimal, attr_mask: int) -> Proto:
    """tickPrice with the size of its side, which ibapi's protobuf reader also reports as a tickSize."""
    return Proto(TICK_PRICE, "TickPrice", {"reqId": req_id, "tickType": tick_type, "price": float(price),
                                           "size": fmt_decimal(size), "attrMask": attr_mask})


def tick_size(req_id: int, tick_type: int, size: Decimal) -> Proto:
    return Proto(TICK_SIZE, "TickSize", {"reqId": req_id, "tickType": tick_type, "size": fmt_decimal(size)})


def market_data_type(req_id: int, data_type: int) -> Proto:
    return Proto(MARKET_DATA_TYPE, "MarketDataType", {"reqId": req_id, "marketDataType": data_type})


def tick_req_params(req_id: int, min_tick: str, bbo_exchange: str, snapshot_permissions: int) -> Proto:
    return Proto(TICK_REQ_PARAMS, "TickReqParams", {"reqId": req_id, "minTick": min_tick,
                                                    "bboExchange": bbo_exchange or None,
                                                    "snapshotPermissions": snapshot_permissions})


def tick_snapshot_end(req_id: int) -> Proto:
    return Proto(TICK_SNAPSHOT_END, "TickSnapshotEnd", {"reqId": req_id})


# -- session --------------------------------------------------------------------------------------

def error(req_id: int, code: int, message: str, advanced_json: str, time_ms: int) -> Proto:
    return Proto(ERR_MSG, "ErrorMessage", {"id": req_id, "errorTime": time_ms, "errorCode": code, "errorMsg": message,
                                           "advancedOrderRejectJson": advanced_json})


def managed_accounts(accounts: list[str]) -> Proto:
    return Proto(MANAGED_ACCTS, "ManagedAccounts", {"accountsList": ",".join(accounts)})


def next_valid_id(order_id: int) -> Proto:
    return Proto(NEXT_VALID_ID, "NextValidId", {"orderId": order_id})


def current_time(epoch_seconds: int) -> Proto:
    return Proto(CURRENT_TIME, "CurrentTime", {"currentTime": epoch_seconds})


def current_time_in_millis(ms: int) -> Proto:
    return Proto(CURRENT_TIME_IN_MILLIS, "CurrentTimeInMillis", {"currentTimeInMillis": ms})


def user_info(req_id: int, white_branding_id: str) -> Proto:
    return Proto(USER_INFO, "UserInfo", {"reqId": req_id, "whiteBrandingId": white_branding_id or None})
