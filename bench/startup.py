"""Target 4: launch -> first frame showing connected data in demo mode, against a bare Textual app.

Each run is a fresh subprocess on a pseudo-terminal (120x36), timed from just before it is started
(time.time()) to the time it writes to a marker file (bench/_startup_child.py): for the blotter,
when the first frame is composed with the status line connected and the demo simulator's orders in
the Store (`python -m blotter --demo`, simulator start and resync included); for the baseline, the
first frame of a bare Textual app showing one static DataTable of 20 rows. The median of `--runs`
runs each. Prints one JSON object (targets: <= 1.5 s, ratio <= 1.5).
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args(argv)
    bare = [launch("bare") for _ in range(args.runs)]
    blotter = [launch("blotter") for _ in range(args.runs)]
    b, s = statistics.median(bare), statistics.median(blotter)
    print(json.dumps({
        "runs": args.runs, "blotter_demo_s": round(s, 3), "bare_textual_s": round(b, 3), "ratio": round(s / b, 2),
        "blotter_runs_s": [round(x, 3) for x in blotter], "bare_runs_s": [round(x, 3) for x in bare],
        "targets": {"seconds": 1.5, "ratio": 1.5}, "met": s <= 1.5 and s / b <= 1.5, **machine(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
