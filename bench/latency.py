"""Target 2: at a steady 5,000 messages/s, socket arrival -> row on screen, and key press -> next frame.

The simulator (bench/_paced_sim.py, a subprocess) sends its client fills of its own orders at a
steady `--rate` messages per second (four a fill) for `--seconds`. The blotter (real Session,
headless BlotterApp with every pane, App.run_test) takes them in while a pilot presses keys.

- arrival -> on screen: the reader thread stamps each execDetails when the read that completes it
  returns (perf_counter; the blotter's LinearReader with a hook); every frame the app composes is
  stamped (and rendered to terminal text, as a real terminal would need); a fill is on screen at the
  first frame after its row entered the fills table (the table follows the newest row).
- key -> frame: every `--key-every` seconds (0.05: about 200 presses under load; a p99 of fewer than
  100 is their max) the pilot presses j or k in the fills table; the time from the press to the first
  frame composed after it is handled.

Prints one JSON object (ms; targets: arrival p99 <= 100, key p99 <= 50).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from _common import FrameClock, Tap, machine, ms, percentile, press, session_and_app, simulator

TEXT_EXEC_DETAILS = b"11\0"  # to server version 200 the message id is the first field
PROTOBUF_EXEC_DETAILS = (200 + 11).to_bytes(4, "big")  # from 201: 4 bytes, PROTOBUF_MSG_ID + 11 for protobuf
EXEC_ID_FIELD = 14  # in execDetails as the simulator (and TWS) writes it


def exec_id_of(message: bytes) -> str | None:
    """The exec id of an execDetails the reader queues, in either generation; None for any other message."""
    if message.startswith(TEXT_EXEC_DETAILS):
        return message.split(b"\0", EXEC_ID_FIELD + 1)[EXEC_ID_FIELD].decode()
    if message.startswith(PROTOBUF_EXEC_DETAILS):
        from ibapi.protobuf.ExecutionDetails_pb2 import ExecutionDetails

        details = ExecutionDetails()
        details.ParseFromString(message[4:])
        return details.execution.execId
    return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rate", type=int, default=5000, help="messages per second from the simulator")
    p.add_argument("--seconds", type=float, default=10.0, help="how long the steady load lasts")
    p.add_argument("--key-every", type=float, default=0.05, help="seconds between key presses")
    args = p.parse_args(argv)
    from blotter.ib._ibapi.client import Client
    from blotter.ib._ibapi.reader import LinearReader

    arrived: dict[str, float] = {}

    class StampingReader(LinearReader):
        def received(self, messages: list[bytes]) -> None:
            now = time.perf_counter()
            for m in messages:
                exec_id = exec_id_of(m)
                if exec_id is not None:
                    arrived[exec_id.rsplit(".", 1)[0]] = now
            super().received(messages)

    Client.reader_type = StampingReader  # the blotter's client starts it, in this process only
    after = 3.0
    row_latency: list[float] = []
    key_latency: list[float] = []
    with simulator("--rate", str(args.rate), "--seconds", str(args.seconds), "--after", str(after),
                   paced=True) as (host, port, _):
        tap = Tap()
        session, app = session_and_app(host, port, 1, tap)
        seen = [0]

        def on_frame(now: float) -> None:
            fills = app.pane("fills")
            keys = fills.table.keys
            for row in keys[seen[0]:]:
                t = arrived.get(fills.fill_id(row))
                if t is not None:
                    row_latency.append(now - t)
            seen[0] = len(keys)

        async def drive() -> None:
            async with app.run_test(headless=True, size=(160, 50)) as pilot:
                clock = FrameClock(app, on_frame)
                await pilot.press("2")
                table = app.pane("fills").table
                moved = table.action_cursor
                handled: list[float] = []  # when each j / k was acted on (the cursor moved)

                def stamped(delta: int) -> None:
                    moved(delta)
                    handled.append(time.perf_counter())

                table.action_cursor = stamped
                start = time.perf_counter()
                load_from = start + after - 1.0
                end = load_from + args.seconds + 1.0
                presses: list[float] = []
                flip = False
                while time.perf_counter() < end:
                    await asyncio.sleep(args.key_every)
                    flip = not flip
                    t = time.perf_counter()
                    press(app, "k" if flip else "j")  # as a terminal does: sent, not waited for
                    presses.append(t)
                await pilot.pause(0.3)
                for t, acted in zip(presses, handled):
                    f = clock.next_after(acted)
                    if t > load_from + 1.0 and f is not None:  # under load
                        key_latency.append(f - t)

        try:
            asyncio.run(drive())
        finally:
            session.stop()
    received = len(arrived)
    print(json.dumps({
        "rate_msgs_per_s": args.rate, "seconds": args.seconds, "fills_received": received,
        "fills_on_screen": len(row_latency),
        "arrival_to_screen_ms": {"p50": ms(percentile(row_latency, 50)), "p99": ms(percentile(row_latency, 99)),
                                 "max": ms(max(row_latency, default=0))},
        "key_to_frame_ms": {"presses": len(key_latency), "p50": ms(percentile(key_latency, 50)),
                            "p99": ms(percentile(key_latency, 99)), "max": ms(max(key_latency, default=0))},
        "targets_ms": {"arrival_p99": 100, "key_p99": 50},
        "met": bool(row_latency) and percentile(row_latency, 99) <= 0.1 and percentile(key_latency, 99) <= 0.05,
        **machine(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
