"""What the bench scripts share: the simulator as a subprocess, a bare ibapi client, the headless app.

Not a benchmark itself (run.py skips `_*.py`).
"""

from __future__ import annotations

import bisect
import math
import os
import platform
import queue
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TIMEOUT = 600.0


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "cpus": os.cpu_count()}


def steadiness(target_ms: float = 5.0, runs: int = 300) -> dict[str, float]:
    """How steady this machine's CPU time is: the same pure-Python work (no I/O, no allocation that
    grows, no collection) of about `target_ms`, timed `runs` times with the thread's CPU clock as the
    benches time the app. Its p99 against its p50 is the spread the machine alone puts on a figure."""
    def work(n: int) -> int:
        total = 0
        for i in range(n):
            total += i * i % 7
        return total

    n, spent = 10_000, 0.0
    while spent < target_ms / 1000 / 2:  # grow the work to about the target
        n *= 2
        start = time.thread_time()
        work(n)
        spent = time.thread_time() - start
    n = int(n * target_ms / 1000 / spent)
    times = []
    for _ in range(runs):
        start = time.thread_time()
        work(n)
        times.append(time.thread_time() - start)
    p50, p99 = percentile(times, 50), percentile(times, 99)
    return {"p50_ms": ms(p50), "p99_ms": ms(p99), "p99_over_p50": round(p99 / p50, 2)}


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank: the smallest value with p % of them at or below it) of values;
    0 for none. (Rounding p/100 * n + 0.5 instead gave the largest of 100 as their p99.)"""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(round(p / 100 * len(ordered), 9)) - 1))
    return ordered[rank]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def rss_mb() -> float:
    """Resident memory of this process (VmRSS), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def thread_cpu() -> dict[str, float]:
    """CPU seconds (user + system) used so far by each live thread of this process, by thread name."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for thread in threading.enumerate():
        try:
            with open(f"/proc/self/task/{thread.native_id}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[thread.name] = round((int(fields[11]) + int(fields[12])) / tick, 2)
    return out


@contextmanager
def simulator(*args: str, paced: bool = False) -> Iterator[tuple[str, int, subprocess.Popen]]:
    """A fresh `blotter-sim --port 0 ARGS...` subprocess (paced: bench/_paced_sim.py ARGS...);
    yields (host, port, process)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    cmd = ([sys.executable, str(ROOT / "bench" / "_paced_sim.py"), *args] if paced
           else [sys.executable, "-m", "blotter.sim.cli", "--port", "0", *args])
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"listening on (\S+):(\d+)", line)
        if found is None:
            raise RuntimeError(f"blotter-sim did not start (said {line!r}, exit code {proc.poll()})")
        yield found.group(1), int(found.group(2)), proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def use_linear_reader(linear: bool) -> str:
    """Give IB's own EClient (the bare client) the blotter's linear reader, or keep its own; returns which
    one it uses. The blotter's Client starts the linear reader itself (its `reader_type`)."""
    from ibapi import reader

    from blotter.ib import _ibapi

    if linear:
        _ibapi.install_reader_for_ibapi()
    return "linear" if reader.EReader.__module__ != "ibapi.reader" else "stock"


def use_blotters_decode() -> None:
    """Give ibapi the blotter's per-field decode, as the blotter's start-up does (blotter.cli)."""
    from blotter.ib import _ibapi

    _ibapi.install()


FLOOD_CALLBACKS = ("execDetails", "commissionAndFeesReport", "orderStatus", "openOrder")


def bare_decode(host: str, port: int, want: int, client_id: int = 1,
                ask_executions: bool = False) -> tuple[float, float]:
    """A bare ibapi client that decodes `want` flood messages and drops them: (first, last) perf_counter.

    ask_executions: send reqExecutions once connected, as a blotter's resync does (a simulator started
    with `--flood-after executions` floods only then)."""
    from ibapi.client import EClient
    from ibapi.execution import ExecutionFilter
    from ibapi.wrapper import EWrapper

    done = threading.Event()
    stamps = [0.0, 0.0, 0]

    def one(*_: Any) -> None:
        stamps[2] += 1
        if stamps[2] == 1:
            stamps[0] = time.perf_counter()
        elif stamps[2] == want:
            stamps[1] = time.perf_counter()
            done.set()

    class Counter(EWrapper):
        def error(self, *args: Any) -> None:
            pass

    for name in FLOOD_CALLBACKS:
        setattr(Counter, name, lambda self, *a: one())
    client = EClient(Counter())
    client.connect(host, port, client_id)
    if not client.isConnected():
        raise RuntimeError(f"ibapi could not connect to {host}:{port}")
    thread = threading.Thread(target=client.run, daemon=True, name="ibapi-run")
    thread.start()
    if ask_executions:
        client.reqExecutions(1, ExecutionFilter())
    try:
        if not done.wait(TIMEOUT):
            raise RuntimeError(f"ibapi decoded only {stamps[2]} of {want} flood messages in {TIMEOUT:.0f} s")
    finally:
        client.disconnect()
        thread.join(10)
    return stamps[0], stamps[1]


class Tap:
    """The session's sink: stamps what passes (perf_counter) and hands it to the app's queue."""

    def __init__(self, on_event: Callable[[Any, float], None] | None = None) -> None:
        self.events: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        self.on_event = on_event

    def put(self, event: Any) -> None:
        if self.on_event is not None:
            self.on_event(event, time.perf_counter())
        self.events.put(event)


def session_and_app(host: str, port: int, client_id: int, tap: Tap, **settings: Any):  # type: ignore[no-untyped-def]
    """A connected Session and a BlotterApp over it (not running yet), ibapi as the blotter runs it."""
    from blotter.config import Settings
    from blotter.ib.session import Session, SessionConfig
    from blotter.ui.app import BlotterApp

    use_blotters_decode()
    session = Session(SessionConfig(host=host, port=port, client_id=client_id, connect_timeout=10), tap.put)
    session.connect()
    from blotter.ui.heap import HeapFreezer

    heap = HeapFreezer()  # as run_app gives the app it runs
    app = BlotterApp(Settings(host=host, port=port, client_id=client_id, **settings), session, tap.events,
                     heap=heap)
    return session, app


class FrameClock:
    """Stamps every frame the app composes (perf_counter), and renders it to text as a terminal would.

    Headless Textual composes each update but skips turning it into terminal output; here that
    output is built (and dropped) so a frame costs what it costs on a real terminal.
    """

    def __init__(self, app: Any, on_frame: Callable[[float], None] | None = None) -> None:
        self.app = app
        self.frames: list[float] = []
        self.cpu: list[float] = []  # the UI thread's CPU time (time.thread_time) at each frame
        self.on_frame = on_frame
        self._waiting: Any = None  # the future wait_after sleeps on
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None:
                renderable.render_segments(app.console)
                now = time.perf_counter()
                self.frames.append(now)
                self.cpu.append(time.thread_time())
                if self.on_frame is not None:
                    self.on_frame(now)
                if self._waiting is not None and not self._waiting.done():
                    self._waiting.set_result(None)

        app._display = display

    def next_after(self, t: float) -> float | None:
        """The first frame composed after time t (None: none yet)."""
        at = bisect.bisect_right(self.frames, t)
        return self.frames[at] if at < len(self.frames) else None

    async def wait_after(self, t: float, timeout: float = 10.0) -> int:
        """Wait for the first frame composed after perf_counter time t; its index. Woken by the frame
        itself (polling would add the waiting loop's own CPU time to the UI thread's)."""
        import asyncio

        at = bisect.bisect_right(self.frames, t)
        while at >= len(self.frames):
            self._waiting = asyncio.get_running_loop().create_future()
            try:
                await asyncio.wait_for(self._waiting, timeout)
            except asyncio.TimeoutError:
                raise RuntimeError("no frame came") from None
            at = bisect.bisect_right(self.frames, t)
        return at


def press(app: Any, key: str) -> None:
    """Hand the app one key press (a Textual key name) the way its terminal driver does, without
    waiting for it to be handled. Pilot.press waits until the app is idle, which under load spaces
    the presses out, and it posts a callback to every widget on the screen to learn that the screen
    is idle: about twenty messages a key that the UI thread runs and a terminal never sends."""
    import unicodedata

    from textual import events
    from textual.keys import _get_unicode_name_from_key

    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


class StubCommands:
    """Commands for an app fed straight from a queue: connected, sends nothing."""

    def __init__(self) -> None:
        from blotter.domain.events import ConnState

        self.state = ConnState.CONNECTED
        self.server_version = 226  # what every current TWS speaks
        self.accounts = ("DU1234567",)
        self.last_received = time.time()

    def __getattr__(self, name: str) -> Any:
        return lambda *a, **k: None
