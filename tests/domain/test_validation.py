"""Order validation: every rule of issue 5 with the exact message the user reads, and its properties."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blotter.domain.events import ContractInfo, ContractRef, OrderFields
from blotter.domain.prices import Grid, to_decimal
from blotter.domain.status import OrderStatus
from blotter.domain.store import Store
from blotter.domain.ticket import ContractRules, OrderRequest, rule_id_for, tws_time
from blotter.domain.validation import Precautions, Touch, submit, validate, validate_modify
from blotter.sim.instruments import INSTRUMENTS
from tests.domain.catalogue import AAPL, AAPL_CALL, BY_NAME, ES, EURUSD, QPNY, ROUND_LOTS, info_of, rules_for
from tests.domain.factories import connected, fields, open_order

D = Decimal
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)  # a Friday, 10:00 in New York
QUIET = Precautions(max_pct_away=None, max_value=None, max_size=None, block_pct_through=None)
AAPL_QUOTE = Touch.of(149.50, 149.52, 149.51)
ES_QUOTE = Touch.of(6850.00, 6850.25, 6850.00)
QUOTES = {"AAPL": AAPL_QUOTE, "ES": ES_QUOTE, "QPNY": Touch.of(0.4511, 0.4513), "EUR.USD": Touch.of(1.0873, 1.08735),
          "AAPL_CALL": Touch.of(18.45, 18.55)}
TYPES = "MKT, LMT, STP, STP LMT, TRAIL, TRAIL LIMIT, MOC, LOC, MIT or LIT"


def order(qty: object = 100, order_type: str = "LMT", side: str = "BUY", symbol: str = "AAPL",
          **kw: object) -> OrderRequest:
    """A request with Decimals where the text is a number (anything else is kept, to be judged)."""
    prices = {k: (to_decimal(v) or v if isinstance(v, (int, str)) and k.endswith(("price", "percent")) else v)
              for k, v in kw.items()}
    quantity = to_decimal(qty) if isinstance(qty, (int, str)) and to_decimal(qty) is not None else qty
    return OrderRequest(side=side, quantity=quantity, symbol=symbol, order_type=order_type,  # type: ignore[arg-type]
                        **prices)  # type: ignore[arg-type]


def problems(request: OrderRequest, rules: ContractRules = AAPL, name: str = "AAPL") -> list[str]:
    verdict = validate(request, rules, QUOTES.get(name), QUIET, NOW)
    assert not verdict.warnings and not verdict.blocks
    return [p.message for p in verdict.problems]


# -- 1. the price grid ------------------------------------------------------------------------------

GRID = [
    ("AAPL", order(lmt_price="144.805"), ["limit 144.805 is not on the 0.01 grid: nearest 144.80 or 144.81"]),
    ("AAPL", order(lmt_price="144.80"), []),
    ("AAPL", order(lmt_price=144.8), []),  # a float is judged as the decimal it prints as
    ("AAPL", order(lmt_price="0.001"), ["limit 0.001 is not on the 0.01 grid: nearest 0.01"]),
    ("AAPL", order(lmt_price="0"), ["limit 0 must be above 0"]),
    ("AAPL", order(lmt_price="-1.5"), ["limit -1.5 must be above 0"]),
    ("AAPL", order(lmt_price="abc"), ["limit abc is not a price"]),
    ("AAPL", order(lmt_price=D("NaN")), ["limit NaN is not a price"]),
    ("AAPL", order(lmt_price=D("1e20")), ["limit 100000000000000000000 is too large to be a price"]),
    ("QPNY", order(symbol="QPNY", lmt_price="0.45125"),
     ["limit 0.45125 is not on the 0.0001 grid (below 1): nearest 0.4512 or 0.4513"]),
    ("QPNY", order(symbol="QPNY", lmt_price="1.005"),
     ["limit 1.005 is not on the 0.01 grid (from 1 up): nearest 1.00 or 1.01"]),
    ("QPNY", order(symbol="QPNY", lmt_price="0.99995"),
     ["limit 0.99995 is not on the 0.0001 grid (below 1): nearest 0.9999 or 1.00"]),
    ("QPNY", order(symbol="QPNY", lmt_price="0.4512"), []),
    ("QPNY", order(symbol="QPNY", lmt_price="1.25"), []),
    ("ES", order(1, "STP", symbol="ES", aux_price="5000.10"),
     ["stop 5000.10 is not on the 0.25 grid: nearest 5000.00 or 5000.25"]),
    ("ES", order(1, "STP", symbol="ES", aux_price="5000.25"), []),
    ("EUR.USD", order(20000, symbol="EUR", lmt_price="1.08737"),
     ["limit 1.08737 is not on the 0.00005 grid: nearest 1.08735 or 1.08740"]),
    ("AAPL_CALL", order(1, symbol="AAPL", lmt_price="18.52"),
     ["limit 18.52 is not on the 0.05 grid (from 3 up): nearest 18.50 or 18.55"]),
    ("AAPL_CALL", order(1, symbol="AAPL", lmt_price="2.99"), []),
    ("AAPL", order(order_type="TRAIL", side="SELL", aux_price="1.505"),
     ["trailing amount 1.505 is not on the 0.01 grid: nearest 1.50 or 1.51"]),
    ("AAPL", order(order_type="TRAIL", side="SELL", aux_price="1.50", trail_stop_price="148.005"),
     ["trail stop 148.005 is not on the 0.01 grid: nearest 148.00 or 148.01"]),
    ("AAPL", order(order_type="LIT", aux_price="150.001", lmt_price="150.10"),
     ["trigger 150.001 is not on the 0.01 grid: nearest 150.00 or 150.01"]),
]


@pytest.mark.parametrize("name, request_, expected", GRID)
def test_price_grid(name, request_, expected):
    assert problems(request_, BY_NAME[name], name) == expected


# -- 2. order type and TIF ----------------------------------------------------------------------------

FUTURE, PAST = "20261120 16:00:00", "20261120 09:00:00"  # New York times, TWS's own zone
TYPE_AND_TIF = [
    ("ES", order(1, "MOC", symbol="ES"), ["order type MOC is not offered for ESZ6"]),
    ("AAPL", order(order_type="REL", lmt_price="149"), [f"order type REL is not supported here: use {TYPES}"]),
    ("AAPL", order(order_type="stp lmt", aux_price="150", lmt_price="150.10"), []),  # any case
    ("AAPL", order(lmt_price="149", tif="FOK"), ["TIF FOK is not offered for AAPL"]),
    ("AAPL_CALL", order(1, symbol="AAPL", lmt_price="18.50", tif="FOK"), []),
    ("ES", order(1, symbol="ES", lmt_price="6850", tif="OPG"), ["TIF OPG is not offered for ESZ6"]),
    ("AAPL", order(lmt_price="149", tif="XYZ"),
     ["TIF XYZ is not supported here: use DAY, GTC, IOC, FOK, GTD, OPG or DTC"]),
    ("AAPL", order(order_type="MOC", tif="GTC"), ["TIF GTC is not allowed with MOC: MOC and LOC are DAY only"]),
    ("AAPL", order(order_type="LOC", lmt_price="149", tif="IOC"),
     ["TIF IOC is not allowed with LOC: MOC and LOC are DAY only"]),
    ("AAPL", order(order_type="MOC"), []),
    ("AAPL", order(order_type="STP", aux_price="150", tif="OPG"),
     ["TIF OPG is not allowed with STP: OPG goes with MKT or LMT only"]),
    ("AAPL", order(order_type="MKT", tif="OPG"), []),
    ("AAPL", order(lmt_price="149", tif="OPG"), []),
    ("AAPL", order(lmt_price="149", tif="DTC"), []),
    ("AAPL", order(lmt_price="149", tif="GTD"), ["GTD needs a date and time, e.g. 20261120 16:00:00 US/Eastern"]),
    ("AAPL", order(lmt_price="149", tif="GTD", gtd="2026-11-20"),
     ["GTD 2026-11-20 is not a TWS time: use YYYYMMDD HH:MM:SS [zone]"]),
    ("AAPL", order(lmt_price="149", tif="GTD", gtd=PAST), [f"GTD {PAST} is not in the future"]),
    ("AAPL", order(lmt_price="149", tif="GTD", gtd="20261120-14:59:59"),
     ["GTD 20261120-14:59:59 is not in the future"]),
    ("AAPL", order(lmt_price="149", tif="GTD", gtd="20261120 17:30:00 Europe/London"), []),
    ("AAPL", order(lmt_price="149", tif="GTD", gtd="20261120 16:00:00 Mars/Base"),
     ["GTD 20261120 16:00:00 Mars/Base is not a TWS time: use YYYYMMDD HH:MM:SS [zone]"]),
    ("AAPL", order(lmt_price="149", tif="GTD", gtd=FUTURE), []),
    ("AAPL", order(lmt_price="149", tif="GTD", gtd=datetime(2026, 11, 20, 15, 30, tzinfo=timezone.utc)), []),
    ("AAPL", order(lmt_price="149", gtd=FUTURE), ["a GTD date needs TIF GTD, not DAY"]),
    ("AAPL", order(order_type="MKT", outside_rth=True),
     ["outside RTH is not allowed with MKT on stocks: use a limit order"]),
    ("AAPL", order(lmt_price="149", outside_rth=True), []),
    ("ES", order(1, "MKT", symbol="ES", outside_rth=True), []),
    ("AAPL", order(order_type="STP LMT"), ["STP LMT needs a limit price", "STP LMT needs a stop price"]),
    ("AAPL", order(order_type="STP LMT", aux_price="150"), ["STP LMT needs a limit price"]),
    ("AAPL", order(order_type="LIT", lmt_price="150"), ["LIT needs a trigger price"]),
    ("AAPL", order(order_type="TRAIL", side="SELL"), ["TRAIL needs a trailing amount or a trailing percent"]),
    ("AAPL", order(order_type="TRAIL", side="SELL", aux_price="1.50", trailing_percent="2"),
     ["TRAIL takes a trailing amount or a trailing percent, not both"]),
    ("AAPL", order(order_type="TRAIL", side="SELL", trailing_percent="2"), []),
    ("AAPL", order(order_type="TRAIL LIMIT", side="SELL", aux_price="1.50"), ["TRAIL LIMIT needs a limit price"]),
    ("AAPL", order(order_type="TRAIL LIMIT", side="SELL", aux_price="1.50", lmt_price="148"), []),
    ("AAPL", order(order_type="TRAIL", side="SELL", trailing_percent="0"),
     ["trailing percent 0 must be above 0 and below 100"]),
    ("AAPL", order(order_type="TRAIL", side="SELL", trailing_percent="100"),
     ["trailing percent 100 must be above 0 and below 100"]),
    ("AAPL", order(order_type="MKT", lmt_price="149"), ["MKT carries no price"]),
    ("AAPL", order(order_type="MOC", aux_price="149"), ["MOC carries no price"]),
    ("AAPL", order(lmt_price="149", aux_price="148"), ["LMT carries no stop price"]),
    ("AAPL", order(order_type="STP", aux_price="150", lmt_price="150.10"), ["STP carries no limit price"]),
    ("AAPL", order(order_type="STP", aux_price="150", trailing_percent="2"), ["STP carries no trailing percent"]),
    ("AAPL", order(order_type="STP", aux_price="150", trail_stop_price="150"), ["STP carries no trail stop price"]),
]


@pytest.mark.parametrize("name, request_, expected", TYPE_AND_TIF)
def test_order_type_and_tif(name, request_, expected):
    assert problems(request_, BY_NAME[name], name) == expected


# -- 3. size, side and contract ---------------------------------------------------------------------

SIZE_AND_SIDE = [
    (AAPL, order(0, lmt_price="149"), ["quantity 0 must be above 0"]),
    (AAPL, order(-5, lmt_price="149"), ["quantity -5 must be above 0"]),
    (AAPL, order("abc", lmt_price="149"), ["quantity abc is not a number"]),
    (AAPL, order("0.5", lmt_price="149"), []),  # fractional shares where the contract allows them
    (QPNY, order("10.5", symbol="QPNY", lmt_price="0.45"),
     ["quantity 10.5 is fractional: QPNY trades in whole units only"]),
    (AAPL, order("0.00005", lmt_price="149"),
     ["quantity 0.00005 is not a multiple of the size increment 0.0001: nearest 0.0001"]),
    (AAPL, order("10.00005", lmt_price="149"),
     ["quantity 10.00005 is not a multiple of the size increment 0.0001: nearest 10 or 10.0001"]),
    (EURUSD, order("20000.005", symbol="EUR", lmt_price="1.0873"),
     ["quantity 20000.005 is not a multiple of the size increment 0.01: nearest 20000 or 20000.01"]),
    (ROUND_LOTS, order(50, symbol="LOTS", lmt_price="10"), ["quantity 50 is below the minimum size 100"]),
    (AAPL, order(side="HOLD", lmt_price="149"), ["side HOLD is not BUY or SELL"]),
    (AAPL, order(side="sell", lmt_price="149"), []),
    (AAPL, order(symbol="MSFT", lmt_price="149"), ["symbol MSFT is not this ticket's contract AAPL"]),
    (AAPL, order(lmt_price="149", sec_type="FUT"), ["AAPL is STK, not FUT"]),
    (ES, order(1, symbol="esz6", lmt_price="6850"), []),
]


@pytest.mark.parametrize("rules, request_, expected", SIZE_AND_SIDE)
def test_size_side_and_contract(rules, request_, expected):
    verdict = validate(request_, rules, None, QUIET, NOW)
    assert [p.message for p in verdict.problems] == expected


# -- 4. precautions ------------------------------------------------------------------------------------

VALUE = "value {} USD is above your 50,000.00 limit"
PRECAUTIONS = [
    ("$1490 for $149", AAPL, order(lmt_price="1490"), AAPL_QUOTE, Precautions(),
     [VALUE.format("149,000.00")],
     ["limit 1490.00 is 897% above the ask 149.52: more than 10% through the market is refused"]),
    ("warning only with the hard limit off", AAPL, order(lmt_price="1490"), AAPL_QUOTE,
     Precautions(block_pct_through=None), ["limit 1490.00 is 897% above the ask 149.52", VALUE.format("149,000.00")],
     []),
    ("far below: a warning, never a block", AAPL, order(10, lmt_price="14.90"), AAPL_QUOTE, Precautions(),
     ["limit 14.90 is 90% below the ask 149.52"], []),
    ("a sell compares with the bid", AAPL, order(10, side="SELL", lmt_price="140"), AAPL_QUOTE, Precautions(),
     ["limit 140.00 is 6.4% below the bid 149.50"], []),
    ("a sell 13% through the bid", AAPL, order(10, side="SELL", lmt_price="130"), AAPL_QUOTE, Precautions(),
     [], ["limit 130.00 is 13% below the bid 149.50: more than 10% through the market is refused"]),
    ("a stop is warned about, not blocked", AAPL, order(10, "STP", side="SELL", aux_price="130"), AAPL_QUOTE,
     Precautions(), ["stop 130.00 is 13% below the bid 149.50"], []),
    ("near the market: nothing", AAPL, order(10, lmt_price="149.00"), AAPL_QUOTE, Precautions(), [], []),
    ("ticks away", AAPL, order(10, lmt_price="149.00"), AAPL_QUOTE, Precautions(max_ticks_away=20),
     ["limit 149.00 is 52 ticks below the ask 149.52"], []),
    ("futures: no hard limit, value with the multiplier", ES, order(1, symbol="ES", lmt_price="8000"), ES_QUOTE,
     Precautions(), ["limit 8000.00 is 17% above the ask 6850.25", VALUE.format("400,000.00")], []),
    ("size limit", AAPL, order(5000, lmt_price="10"), AAPL_QUOTE, Precautions(max_pct_away=None),
     ["quantity 5,000 is above your 1,000 size limit"], []),
    ("hard size limit", AAPL, order(20000, lmt_price="1"), AAPL_QUOTE,
     Precautions(max_pct_away=None, block_size=D(10_000)), [],
     ["quantity 20,000 is above the hard size limit of 10,000"]),
    ("hard value limit", AAPL, order(1000, lmt_price="149"), AAPL_QUOTE, Precautions(block_value=D(100_000)), [],
     ["value 149,000.00 USD is above the hard limit of 100,000.00"]),
    ("a market order's value at the ask", AAPL, order(500, "MKT"), AAPL_QUOTE, Precautions(),
     [VALUE.format("74,760.00")], []),
    ("no quote: a limit is not checked, and says so", AAPL, order(10, lmt_price="149"), None, Precautions(),
     ["no live quote for AAPL: limit 149.00 not checked against the market"], []),
    ("no quote: both prices named", AAPL, order(10, "STP LMT", aux_price="150", lmt_price="150.10"), None,
     Precautions(), ["no live quote for AAPL: limit 150.10 and stop 150.00 not checked against the market"], []),
    ("no quote: a market order's value is unknown", AAPL, order(10, "MKT"), None, Precautions(),
     ["no live quote for AAPL: the value of this MKT order is unknown"], []),
    ("a quote without an ask is no quote for a buy", AAPL, order(10, lmt_price="149"), Touch.of(bid=149.5, ask=-1),
     Precautions(), ["no live quote for AAPL: limit 149.00 not checked against the market"], []),
]


@pytest.mark.parametrize("why, rules, request_, quote, limits, warnings, blocks", PRECAUTIONS,
                         ids=[c[0] for c in PRECAUTIONS])
def test_precautions(why, rules, request_, quote, limits, warnings, blocks):
    verdict = validate(request_, rules, quote, limits, NOW)
    assert verdict.problems == ()
    assert [w.message for w in verdict.warnings] == warnings
    assert [b.message for b in verdict.blocks] == blocks
    assert verdict.ok is not blocks and verdict.needs_confirmation is bool(warnings)


def test_each_finding_names_its_field():
    verdict = validate(order(5000, lmt_price="144.805", tif="GTC"), AAPL, AAPL_QUOTE, Precautions(), NOW)
    assert [(f.field, str(f)) for f in verdict.problems] == [
        ("lmt_price", "limit 144.805 is not on the 0.01 grid: nearest 144.80 or 144.81")]
    assert [f.field for f in verdict.warnings] == ["quantity", "quantity"]  # its size and its value


# -- 5. modify ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Working:
    contract: ContractRef
    order: OrderFields
    status: OrderStatus = OrderStatus.SUBMITTED
    filled: Decimal = D(0)


AAPL_REF = ContractRef(con_id=265598, symbol="AAPL", sec_type="STK", exchange="SMART", currency="USD")
RESTING = Working(AAPL_REF, fields("BUY", 100, "LMT", 149.0))
MODIFY = [
    (RESTING, dict(lmt_price=D("149.10")), []),
    (RESTING, dict(side="SELL"), ["side cannot change from BUY to SELL: cancel it and place a new order"]),
    (RESTING, dict(symbol="MSFT"), ["symbol cannot change from AAPL to MSFT: cancel it and place a new order"]),
    (RESTING, dict(order_type="MKT", lmt_price=None),
     ["order type cannot change from LMT to MKT on a working order: cancel it and place a new order"]),
    (replace(RESTING, filled=D(60)), dict(quantity=D(50)), ["quantity 50 is below the 60 already filled"]),
    (replace(RESTING, status=OrderStatus.FILLED), dict(quantity=D(200)),
     ["the order is Filled: only a working order can be modified"]),
    (RESTING, dict(lmt_price=D("149.105")), ["limit 149.105 is not on the 0.01 grid: nearest 149.10 or 149.11"]),
]


@pytest.mark.parametrize("original, change, expected", MODIFY)
def test_modify(original, change, expected):
    request_ = replace(OrderRequest.from_fields(original.order, original.contract), **change)
    verdict = validate_modify(original, request_, AAPL, AAPL_QUOTE, QUIET, NOW)
    assert [p.message for p in verdict.problems] == expected


def test_modify_takes_the_blotters_own_row():
    store = Store()
    store.apply([connected(), open_order(7, 1001, order=fields("SELL", 100, "LMT", 150.0))])
    row = store.order_by_id(1, 7)
    request_ = replace(OrderRequest.from_fields(row.order, row.contract), side="BUY", lmt_price=D("150.005"))
    verdict = validate_modify(row, request_, AAPL, AAPL_QUOTE, QUIET, NOW)
    assert [p.message for p in verdict.problems] == [
        "side cannot change from SELL to BUY: cancel it and place a new order",
        "limit 150.005 is not on the 0.01 grid: nearest 150.00 or 150.01"]


# -- the ticket path, the wire form, the contract's rules --------------------------------------------

def test_submit_sends_only_a_valid_order_whose_warnings_were_confirmed():
    sent: list[OrderFields] = []

    def place(f: OrderFields) -> int:
        sent.append(f)
        return len(sent)

    bad = order(lmt_price="144.805")
    assert submit(bad, AAPL, place, quote=AAPL_QUOTE, now=NOW, confirmed=True)[1] is None
    blocked = order(lmt_price="1490")
    assert submit(blocked, AAPL, place, quote=AAPL_QUOTE, now=NOW, confirmed=True)[1] is None
    warned = order(10, lmt_price="140")
    verdict, sent_id = submit(warned, AAPL, place, quote=AAPL_QUOTE, now=NOW)
    assert verdict.warnings and sent_id is None and sent == []
    assert submit(warned, AAPL, place, quote=AAPL_QUOTE, now=NOW, confirmed=True)[1] == 1
    assert submit(order(10, lmt_price="149.50"), AAPL, place, quote=AAPL_QUOTE, now=NOW)[1] == 2
    assert [f.lmt_price for f in sent] == [140.0, 149.5]


def test_to_fields_is_the_wire_form():
    f = order(D("0.5"), "stp lmt", side="sell", aux_price="150", lmt_price="149.90", tif="gtd",
              gtd=datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc), outside_rth=True, account="DU1").to_fields()
    assert f == OrderFields(action="SELL", total_quantity=D("0.5"), order_type="STP LMT", lmt_price=149.9,
                            aux_price=150.0, tif="GTD", account="DU1", outside_rth=True,
                            good_till_date="20261120-21:00:00")
    assert order(lmt_price="149", tif="GTD", gtd=datetime(2026, 11, 20, 16)).to_fields().good_till_date \
        == "20261120 16:00:00"
    trail = order(order_type="TRAIL", side="SELL", trailing_percent="2").to_fields()
    assert (trail.trailing_percent, trail.aux_price, trail.lmt_price) == (2.0, None, None)


def test_from_fields_round_trips_and_reads_tws_zero_as_no_price():
    request_ = order(lmt_price="149.10", tif="GTC", outside_rth=True, sec_type="STK")
    assert OrderRequest.from_fields(request_.to_fields(), AAPL_REF) == replace(request_, lmt_price=D("149.1"))
    echoed = replace(request_.to_fields(), aux_price=0.0, trailing_percent=0.0)  # as TWS echoes a LMT order
    assert OrderRequest.from_fields(echoed, AAPL_REF).aux_price is None
    assert validate_modify(RESTING, OrderRequest.from_fields(echoed, AAPL_REF), AAPL, AAPL_QUOTE, QUIET, NOW).ok


def first(local_symbol: str) -> ContractInfo:
    return info_of(next(i for i in INSTRUMENTS if i.local_symbol == local_symbol))


def test_rules_use_the_market_rule_of_the_orders_exchange():
    call = first("AAPL  261218C00260000")
    assert rule_id_for(call) == 32 and rule_id_for(call, "AMEX") == 109 and rule_id_for(call, "NOWHERE") == 32
    assert AAPL_CALL.bands == ((D("0.0"), D("0.01")), (D("3.0"), D("0.05")))
    assert ES.multiplier == 50 and ES.name == "ESZ6" and EURUSD.name == "EUR.USD" and QPNY.whole_units
    assert rules_for("AAPL", "NASDAQ").bands == AAPL.bands
    without_rule = ContractRules.from_details(replace(first("AAPL"), market_rule_ids=""))
    assert without_rule.grid == Grid(((D(0), D("0.01")),))


def test_unknown_grid_and_unknown_order_types_are_said_not_assumed():
    blank = ContractRules(symbol="XYZ")
    verdict = validate(order(symbol="XYZ", lmt_price="1.2345", tif="GTC"), blank, Touch.of(1.2, 1.25), QUIET, NOW)
    assert verdict.ok and [w.message for w in verdict.warnings] == [
        "no price increment known for XYZ: prices not checked against a grid"]


def test_gtd_times_read_as_tws_reads_them():
    assert tws_time("20261120 10:00:00") == datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
    assert tws_time("20261120-15:00:00") == tws_time("20261120 15:00:00 UTC") == NOW
    assert tws_time("20261120 16:00") is None and tws_time("") is None and tws_time(None) is None


# -- grids and properties ------------------------------------------------------------------------------

def test_grid_across_bands():
    grid = QPNY.grid
    assert (grid.below(D("0.99995")), grid.above(D("0.99995"))) == (D("0.9999"), D("1.00"))
    assert grid.ticks_between(D("0.9990"), D("1.02")) == 10 + 2
    odd = Grid.of([(0, 0.01), (0.995, 0.25)])  # an edge off the upper band's grid
    assert (odd.below(D("1.1")), odd.above(D("0.9951"))) == (D("1.00"), D("1.00"))
    assert (odd.below(D("0.9999")), odd.above(D("0.98501"))) == (D("0.99"), D("0.99"))


STEPS = st.sampled_from([D("0.0001"), D("0.0005"), D("0.001"), D("0.01"), D("0.05"), D("0.25"), D(1), D(5)])


@st.composite
def grids(draw) -> Grid:
    edges = sorted(draw(st.sets(st.sampled_from([D("0.5"), D(1), D("2.5"), D(3), D(10), D(100)]), max_size=3)))
    return Grid.of([(D(0), draw(STEPS))] + [(edge, draw(STEPS)) for edge in edges])


PRICES = st.one_of(
    st.decimals(min_value=D("0.0001"), max_value=D(1000), places=5),
    st.builds(lambda k, unit: k * unit, st.integers(1, 200_000), st.sampled_from([D("0.0001"), D("0.01"), D("0.05")])),
)


def increment_at(grid: Grid, price: Decimal) -> Decimal:
    """The band's increment, found independently of Grid.step_at."""
    return [step for low, step in grid.bands if price >= low][-1]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grids(), price=PRICES)
def test_an_accepted_price_is_a_whole_number_of_its_bands_increment(grid, price):
    rules = ContractRules(symbol="X", bands=grid.bands, min_size=D(1), size_increment=D(1))
    verdict = validate(order(symbol="X", lmt_price=price), rules, None, QUIET, NOW)
    accepted = not [p for p in verdict.problems if p.field == "lmt_price"]
    assert accepted == (price % increment_at(grid, price) == 0)
    below, above = grid.below(price), grid.above(price)
    for near in (below, above):
        if near is not None:
            assert near % increment_at(grid, near) == 0
    assert (below is None or below <= price) and price <= above
    assert (below == price == above) if accepted else (below is None or below < price < above)


ANY = st.one_of(st.none(), st.text(max_size=12), st.booleans(), st.integers(), st.floats(),
                st.decimals(allow_nan=True, allow_infinity=True), st.datetimes(),
                st.datetimes(timezones=st.timezones()), st.sampled_from(["LMT", "TRAIL", "GTD", "BUY"]))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.fixed_dictionaries({name: ANY for name in (
    "side", "quantity", "symbol", "order_type", "lmt_price", "aux_price", "trailing_percent", "trail_stop_price",
    "tif", "gtd", "outside_rth", "account", "sec_type")}), name=st.sampled_from(sorted(BY_NAME)),
    quote=st.one_of(st.none(), st.builds(Touch.of, ANY, ANY, ANY)), now=st.one_of(st.none(), st.datetimes()))
def test_the_validator_never_raises(values, name, quote, now):
    request_ = OrderRequest(**values)
    for limits in (Precautions(), Precautions(max_ticks_away=3, block_value=D(1), block_size=D(1))):
        validate(request_, BY_NAME[name], quote, limits, now)
        validate_modify(RESTING, request_, BY_NAME[name], quote, limits, now)
    request_.to_fields()
