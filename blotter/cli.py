"""`blotter`: the terminal blotter for TWS / IB Gateway (or, with --demo, the built-in simulated TWS).

`blotter --date YYYY-MM-DD` opens a day from the journal with no TWS; `blotter export ...` writes a day
from the journal as CSV or JSON.
"""

from __future__ import annotations

import argparse
import logging
import os
import logging.handlers
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from blotter.config import ConfigError, Settings, load, merge, state_dir

if TYPE_CHECKING:
    from blotter.journal import Archive
    from blotter.sim.child import SimProcess
    from blotter.ui.heap import HeapFreezer


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad flag in one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="blotter", description="A keyboard-first order blotter for Interactive Brokers TWS / IB Gateway.")
    p.add_argument("--host", help="TWS / IB Gateway host (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="API port: TWS 7497 paper / 7496 live; Gateway 4002 / 4001 (default 7497)")
    p.add_argument("--client-id", type=int, help="API client id (default 0: also sees orders entered in TWS)")
    p.add_argument("--master-client-id", type=int, help="TWS's Master API client ID, if this client is it")
    p.add_argument("--account", help="the account new orders go to (default: TWS's first)")
    p.add_argument("--demo", action="store_true", help="run against the built-in simulated TWS (no account needed)")
    p.add_argument("--read-only", action="store_true", help="show everything, send nothing")
    p.add_argument("--theme", help="colour theme (see --list-themes)")
    p.add_argument("--list-themes", action="store_true", help="list the themes and exit")
    p.add_argument("--headless", action="store_true", help="no screen: print every change as a line")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="open that day from the journal, read-only (no TWS needed); `D` switches the day")
    p.add_argument("--config", type=Path, help="TOML settings file (default: $XDG_CONFIG_HOME/blotter/config.toml)")
    p.epilog = "Also: blotter export fills|commissions|orders|audit --date YYYY-MM-DD --format csv|json [-o FILE]"
    return p


def export_parser() -> argparse.ArgumentParser:
    from blotter.journal.export import FORMATS, WHAT
    p = _Parser(prog="blotter export", description="Write a day from the journal as CSV or JSON (no TWS needed).")
    p.add_argument("what", choices=WHAT, help="fills, commissions, orders, or audit (the requests sent and why)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--format", choices=FORMATS, default="csv", help="csv (default) or json")
    p.add_argument("-o", "--output", type=Path, help="write to FILE (default: standard output)")
    p.add_argument("--account", help="whose journal (default: the configured account, or the only journal)")
    p.add_argument("--config", type=Path, help="TOML settings file (default: $XDG_CONFIG_HOME/blotter/config.toml)")
    return p


def settings_from(args: argparse.Namespace) -> Settings:
    """The config file's settings with the command line's flags on top."""
    settings = load(args.config)
    flags: dict[str, Any] = {
        "host": args.host, "port": args.port, "client_id": args.client_id,
        "master_client_id": args.master_client_id, "account": args.account, "theme": args.theme,
    }
    flags = {k: v for k, v in flags.items() if v is not None}
    for switch in ("read_only", "demo", "headless"):
        if getattr(args, switch):
            flags[switch] = True
    return merge(settings, flags, "command line")


def setup_logging() -> Path | None:
    """Log to a rotating file under the XDG state directory, never to the terminal the UI owns."""
    directory = state_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            directory / "blotter.log", maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        logging.getLogger().addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(threadName)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("ibapi").setLevel(logging.WARNING)
    return directory / "blotter.log"


class UsageError(Exception):
    """A mistake the user made (a bad date, no journal): one line, exit 2."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export"]:
        return export_main(argv[1:])
    args = parser().parse_args(argv)
    if args.list_themes:
        from blotter.ui.theme import available
        print("\n".join(available()))
        return 0
    try:
        settings = settings_from(args)
    except ConfigError as exc:
        print(f"blotter: {exc}", file=sys.stderr)
        return 2
    if not settings.headless:
        from blotter.ui.theme import available
        if settings.theme not in available():
            print(f"blotter: no theme {settings.theme!r} (available: {', '.join(available())})", file=sys.stderr)
            return 2
    setup_logging()
    if args.date is not None:
        try:
            return _history(settings, args.date)
        except UsageError as exc:
            print(f"blotter: {exc}", file=sys.stderr)
            return 2
    from blotter.ui.heap import HeapFreezer
    heap = HeapFreezer()
    if not settings.headless:
        heap.hold()  # no garbage collection until the first frame is out (blotter.ui.heap)
    try:
        return _live(settings, heap)
    finally:
        heap.stop()


def _live(settings: Settings, heap: "HeapFreezer") -> int:
    """Connect to TWS (or the demo's simulator) and run the app, or the headless log, until quit."""
    from blotter.sim.child import SimProcess, SimStartError  # small: the standard library only
    sim = None
    try:
        if settings.demo:  # first: the simulated TWS starts on the other core while this one imports
            sim = SimProcess("--scenario", "demo", "--seed", "7", log=state_dir() / "demo-sim.log")
        return _connected(settings, heap, sim)
    except SimStartError as exc:  # it could not be started, or never said where it listens
        print(f"blotter: {exc}", file=sys.stderr)
        return 2
    finally:
        if sim is not None:
            sim.stop()


def _connected(settings: Settings, heap: "HeapFreezer", sim: "SimProcess | None") -> int:
    from blotter.ib import _ibapi
    from blotter.ib.connect import ConnectError
    from blotter.ib.session import Session, SessionConfig
    from blotter.journal import Archive, Journal, data_dir, day_of
    # Textual before the threads below start: they would share the interpreter with its import
    if not settings.headless:
        from blotter.ui.app import run_app

    if sim is not None:  # waits for its port, if it has not said it yet (SimStartError: see _live)
        settings = replace(settings, host="127.0.0.1", port=sim.port())
    _ibapi.install()  # the blotter's replacements of ibapi internals, before the session's first decode
    events: queue.SimpleQueue[Any] = queue.SimpleQueue()
    session = Session(SessionConfig(host=settings.host, port=settings.port, client_id=settings.client_id,
                                    master_client_id=settings.master_client_id, rate=settings.rate,
                                    connect_timeout=settings.connect_timeout), events.put)
    try:
        session.connect()
    except ConnectError as exc:
        print(f"blotter: {exc}", file=sys.stderr)
        session.stop()
        return 2
    # The demo's simulated account is new every run: its journal lives and dies with the run.
    directory = Path(tempfile.mkdtemp(prefix="blotter-demo-")) if sim is not None else data_dir()
    # TWS named its accounts (managedAccounts) before the next valid id that ended connect()
    account = settings.account or (session.accounts[0] if session.accounts else "")
    journal = Journal(directory, account or None)
    archive = Archive(directory, account) if account else None
    # today's journal goes into the Store before any of TWS's answers (queued meanwhile) is applied
    loaded = [r.event for r in archive.records(day_of(time.time()))] if archive is not None else []
    notes = list(archive.warnings) if archive is not None else []
    try:
        if settings.headless:
            return _run_headless(events, journal, loaded, notes, settings)
        return run_app(settings, session, events, heap=heap, journal=journal, loaded=loaded, warnings=notes,
                       archive=lambda: Archive(directory, journal.account) if journal.account else None,
                       export_dirs=[Path.cwd(), directory / "exports"])
    finally:
        session.stop()
        journal.close()
        if sim is not None:
            shutil.rmtree(directory, ignore_errors=True)


def _journal_archive(settings: Settings, account: str | None) -> "Archive":
    """The journal to read: --account, else the configured account, else the only one there is."""
    from blotter.journal import Archive, data_dir
    from blotter.journal.db import accounts_in
    directory = data_dir()
    account = account or settings.account
    if not account:
        found = accounts_in(directory)
        if not found:
            raise UsageError(f"no journal in {directory}")
        if len(found) > 1:
            raise UsageError(f"journals of several accounts in {directory} ({', '.join(found)}): "
                             "choose one with --account")
        account = found[0]
    archive = Archive(directory, account)
    if not archive.exists():
        raise UsageError(f"no journal for account {account} in {directory}")
    return archive


def _day(text: str | None) -> str:
    from blotter.journal import day_of, parse_day
    if text is None:
        return day_of(time.time())
    try:
        return parse_day(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _history(settings: Settings, date_text: str) -> int:
    """--date: a day from the journal, read-only, with no TWS."""
    from blotter.journal.offline import Offline
    day = _day(date_text)
    archive = _journal_archive(settings, None)
    settings = replace(settings, read_only=True)
    if settings.headless:
        from blotter.domain.store import Store
        from blotter.headless import describe
        store = Store()
        changes = store.load([r.event for r in archive.records(day)], settings.client_id)
        for warning in archive.warnings:
            print(f"JOURNAL warning: {warning}", file=sys.stderr)
        lines = describe(store, changes)
        print("\n".join(lines + [_summary(store, f"day {day} from {archive.account}'s journal")]))
        return 0
    from blotter.ui.app import run_app
    return run_app(settings, Offline((archive.account,)), queue.SimpleQueue(), archive=lambda: archive, day=day,
                   export_dirs=[Path.cwd(), archive.directory / "exports"])


def export_main(argv: list[str]) -> int:
    """`blotter export WHAT`: a day from the journal, no TWS. Bad date / no journal: one line, exit 2."""
    args = export_parser().parse_args(argv)
    from blotter.journal.export import render, rows_for
    try:
        settings = load(args.config)
        day = _day(args.date)
        archive = _journal_archive(settings, args.account)
    except (ConfigError, UsageError) as exc:
        print(f"blotter export: {exc}", file=sys.stderr)
        return 2
    rows = rows_for(args.what, archive, day)
    for warning in archive.warnings:
        print(f"blotter export: warning: {warning}", file=sys.stderr)
    if not rows:
        print(f"blotter export: no {args.what} on {day} in {archive.account}'s journal", file=sys.stderr)
    text = render(args.what, rows, args.format)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"blotter export: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def _run_headless(events: "queue.SimpleQueue[Any]", journal: Any, loaded: list[Any], notes: list[str],
                  settings: Settings) -> int:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        headless(events, journal, loaded, notes, settings.client_id, sys.stdout, stop, settings)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        sys.stdout = open(os.devnull, "w")
    return 0


def headless(events: "queue.SimpleQueue[Any]", journal: Any, loaded: list[Any], notes: list[str], client_id: int,
             out: TextIO, stop: threading.Event, settings: Settings | None = None) -> None:
    """The headless loop with the journal: today's journal first (unconfirmed until TWS resyncs), then every
    batch applied, printed and handed to the journal; JOURNAL lines for its news; an END line on the way out."""
    from blotter.domain.events import ConnState
    from blotter.domain.feed import drain
    from blotter.domain.messages import code_effects
    from blotter.domain.store import Store
    from blotter.domain.stuck import limits
    from blotter.headless import describe

    settings = settings or Settings()
    store = Store(code_effects(settings.errors), limits(settings.stuck))
    next_check = 0.0

    def say(lines: list[str]) -> None:
        for problem in journal.problems():
            lines.append(f"JOURNAL {problem.severity}: {problem.text}")
        if lines:
            out.write("\n".join(lines) + "\n")
            out.flush()

    lines = [f"JOURNAL warning: {note}" for note in notes]
    if loaded:
        lines += describe(store, store.load(loaded, client_id))
        lines.append(f"JOURNAL loaded {len(loaded)} records of today: unconfirmed until TWS resyncs")
    say(lines)
    while not stop.is_set():
        now = time.time()
        if now >= next_check and store.connection.state is ConnState.CONNECTED and store.connection.resynced:
            next_check = now + 1.0  # about once a second: the orders TWS leaves waiting
            say(describe(store, store.check_stuck(now)))
        try:
            first = events.get(timeout=0.2)
        except queue.Empty:
            say([])
            continue
        batch = [first, *drain(events)]
        changes = store.apply(batch)
        journal.record(batch)
        say(describe(store, changes))
    journal.close()
    say([_summary(store, f"journal {journal.written} written" + (f", {journal.unsaved} NOT SAVED"
                                                                 if journal.unsaved else ""))])


def _summary(store: Any, extra: str) -> str:
    return f"END fills {store.fill_count()} orders {len(store.orders())} messages {store.message_count()} · {extra}"


if __name__ == "__main__":
    sys.exit(main())
