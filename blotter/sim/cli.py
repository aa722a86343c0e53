"""`blotter-sim`: run the simulated TWS on loopback until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from blotter.sim import versions
from blotter.sim.config import FLOOD_AFTER, SimConfig
from blotter.sim.server import SimServer


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad flag in one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def _positive(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="blotter-sim", description="A simulated TWS speaking the real TWS socket protocol.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback only unless --allow-remote)")
    p.add_argument("--port", type=int, default=7497, help="port to listen on (0: any free port); default 7497")
    p.add_argument("--seed", type=int, default=1, help="seed of the price paths and ids")
    p.add_argument("--account", action="append", help="account id (repeat for several); default DU1234567")
    p.add_argument("--record", metavar="FILE", help="append one JSON line per request received and message sent")
    p.add_argument("--drop-every", type=_positive, default=0.0, metavar="SECONDS",
                   help="drop every client connection every SECONDS (orders and fills are kept)")
    p.add_argument("--refuse-for", type=_positive, default=0.0, metavar="SECONDS",
                   help="with --drop-every: then refuse connections this long, as a TWS restart does")
    p.add_argument("--restart-at", default="", metavar="HH:MM",
                   help="TWS's daily auto-restart at this local time: connections dropped, then refused "
                        "--restart-for seconds; DAY orders end, GTC orders and the day's executions stay")
    p.add_argument("--restart-every", type=_positive, default=0.0, metavar="SECONDS",
                   help="the same restart every SECONDS (to watch one without waiting for the night)")
    p.add_argument("--restart-for", type=_positive, default=30.0, metavar="SECONDS",
                   help="how long a restart refuses connections (default 30)")
    p.add_argument("--repeat-status", type=int, default=0, metavar="N", help="send every orderStatus N more times")
    p.add_argument("--reject-every", type=int, default=0, metavar="N", help="reject every Nth order or modify (201)")
    p.add_argument("--correct-every", type=int, default=0, metavar="N",
                   help="follow every Nth fill with an execution correction")
    p.add_argument("--scenario", choices=("demo", "quiet", "flood"), default="demo",
                   help="demo: a live market with a TWS user trading; quiet: nothing but what clients do; "
                        "flood: every client gets --fills fills right after START_API")
    p.add_argument("--fills", type=int, default=10_000, help="fills per client in the flood scenario")
    p.add_argument("--flood-after", choices=FLOOD_AFTER, default="start",
                   help="when a client's flood begins: right after START_API (start), or once its first "
                        "reqExecutions is answered, i.e. after a blotter's resync (executions)")
    p.add_argument("--master-client-id", type=int, default=None, help="the client id that sees every client's orders")
    p.add_argument("--rate-limit", type=int, default=50, help="incoming messages per second before error 100")
    p.add_argument("--delay", type=_positive, default=0.0, metavar="SECONDS", help="hold every message back")
    p.add_argument("--market-hours", action="store_true",
                   help="stocks trade only 9:30-16:00 US/Eastern unless outsideRth (default: always open)")
    p.add_argument("--max-version", type=int, default=versions.MAX_SUPPORTED, metavar="N",
                   help="the highest server version to answer with, "
                        f"{versions.MIN_SUPPORTED}..{versions.MAX_SUPPORTED} "
                        f"(default {versions.MAX_SUPPORTED}; {versions.TEXT_LAST} and below: the text protocol only)")
    p.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    p.add_argument("--until-stdin-closes", action="store_true",
                   help="also stop when standard input closes (for a program that runs the simulator as its child)")
    p.add_argument("-v", "--verbose", action="store_true", help="log every session event to stderr")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    config = SimConfig(
        host=args.host, port=args.port, seed=args.seed, accounts=tuple(args.account or ["DU1234567"]),
        record=args.record, drop_every=args.drop_every, refuse_for=args.refuse_for,
        restart_at=args.restart_at, restart_every=args.restart_every, restart_for=args.restart_for,
        repeat_status=args.repeat_status, reject_every=args.reject_every, correct_every=args.correct_every,
        scenario=args.scenario, flood_fills=args.fills, flood_after=args.flood_after,
        master_client_id=args.master_client_id, rate_limit=args.rate_limit, delay=args.delay,
        always_open=not args.market_hours, allow_remote=args.allow_remote, max_version=args.max_version,
    )
    try:
        server = SimServer(config)
    except ValueError as exc:
        print(f"blotter-sim: {exc}", file=sys.stderr)
        return 2

    def ready() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, server.shutdown)
        if args.until_stdin_closes:
            loop.add_reader(sys.stdin.fileno(), _on_input, loop, server)
        print(f"listening on {config.host}:{server.port}", flush=True)

    try:
        asyncio.run(server.serve(on_ready=ready))
    except OSError as exc:
        print(f"blotter-sim: cannot listen on {config.host}:{config.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        server.recorder.close()
    return 0


def _on_input(loop: asyncio.AbstractEventLoop, server: SimServer) -> None:
    """--until-stdin-closes: what the parent writes is ignored; end of file (the parent closed the pipe,
    or died) stops the simulator."""
    fd = sys.stdin.fileno()
    try:
        more = os.read(fd, 4096)
    except OSError:
        more = b""
    if not more:
        loop.remove_reader(fd)
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
