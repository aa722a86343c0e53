"""Encoders for contract, market data, account and session messages, per server version.

Each function returns a message's fields as text, the message id first, laid out as TWS lays them out
at the given server version (157..200, and later until the message turns protobuf) and formatted as
TWS formats them (see the live captures in tests/captures: `0` strikes in contract details,
`0.00005` tick sizes, a leading `;` in overnight trading hours, ...). From the version in
versions.PROTOBUF_MESSAGES on, each returns its protobuf form (blotter.sim.encode_market_pb, and
encode_account_pb for accounts and positions) instead.
"""

from __future__ import annotations

from decimal import Decimal

from blotter.sim import encode_account_pb as apb
from blotter.sim import encode_market_pb as pb
from blotter.sim import versions as v
from blotter.sim.encode_contract_pb import listing
from blotter.sim.frames import Message
from blotter.sim.instruments import ISINS, LAST_TRADE_TIMES, derivative_types
from blotter.sim.model import Instrument
from blotter.sim.wire import UNSET_INT, fmt, fmt_decimal, fmt_unset_float

# incoming message ids (what TWS sends)
TICK_PRICE, TICK_SIZE, ERR_MSG, ACCT_VALUE, PORTFOLIO_VALUE, ACCT_UPDATE_TIME = 1, 2, 4, 6, 7, 8
NEXT_VALID_ID, CONTRACT_DATA, MANAGED_ACCTS, CURRENT_TIME, CONTRACT_DATA_END = 9, 10, 15, 49, 52
ACCT_DOWNLOAD_END, TICK_SNAPSHOT_END, MARKET_DATA_TYPE, POSITION_DATA, POSITION_END = 54, 57, 58, 61, 62
ACCOUNT_SUMMARY, ACCOUNT_SUMMARY_END, POSITION_MULTI, POSITION_MULTI_END = 63, 64, 71, 72
ACCOUNT_UPDATE_MULTI, ACCOUNT_UPDATE_MULTI_END, SEC_DEF_OPT_PARAM, SEC_DEF_OPT_PARAM_END = 73, 74, 75, 76
SYMBOL_SAMPLES, TICK_REQ_PARAMS, MARKET_RULE, PNL, PNL_SINGLE, USER_INFO = 79, 81, 93, 94, 95, 107
CURRENT_TIME_IN_MILLIS = 109

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


# -- contracts ------------------------------------------------------------------------------------

def contract_data(version: int, req_id: int, inst: Instrument) -> Message:
    """contractData (10): one contract's details."""
    if inst.sec_type in ("BOND", "FUND"):
        raise ValueError(f"no encoder for {inst.sec_type} contract details")
    expiry = inst.last_trade_date
    if inst.con_id in LAST_TRADE_TIMES:
        expiry = f"{expiry} {LAST_TRADE_TIMES[inst.con_id]} {inst.time_zone_id}"
    isin = ISINS.get(inst.con_id)
    if v.sends_protobuf(version, CONTRACT_DATA):
        return pb.contract_data(req_id, inst, expiry, _plain(inst.min_tick), isin, _AGG_GROUPS.get(inst.sec_type))
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


def contract_data_end(version: int, req_id: int) -> Message:
    if v.sends_protobuf(version, CONTRACT_DATA_END):
        return pb.contract_data_end(req_id)
    return _fields(CONTRACT_DATA_END, 1, req_id)


def market_rule(version: int, rule_id: int, bands: list[tuple[float, float]]) -> Message:
    """marketRule (93): the price increments of one rule, (low edge, increment) per band."""
    if v.sends_protobuf(version, MARKET_RULE):
        return pb.market_rule(rule_id, bands)
    out = _fields(MARKET_RULE, rule_id, len(bands))
    for low, increment in bands:
        out += [_plain(low), _plain(increment)]
    return out


# -- market data ----------------------------------------------------------------------------------

def tick_price(version: int, req_id: int, tick_type: int, price: float, size: Decimal = Decimal(0),
               can_auto_execute: bool = False, past_limit: bool = False, pre_open: bool = False) -> Message:
    """tickPrice (1), with the size of the same side (bid, ask, last), which ibapi reports as a tickSize
    (its protobuf reader as well)."""
    mask = int(can_auto_execute) | int(past_limit) << 1 | int(pre_open) << 2
    if v.sends_protobuf(version, TICK_PRICE):
        return pb.tick_price(req_id, tick_type, price, size, mask)
    return _fields(TICK_PRICE, 6, req_id, tick_type, fmt(float(price)), _size(version, size), mask)


def tick_size(version: int, req_id: int, tick_type: int, size: Decimal) -> Message:
    if v.sends_protobuf(version, TICK_SIZE):
        return pb.tick_size(req_id, tick_type, size)
    return _fields(TICK_SIZE, 6, req_id, tick_type, _size(version, size))


def market_data_type(version: int, req_id: int, data_type: int) -> Message:
    """marketDataType (58): 1 live, 2 frozen, 3 delayed, 4 delayed frozen."""
    if v.sends_protobuf(version, MARKET_DATA_TYPE):
        return pb.market_data_type(req_id, data_type)
    return _fields(MARKET_DATA_TYPE, 1, req_id, data_type)


def tick_req_params(version: int, req_id: int, min_tick: float, bbo_exchange: str,
                    snapshot_permissions: int) -> Message:
    if v.sends_protobuf(version, TICK_REQ_PARAMS):
        return pb.tick_req_params(req_id, _plain(min_tick), bbo_exchange, snapshot_permissions)
    return _fields(TICK_REQ_PARAMS, req_id, _plain(min_tick), bbo_exchange, snapshot_permissions)


def tick_snapshot_end(version: int, req_id: int) -> Message:
    if v.sends_protobuf(version, TICK_SNAPSHOT_END):
        return pb.tick_snapshot_end(req_id)
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


def current_time(version: int, epoch_seconds: int) -> Message:
    if v.sends_protobuf(version, CURRENT_TIME):
        return pb.current_time(epoch_seconds)
    return _fields(CURRENT_TIME, 1, epoch_seconds)


def current_time_in_millis(version: int, ms: int) -> Message:
    """currentTimeInMillis (109), the answer to reqCurrentTimeInMillis (from CURRENT_TIME_IN_MILLIS)."""
    if v.sends_protobuf(version, CURRENT_TIME_IN_MILLIS):
        return pb.current_time_in_millis(ms)
    return _fields(CURRENT_TIME_IN_MILLIS, ms)


# -- account and positions ------------------------------------------------------------------------

def _position_contract(inst: Instrument) -> list[str]:
    """The contract as position and positionMulti carry it, naming the primary listing."""
    return _fields(inst.con_id, inst.symbol, inst.sec_type, inst.last_trade_date, fmt(float(inst.strike)),
                   inst.right, inst.multiplier, listing(inst), inst.currency, inst.local_symbol, inst.trading_class)


def position(version: int, account: str, inst: Instrument, pos: Decimal, avg_cost: float) -> Message:
    """position (61), version 3."""
    if v.sends_protobuf(version, POSITION_DATA):
        return apb.position(account, inst, pos, avg_cost)
    return [*_fields(POSITION_DATA, 3, account), *_position_contract(inst), _size(version, pos), fmt(float(avg_cost))]


def position_end(version: int) -> Message:
    if v.sends_protobuf(version, POSITION_END):
        return apb.position_end()
    return _fields(POSITION_END, 1)


def position_multi(version: int, req_id: int, account: str, model_code: str, inst: Instrument, pos: Decimal,
                   avg_cost: float) -> Message:
    """positionMulti (71), version 1: a position of one account and model (reqPositionsMulti)."""
    if v.sends_protobuf(version, POSITION_MULTI):
        return apb.position_multi(req_id, account, model_code, inst, pos, avg_cost)
    return [*_fields(POSITION_MULTI, 1, req_id, account), *_position_contract(inst), _size(version, pos),
            fmt(float(avg_cost)), model_code]


def position_multi_end(version: int, req_id: int) -> Message:
    if v.sends_protobuf(version, POSITION_MULTI_END):
        return apb.position_multi_end(req_id)
    return _fields(POSITION_MULTI_END, 1, req_id)


def account_value(version: int, key: str, value: str, currency: str, account: str) -> Message:
    if v.sends_protobuf(version, ACCT_VALUE):
        return apb.account_value(key, value, currency, account)
    return _fields(ACCT_VALUE, 2, _text(key), _text(value), _text(currency), _text(account))


def portfolio_value(version: int, inst: Instrument, position: Decimal, market_price: float,
                    market_value: float, avg_cost: float, unrealized: float, realized: float,
                    account: str) -> Message:
    """portfolioValue (7), version 8. TWS writes a stock's right as `0` here (live capture)."""
    if v.sends_protobuf(version, PORTFOLIO_VALUE):
        return apb.portfolio_value(inst, position, market_price, market_value, avg_cost, unrealized, realized,
                                   account)
    return _fields(PORTFOLIO_VALUE, 8, inst.con_id, inst.symbol, inst.sec_type, inst.last_trade_date,
                   _plain(inst.strike), inst.right or "0", inst.multiplier, listing(inst), inst.currency,
                   inst.local_symbol, inst.trading_class, _size(version, position),
                   *(fmt(float(x)) for x in (market_price, market_value, avg_cost, unrealized, realized)),
                   account)


def account_time(version: int, hhmm: str) -> Message:
    if v.sends_protobuf(version, ACCT_UPDATE_TIME):
        return apb.account_time(hhmm)
    return _fields(ACCT_UPDATE_TIME, 1, hhmm)


def account_download_end(version: int, account: str) -> Message:
    if v.sends_protobuf(version, ACCT_DOWNLOAD_END):
        return apb.account_download_end(account)
    return _fields(ACCT_DOWNLOAD_END, 1, account)


def account_update_multi(version: int, req_id: int, account: str, model_code: str, key: str, value: str,
                         currency: str) -> Message:
    """accountUpdateMulti (73), version 1: one value of an account and model (reqAccountUpdatesMulti)."""
    if v.sends_protobuf(version, ACCOUNT_UPDATE_MULTI):
        return apb.account_update_multi(req_id, account, model_code, key, value, currency)
    return _fields(ACCOUNT_UPDATE_MULTI, 1, req_id, *map(_text, (account, model_code, key, value, currency)))


def account_update_multi_end(version: int, req_id: int) -> Message:
    if v.sends_protobuf(version, ACCOUNT_UPDATE_MULTI_END):
        return apb.account_update_multi_end(req_id)
    return _fields(ACCOUNT_UPDATE_MULTI_END, 1, req_id)


def account_summary(version: int, req_id: int, account: str, tag: str, value: str, currency: str) -> Message:
    """accountSummary (63), version 1: one tag of one account (reqAccountSummary)."""
    if v.sends_protobuf(version, ACCOUNT_SUMMARY):
        return apb.account_summary(req_id, account, tag, value, currency)
    return _fields(ACCOUNT_SUMMARY, 1, req_id, *map(_text, (account, tag, value, currency)))


def account_summary_end(version: int, req_id: int) -> Message:
    if v.sends_protobuf(version, ACCOUNT_SUMMARY_END):
        return apb.account_summary_end(req_id)
    return _fields(ACCOUNT_SUMMARY_END, 1, req_id)


def pnl(version: int, req_id: int, daily: float, unrealized: float | None, realized: float | None) -> Message:
    """pnl (94): the account's P&L of the day; a figure TWS does not know yet is the unset double."""
    if v.sends_protobuf(version, PNL):
        return apb.pnl(req_id, daily, unrealized, realized)
    return _fields(PNL, req_id, fmt(float(daily)), fmt_unset_float(unrealized), fmt_unset_float(realized))


def pnl_single(version: int, req_id: int, pos: Decimal, daily: float, unrealized: float | None,
               realized: float | None, value: float) -> Message:
    """pnlSingle (95): one position's P&L of the day and its market value."""
    if v.sends_protobuf(version, PNL_SINGLE):
        return apb.pnl_single(req_id, pos, daily, unrealized, realized, value)
    return _fields(PNL_SINGLE, req_id, _size(version, pos), fmt(float(daily)), fmt_unset_float(unrealized),
                   fmt_unset_float(realized), fmt(float(value)))


# -- reference data -------------------------------------------------------------------------------

def symbol_samples(version: int, req_id: int, instruments: list[Instrument]) -> Message:
    """symbolSamples (79): the matching symbols, each with the derivative types listed on it; the
    description (its long name) and issuer id from BOND_ISSUERID."""
    if v.sends_protobuf(version, SYMBOL_SAMPLES):
        return pb.symbol_samples(req_id, instruments)
    out = _fields(SYMBOL_SAMPLES, req_id, len(instruments))
    for inst in instruments:
        derivatives = derivative_types(inst)
        out += _fields(inst.con_id, inst.symbol, inst.sec_type, listing(inst), inst.currency, len(derivatives),
                       *derivatives)
        if version >= v.BOND_ISSUERID:
            out += [inst.long_name, ""]  # issuerId: bonds only
    return out


def sec_def_opt_params(version: int, req_id: int, exchange: str, underlying_con_id: int, trading_class: str,
                       multiplier: str, expirations: list[str], strikes: list[float]) -> Message:
    """securityDefinitionOptionParameter (75): one exchange's option chain on an underlying."""
    if v.sends_protobuf(version, SEC_DEF_OPT_PARAM):
        return pb.sec_def_opt_params(req_id, exchange, underlying_con_id, trading_class, multiplier, expirations,
                                     strikes)
    return _fields(SEC_DEF_OPT_PARAM, req_id, exchange, underlying_con_id, trading_class, multiplier,
                   len(expirations), *expirations, len(strikes), *(fmt(float(s)) for s in strikes))


def sec_def_opt_params_end(version: int, req_id: int) -> Message:
    if v.sends_protobuf(version, SEC_DEF_OPT_PARAM_END):
        return pb.sec_def_opt_params_end(req_id)
    return _fields(SEC_DEF_OPT_PARAM_END, req_id)


def user_info(version: int, req_id: int, white_branding_id: str) -> Message:
    """userInfo (107): the white-branding id of the user's broker ("" for IBKR's own users)."""
    if v.sends_protobuf(version, USER_INFO):
        return pb.user_info(req_id, white_branding_id)
    return _fields(USER_INFO, req_id, white_branding_id)
