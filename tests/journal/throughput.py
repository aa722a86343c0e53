"""Journal write throughput (not a test: prints JSON). `python -m tests.journal.throughput [N]`

A day's burst as the flood sends it (execution, open order, status, commission per fill), recorded in
batches of 500 events as the pump hands them over; timed from the first record() to the flush.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from tests.domain.factories import commission, execution, open_order, status


def burst(fills: int) -> list:
    now = time.time()
    events = []
    for i in range(fills):
        perm = 1_351_823_300 + i
        events += [execution(f"0001a.{i:08x}.01.01", i + 1, perm, 100, 150.0 + i % 7, at=now),
                   open_order(i + 1, perm, "Filled", at=now), status(i + 1, perm, "Filled", 100, 0, 150.0, at=now),
                   commission(f"0001a.{i:08x}.01.01", 1.0, at=now)]
    return events


def main() -> None:
    from blotter.journal import Journal
    fills = int(sys.argv[1]) if len(sys.argv) > 1 else 25_000
    events = burst(fills)
    with tempfile.TemporaryDirectory() as tmp:
        journal = Journal(Path(tmp), "DU1")
        journal.record(events[:1])
        journal.flush()  # the file is open: time the writing, not the creating
        batches = [events[i:i + 500] for i in range(1, len(events), 500)]
        start = time.perf_counter()
        for batch in batches:
            journal.record(batch)
        handed = time.perf_counter() - start
        journal.flush(120)
        took = time.perf_counter() - start
        journal.close()
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    print(json.dumps({"events": len(events) - 1, "seconds": round(took, 3),
                      "events_per_second": round((len(events) - 1) / took),
                      "record_calls_us_each": round(handed / len(batches) * 1e6, 1),
                      "transactions": journal.transactions, "bytes_per_event": round(size / len(events))}))


if __name__ == "__main__":
    main()
