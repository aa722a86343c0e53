"""TWS's date-times as aware datetimes: a goodTillDate a trader typed, an execution's time.

Read by hand rather than with `datetime.strptime`, whose first call in a process loads `_strptime`
and its locale tables (a few milliseconds of the blotter's start, for the demo's first fills).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

# "YYYYMMDD HH:MM:SS [zone]" in a zone, or "YYYYMMDD-HH:MM:SS" in UTC (TWS's two forms)
_STAMP = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?: ([0-9]{2}):([0-9]{2}):([0-9]{2})(?: (\S+))?"
                    r"|-([0-9]{2}):([0-9]{2}):([0-9]{2}))", re.ASCII)


def zone(name: str) -> tzinfo | None:
    """A time zone by its IANA (or TWS) name, None if unknown."""
    if name.upper() in ("UTC", "GMT"):
        return timezone.utc
    from zoneinfo import ZoneInfo  # here: its import reads the interpreter's build settings, which the store need not
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError, TypeError):  # ZoneInfoNotFoundError is a KeyError
        return None


def tws_time(value: str | None, no_zone: tzinfo) -> datetime | None:
    """"YYYYMMDD HH:MM:SS [zone]" (without a zone: in `no_zone`) or "YYYYMMDD-HH:MM:SS" (UTC) as an
    aware datetime; runs of spaces count as one. None if it is neither, names an unknown zone or is
    no such date."""
    match = _STAMP.fullmatch(" ".join(value.split())) if value is not None else None
    if match is None:
        return None
    year, month, day, hour, minute, second, name, *utc = match.groups()
    where: tzinfo | None
    if hour is None:
        hour, minute, second, where = *utc, timezone.utc
    else:
        where = zone(name) if name else no_zone
    if where is None:
        return None
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=where)
    except ValueError:  # no such date or time (month 13, 25 o'clock)
        return None


_DAILY = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", re.ASCII)


def daily(text: str) -> tuple[int, int] | None:
    """A time of day as "HH:MM" (24-hour, e.g. TWS's auto-restart "23:45") as (hour, minute); None if not."""
    match = _DAILY.fullmatch(text.strip())
    return (int(match[1]), int(match[2])) if match else None


def seconds_to(at: tuple[int, int], now: float) -> float:
    """Seconds from `now` (epoch) to the next `at` o'clock, local time; 0 at that very second."""
    here = datetime.fromtimestamp(now).astimezone()
    target = here.replace(hour=at[0], minute=at[1], second=0, microsecond=0)
    if target < here.replace(microsecond=0):
        target = target + timedelta(days=1)
        target = target.replace(tzinfo=None).astimezone()  # across a change of the clocks, the same o'clock
    return max((target - here).total_seconds(), 0.0)


def seconds_since(at: tuple[int, int], now: float) -> float:
    """Seconds from the latest `at` o'clock (local time) to `now`."""
    ahead = seconds_to(at, now)
    return 0.0 if ahead == 0 else 86400 - ahead
