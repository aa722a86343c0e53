"""`blotter`: the terminal blotter for TWS / IB Gateway (or, with --demo, the built-in simulated TWS)."""

from __future__ import annotations

import argparse
import logging
import os
import logging.handlers
import queue
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from blotter.config import ConfigError, Settings, load, merge, state_dir


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


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.list_themes:
        from blotter.themes import available
        print("\n".join(available()))
        return 0
    try:
        settings = settings_from(args)
    except ConfigError as exc:
        print(f"blotter: {exc}", file=sys.stderr)
        return 2
    setup_logging()
    from blotter.ib.connect import ConnectError
    from blotter.ib.session import Session, SessionConfig

    sim = _start_demo_sim() if settings.demo else None
    if sim is not None:
        settings = replace(settings, host="127.0.0.1", port=sim.port)
    events: queue.SimpleQueue[Any] = queue.SimpleQueue()
    session = Session(SessionConfig(host=settings.host, port=settings.port, client_id=settings.client_id,
                                    master_client_id=settings.master_client_id, rate=settings.rate,
                                    connect_timeout=settings.connect_timeout), events.put)
    try:
        session.connect()
    except ConnectError as exc:
        print(f"blotter: {exc}", file=sys.stderr)
        session.stop()
        if sim is not None:
            sim.stop()
        return 2
    try:
        if settings.headless:
            return _run_headless(events)
        from blotter.ui.app import run_app
        return run_app(settings, session, events)
    finally:
        session.stop()
        if sim is not None:
            sim.stop()


def _start_demo_sim():  # type: ignore[no-untyped-def]
    from blotter.sim.server import SimConfig, SimServer
    return SimServer(SimConfig(port=0, scenario="demo", seed=7)).start()


def _run_headless(events: "queue.SimpleQueue[Any]") -> int:
    from blotter.domain.store import Store
    from blotter.headless import run

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        run(events, Store(), sys.stdout, stop)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        sys.stdout = open(os.devnull, "w")
    return 0


if __name__ == "__main__":
    sys.exit(main())
