"""Target 4: launch -> first frame showing connected data in demo mode, against a bare Textual app.

Each run is a fresh subprocess on a pseudo-terminal (120x36), timed from just before it is started
(time.time()) to the time it writes to a marker file (bench/_startup_child.py): for the blotter,
when the first frame is composed with the status line connected and the demo simulator's orders in
the Store (`python -m blotter --demo`, simulator start and resync included); for the baseline, the
first frame of a bare Textual app showing one static DataTable of 20 rows. `--runs` pairs of runs,
one of each back to back, both from bytecode (see main): the seconds are the medians, the ratio the
median of the pairs' ratios (this machine's speed swings by up to 1.8x from one launch to another,
so two launches side by side compare better than two medians). Prints one JSON object (targets:
<= 1.5 s, ratio <= 1.5).

`--instructions` also runs each once under valgrind's callgrind and reports the instructions to the
marker (the child stops there): a figure that holds still on a machine whose speed drifts by tens
of percent from one minute to the next, to compare two versions of the start by. It counts every
process: the demo's simulator is the blotter's child process (on the other core), counted over its
whole life in `instructions_m` and left out of `instructions_main_process_m`.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import pty
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, machine

CHILD = Path(__file__).resolve().parent / "_startup_child.py"


def launch(kind: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "marker"
        env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="120", LINES="36",
                   XDG_STATE_HOME=tmp, XDG_CONFIG_HOME=tmp)
        leader, follower = pty.openpty()
        os.set_blocking(leader, False)
        start = time.time()
        proc = subprocess.Popen([sys.executable, str(CHILD), str(marker), kind], cwd=ROOT, env=env,
                                stdin=follower, stdout=follower, stderr=subprocess.DEVNULL)
        os.close(follower)
        try:
            deadline = start + 60
            while not marker.exists() or not marker.read_text():
                if time.time() > deadline or proc.poll() is not None and not marker.exists():
                    raise RuntimeError(f"{kind}: no marker (exit code {proc.poll()})")
                try:
                    os.read(leader, 1 << 16)  # keep the terminal drained
                except (BlockingIOError, OSError):
                    time.sleep(0.005)
            return float(marker.read_text()) - start
        finally:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            os.close(leader)


def instructions(kind: str) -> dict[str, float]:
    """Millions of instructions from the start to the marker (valgrind's callgrind, all threads; the
    child stops at the marker): `all` over every process (the demo's simulator is a child process of
    the blotter, counted over its whole life), `main` the launched process alone. Unlike seconds, the
    same from run to run within a few percent, whatever else the machine is doing."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="120", LINES="36",
                   XDG_STATE_HOME=tmp, XDG_CONFIG_HOME=tmp, BENCH_EXIT_AT_MARKER="1")
        leader, follower = pty.openpty()
        logs = Path(tmp) / "valgrind"
        logs.mkdir()
        proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--trace-children=yes",
                                 "--callgrind-out-file=/dev/null",
                                 f"--log-file={logs}/%p", sys.executable, str(CHILD), str(Path(tmp) / "marker"), kind],
                                cwd=ROOT, env=env, stdin=follower, stdout=follower, stderr=subprocess.DEVNULL)
        os.close(follower)
        proc.wait(900)  # valgrind runs the program in its own process: proc.pid is the blotter's
        os.close(leader)
        counts: dict[int, int] = {}
        deadline = time.monotonic() + 120
        while len(counts) < len(list(logs.iterdir())):  # a child (the simulator) ends after the blotter
            if time.monotonic() > deadline:
                raise RuntimeError(f"valgrind gave no count for some of {sorted(p.name for p in logs.iterdir())}")
            time.sleep(0.1)
            for log in logs.iterdir():
                found = re.search(r"Collected : (\d+)", log.read_text())
                if found:
                    counts[int(log.name)] = int(found.group(1))
    if proc.pid not in counts:
        raise RuntimeError("valgrind gave no count for the launched process")
    return {"all": round(sum(counts.values()) / 1e6, 1), "main": round(counts[proc.pid] / 1e6, 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--instructions", action="store_true",
                   help="also count each one's instructions to the marker under valgrind (slow, but steady)")
    args = p.parse_args(argv)
    # Both apps start from bytecode, as every launch after a user's first does: Textual's was compiled
    # when pip installed it; the blotter's (an editable install, or this checkout) is compiled here,
    # since Python would not write it itself where PYTHONDONTWRITEBYTECODE is set (as on CI machines).
    compiled = compileall.compile_dir(ROOT / "blotter", quiet=1)
    bare: list[float] = []
    blotter: list[float] = []
    for n in range(args.runs):  # in pairs, back to back, each first in turn: a machine that slows for a while
        for kind in (("bare", "blotter") if n % 2 == 0 else ("blotter", "bare")):  # slows both of a pair alike
            (bare if kind == "bare" else blotter).append(launch(kind))
    b, s = statistics.median(bare), statistics.median(blotter)
    by_pair = [x / y for x, y in zip(blotter, bare)]
    counted: dict[str, Any] = {}
    if args.instructions:
        counts = {kind: instructions(kind) for kind in ("bare", "blotter")}
        counted["instructions_m"] = {kind: c["all"] for kind, c in counts.items()}
        counted["instructions_ratio"] = round(counts["blotter"]["all"] / counts["bare"]["all"], 2)
        counted["instructions_main_process_m"] = counts["blotter"]["main"]
    print(json.dumps({
        "runs": args.runs, "blotter_demo_s": round(s, 3), "bare_textual_s": round(b, 3),
        "ratio": round(statistics.median(by_pair), 2), "ratio_of_medians": round(s / b, 2),
        "ratio_by_pair": [round(x, 2) for x in by_pair],
        "blotter_runs_s": [round(x, 3) for x in blotter], "bare_runs_s": [round(x, 3) for x in bare],
        "blotter_bytecode": bool(compiled), "targets": {"seconds": 1.5, "ratio": 1.5},
        "met": s <= 1.5 and statistics.median(by_pair) <= 1.5,
        **counted, **machine(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
