"""TWS's date-times, read by hand: the same moments strptime reads, and nothing it would refuse."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from blotter.domain.text import local_clock
from blotter.domain.times import tws_time

NEW_YORK = ZoneInfo("America/New_York")


def test_both_forms_a_named_zone_and_the_zone_given_for_none():
    assert tws_time("20261121 19:38:13 US/Eastern", timezone.utc) == datetime(2026, 11, 21, 19, 38, 13, tzinfo=NEW_YORK)
    assert tws_time("20261121 19:38:13", NEW_YORK) == datetime(2026, 11, 22, 0, 38, 13, tzinfo=timezone.utc)
    assert tws_time("20261121-19:38:13", NEW_YORK) == datetime(2026, 11, 21, 19, 38, 13, tzinfo=timezone.utc)
    assert tws_time("20261121  19:38:13   GMT", NEW_YORK) == datetime(2026, 11, 21, 19, 38, 13, tzinfo=timezone.utc)


def test_what_is_not_a_tws_time_is_none():
    for text in ("", None, "20261121", "20261121 19:38", "2026112 19:38:13", "20261321 10:00:00",
                 "20260230 10:00:00", "20261121 24:00:00", "20261121 10:00:00 Mars/Olympus",
                 "20261121-10:00:00 UTC", "２０２６1121 10:00:00", "20261121 10:00:00 a b"):
        assert tws_time(text, timezone.utc) is None, text


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31)))
def test_every_second_reads_as_strptime_reads_it(moment):
    moment = moment.replace(microsecond=0)
    local = moment.strftime("%Y%m%d %H:%M:%S")
    assert tws_time(local, NEW_YORK) == datetime.strptime(local, "%Y%m%d %H:%M:%S").replace(tzinfo=NEW_YORK)
    utc = moment.strftime("%Y%m%d-%H:%M:%S")
    assert tws_time(utc, NEW_YORK) == moment.replace(tzinfo=timezone.utc)


def test_a_fill_time_shows_as_the_local_clock_and_an_unreadable_one_as_sent():
    when = datetime(2026, 11, 21, 19, 38, 13, tzinfo=NEW_YORK)
    assert local_clock("20261121 19:38:13 US/Eastern") == when.astimezone().strftime("%H:%M:%S")
    in_utc = datetime(2026, 11, 21, 19, 38, 13, tzinfo=timezone.utc)  # no zone: TWS sent UTC
    assert local_clock("20261121 19:38:13") == in_utc.astimezone().strftime("%H:%M:%S")
    assert local_clock("yesterday") == "yesterday"
