"""`blotter-sim` as a user runs it: a real process on loopback, one-line errors for bad flags."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ibclient import IBClient

SIM = [sys.executable, "-m", "blotter.sim.cli"]


def start(*args: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([*SIM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until the simulator is listening (or exits)
    assert line.startswith("listening on 127.0.0.1:"), (line, proc.stderr.read() if proc.stderr else "")
    return proc, int(line.rsplit(":", 1)[1])


def test_demo_serves_a_live_market_with_tws_orders(tmp_path: Path):
    record = tmp_path / "rec.jsonl"
    proc, port = start("--port", "0", "--seed", "3", "--record", str(record))
    try:
        client = IBClient().start(port, 0)
        client.reqAllOpenOrders()
        client.wait_for("openOrderEnd")
        assert len(client.args("openOrder")) >= 3, "the demo has a TWS user's resting orders"
        client.reqExecutions(1, __import__("ibapi.execution", fromlist=["x"]).ExecutionFilter())
        client.wait_for("execDetailsEnd")
        assert len(client.args("execDetails")) >= 4, "and fills from earlier in the day"
        client.stop()
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert {"in", "out"} <= {line["dir"] for line in lines}
    [start_api] = [line for line in lines if line["dir"] == "in" and line["id"] == 71]
    assert start_api["values"]["clientId"] == 0  # protobuf at 226, recorded as its values


@pytest.mark.parametrize("args, says", [
    (["--port", "x"], "invalid int value"),
    (["--scenario", "nope"], "invalid choice"),
    (["--host", "0.0.0.0"], "loopback only"),
    (["--drop-every", "-1"], "negative"),
    (["--max-version", "227"], "157..226"),
])
def test_bad_flags_print_one_line_and_exit_2(args, says):
    done = subprocess.run([*SIM, *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and says in done.stderr
    assert "Traceback" not in done.stderr


def test_port_in_use_is_one_line(sim):
    done = subprocess.run([*SIM, "--port", str(sim.port)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and f"127.0.0.1:{sim.port}" in done.stderr
