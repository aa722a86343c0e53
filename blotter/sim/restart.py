"""When the simulated TWS does its daily auto-restart: at a local time of day, or every N seconds."""

from __future__ import annotations

from datetime import datetime, timedelta


def daily_time(text: str) -> tuple[int, int] | None:
    """"HH:MM" (24-hour) as (hour, minute); None if it is not one."""
    try:
        parsed = datetime.strptime(text.strip(), "%H:%M")
    except ValueError:
        return None
    return parsed.hour, parsed.minute


def until_next(at: str, every: float, now: datetime | None = None) -> float:
    """Seconds to the next restart: `every` seconds if set, else to the next `at` in local time."""
    if every > 0:
        return every
    when = daily_time(at)
    assert when is not None, "checked when the server was configured"
    now = now or datetime.now()
    target = now.replace(hour=when[0], minute=when[1], second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return (target - now).total_seconds()
