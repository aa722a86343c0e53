"""The quick line: what a trader types, as a request or as a message per bad token."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blotter.domain.quickline import parse
from blotter.domain.ticket import OrderRequest
from blotter.domain.validation import Precautions, Touch, validate
from tests.domain.catalogue import AAPL, BY_NAME

D = Decimal


def req(side: str, qty: str, symbol: str, order_type: str, **kw: object) -> OrderRequest:
    return OrderRequest(side=side, quantity=D(qty), symbol=symbol, order_type=order_type,  # type: ignore[arg-type]
                        **{k: D(v) if k.endswith(("price", "percent")) else v for k, v in kw.items()})  # type: ignore


GOOD = [
    ("BUY 100 AAPL LMT 144.80 GTC", req("BUY", "100", "AAPL", "LMT", lmt_price="144.80", tif="GTC")),
    ("SELL 2 ES STP 5000.25", req("SELL", "2", "ES", "STP", aux_price="5000.25")),
    ("BUY 10 AAPL MKT", req("BUY", "10", "AAPL", "MKT")),
    ("buy 100 aapl @ 144.8", req("BUY", "100", "AAPL", "LMT", lmt_price="144.8")),
    ("buy 100 aapl @144.8", req("BUY", "100", "AAPL", "LMT", lmt_price="144.8")),
    ("SELL 100 AAPL TRAIL 1.50", req("SELL", "100", "AAPL", "TRAIL", aux_price="1.50")),
    ("SELL 100 AAPL TRAIL 2%", req("SELL", "100", "AAPL", "TRAIL", trailing_percent="2")),
    ("SELL 100 AAPL TRAIL 2 %", req("SELL", "100", "AAPL", "TRAIL", trailing_percent="2")),
    ("SELL 100 AAPL TRAIL LIMIT 1.50 148.00",
     req("SELL", "100", "AAPL", "TRAIL LIMIT", aux_price="1.50", lmt_price="148.00")),
    ("SELL 100 AAPL traillmt 0.5% 148", req("SELL", "100", "AAPL", "TRAIL LIMIT", trailing_percent="0.5",
                                           lmt_price="148")),
    ("BUY 100 AAPL STP LMT 150 150.10", req("BUY", "100", "AAPL", "STP LMT", aux_price="150", lmt_price="150.10")),
    ("BUY 100 AAPL STPLMT 150 150.10", req("BUY", "100", "AAPL", "STP LMT", aux_price="150", lmt_price="150.10")),
    ("BUY 100 AAPL MIT 149", req("BUY", "100", "AAPL", "MIT", aux_price="149")),
    ("BUY 100 AAPL LIT 149 149.05", req("BUY", "100", "AAPL", "LIT", aux_price="149", lmt_price="149.05")),
    ("SELL 100 AAPL MOC", req("SELL", "100", "AAPL", "MOC")),
    ("SELL 100 AAPL LOC 150", req("SELL", "100", "AAPL", "LOC", lmt_price="150")),
    ("BUY 100 AAPL MKT OPG", req("BUY", "100", "AAPL", "MKT", tif="OPG")),
    ("BUY 100 AAPL LMT 144.80 GTD 20261120 16:00:00",
     req("BUY", "100", "AAPL", "LMT", lmt_price="144.80", tif="GTD", gtd="20261120 16:00:00")),
    ("BUY 100 AAPL LMT 144.80 GTD 20261120 9:30 us/eastern",
     req("BUY", "100", "AAPL", "LMT", lmt_price="144.80", tif="GTD", gtd="20261120 09:30:00 US/Eastern")),
    ("BUY 100 AAPL LMT 144.80 gtd 20261120-21:00:00",
     req("BUY", "100", "AAPL", "LMT", lmt_price="144.80", tif="GTD", gtd="20261120-21:00:00")),
    ("BUY 100 AAPL LMT 144.80 OUTSIDE RTH", req("BUY", "100", "AAPL", "LMT", lmt_price="144.80", outside_rth=True)),
    ("BUY 100 AAPL LMT 144.80 orth gtc", req("BUY", "100", "AAPL", "LMT", lmt_price="144.80", outside_rth=True,
                                            tif="GTC")),
    ("BUY 1 ES FUT LMT 6850.25 ACCT du1234567",
     req("BUY", "1", "ES", "LMT", lmt_price="6850.25", sec_type="FUT", account="DU1234567")),
    ("SELL 20,000 EUR.USD @ 1.08735", req("SELL", "20000", "EUR.USD", "LMT", lmt_price="1.08735")),
    ("BUY 0.5 AAPL MKT", req("BUY", "0.5", "AAPL", "MKT")),
    ("  BUY   100  AAPL  LMT  144.80  ", req("BUY", "100", "AAPL", "LMT", lmt_price="144.80")),
    ("BUY 100 LMT LMT 450", req("BUY", "100", "LMT", "LMT", lmt_price="450")),  # Lockheed Martin
]


@pytest.mark.parametrize("text, expected", GOOD)
def test_a_good_line_is_the_request_it_says(text, expected):
    result = parse(text)
    assert result.errors == () and result.request == expected and result.ok


BAD = [
    ("", [(0, "empty line: type e.g. BUY 100 AAPL LMT 144.80")]),
    ("BUY 100 AAPL LMT 14480x", [(17, "`14480x`: not a price")]),
    ("BUY 100 AAPL LMT 144,80", [(17, "`144,80`: not a price")]),
    ("BUY 100 AAPL LMT", [(16, "missing limit price after LMT")]),
    ("BUY 100 AAPL LMT GTC", [(17, "missing limit price after LMT")]),
    ("BUY 100 AAPL STP LMT 150", [(24, "missing limit price after STP LMT 150")]),
    ("SELL 2 ES STP", [(13, "missing stop price after STP")]),
    ("SELL 100 AAPL TRAIL 2x%", [(20, "`2x%`: not a trailing amount or percent")]),
    ("BUY 100 AAPL 144.80", [(13, "`144.80`: a price needs LMT or @ before it")]),
    ("BUY 100 AAPL", [(12, "missing order type after AAPL: e.g. LMT 144.80, @ 144.80 or MKT")]),
    ("BUY 100 AAPL GTC", [(13, "missing order type after AAPL: e.g. LMT 144.80, @ 144.80 or MKT")]),
    ("BUY 100 AAPL LIMIT 144.80",
     [(13, "`LIMIT`: not an order type (MKT, LMT, STP, STP LMT, TRAIL, TRAIL LIMIT, MOC, LOC, MIT, LIT or @ price)"),
      (19, "`144.80`: an extra price")]),
    ("HOLD 10x $$ MKT", [(0, "`HOLD`: not a side (BUY or SELL)"), (5, "`10x`: not a quantity"),
                         (9, "`$$`: not a symbol")]),
    ("BUY", [(3, "missing quantity after BUY")]),
    ("BUY 100", [(7, "missing symbol after 100")]),
    ("BUY 1,00 AAPL MKT", [(4, "`1,00`: not a quantity")]),
    ("BUY 100 AAPL MKT 144.80", [(17, "`144.80`: MKT carries no price")]),
    ("BUY 100 AAPL LMT 144.80 144.81", [(24, "`144.81`: one price too many for LMT")]),
    ("BUY 100 AAPL LMT 1 GTC DAY", [(23, "`DAY`: a second TIF (GTC was given before)")]),
    ("BUY 100 AAPL LMT 1 FAST",
     [(19, "`FAST`: not a TIF or option (DAY, GTC, IOC, FOK, OPG, DTC, GTD date time, OUTSIDE RTH, ACCT name)")]),
    ("BUY 100 AAPL LMT 1 OUTSIDE", [(19, "`OUTSIDE`: did you mean OUTSIDE RTH?")]),
    ("BUY 100 AAPL LMT 1 ACCT", [(23, "missing account after ACCT")]),
    ("BUY 100 AAPL LMT 1 GTD", [(22, "missing date after GTD: e.g. GTD 20261120 16:00:00")]),
    ("BUY 100 AAPL LMT 1 GTD 2026-11-20", [(23, "`2026-11-20`: not a date (YYYYMMDD)")]),
    ("BUY 100 AAPL LMT 1 GTD 20261340 16:00", [(23, "`20261340`: not a date (YYYYMMDD)")]),
    ("BUY 100 AAPL LMT 1 GTD 20261120", [(31, "missing time after GTD 20261120: e.g. 16:00:00")]),
    ("BUY 100 AAPL LMT 1 GTD 20261120 GTC", [(32, "missing time after GTD 20261120: e.g. 16:00:00"),
                                             (32, "`GTC`: a second TIF (GTD was given before)")]),
    ("BUY 100 AAPL LMT 1 GTD 20261120 25:00", [(32, "`25:00`: not a time (HH:MM:SS)")]),
    ("BUY 100 AAPL LMT 1 GTD 20261120 16:00 Mars/Base", [(38, "`Mars/Base`: not a time zone (e.g. US/Eastern, UTC)")]),
]


@pytest.mark.parametrize("text, expected", BAD)
def test_a_bad_line_says_what_is_wrong_and_where(text, expected):
    result = parse(text)
    assert result.request is None and not result.ok
    assert [(e.position, e.message) for e in result.errors] == expected
    for error in result.errors:
        if error.token:
            assert text[error.position:].upper().startswith(error.token.upper())


def test_a_parsed_line_is_then_validated_like_any_ticket():
    now = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
    request = parse("buy 100 aapl @ 1490").request
    verdict = validate(request, AAPL, Touch.of(149.50, 149.52), Precautions(), now)
    assert [b.message for b in verdict.blocks] == [
        "limit 1490.00 is 897% above the ask 149.52: more than 10% through the market is refused"]


WORDS = st.sampled_from([
    "BUY", "sell", "100", "0.5", "1,000", "AAPL", "ES", "FUT", "LMT", "STP", "TRAIL", "LIMIT", "MKT", "MOC", "LIT",
    "@", "144.80", "2%", "%", "GTC", "GTD", "20261120", "16:00", "US/Eastern", "OUTSIDE", "RTH", "ORTH", "ACCT",
    "x", "-1", ".", "", "\u0661\u0662", "\u00df", "9" * 40,
])


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=12).map(" ".join)))
def test_the_parser_never_raises_and_its_requests_validate(text):
    result = parse(text)
    assert result.ok == (not result.errors)
    for error in result.errors:
        assert 0 <= error.position <= len(text)
    if result.request is not None:
        name = result.request.symbol if result.request.symbol in BY_NAME else "AAPL"
        validate(result.request, BY_NAME[name], None, Precautions(), None)
