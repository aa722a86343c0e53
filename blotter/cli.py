"""`blotter`: the terminal blotter for TWS / IB Gateway (or, with --demo, the built-in simulated TWS).

`blotter --date YYYY-MM-DD` opens a day from the journal with no TWS; `blotter export ...` writes a day
from the journal as CSV or JSON.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from blotter.config import ConfigError, Settings, load, merge
from blotter.runtime import UsageError, export, history, live, setup_logging


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
            return history(settings, args.date)
        except UsageError as exc:
            print(f"blotter: {exc}", file=sys.stderr)
            return 2
    return live(settings)


def export_main(argv: list[str]) -> int:
    """`blotter export WHAT`: a day from the journal, no TWS. Bad date / no journal: one line, exit 2."""
    args = export_parser().parse_args(argv)
    try:
        settings = load(args.config)
    except ConfigError as exc:
        print(f"blotter export: {exc}", file=sys.stderr)
        return 2
    return export(settings, args.what, args.date, args.account, args.format, args.output)


if __name__ == "__main__":
    sys.exit(main())
