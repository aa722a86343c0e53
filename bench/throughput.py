"""Target 1: how fast the blotter absorbs a flood of fills, against a bare ibapi client, in one run.

Each run on a fresh `blotter-sim --scenario flood --fills N` subprocess: N fills of the client's own
orders, four messages each (execDetails, openOrder, orderStatus, commission report). By default the
flood begins once the client has asked for the day's executions (`--flood-after executions`): the
blotter's resync after connecting is answered from a quiet account, then the fills pour in, as on a
busy afternoon. The bare client sends the same reqExecutions, so both get exactly the flood.
`--at-connect` floods right after START_API instead: the blotter's resync then fetches the flood a
second time (reqCompletedOrders, reqExecutions) and has up to 50 % more messages to take in.

- bare: an ibapi EClient whose EWrapper counts the four callbacks and drops them, timed from the
  first flood callback to the 4*N-th; run with ibapi's own field decoding, and again with the
  blotter's (blotter.ib._ibapi.decode, installed: `bare_same_decode_*`) to separate the two gains;
- blotter: the real Session feeding a headless BlotterApp with every pane mounted (App.run_test),
  timed from the first flood event the bridge hands on to the first moment the Store holds all N
  fills, the queue is empty and the panes have been told.

All use the blotter's linear reader (blotter.ib._ibapi.reader; the bare client is given it by
install_reader_for_ibapi): ibapi's own is quadratic under a burst and does not finish 100,000 fills
(`--stock-reader` keeps it on both sides, for a small --fills only).

Prints one JSON object; `ratio` is the blotter's rate over the bare client's with ibapi's own decoding
(target: >= 0.8), `ratio_same_decode` over the bare client given the blotter's decoding too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from _common import (
    TIMEOUT, Tap, bare_decode, machine, rss_mb, session_and_app, simulator, thread_cpu, use_blotters_decode,
    use_linear_reader,
)

FLOOD_TYPES = ("Execution", "Commission", "StatusUpdate", "OpenOrder")
TARGET = 1.0  # the blotter takes a flood in at least as fast as a bare ibapi client at the same version


def blotter_rate(host: str, port: int, fills: int, profile: str | None) -> dict[str, Any]:
    """Flood messages per second the blotter takes in: decoded, applied to the Store, panes updated."""
    first: list[float] = []
    counted = [0]

    def seen(event: Any, at: float) -> None:
        if type(event).__name__ in FLOOD_TYPES:
            counted[0] += 1
            if not first:
                first.append(at)

    tap = Tap(seen)
    session, app = session_and_app(host, port, 1, tap)
    result: dict[str, Any] = {}

    async def drive() -> None:
        async with app.run_test(headless=True, size=(160, 50)) as pilot:
            deadline = time.perf_counter() + TIMEOUT
            while time.perf_counter() < deadline:
                await asyncio.sleep(0.005)
                if app.store.fill_count() >= fills and tap.events.empty():
                    end = time.perf_counter()
                    break
            else:
                raise RuntimeError(f"the blotter took in {app.store.fill_count()} of {fills} fills")
            await pilot.pause()
            table = app.pane("fills").table
            result.update(seconds=end - first[0], rows=len(table.keys), messages=counted[0], cpu=thread_cpu())

    profiler = None
    if profile:
        from pyinstrument import Profiler
        profiler = Profiler(interval=0.001, async_mode="disabled")
        profiler.start()
    try:
        asyncio.run(drive())
    finally:
        if profiler is not None:
            profiler.stop()
            with open(profile, "w") as out:
                out.write(profiler.output_text(unicode=True, color=False, show_all=False))
        session.stop()
    result["rss_mb"] = rss_mb()
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fills", type=int, default=100_000, help="fills in the flood (4 messages each); default 100000")
    p.add_argument("--at-connect", action="store_true", help="flood right after START_API, before the resync")
    p.add_argument("--stock-reader", action="store_true", help="keep ibapi's quadratic EReader (small --fills only)")
    p.add_argument("--profile", metavar="FILE", help="write a pyinstrument profile of the blotter run to FILE")
    p.add_argument("--only", choices=("bare", "blotter"), help="run one side only (in this process)")
    p.add_argument("--rounds", type=int, default=3,
                   help="rounds of bare then blotter, each side a fresh process; medians (default 3)")
    p.add_argument("--versions", default="226,200",
                   help="server versions the simulator is pinned at (--max-version), each measured in turn; "
                        "default 226,200 (what TWS speaks today, and the last text-only version)")
    args = p.parse_args(argv)
    versions = [int(v) for v in args.versions.split(",")]
    if args.only is None and not args.profile and (args.rounds > 1 or len(versions) > 1):
        passed = ["--fills", str(args.fills)] + ["--at-connect"] * args.at_connect \
            + ["--stock-reader"] * args.stock_reader
        return by_version(versions, args.rounds, passed)
    if len(versions) > 1:
        p.error("--only and --profile measure one server version: give --versions N")
    reader = use_linear_reader(not args.stock_reader)
    if args.stock_reader:
        from ibapi.reader import EReader

        from blotter.ib._ibapi.client import Client
        Client.reader_type = EReader  # the blotter's client too, in this process only
    want = 4 * args.fills
    after = "start" if args.at_connect else "executions"
    sim_args = ("--scenario", "flood", "--fills", str(args.fills), "--flood-after", after,
                "--max-version", str(versions[0]))
    out: dict[str, Any] = {"fills": args.fills, "flood_messages": want, "flood_after": after,
                           "server_version": versions[0]}
    if args.only != "blotter":
        for key in ("bare_msgs_per_s", "bare_same_decode_msgs_per_s"):
            if key == "bare_same_decode_msgs_per_s":
                use_blotters_decode()  # for the rest of this process
            with simulator(*sim_args) as (host, port, _):
                t0, t1 = bare_decode(host, port, want, ask_executions=not args.at_connect)
            out[key] = round((want - 1) / (t1 - t0))
    if args.only != "bare":
        with simulator(*sim_args) as (host, port, _):
            got = blotter_rate(host, port, args.fills, args.profile)
        out["blotter_msgs_per_s"] = round(want / got["seconds"])
        out["blotter_seconds"] = round(got["seconds"], 2)
        out["blotter_messages_taken"] = got["messages"]  # the flood plus what a resync brought again
        out["fills_rows"] = got["rows"]
        out["blotter_rss_mb"] = got["rss_mb"]
        out["blotter_cpu_s_by_thread"] = got["cpu"]  # from the process start: connect, resync and flood
    if "bare_msgs_per_s" in out and "blotter_msgs_per_s" in out:
        out["ratio"] = round(out["blotter_msgs_per_s"] / out["bare_msgs_per_s"], 2)
        out["ratio_same_decode"] = round(out["blotter_msgs_per_s"] / out["bare_same_decode_msgs_per_s"], 2)
        out["target_ratio"] = TARGET
        out["met"] = out["ratio"] >= TARGET
    out["ibapi_reader"] = reader
    out.update(machine())
    print(json.dumps(out))
    return 0


def by_version(versions: list[int], rounds: int, passed: list[str]) -> int:
    """`in_rounds` at each server version; met when every version meets the target."""
    each = {str(v): in_rounds(rounds, [*passed, "--versions", str(v)]) for v in versions}
    print(json.dumps({"by_version": each, "ratio": {v: r["ratio"] for v, r in each.items()},
                      "target_ratio": TARGET, "met": all(r["met"] for r in each.values())}))
    return 0


def in_rounds(rounds: int, passed: list[str]) -> dict[str, Any]:
    """Bare, then blotter, each in a fresh process, `rounds` times: the machine's speed drifts over
    minutes, so each round's ratio compares two runs a minute apart; the figures are medians."""
    import statistics
    import subprocess

    def run(side: str) -> dict[str, Any]:
        done = subprocess.run([sys.executable, __file__, "--only", side, *passed], capture_output=True, text=True,
                              timeout=TIMEOUT * 3)
        if done.returncode != 0:
            raise RuntimeError(f"{side}: exit {done.returncode}: {done.stderr[-500:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    each = []
    for _ in range(rounds):
        bare, blotter = run("bare"), run("blotter")
        each.append({**bare, **blotter, "ratio": round(blotter["blotter_msgs_per_s"] / bare["bare_msgs_per_s"], 2),
                     "ratio_same_decode": round(blotter["blotter_msgs_per_s"]
                                                / bare["bare_same_decode_msgs_per_s"], 2)})
    middle = sorted(each, key=lambda r: r["ratio"])[len(each) // 2]  # the median round, whole
    out = {**middle, "rounds": rounds}
    for key in ("bare_msgs_per_s", "bare_same_decode_msgs_per_s", "blotter_msgs_per_s"):
        out[key] = round(statistics.median(r[key] for r in each))
    for key in ("ratio", "ratio_same_decode"):
        out[key] = round(statistics.median(r[key] for r in each), 2)
    out["ratio_by_round"] = [r["ratio"] for r in each]
    out.update(target_ratio=TARGET, met=out["ratio"] >= TARGET)
    return out


if __name__ == "__main__":
    sys.exit(main())
