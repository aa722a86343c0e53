"""Fills by base execId: corrections replace their fill, commissions wait for the fill they belong to.

A fill is kept as the row it shows (FillRow), which holds all the day's sums need; the execution and
report events are not kept (a day holds tens of thousands). A fill's one report, for its own version,
is what its row shows. Other reports are kept as the values they gave, under their fill's base execId,
one per version reported: a report that came before its execution or for a correction not yet seen, a
corrected fill's earlier reports, and a report with an unset value (its row shows None for it); so a
report sent again is told from a new one.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter

from blotter.domain.events import Commission, Execution
from blotter.domain.keys import OrderKey
from blotter.domain.rows import FillRow
from blotter.domain.tally import unset

Report = tuple[str, float, str, "float | None"]  # exec id, commission, currency, realized P&L, as reported
TEXTS_KEPT = 4096
_BUT_FEES = attrgetter(*(f.name for f in fields(FillRow)[:-3]))  # a row's fields before its commission's


def base_of(exec_id: str) -> str:
    """The execId without its correction suffix (what Execution.base_id gives)."""
    return exec_id.rsplit(".", 1)[0]


def version(exec_id: str) -> tuple[int, str]:
    """Orders the versions of one fill: ".02" corrects ".01" (compared as same-width text, or by width)."""
    suffix = exec_id.rpartition(".")[2] if "." in exec_id else ""
    return len(suffix), suffix


def _fees(report: Report | None) -> tuple[float | None, str, float | None]:
    """What a row shows of a report: commission, currency, realized P&L (None where unset)."""
    if report is None:
        return None, "", None
    _, commission, currency, pnl = report
    return None if unset(commission) else commission, currency, None if unset(pnl) else pnl




class FillBook:
    """Every fill of the day in arrival order, and every commission report, matched by execId.

    Each change returns (base execId, before, after) so the caller can take the old fill out of its sums
    and put the new one in; None when nothing changed (a replay, an older version, a report still waiting).
    """

    def __init__(self) -> None:
        self.fills: dict[str, FillRow] = {}  # base execId -> fill, insertion (arrival) order
        # base execId -> the report of its one version reported, or a list of them when several were; none
        # for a fill whose row holds the one report it has, for its own version, as it came (nearly every fill)
        self._reports: dict[str, Report | list[Report]] = {}
        self._texts: dict[str, str] = {}  # the sides, exchanges, accounts, currencies and seconds fills repeat

    def execution(self, ex: Execution, order_key: OrderKey | None) -> tuple[str, FillRow | None, FillRow] | None:
        base = base_of(ex.exec_id)
        before = self.fills.get(base)
        if before is not None:
            if version(ex.exec_id) <= version(before.exec_id):
                return None  # the same fill again, or an older version of it
            base = before.base_id  # the string already held
            held = self._held(base, before)
            if held is not None:
                self._reports[base] = held  # its row's report now is an earlier version's
        report = self._pick(base, ex.exec_id) if self._reports else None
        kept, one = self._texts.get, self._one  # the text kept, else (a rare miss) kept now
        after = self.fills[base] = FillRow(
            ex.exec_id, base, order_key, ex.order_id, ex.perm_id, ex.client_id, ex.contract,
            kept(ex.time) or one(ex.time), kept(ex.side) or one(ex.side), ex.shares, ex.price,
            kept(ex.exchange) or one(ex.exchange), kept(ex.account) or one(ex.account), ex.last_liquidity,
            *_fees(report))
        if report is not None and self._reports[base] is report and report[0] == ex.exec_id and _whole(report):
            del self._reports[base]  # a report that came first, the fill's only one: its row says it all now
        return base, before, after

    def _one(self, text: str) -> str:
        """The equal text kept before, or this one, kept (the last TEXTS_KEPT distinct ones)."""
        texts = self._texts
        kept = texts.get(text)
        if kept is None:
            if len(texts) >= TEXTS_KEPT:
                texts.clear()
            kept = texts[text] = text
        return kept

    def commission(self, c: Commission) -> tuple[str, FillRow, FillRow] | None:
        base = base_of(c.exec_id)
        before = self.fills.get(base)
        exec_id = c.exec_id
        if before is not None:
            base = before.base_id
            if before.exec_id == exec_id:
                exec_id = before.exec_id
        report = (exec_id, c.commission, self._texts.get(c.currency) or self._one(c.currency), c.realized_pnl)
        held = self._held(base, before)
        known = _version_of(held, exec_id) if held is not None else None
        if known is not None and known[1:] == report[1:]:
            return None
        if before is not None and exec_id is before.exec_id and (held is None or held is known) and _whole(report):
            self._reports.pop(base, None)  # the only report, for the fill's own version: its row says it all
            fees: tuple[float | None, str, float | None] = report[1:]  # nothing in it unset
        else:
            self._reports[base] = _with(held, known, report)
            if before is None:
                return None  # held until its execution arrives
            if self._pick(base, before.exec_id) is not report:  # the fill's version takes another report
                return None
            fees = _fees(report)
        after = self.fills[base] = FillRow(*_BUT_FEES(before), *fees)  # type: ignore[call-arg]  # all fields
        return base, before, after

    def _held(self, base: str, row: FillRow | None) -> Report | list[Report] | None:
        """The reports of this fill: those kept, else the one its row holds (a row has fees only from a
        report kept, or from the one it holds when none is kept)."""
        held = self._reports.get(base)
        if held is None and row is not None and row.commission is not None:
            return row.exec_id, row.commission, row.commission_currency, row.realized_pnl
        return held

    def _pick(self, base: str, exec_id: str) -> Report | None:
        """The report kept for this version of the fill, else for the latest earlier version (not yet
        re-reported)."""
        held = self._reports.get(base)
        if held is None:
            return None
        if isinstance(held, tuple):
            return held if held[0] == exec_id or version(held[0]) < version(exec_id) else None
        exact = _version_of(held, exec_id)
        if exact is not None:
            return exact
        mine = version(exec_id)
        earlier = [r for r in held if version(r[0]) < mine]
        return max(earlier, key=lambda r: version(r[0])) if earlier else None


def _whole(report: Report) -> bool:
    """A row shows every value of this report as it came (none unset): the row can stand for it."""
    return not unset(report[1]) and (report[3] is None or not unset(report[3]))


def _version_of(held: Report | list[Report] | None, exec_id: str) -> Report | None:
    """The report held for exactly this execId."""
    if held is None:
        return None
    if isinstance(held, tuple):
        return held if held[0] == exec_id else None
    return next((r for r in held if r[0] == exec_id), None)


def _with(held: Report | list[Report] | None, known: Report | None, report: Report) -> Report | list[Report]:
    """The reports held, with `report` in place of `known` (its version's earlier report) or added."""
    if held is None or held is known:
        return report
    reports = [r for r in (held if isinstance(held, list) else [held]) if r is not known]
    return reports + [report]
