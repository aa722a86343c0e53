"""Fills by base execId: corrections replace their fill, commissions wait for the fill they belong to."""

from __future__ import annotations

from typing import NamedTuple

from blotter.domain.events import Commission, Execution
from blotter.domain.keys import OrderKey


def base_of(exec_id: str) -> str:
    """The execId without its correction suffix (what Execution.base_id gives)."""
    return exec_id.rsplit(".", 1)[0]


def version(exec_id: str) -> tuple[int, str]:
    """Orders the versions of one fill: ".02" corrects ".01" (compared as same-width text, or by width)."""
    suffix = exec_id.rpartition(".")[2] if "." in exec_id else ""
    return len(suffix), suffix


class Fill(NamedTuple):
    """A fill as it stands: its latest execution, the commission attached to it, the order it belongs to."""

    execution: Execution
    commission: Commission | None
    order_key: OrderKey | None


def _same_report(a: Commission | None, b: Commission) -> bool:
    return a is not None and (a.commission, a.currency, a.realized_pnl) == (b.commission, b.currency, b.realized_pnl)


class FillBook:
    """Every fill of the day in arrival order, and every commission report, matched by execId.

    Each change returns (base execId, before, after) so the caller can take the old fill out of its sums
    and put the new one in; None when nothing changed (a replay, an older version, a report still waiting).
    """

    def __init__(self) -> None:
        self.fills: dict[str, Fill] = {}  # base execId -> fill, insertion (arrival) order
        self._reports: dict[str, Commission] = {}  # execId -> report
        # base execId -> the execIds reported: a tuple of strings, which the garbage collector stops
        # walking (a dict a fill was one more object for every full collection to walk)
        self._versions: dict[str, tuple[str, ...]] = {}

    def execution(self, ex: Execution, order_key: OrderKey | None) -> tuple[str, Fill | None, Fill] | None:
        base = base_of(ex.exec_id)
        before = self.fills.get(base)
        if before is not None and version(ex.exec_id) <= version(before.execution.exec_id):
            return None  # the same fill again, or an older version of it
        after = self.fills[base] = Fill(ex, self._pick(base, ex.exec_id), order_key)
        return base, before, after

    def commission(self, report: Commission) -> tuple[str, Fill, Fill] | None:
        base = base_of(report.exec_id)
        known = self._reports.get(report.exec_id)
        if _same_report(known, report):
            return None
        if known is None:
            self._versions[base] = self._versions.get(base, ()) + (report.exec_id,)
        self._reports[report.exec_id] = report
        before = self.fills.get(base)
        if before is None:
            return None  # held until its execution arrives
        chosen = self._pick(base, before.execution.exec_id)
        if chosen is before.commission:
            return None
        after = self.fills[base] = Fill(before.execution, chosen, before.order_key)
        return base, before, after

    def _pick(self, base: str, exec_id: str) -> Commission | None:
        """The report for this version of the fill, else for the latest earlier version (not yet re-reported)."""
        exact = self._reports.get(exec_id)
        if exact is not None:
            return exact
        mine = version(exec_id)
        earlier = [v for v in self._versions.get(base, ()) if version(v) < mine]
        return self._reports[max(earlier, key=version)] if earlier else None
