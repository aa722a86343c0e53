"""Issue 22's target: 1,000 positions whose P&L updates 200 times a second in all: key -> frame p99
<= 50 ms, arrival -> on screen p99 <= 100 ms, with the positions pane in view.

The app (headless BlotterApp, every pane, App.run_test at 160x50) is fed straight through its event
queue, as bench/scale.py feeds it: 1,000 positions and their account line first, then a thread puts
pnlSingle events (PositionPnL) at `--rate` a second for `--seconds`, each stamped when put. Decoding
200 messages a second is nothing next to the 5,000 a second of bench/latency.py, so the queue is
where the figure is made.

- arrival -> on screen: from the put to the first frame composed after the batch holding it was
  applied to the store and the pane (updates of rows out of view included: their row is current
  when scrolled to).
- key -> frame: every `--key-every` seconds j or k in the positions pane; press to the first frame
  composed after it was acted on.

Prints one JSON object (ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import queue
import random
import sys
import threading
import time
from decimal import Decimal
from typing import Any

from _common import FrameClock, StubCommands, machine, ms, percentile, press


def contracts(n: int) -> list[Any]:
    from blotter.domain.events import ContractRef
    return [ContractRef(con_id=100_000 + i, symbol=f"S{i:04d}", sec_type="STK", exchange="SMART", currency="USD")
            for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--positions", type=int, default=1000)
    p.add_argument("--rate", type=int, default=200, help="P&L updates per second, in all")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--key-every", type=float, default=0.05)
    args = p.parse_args(argv)

    from blotter.config import Settings
    from blotter.domain import events as ev
    from blotter.ui.app import BlotterApp
    from blotter.ui.heap import HeapFreezer

    account, q = "DU1234567", queue.SimpleQueue()
    held = contracts(args.positions)
    rng = random.Random(1)
    q.put(ev.Connection(ev.ConnState.CONNECTED, "bench", "127.0.0.1", 7497, 1, 226, time.time()))
    q.put(ev.Resynced(time.time()))
    for c in held:
        q.put(ev.Position(account, c, Decimal(rng.choice((-1, 1)) * rng.randrange(1, 5000)), 100.0, time.time()))
    q.put(ev.AccountValue(account, "NetLiquidation", "1000000.00", "USD", time.time()))
    app = BlotterApp(Settings(client_id=1), StubCommands(), q, heap=HeapFreezer())  # type: ignore[arg-type]
    applied: list[tuple[float, float]] = []  # (put, applied) of each P&L update
    store_apply = app.live_store.apply

    def stamped_apply(batch: list[Any]) -> Any:
        changes = store_apply(batch)
        now = time.perf_counter()
        applied.extend((e.received, now) for e in batch if type(e) is ev.PositionPnL)
        return changes

    app.live_store.apply = stamped_apply  # type: ignore[method-assign]
    arrival: list[float] = []
    keys: list[float] = []
    stop = threading.Event()

    def feed() -> None:
        gap, due = 1.0 / args.rate, time.perf_counter()
        while not stop.is_set():
            c = held[rng.randrange(len(held))]
            value = rng.uniform(1_000, 500_000)
            q.put(ev.PositionPnL(account, c.con_id, Decimal(100), rng.uniform(-500, 500), rng.uniform(-900, 900),
                                 0.0, value, time.perf_counter()))
            due += gap
            stop.wait(max(0.0, due - time.perf_counter()))

    async def drive() -> None:
        async with app.run_test(headless=True, size=(160, 50)) as pilot:
            clock = FrameClock(app)
            await pilot.press("5")
            table = app.pane("positions").table
            while len(table.keys) < args.positions:
                await pilot.pause(0.05)
            moved, handled = table.action_cursor, []

            def stamped(delta: int) -> None:
                moved(delta)
                handled.append(time.perf_counter())

            table.action_cursor = stamped  # type: ignore[method-assign]
            feeder = threading.Thread(target=feed, daemon=True)
            start = time.perf_counter()
            feeder.start()
            presses, flip = [], False
            while time.perf_counter() < start + args.seconds:
                await asyncio.sleep(args.key_every)
                flip = not flip
                presses.append(time.perf_counter())
                press(app, "k" if flip else "j")
            stop.set()
            await pilot.pause(0.3)
            for t, acted in zip(presses, handled):
                f = clock.next_after(acted)
                if f is not None and t > start + 1.0:
                    keys.append(f - t)
            for put, done in applied:
                f = clock.next_after(done)
                if f is not None and put > start + 1.0:
                    arrival.append(f - put)

    asyncio.run(drive())
    print(json.dumps({
        "positions": args.positions, "updates_per_s": args.rate, "seconds": args.seconds,
        "updates_on_screen": len(arrival),
        "arrival_to_screen_ms": {"p50": ms(percentile(arrival, 50)), "p99": ms(percentile(arrival, 99)),
                                 "max": ms(max(arrival, default=0))},
        "key_to_frame_ms": {"presses": len(keys), "p50": ms(percentile(keys, 50)), "p99": ms(percentile(keys, 99)),
                            "max": ms(max(keys, default=0))},
        "targets_ms": {"arrival_p99": 100, "key_p99": 50},
        "met": bool(arrival) and percentile(arrival, 99) <= 0.1 and bool(keys) and percentile(keys, 99) <= 0.05,
        **machine(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
