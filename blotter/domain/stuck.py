"""Orders left waiting for TWS: PendingSubmit, PendingCancel, ApiPending (or PreSubmitted, if asked) with
no change for longer than a limit are flagged once per wait, in their row and in the messages pane."""

from __future__ import annotations

from typing import Iterable

from blotter.domain.keys import OrderKey
from blotter.domain.rows import OrderRow
from blotter.domain.status import OrderStatus

PENDING = (OrderStatus.PENDING_SUBMIT, OrderStatus.PENDING_CANCEL, OrderStatus.API_PENDING)
PENDING_LIMIT = 10.0  # seconds; PreSubmitted is not watched by default (a stop, an order held until the open)


def limits(table: dict[str, float]) -> dict[OrderStatus, float]:
    """The config's [stuck] table (`pending = 10`, `presubmitted = 0`: off) as status -> seconds."""
    pending = float(table.get("pending", PENDING_LIMIT))
    out = dict.fromkeys(PENDING, pending) if pending > 0 else {}
    presubmitted = float(table.get("presubmitted", 0))
    if presubmitted > 0:
        out[OrderStatus.PRE_SUBMITTED] = presubmitted
    return out


class Stuck:
    """Which orders were flagged, and when: a row that changed since (TWS answered) is no longer stuck."""

    def __init__(self, limits: dict[OrderStatus, float]) -> None:
        self.limits = limits
        self._flagged: dict[OrderKey, float] = {}  # key -> when it was flagged

    def newly(self, rows: Iterable[OrderRow], now: float) -> list[OrderRow]:
        """The rows that have just waited past their status' limit (each once per wait)."""
        found = []
        flagged = self._flagged
        for row in rows:
            limit = self.limits.get(row.status)
            if limit is None:
                continue
            at = flagged.get(row.key)
            if at is not None and row.updated <= at:
                continue  # flagged already, and nothing changed since
            if now - row.updated >= limit:
                flagged[row.key] = now
                found.append(row)
        return found

    def waited(self, row: OrderRow) -> float | None:
        """How long the row had waited when it was flagged; None if it is not stuck (now)."""
        at = self._flagged.get(row.key)
        if at is None or row.updated > at or row.status not in self.limits:
            return None
        return at - row.updated
