"""The composition root: the simulator child, the session, the journal, then the app or the headless
loop, each started here and stopped here. `blotter.cli` reads the command line and calls these."""

from __future__ import annotations

import logging
import logging.handlers
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blotter.config import Settings, state_dir

if TYPE_CHECKING:
    from blotter.journal import Archive
    from blotter.sim.child import SimProcess
    from blotter.ui.heap import HeapFreezer


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


def live(settings: Settings) -> int:
    """Connect to TWS (or the demo's simulator) and run the app, or the headless loop, until quit."""
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


def journal_archive(settings: Settings, account: str | None) -> "Archive":
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


def day(text: str | None) -> str:
    from blotter.journal import day_of, parse_day
    if text is None:
        return day_of(time.time())
    try:
        return parse_day(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def history(settings: Settings, date_text: str) -> int:
    """--date: a day from the journal, read-only, with no TWS."""
    from blotter.journal.offline import Offline
    shown = day(date_text)
    archive = journal_archive(settings, None)
    settings = replace(settings, read_only=True)
    if settings.headless:
        from blotter.domain.store import Store
        from blotter.headless import describe, summary
        store = Store()
        changes = store.load([r.event for r in archive.records(shown)], settings.client_id)
        for warning in archive.warnings:
            print(f"JOURNAL warning: {warning}", file=sys.stderr)
        lines = describe(store, changes)
        print("\n".join(lines + [summary(store, f"day {shown} from {archive.account}'s journal")]))
        return 0
    from blotter.ui.app import run_app
    return run_app(settings, Offline((archive.account,)), queue.SimpleQueue(), archive=lambda: archive, day=shown,
                   export_dirs=[Path.cwd(), archive.directory / "exports"])


def _run_headless(events: "queue.SimpleQueue[Any]", journal: Any, loaded: list[Any], notes: list[str],
                  settings: Settings) -> int:
    from blotter import headless
    from blotter.domain.feed import Feed
    from blotter.domain.messages import code_effects
    from blotter.domain.store import Store
    from blotter.domain.stuck import limits

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    store = Store(code_effects(settings.errors), limits(settings.stuck))
    try:
        headless.run(Feed(events, store, journal), journal, loaded, notes, settings.client_id, sys.stdout, stop)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        sys.stdout = open(os.devnull, "w")
    return 0


def export(settings: Settings, what: str, date_text: str | None, account: str | None, fmt: str,
           output: Path | None) -> int:
    """`blotter export`: a day from the journal as CSV or JSON. Bad date / no journal: one line, exit 2."""
    from blotter.journal.export import render, rows_for
    try:
        shown = day(date_text)
        archive = journal_archive(settings, account)
    except UsageError as exc:
        print(f"blotter export: {exc}", file=sys.stderr)
        return 2
    rows = rows_for(what, archive, shown)
    for warning in archive.warnings:
        print(f"blotter export: warning: {warning}", file=sys.stderr)
    if not rows:
        print(f"blotter export: no {what} on {shown} in {archive.account}'s journal", file=sys.stderr)
    text = render(what, rows, fmt)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"blotter export: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
