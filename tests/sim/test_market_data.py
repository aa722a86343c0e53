"""The simulator's catalogue, market and market-data / account encoders, against real TWS frames and
against IB's own decoder at every supported server version."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from blotter.sim import encode_market as em
from blotter.sim import errors, instruments, versions
from blotter.sim.instruments import INSTRUMENTS, by_con_id, find, increment_at, on_grid
from blotter.sim.market import Market, SimClock
from blotter.sim.model import ContractSpec
from tests import captures
from tests.ibdecode import decode

VERSIONS = range(versions.MIN_SUPPORTED, versions.TEXT_LAST + 1)
AAPL, MSFT, SPY, ES, EURUSD, AAPL_OPT = 265598, 272093, 756733, 515416632, 12087792, 788430215
PENNY = next(i for i in INSTRUMENTS if i.market_rule_ids.startswith("557"))
HOURS = re.compile(r"^(;|\d{8}:CLOSED;)(\d{8}:\d{4}-\d{8}:\d{4})(;\d{8}:\d{4}-\d{8}:\d{4}){4}$")


def capture(msg_id: int) -> dict:
    return next(c for c in captures.records() if c["msg_id"] == msg_id)


def supported(lo: int, hi: int) -> range:
    return range(max(lo, versions.MIN_SUPPORTED), min(hi, versions.TEXT_LAST) + 1)


# -- conformance with real TWS frames -------------------------------------------------------------

# The catalogue's hours describe the simulated week (November 2026), the capture's a week of December
# 2023: those two fields differ by date only. Their shape is checked here, and the whole frame is
# checked field for field once the instrument is given the capture's week.
EXCUSED = {26: "tradingHours", 27: "liquidHours"}


def test_contract_data_matches_the_eurusd_capture() -> None:
    cap = capture(10)
    real = cap["fields"]
    inst = by_con_id(EURUSD)
    for version in supported(*cap["decodes_exactly_at_server_versions"]):
        ours = em.contract_data(version, int(real[1]), inst)
        assert len(ours) == len(real)
        assert {i: (a, b) for i, (a, b) in enumerate(zip(real, ours)) if a != b and i not in EXCUSED} == {}
        for i in EXCUSED:
            assert HOURS.match(ours[i]) and ours[i].startswith(";") == real[i].startswith(";"), ours[i]
        same_week = instruments.with_week(inst, date(2023, 12, 3))
        assert em.contract_data(version, int(real[1]), same_week) == real
        assert decode(version, real) and decode(version, ours)


def test_error_matches_the_capture() -> None:
    cap = capture(4)
    real = cap["fields"]
    for version in supported(*cap["decodes_exactly_at_server_versions"]):
        assert em.error(version, int(real[2]), *errors.CANCELLED.reply()) == real


# -- every frame through IB's decoder at every version ----------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_contract_data_decodes_at_every_version(version: int) -> None:
    details = {}
    for inst in INSTRUMENTS:
        ((name, (req_id, cd)),) = decode(version, em.contract_data(version, 9, inst))
        details[inst.con_id] = cd
        c = cd.contract
        assert (name, req_id, c.conId, c.symbol, c.secType) == ("contractDetails", 9, inst.con_id, inst.symbol,
                                                                inst.sec_type)
        assert (c.exchange, c.primaryExchange, c.currency, c.localSymbol, c.tradingClass) == (
            inst.exchange, inst.primary_exchange, inst.currency, inst.local_symbol, inst.trading_class)
        assert (c.strike, c.right, c.multiplier) == (inst.strike, inst.right, inst.multiplier)
        assert c.lastTradeDateOrContractMonth == inst.last_trade_date
        assert (cd.minTick, cd.marketRuleIds, cd.orderTypes) == (inst.min_tick, inst.market_rule_ids, inst.order_types)
        assert (cd.validExchanges, cd.longName, cd.timeZoneId) == (inst.valid_exchanges, inst.long_name,
                                                                   inst.time_zone_id)
        assert (cd.tradingHours, cd.liquidHours) == (inst.trading_hours, inst.liquid_hours)
        assert (cd.underConId, cd.underSymbol, cd.stockType) == (inst.under_con_id, inst.under_symbol,
                                                                 inst.stock_type)
        assert cd.realExpirationDate == inst.last_trade_date
        if version >= versions.SIZE_RULES:
            assert (cd.minSize, cd.sizeIncrement, cd.suggestedSizeIncrement) == (
                inst.min_size, inst.size_increment, inst.suggested_size_increment)
            assert isinstance(cd.sizeIncrement, Decimal)
        if version >= versions.LAST_TRADE_DATE:
            assert c.lastTradeDate == inst.last_trade_date
    assert details[ES].lastTradeTime == "08:30:00"
    assert [(t.tag, t.value) for t in details[AAPL].secIdList] == [("ISIN", "US0378331005")]


@pytest.mark.parametrize("version", VERSIONS)
def test_session_and_market_data_frames_decode_at_every_version(version: int) -> None:
    ((_, (req_id, when, code, text, json_)),) = decode(
        version, em.error(version, 12, *errors.NOT_CANCELLABLE.reply(perm_id=900337), '{"r":"x"}', 1_700_000_000_123))
    assert (req_id, code, text) == (12, 161, "Cancel attempted when order is not in a cancellable state.  "
                                             "Order permId =900337")
    assert json_ == ('{"r":"x"}' if version >= versions.ADVANCED_ORDER_REJECT else "")
    assert when == (1_700_000_000_123 if version >= versions.ERROR_TIME else 0)

    price, size = decode(version, em.tick_price(version, 5, 1, 255.41, Decimal(300), past_limit=True))
    assert price[0] == "tickPrice" and price[1][:3] == (5, 1, 255.41)
    assert (price[1][3].canAutoExecute, price[1][3].pastLimit, price[1][3].preOpen) == (False, True, False)
    assert size == ("tickSize", (5, 0, Decimal(300)))
    fraction = Decimal("0.5") if version >= versions.FRACTIONAL_SIZE else Decimal(0)
    assert decode(version, em.tick_size(version, 5, 8, Decimal("0.5"))) == [("tickSize", (5, 8, fraction))]

    ((_, (account, contract, pos, cost)),) = decode(
        version, em.position(version, "DU1234567", by_con_id(ES), Decimal(-3), 342512.5))
    assert (account, contract.conId, contract.localSymbol, contract.multiplier, contract.exchange) == (
        "DU1234567", ES, "ESZ6", "50", "CME")
    assert (pos, cost) == (Decimal(-3), 342512.5)

    ((_, row),) = decode(version, em.portfolio_value(
        version, by_con_id(AAPL_OPT), Decimal(2), 18.55, 3710.0, 1802.6, 105.2, 0.0, "DU1234567"))
    assert (row[0].conId, row[0].strike, row[0].right, row[0].lastTradeDateOrContractMonth) == (
        AAPL_OPT, 260.0, "C", "20261218")
    assert row[1:] == (Decimal(2), 18.55, 3710.0, 1802.6, 105.2, 0.0, "DU1234567")


@pytest.mark.parametrize("version", VERSIONS)
def test_account_and_reference_frames_decode_at_every_version(version: int) -> None:
    v, account = version, "DU1234567"
    ((_, (req_id, acct, model, contract, pos, cost)),) = decode(
        v, em.position_multi(v, 3, account, "core", by_con_id(AAPL_OPT), Decimal(2), 1802.6))
    assert (req_id, acct, model, pos, cost) == (3, account, "core", Decimal(2), 1802.6)
    assert (contract.conId, contract.strike, contract.right, contract.multiplier, contract.exchange) == (
        AAPL_OPT, 260.0, "C", "100", "SMART")
    assert decode(v, em.account_update_multi(v, 4, account, "", "Currency", "Zürich Fr.", "CHF")) == [
        ("accountUpdateMulti", (4, account, "", "Currency", "Zürich Fr.", "CHF"))]
    assert decode(v, em.account_summary(v, 6, account, "NetLiquidation", "100000.00", "USD")) == [
        ("accountSummary", (6, account, "NetLiquidation", "100000.00", "USD"))]
    ends = {"positionMultiEnd": em.position_multi_end(v, 3), "accountUpdateMultiEnd": em.account_update_multi_end(v, 4),
            "accountSummaryEnd": em.account_summary_end(v, 6),
            "securityDefinitionOptionParameterEnd": em.sec_def_opt_params_end(v, 11)}
    for name, fields in ends.items():
        assert [c[0] for c in decode(v, fields)] == [name]
    unset = 1.7976931348623157e308  # a P&L figure TWS does not know yet
    assert decode(v, em.pnl(v, 8, -12.5, None, 3.0)) == [("pnl", (8, -12.5, unset, 3.0))]
    assert decode(v, em.pnl_single(v, 8, Decimal(-3), 12.0, 100.25, None, 15100.0)) == [
        ("pnlSingle", (8, Decimal(-3), 12.0, 100.25, unset, 15100.0))]
    ((_, (req_id, found)),) = decode(v, em.symbol_samples(v, 10, [by_con_id(AAPL), by_con_id(EURUSD)]))
    assert [(d.contract.conId, d.contract.primaryExchange, d.contract.currency, d.derivativeSecTypes)
            for d in found] == [(AAPL, "NASDAQ", "USD", ["OPT"]), (EURUSD, "IDEALPRO", "USD", [])]
    described = v >= versions.BOND_ISSUERID
    assert [d.contract.description for d in found] == (
        ["APPLE INC", "European Monetary Union Euro"] if described else ["", ""])
    ((_, chain),) = decode(v, em.sec_def_opt_params(v, 11, "SMART", AAPL, "AAPL", "100", ["20261218", "20270115"],
                                                   [250.0, 262.5]))
    assert chain == (11, "SMART", AAPL, "AAPL", "100", {"20261218", "20270115"}, {250.0, 262.5})
    assert decode(v, em.user_info(v, 12, "")) == [("userInfo", (12, ""))]


@pytest.mark.parametrize("version", [versions.MIN_SUPPORTED, versions.TEXT_LAST])
def test_unversioned_frames_decode(version: int) -> None:
    v = version
    plain = {
        "contractDetailsEnd": em.contract_data_end(v, 9), "marketDataType": em.market_data_type(v, 9, 3),
        "tickReqParams": em.tick_req_params(v, 9, 0.00005, "9c0001", 3), "tickSnapshotEnd": em.tick_snapshot_end(v, 9),
        "managedAccounts": em.managed_accounts(v, ["DU1234567", "DU7654321"]), "nextValidId": em.next_valid_id(v, 42),
        "currentTime": em.current_time(v, 1_700_000_000), "currentTimeInMillis": em.current_time_in_millis(v, 17),
        "positionEnd": em.position_end(v), "updateAccountTime": em.account_time(v, "14:34"),
        "updateAccountValue": em.account_value(v, "NetLiquidation", "100000.00", "USD", "DU1234567"),
        "accountDownloadEnd": em.account_download_end(v, "DU1234567"),
        "marketRule": em.market_rule(v, 32, instruments.MARKET_RULES[32]),
    }
    for name, fields in plain.items():
        assert [c[0] for c in decode(version, fields)] == [name]
    assert decode(version, plain["tickReqParams"])[0][1] == (9, 0.00005, "9c0001", 3)
    rule = decode(version, plain["marketRule"])[0][1]
    assert [(p.lowEdge, p.increment) for p in rule[1]] == [(0.0, 0.01), (3.0, 0.05)]


def test_every_error_text_reaches_the_client_unchanged() -> None:
    for name, err in vars(errors).items():
        if isinstance(err, errors.TwsError):
            code, text = err.reply(order_id=7, perm_id=9, symbol="AAPL", reason="x", tif="GTC", rule_id=1)
            fields = em.error(200, 1, code, text)
            if code in (320, 321, 322):  # tests.ibdecode takes these for complaints about the frame
                assert fields[3] == text.replace("\n", "\\n"), name
            else:
                assert decode(200, fields)[0][1][2:4] == (code, text), name


def test_error_texts() -> None:
    assert errors.RATE_LIMIT.reply(received=56) == (
        100, "Max rate of messages per second has been exceeded:max=50 rec=56 (1)")
    assert errors.CANCELLED.reply() == (202, "Order Canceled - reason:")
    assert errors.CANCEL_FILLED.reply(order_id=5)[1] == (
        "OrderId 5 that needs to be cancelled cannot be cancelled, state: Filled.")
    assert errors.FARM_SECDEF.reply() == (2158, "Sec-def data farm connection is OK:secdefnj")
    assert errors.VALIDATION_FAILED.reply(cause="End date not supported")[1] == (
        "Error validating request.-'bM' : cause - End date not supported")


# -- the catalogue --------------------------------------------------------------------------------

def test_catalogue_is_consistent() -> None:
    assert len({i.con_id for i in INSTRUMENTS}) == len(INSTRUMENTS)
    for inst in INSTRUMENTS:
        rules = instruments.rule_ids(inst)
        assert len(rules) == len(inst.valid_exchanges.split(",")), inst.symbol
        assert all(r in instruments.MARKET_RULES for r in rules)
        for r in set(rules):
            bands = instruments.MARKET_RULES[r]
            assert bands[0][0] == 0 and [b[0] for b in bands] == sorted(b[0] for b in bands)
        assert Decimal(str(inst.min_tick)) == increment_at(inst, Decimal(0)), inst.symbol
        assert on_grid(inst, inst.start_price), inst.symbol
        assert HOURS.match(inst.trading_hours) and HOURS.match(inst.liquid_hours)
        assert inst.exchange in inst.valid_exchanges.split(",")


def test_price_grid() -> None:
    aapl, es, opt = by_con_id(AAPL), by_con_id(ES), by_con_id(AAPL_OPT)
    assert on_grid(aapl, 144.80) and not on_grid(aapl, 144.805)
    assert on_grid(PENNY, 0.4512) and not on_grid(PENNY, 1.0001) and on_grid(PENNY, 1.01)
    assert on_grid(es, 5000.25) and not on_grid(es, 5000.1)
    assert on_grid(by_con_id(EURUSD), 1.08735) and not on_grid(by_con_id(EURUSD), 1.08731)
    assert increment_at(opt, Decimal("2.99")) == Decimal("0.01") and increment_at(opt, Decimal(3)) == Decimal("0.05")
    assert not on_grid(opt, 3.01) and on_grid(opt, 2.99) and not on_grid(aapl, float("nan"))


def test_find() -> None:
    assert sorted(i.sec_type for i in find(ContractSpec(symbol="AAPL"))) == ["OPT", "STK"]
    assert [i.con_id for i in find(ContractSpec(symbol="aapl", sec_type="STK", exchange="SMART",
                                                currency="USD", strike=0.0))] == [AAPL]
    assert [i.con_id for i in find(ContractSpec(con_id=AAPL_OPT))] == [AAPL_OPT]
    assert find(ContractSpec(con_id=AAPL, exchange="IDEALPRO")) == [] and find(ContractSpec(con_id=1)) == []
    assert [i.con_id for i in find(ContractSpec(symbol="AAPL", sec_type="OPT", last_trade_date="202612",
                                                strike=260, right="CALL", multiplier="100"))] == [AAPL_OPT]
    assert find(ContractSpec(symbol="AAPL", sec_type="OPT", right="P")) == []
    assert [i.con_id for i in find(ContractSpec(local_symbol="ESZ6"))] == [ES]
    assert [i.con_id for i in find(ContractSpec(symbol="ES", sec_type="FUT", last_trade_date="20261218"))] == [ES]
    assert [i.con_id for i in find(ContractSpec(symbol="EUR", sec_type="CASH", currency="USD"))] == [EURUSD]
    assert find(ContractSpec(symbol="EUR", exchange="SMART")) == []
    assert [i.con_id for i in find(ContractSpec(symbol="MSFT", primary_exchange="ISLAND"))] == [MSFT]
    assert [i.con_id for i in find(ContractSpec(sec_id_type="ISIN", sec_id="US78462F1030"))] == [SPY]
    assert find(ContractSpec()) == [] and find(ContractSpec(symbol="NOPE")) == []


# -- the market and its clock ---------------------------------------------------------------------

def path(seed: int, steps: int = 60) -> list:
    market = Market(INSTRUMENTS, seed=seed)
    out = []
    for _ in range(steps):
        market.step()
        out.append([market.quote(i.con_id) for i in INSTRUMENTS])
    return out


def test_same_seed_same_path() -> None:
    assert path(7) == path(7)
    assert path(7) != path(8)


def test_prices_stay_on_the_grid_with_bid_below_ask() -> None:
    market = Market(INSTRUMENTS, seed=3)
    for _ in range(300):
        market.step()
        for inst in INSTRUMENTS:
            q = market.quote(inst.con_id)
            assert 0 < q.bid < q.ask and all(on_grid(inst, p) for p in (q.bid, q.ask, q.last)), (inst.symbol, q)
            assert q.bid_size > 0 and q.ask_size > 0 and q.last_size > 0
    assert market.steps == 300


def test_take_never_exceeds_the_displayed_size() -> None:
    market = Market(INSTRUMENTS, seed=5)
    shown = market.quote(AAPL)
    assert market.take(AAPL, "BUY", Decimal(10**6)) == shown.ask_size
    assert market.take(AAPL, "BUY", Decimal(100)) == 0 and market.quote(AAPL).ask_size == 0
    assert market.take(AAPL, "SELL", Decimal(100)) == Decimal(100)
    assert market.quote(AAPL).bid_size == shown.bid_size - 100
    market.step()
    fresh = market.quote(AAPL)
    assert fresh.ask_size > 0 and market.take(AAPL, "BUY", Decimal(1)) == 1
    assert market.available(AAPL, "BUY") == fresh.ask_size - 1


def test_clock() -> None:
    start = datetime(2026, 11, 20, 15, 0)
    clock = SimClock.manual(start)
    assert clock.now() == start and clock.seconds == 0
    clock.advance(0.25)
    assert clock.now() == start + timedelta(seconds=0.25) and clock.seconds == 0.25
    real = SimClock.real()
    assert abs(real.now() - datetime.now(timezone.utc).replace(tzinfo=None)) < timedelta(seconds=5)
    with pytest.raises(RuntimeError):
        real.advance(1)
