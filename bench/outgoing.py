"""Target 5: from the key that transmits to the bytes on the socket, under the pacing limit.

A quiet `blotter-sim --record FILE` subprocess; the real Session places `--orders` limit orders far
from the market; a headless BlotterApp (App.run_test) shows them. Then, one every `--gap` seconds
(well under the 50 messages/s limit), the pilot presses `c` on the selected order and, once the
confirmation's frame is drawn (a trader reads it before answering), the `y` that confirms and
transmits, stamped with time.time() just before it and handed over as the terminal driver does
(`_common.press`: Pilot.press would post a callback to every widget first, work a terminal never
causes, and until 2026-11-30 `y` could also wait behind the confirmation's own first frame). Until
the cancel is on the socket the pilot only waits for it (until 2026-12-01 a Pilot.pause ran beside the
key, with its callback to every widget). Two figures, both from that stamp:

- key_to_send_ms: until ibapi's cancelOrder returned, its bytes written to the socket (the target);
- key_to_simulator_ms: until the simulator's recorder took the request off its end of the socket (a
  separate process: this adds its wake-up, which the operating system's scheduler decides).

Prints one JSON object (ms; target: key_to_send p99 <= 5).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _common import FrameClock, Tap, machine, ms, percentile, press, session_and_app, simulator

CANCEL_ORDER = "4"


def cancels(record: Path) -> dict[int, float]:
    """order id -> time the simulator received its cancelOrder (text to 202, protobuf from 203)."""
    out: dict[int, float] = {}
    for line in record.read_text().splitlines():
        entry = json.loads(line)
        if entry["dir"] != "in":
            continue
        if entry.get("protobuf") == "CancelOrderRequest":
            out.setdefault(int(entry["values"]["orderId"]), entry["t"])
        elif entry.get("fields") and entry["fields"][0] == CANCEL_ORDER:
            for f in entry["fields"][1:3]:
                if f.lstrip("-").isdigit() and int(f) > 0:
                    out.setdefault(int(f), entry["t"])
                    break
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--orders", type=int, default=120, help="orders placed, then cancelled (over 100 transmits: "
                   "a p99 of fewer is the slowest one)")
    p.add_argument("--gap", type=float, default=0.1, help="seconds between transmits")
    args = p.parse_args(argv)
    from blotter.domain import events as ev

    pressed: dict[int, float] = {}
    written: dict[int, float] = {}  # order id -> time.time() when cancelOrder had written it
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "record.jsonl"
        with simulator("--scenario", "quiet", "--record", str(record)) as (host, port, _):
            tap = Tap()
            session, app = session_and_app(host, port, 1, tap)
            client = session.client
            cancel = client.cancelOrder

            sent: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []  # set once drive() runs

            def stamped_cancel(order_id: int, *args: object) -> None:
                cancel(order_id, *args)
                written[order_id] = time.time()
                for loop, event in sent:  # any thread: the UI's, or the pacer's
                    loop.call_soon_threadsafe(event.set)

            client.cancelOrder = stamped_cancel  # type: ignore[method-assign]
            contract = ev.ContractRef(symbol="AAPL", sec_type="STK", exchange="SMART", currency="USD")

            async def drive() -> None:
                async with app.run_test(headless=True, size=(160, 50)) as pilot:
                    clock = FrameClock(app)
                    on_socket = asyncio.Event()
                    sent.append((asyncio.get_running_loop(), on_socket))
                    for i in range(args.orders):
                        session.place(contract, ev.OrderFields(action="BUY", total_quantity=Decimal(1),
                                                               order_type="LMT", lmt_price=1.0 + i / 100, tif="DAY"))
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        await pilot.pause(0.1)
                        working = [r for r in app.store.working() if not r.local]
                        if len(working) >= args.orders:
                            break
                    await pilot.press("1")
                    await pilot.pause(1.2)  # the placing burst is out of the one-second pacing window
                    while True:
                        row = app.selected_order()
                        if row is None or app.why_not("cancel") is not None:
                            break
                        shown = time.perf_counter()
                        await pilot.press("c")
                        while len(app.screen_stack) < 2:
                            await pilot.pause(0.01)
                        await clock.wait_after(shown)  # the confirmation on screen, as the trader sees it
                        on_socket.clear()
                        t0 = time.time()
                        press(app, "y")  # as the terminal hands it over
                        pressed[row.order_id] = t0
                        # nothing else runs in the app meanwhile: Pilot.pause would post a callback to
                        # every widget, which the app would work through beside the key
                        await asyncio.wait_for(on_socket.wait(), 10)
                        await pilot.pause(args.gap)
                        while app.selected_order() is not None and app.selected_order().order_id == row.order_id:
                            await pilot.pause(0.02)
                    await pilot.pause(0.5)

            try:
                asyncio.run(drive())
            finally:
                session.stop()
        got = cancels(record)
    lat = [got[oid] - t for oid, t in pressed.items() if oid in got]
    out = [written[oid] - t for oid, t in pressed.items() if oid in written]
    print(json.dumps({
        "transmits": len(pressed), "written": len(out), "on_simulator": len(lat),
        "key_to_send_ms": {"p50": ms(percentile(out, 50)), "p99": ms(percentile(out, 99)),
                           "max": ms(max(out, default=0))},
        "key_to_simulator_ms": {"p50": ms(percentile(lat, 50)), "p99": ms(percentile(lat, 99)),
                                "max": ms(max(lat, default=0))},
        "target_p99_ms": 5, "met": bool(out) and percentile(out, 99) <= 0.005, **machine(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
