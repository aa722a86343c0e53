"""What survived a full garbage collection is frozen at the next frame, so the next one walks only newer objects."""

from __future__ import annotations

import asyncio
import gc
import queue

from blotter.config import Settings
from blotter.ui.app import BlotterApp
from blotter.ui.heap import HeapFreezer
from tests.ui.conftest import Offline, until


def test_a_full_collection_is_followed_by_a_freeze_and_young_ones_are_not():
    heap = HeapFreezer()
    heap.start()
    try:
        gc.collect(0)
        heap.settle()
        assert heap.freezes == 0, "a young collection froze the heap"
        kept = [{"fill": n} for n in range(1000)]  # the day's rows: they outlive the collection
        frozen = gc.get_freeze_count()
        gc.collect(2)
        assert heap.due, "the full collection went unnoticed"
        assert gc.get_freeze_count() == frozen, "froze inside the collector"
        heap.settle()
        assert heap.freezes == 1 and not heap.due
        assert gc.get_freeze_count() >= len(kept), "the survivors were not frozen"
        heap.settle()
        assert heap.freezes == 1, "froze again with no new full collection"
    finally:
        heap.stop()
        gc.unfreeze()
    assert heap._seen not in gc.callbacks


def test_held_for_the_start_collections_resume_at_the_apps_first_frame_with_the_start_frozen():
    asyncio.run(_first_frame())


async def _first_frame() -> None:
    heap = HeapFreezer()
    heap.hold()
    try:
        assert not gc.isenabled() and heap.held
        app = BlotterApp(Settings(client_id=1), Offline(), queue.SimpleQueue(), heap=heap)  # type: ignore[arg-type]
        async with app.run_test(size=(120, 36)) as pilot:
            await until(pilot, lambda: gc.isenabled(), "collections on again once the first frame is out")
            assert heap.freezes == 1 and not heap.held
            assert gc.get_freeze_count() > 10_000, "the app's start was not frozen"
    finally:
        heap.stop()
        gc.enable()
        gc.unfreeze()


def test_a_start_that_never_shows_a_frame_gets_its_collections_back_and_a_hold_keeps_a_caller_s_choice():
    heap = HeapFreezer()
    heap.hold()
    heap.stop()
    assert gc.isenabled() and heap.freezes == 0
    gc.disable()  # someone (a test, a profiler) turned collections off: not ours to turn back on
    try:
        other = HeapFreezer()
        other.hold()
        other.first_frame()
        other.stop()
        assert not gc.isenabled() and other.freezes == 0
    finally:
        gc.enable()
