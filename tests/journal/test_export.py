"""`blotter export` reads only the journal: the CSV / JSON of a day against the simulator's record of it;
and `blotter --date` opens a day with no TWS. A bad date or no journal: one line, exit 2."""

from __future__ import annotations

import csv
import io
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest

from blotter import cli
from blotter.domain.status import OrderStatus
from blotter.journal import Journal, day_of
from tests.domain.factories import message
from tests.ib.test_core import AAPL, fields, step_until, stock
from tests.journal.conftest import ACCOUNT

TODAY = day_of(time.time())


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path


@pytest.fixture
def traded(sim, blotters, home):
    """A morning at the simulator, journaled: two market orders filled in parts (one fill corrected),
    a limit order modified then cancelled. The simulator is returned for its record of the day."""
    b = blotters(sim).connect()
    b.until(lambda s: b.resyncs >= 1)
    buy = b.session.place(AAPL, fields("BUY", 1200))
    sell = b.session.place(stock("MSFT"), fields("SELL", 700))
    bid = sim.call(lambda: sim.market.quote(265598).bid)
    rest = b.session.place(AAPL, fields("BUY", 100, "LMT", round(bid - 3, 2)))
    b.until(lambda s: all(b.store.order_by_id(1, o) is not None and b.store.order_by_id(1, o).perm_id
                          for o in (buy, sell, rest)), what="acknowledged")
    b.session.modify(rest, AAPL, fields("BUY", 100, "LMT", round(bid - 4, 2)))
    step_until(sim, b, lambda s: all(b.store.order_by_id(1, o).status is OrderStatus.FILLED for o in (buy, sell)))
    first = sim.call(lambda: next(iter(sim.broker.fills.values())).exec_id)
    sim.correct(first)
    b.session.cancel(rest)
    ours = sim.call(lambda: dict(sim.broker.fills))
    b.until(lambda s: b.store.order_by_id(1, rest).status is OrderStatus.CANCELLED and s.fill_count() == len(ours)
            and all(f.commission is not None and f.exec_id == ours[f.base_id].exec_id for f in s.fills()),
            what="the cancel, every fill with its latest execId and commission")
    b.stop()
    return sim, (buy, sell, rest)


def export(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_fills_csv_is_the_simulators_fills(traded, capsys):
    sim, _ = traded
    code, out, err = export(capsys, "fills", "--date", TODAY, "--format", "csv")
    assert code == 0 and err == ""
    rows = csv_rows(out)
    ours = sim.call(lambda: list(sim.broker.fills.values()))
    assert len(rows) == len(ours) >= 3
    by_exec = {r["exec_id"]: r for r in rows}
    assert any(f.exec_id.endswith(".02") for f in ours), "a corrected fill is exported in its latest version"
    for f in ours:
        row = by_exec[f.exec_id]
        assert (row["order_id"], row["perm_id"], row["client_id"], row["account"]) == \
               (str(f.order_id), str(f.perm_id), str(f.client_id), f.account)
        assert (row["side"], Decimal(row["shares"]), row["symbol"], row["exchange"]) == \
               (f.side, f.shares, f.instrument.symbol, f.exchange)
        assert float(row["price"]) == f.price, "a price is written exactly (repr)"
        assert float(row["commission"]) == f.commission and row["commission_currency"] == f.commission_currency
        assert (float(row["realized_pnl"]) if row["realized_pnl"] else None) == f.realized_pnl


def test_commissions_and_orders_csv_match_the_simulator(traded, capsys):
    sim, (buy, sell, rest) = traded
    code, out, _ = export(capsys, "commissions", "--date", TODAY)
    assert code == 0
    ours = sim.call(lambda: {f.exec_id: f for f in sim.broker.fills.values()})
    assert {r["exec_id"]: float(r["commission"]) for r in csv_rows(out)} == \
           {e: f.commission for e, f in ours.items()}

    code, out, _ = export(capsys, "orders", "--date", TODAY, "--format", "csv")
    assert code == 0
    rows = {int(r["order_id"]): r for r in csv_rows(out)}
    held = sim.call(lambda: {o: sim.broker.by_key[(1, o)] for o in (buy, sell, rest)})
    for oid, order in held.items():
        row = rows[oid]
        assert int(row["perm_id"]) == order.perm_id
        assert row["status"] == order.state.status
        assert Decimal(row["filled"]) == order.filled and Decimal(row["quantity"]) == order.spec.total_quantity
    assert float(rows[rest]["limit"]) == held[rest].spec.lmt_price, "the modified price"
    assert float(rows[buy]["commission"]) == pytest.approx(
        sum(f.commission for f in ours.values() if f.order_id == buy))


def test_audit_lists_every_request_sent(traded, capsys):
    _, (buy, sell, rest) = traded
    code, out, _ = export(capsys, "audit", "--date", TODAY)
    assert code == 0
    assert [(r["request"], int(r["order_id"]), r["result"]) for r in csv_rows(out)] == [
        ("new", buy, "sent"), ("new", sell, "sent"), ("new", rest, "sent"), ("modify", rest, "sent"),
        ("cancel", rest, "sent")]


def test_json_holds_the_same_rows_as_numbers(traded, capsys, home):
    sim, _ = traded
    target = home / "fills.json"
    code, out, err = export(capsys, "fills", "--date", TODAY, "--format", "json", "-o", str(target),
                            "--account", ACCOUNT)
    assert (code, out, err) == (0, "", "")
    rows = json.loads(target.read_text())
    ours = sim.call(lambda: {f.exec_id: f for f in sim.broker.fills.values()})
    assert {r["exec_id"]: (r["shares"], r["price"], r["commission"]) for r in rows} == \
           {e: (int(f.shares), f.price, f.commission) for e, f in ours.items()}


def test_a_day_opened_with_date_needs_no_tws(traded, capsys):
    sim, (buy, _, _) = traded
    assert cli.main(["--date", TODAY, "--headless", "--port", "1"]) == 0  # port 1: nothing listens there
    out = capsys.readouterr().out.splitlines()
    ours = sim.call(lambda: dict(sim.broker.fills))
    assert out[-1].startswith(f"END fills {len(ours)} orders 3 ")
    assert sum(line.startswith("FILL ") for line in out) == len(ours)
    assert any(line.startswith(f"ORDER #{buy} BUY 1,200 AAPL MKT DAY Filled") for line in out)


@pytest.mark.parametrize("args, said", [
    (["export", "fills", "--date", "2026-13-01"], "bad date '2026-13-01'"),
    (["export", "fills", "--date", "20261120"], "use YYYY-MM-DD"),
    (["export", "fills", "--date", "2026-11-20"], "no journal in "),
    (["export", "fills", "--account", "U999"], "no journal for account U999"),
    (["export", "trades"], "invalid choice: 'trades'"),
    (["--date", "yesterday"], "bad date 'yesterday'"),
    (["--date", "2026-11-20"], "no journal in "),
])
def test_a_bad_date_or_no_journal_is_one_line_and_exit_2(home, capsys, args, said):
    try:
        code = cli.main(args)
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2
    assert out == "" and len(err.splitlines()) == 1 and said in err, err


def test_journals_of_several_accounts_need_account(home, capsys):
    for account in ("DU1", "DU2"):
        j = Journal(home / "data" / "blotter", account)
        j.record([message(-1, 2104, at=time.time())])
        j.close()
    code, _, err = export(capsys, "audit")
    assert code == 2 and "several accounts" in err and "DU1, DU2" in err and "--account" in err
    code, out, err = export(capsys, "audit", "--account", "DU2")
    assert code == 0 and out.startswith("time,request,result") and "no audit on" in err

