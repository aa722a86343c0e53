"""The simulated TWS sending fills at a steady rate (for bench/latency.py); not a benchmark itself.

`python bench/_paced_sim.py --rate 5000 --seconds 10 --after 2`: a quiet-scenario blotter-sim whose
clients, `--after` seconds past START_API, get fills of their own orders (the flood's four messages
each: execDetails, openOrder, orderStatus, commission report) at `--rate` messages per second, sent
every 10 ms, for `--seconds`. Prints "listening on HOST:PORT" like blotter-sim. Uses the simulator's
own server, broker and encoders: only the pacing is the bench's.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time

import _common  # noqa: F401  (puts the checkout on sys.path)
from blotter.sim import scenarios
from blotter.sim.server import SimConfig, SimServer

TICK = 0.01


class PacedServer(SimServer):
    def __init__(self, config: SimConfig, rate: int, seconds: float, after: float) -> None:
        super().__init__(config)
        self.rate, self.seconds, self.after = rate, seconds, after

    def _on_StartApi(self, s, r) -> None:  # noqa: N802 (the simulator's handler name)
        super()._on_StartApi(s, r)
        self._tasks.append(asyncio.get_running_loop().create_task(self._paced(s)))

    async def _paced(self, session) -> None:
        await asyncio.sleep(self.after)
        fills_per_s = self.rate / 4
        start = time.monotonic()
        sent = 0
        while not session.closed:
            elapsed = time.monotonic() - start
            if elapsed >= self.seconds:
                return
            due = int(elapsed * fills_per_s) + 1
            if due > sent:
                session.send_many(scenarios._flood_messages(self, session, sent, due))
                sent = due
            await asyncio.sleep(TICK)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rate", type=int, default=5000)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--after", type=float, default=2.0)
    args = p.parse_args()
    server = PacedServer(SimConfig(host="127.0.0.1", port=0, scenario="quiet"), args.rate, args.seconds, args.after)

    def ready() -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(sig, server.shutdown)
        print(f"listening on 127.0.0.1:{server.port}", flush=True)

    asyncio.run(server.serve(on_ready=ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
