"""TWS's ExecutionFilter as reqExecutions applies it to the fills the simulator keeps."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from blotter.sim import requests as rq
from blotter.sim.market import EASTERN
from blotter.sim.model import Fill

_SIDES = {"BUY": "BOT", "SELL": "SLD", "BOT": "BOT", "SLD": "SLD"}


def matches(r: rq.ReqExecutions, fill: Fill, now: datetime) -> bool:
    """Every set field must match; blank / zero fields match anything."""
    inst = fill.instrument
    checks = [
        not r.client_id or r.client_id == fill.client_id,
        not r.acct_code or r.acct_code == fill.account,
        not r.symbol or r.symbol.upper() == inst.symbol.upper(),
        not r.sec_type or r.sec_type.upper() == inst.sec_type,
        not r.exchange or r.exchange.upper() == fill.exchange.upper(),
        not r.side or _SIDES.get(r.side.upper()) == fill.side,
        not r.specific_dates or int(fill.time.strftime("%Y%m%d")) in r.specific_dates,
        r.last_n_days is None or (now.date() - fill.time.date()).days <= r.last_n_days,
    ]
    if r.time:
        since = _filter_time(r.time)
        checks.append(since is None or fill.time >= since)
    return all(checks)


def _filter_time(text: str) -> datetime | None:
    """A filter time `yyyymmdd hh:mm:ss [zone]` (or `yyyymmdd-hh:mm:ss` UTC) as naive UTC."""
    text = text.strip()
    try:
        if "-" in text[:9]:
            return datetime.strptime(text[:17], "%Y%m%d-%H:%M:%S")
        stamp = datetime.strptime(text[:17], "%Y%m%d %H:%M:%S")
    except ValueError:
        return None
    zone = text[17:].strip()
    try:
        tz = ZoneInfo(zone) if zone else EASTERN
    except (KeyError, ValueError):
        tz = EASTERN
    return stamp.replace(tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)
