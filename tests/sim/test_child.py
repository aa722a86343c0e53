"""`blotter --demo`'s simulated TWS as a child process (blotter.sim.child): it comes up on a port of its
own, serves the real ibapi client, stops when asked, and stops by itself when its parent dies."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from blotter.sim.child import SimProcess, SimStartError
from tests.ibclient import WAIT, IBClient


def test_the_child_serves_the_demo_and_stops_when_asked(tmp_path: Path):
    sim = SimProcess("--scenario", "demo", "--seed", "7", log=tmp_path / "sim.log")
    try:
        client = IBClient().start(sim.port(), 0)
        client.reqAllOpenOrders()
        client.wait_for("openOrderEnd")
        assert len(client.args("openOrder")) >= 3, "the demo's TWS user has resting orders"
        client.stop()
    finally:
        code = sim.stop()
    assert code == 0 and sim.proc.poll() == 0


def test_the_child_stops_when_its_parent_is_killed(tmp_path: Path):
    parent = subprocess.Popen(
        [sys.executable, "-c", "from blotter.sim.child import SimProcess\n"
                               "import sys\n"
                               "sim = SimProcess('--scenario', 'quiet')\n"
                               "print(sim.port(), flush=True)\n"
                               "sys.stdin.read()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    assert parent.stdout is not None
    port = int(parent.stdout.readline())
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as conn:
        parent.send_signal(signal.SIGKILL)  # no chance to stop its child
        parent.wait(WAIT)
        conn.settimeout(WAIT)
        assert conn.recv(1) == b"", "the simulator closed its connections: it has stopped"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=WAIT).close()


def test_a_child_that_cannot_start_says_why_in_one_line(tmp_path: Path):
    sim = SimProcess("--scenario", "nope", log=tmp_path / "sim.log")
    with pytest.raises(SimStartError) as raised:
        sim.port()
    sim.stop()
    message = str(raised.value)
    assert "exited (code 2)" in message and "invalid choice: 'nope'" in message and "\n" not in message
