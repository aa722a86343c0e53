"""Target 4: launch -> first frame showing connected data in demo mode, against a bare Textual app.

Each run is a fresh subprocess on a pseudo-terminal (120x36), timed from just before it is started
(time.time()) to the time it writes to a marker file (bench/_startup_child.py): for the blotter,
when the first frame is composed with the status line connected and the demo simulator's orders in
the Store (`python -m blotter --demo`, simulator start and resync included); for the baseline, the
first frame of a bare Textual app showing one static DataTable of 20 rows. The median of `--runs`
runs each, both from bytecode (see main). Prints one JSON object (targets: <= 1.5 s, ratio <= 1.5).
"""

from __future__ import annotations

import argparse
import compileall
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
    # Both apps start from bytecode, as every launch after a user's first does: Textual's was compiled
    # when pip installed it; the blotter's (an editable install, or this checkout) is compiled here,
    # since Python would not write it itself where PYTHONDONTWRITEBYTECODE is set (as on CI machines).
    compiled = compileall.compile_dir(ROOT / "blotter", quiet=1)
    bare: list[float] = []
    blotter: list[float] = []
    for _ in range(args.runs):  # in turns: a machine that slows for a while slows both alike
        bare.append(launch("bare"))
        blotter.append(launch("blotter"))
    b, s = statistics.median(bare), statistics.median(blotter)
    print(json.dumps({
        "runs": args.runs, "blotter_demo_s": round(s, 3), "bare_textual_s": round(b, 3), "ratio": round(s / b, 2),
        "blotter_runs_s": [round(x, 3) for x in blotter], "bare_runs_s": [round(x, 3) for x in bare],
        "blotter_bytecode": bool(compiled), "targets": {"seconds": 1.5, "ratio": 1.5}, "met": s <= 1.5 and s / b <= 1.5, **machine(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
