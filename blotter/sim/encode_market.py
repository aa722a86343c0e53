"""Encoders for contract, market data, account and session messages, per server version.

Each function returns a message's fields as text, the message id first, laid out as TWS lays them out
at the given server version (157..200) and formatted as TWS formats them (see the live captures in
../shared/tws-captures: `0` strikes in contract details, `0.00005` tick sizes, a leading `;` in
overnight trading hours, ...).
"""

from __future__ import annotations

from decimal import Decimal

from blotter.sim import encode_market_pb as pb
from blotter.sim import versions as v
from blotter.sim.frames import Message
from blotter.sim.instruments import ISINS, LAST_TRADE_TIMES
from blotter.sim.model import Instrument
from blotter.sim.wire import UNSET_INT, fmt, fmt_decimal

# incoming message ids (what TWS sends)
TICK_PRICE, TICK_SIZE, ERR_MSG, ACCT_VALUE, PORTFOLIO_VALUE, ACCT_UPDATE_TIME = 1, 2, 4, 6, 7, 8
NEXT_VALID_ID, CONTRACT_DATA, MANAGED_ACCTS, CURRENT_TIME, CONTRACT_DATA_END = 9, 10, 15, 49, 52
ACCT_DOWNLOAD_END, TICK_SNAPSHOT_END, MARKET_DATA_TYPE, POSITION_DATA, POSITION_END = 54, 57, 58, 61, 62
TICK_REQ_PARAMS, MARKET_RULE, CURRENT_TIME_IN_MILLIS = 81, 93, 109

# aggGroup per security type, as TWS sends it
_AGG_GROUPS = {"STK": 1, "OPT": 2, "CASH": 4}


def _fields(*values: object) -> list[str]:
    return [str(x) for x in values]


def _plain(value: float) -> str:
    """A double as TWS writes it in contract details and market rules: `0`, `100`, `0.00005`."""
    return fmt_decimal(Decimal(repr(float(value))))


def _text(value: str) -> str:
    """Free text in the escaped ASCII that clients undo with unicode-escape (server version >= 153)."""
    return value.encode("unicode_escape").decode("ascii")


def _size(version: int, value: Decimal) -> str:
    """A quantity: a decimal from FRACTIONAL_SIZE on, a whole number before."""
    return fmt_decimal(value) if version >= v.FRACTIONAL_SIZE else str(int(value))


def _listing(inst: Instrument) -> str:
    """The exchange that positions and portfolio rows name: the primary listing, else the venue."""
    return inst.primary_exchange or inst.exchange


# -- contracts ------------------------------------------------------------------------------------

def contract_data(version: int, req_id: int, inst: Instrument) -> list[str]:
    """contractData (10): one contract's details."""
    if inst.sec_type in ("BOND", "FUND"):
        raise ValueError(f"no encoder for {inst.sec_type} contract details")
    expiry = inst.last_trade_date
    if inst.con_id in LAST_TRADE_TIMES:
        expiry = f"{expiry} {LAST_TRADE_TIMES[inst.con_id]} {inst.time_zone_id}"
    out = _fields(CONTRACT_DATA) + (["8"] if version < v.SIZE_RULES else [])
    out += _fields(req_id, inst.symbol, inst.sec_type, expiry)
    if version >= v.LAST_TRADE_DATE:
        out.append(inst.last_trade_date)
    out += _fields(_plain(inst.strike), inst.right, inst.exchange, inst.currency, inst.local_symbol,
                   inst.trading_class, inst.trading_class, inst.con_id, _plain(inst.min_tick))  # marketName
    if version < v.SIZE_RULES:
        out.append("1")  # mdSizeMultiplier
    out += _fields(inst.multiplier, inst.order_types, inst.valid_exchanges, 1,  # priceMagnifier
                   inst.under_con_id, _text(inst.long_name), inst.primary_exchange, inst.contract_month, inst.industry,
                   inst.category, inst.subcategory, inst.time_zone_id, inst.trading_hours,
                   inst.liquid_hours, "", "")  # evRule, evMultiplier
    isin = ISINS.get(inst.con_id)
    out += ["1", "ISIN", isin] if isin else ["0"]
    out += _fields(_AGG_GROUPS.get(inst.sec_type, UNSET_INT), inst.under_symbol, inst.under_sec_type,
                   inst.market_rule_ids, inst.last_trade_date, inst.stock_type)  # realExpirationDate
    if version < v.SIZE_RULES:
        if version >= v.FRACTIONAL_SIZE:
            out.append(fmt_decimal(inst.size_increment))  # sizeMinTick
    else:
        out += [fmt_decimal(inst.min_size), fmt_decimal(inst.size_increment),
                fmt_decimal(inst.suggested_size_increment)]
    if version >= v.INELIGIBILITY_REASONS:
        out.append("0")
    return out


def contract_data_end(version: int, req_id: int) -> list[str]:
    return _fields(CONTRACT_DATA_END, 1, req_id)


def market_rule(version: int, rule_id: int, bands: list[tuple[float, float]]) -> list[str]:
    """marketRule (93): the price increments of one rule, (low edge, increment) per band."""
    out = _fields(MARKET_RULE, rule_id, len(bands))
    for low, increment in bands:
        out += [_plain(low), _plain(increment)]
    return out


# -- market data ----------------------------------------------------------------------------------

def tick_price(version: int, req_id: int, tick_type: int, price: float, size: Decimal = Decimal(0),
               can_auto_execute: bool = False, past_limit: bool = False, pre_open: bool = False) -> list[str]:
    """tickPrice (1), with the size of the same side (bid, ask, last), which ibapi reports as a tickSize."""
    mask = int(can_auto_execute) | int(past_limit) << 1 | int(pre_open) << 2
    return _fields(TICK_PRICE, 6, req_id, tick_type, fmt(float(price)), _size(version, size), mask)


def tick_size(version: int, req_id: int, tick_type: int, size: Decimal) -> list[str]:
    return _fields(TICK_SIZE, 6, req_id, tick_type, _size(version, size))


def market_data_type(version: int, req_id: int, data_type: int) -> list[str]:
    """marketDataType (58): 1 live, 2 frozen, 3 delayed, 4 delayed frozen."""
    return _fields(MARKET_DATA_TYPE, 1, req_id, data_type)


def tick_req_params(version: int, req_id: int, min_tick: float, bbo_exchange: str,
                    snapshot_permissions: int) -> list[str]:
    return _fields(TICK_REQ_PARAMS, req_id, _plain(min_tick), bbo_exchange, snapshot_permissions)


def tick_snapshot_end(version: int, req_id: int) -> list[str]:
    return _fields(TICK_SNAPSHOT_END, 1, req_id)


# -- session --------------------------------------------------------------------------------------

def error(version: int, req_id: int, code: int, message: str, advanced_json: str = "",
          time_ms: int = 0) -> Message:
    """errMsg (4): versioned before ERROR_TIME; the advanced reject JSON from ADVANCED_ORDER_REJECT."""
    if v.sends_protobuf(version, ERR_MSG):
        return pb.error(req_id, code, message, advanced_json, time_ms)
    out = _fields(ERR_MSG) + (["2"] if version < v.ERROR_TIME else [])
    out += _fields(req_id, code, _text(message))
    if version >= v.ADVANCED_ORDER_REJECT:
        out.append(_text(advanced_json))
    if version >= v.ERROR_TIME:
        out.append(str(time_ms))
    return out


def managed_accounts(version: int, accounts: list[str]) -> Message:
    if v.sends_protobuf(version, MANAGED_ACCTS):
        return pb.managed_accounts(accounts)
    return _fields(MANAGED_ACCTS, 1, ",".join(accounts))


def next_valid_id(version: int, order_id: int) -> Message:
    if v.sends_protobuf(version, NEXT_VALID_ID):
        return pb.next_valid_id(order_id)
    return _fields(NEXT_VALID_ID, 1, order_id)


def current_time(version: int, epoch_seconds: int) -> list[str]:
    return _fields(CURRENT_TIME, 1, epoch_seconds)


def current_time_in_millis(version: int, ms: int) -> list[str]:
    """currentTimeInMillis (109), the answer to reqCurrentTimeInMillis (from CURRENT_TIME_IN_MILLIS)."""
    return _fields(CURRENT_TIME_IN_MILLIS, ms)


# -- account and positions ------------------------------------------------------------------------

def position(version: int, account: str, inst: Instrument, pos: Decimal, avg_cost: float) -> list[str]:
    """position (61), version 3."""
    return _fields(POSITION_DATA, 3, account, inst.con_id, inst.symbol, inst.sec_type, inst.last_trade_date,
                   fmt(float(inst.strike)), inst.right, inst.multiplier, _listing(inst), inst.currency,
                   inst.local_symbol, inst.trading_class, _size(version, pos), fmt(float(avg_cost)))


def position_end(version: int) -> list[str]:
    return _fields(POSITION_END, 1)


def account_value(version: int, key: str, value: str, currency: str, account: str) -> list[str]:
    return _fields(ACCT_VALUE, 2, _text(key), _text(value), _text(currency), _text(account))


def portfolio_value(version: int, inst: Instrument, position: Decimal, market_price: float,
                    market_value: float, avg_cost: float, unrealized: float, realized: float,
                    account: str) -> list[str]:
    """portfolioValue (7), version 8. TWS writes a stock's right as `0` here (live capture)."""
    return _fields(PORTFOLIO_VALUE, 8, inst.con_id, inst.symbol, inst.sec_type, inst.last_trade_date,
                   _plain(inst.strike), inst.right or "0", inst.multiplier, _listing(inst), inst.currency,
                   inst.local_symbol, inst.trading_class, _size(version, position),
                   *(fmt(float(x)) for x in (market_price, market_value, avg_cost, unrealized, realized)),
                   account)


def account_time(version: int, hhmm: str) -> list[str]:
    return _fields(ACCT_UPDATE_TIME, 1, hhmm)


def account_download_end(version: int, account: str) -> list[str]:
    return _fields(ACCT_DOWNLOAD_END, 1, account)
