"""What survived a full garbage collection is frozen at the next frame, so the next one walks only newer objects;
quiet moments collect and freeze what the day added, and now and then thaw the heap to reclaim dead cycles."""

from __future__ import annotations

import asyncio
import gc
import queue
import weakref
from typing import Any, Iterator

import pytest

from blotter.config import Settings
from blotter.domain.events import ConnState, Connection
from blotter.ui.app import BlotterApp
from blotter.ui.heap import QUIET, THAW_EVERY, THAW_QUIET, HeapFreezer
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


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def heap(clock: Clock) -> Iterator[HeapFreezer]:
    """A freezer watching the collector, on a clock the test moves; afterwards collections are as they
    were and nothing is frozen."""
    freezer = HeapFreezer(clock)
    freezer.start()
    try:
        yield freezer
    finally:
        freezer.stop()
        gc.unfreeze()


def test_what_young_collections_moved_on_is_collected_and_frozen_after_a_quiet_second_and_only_then(heap, clock):
    kept = [{"fill": n} for n in range(1000)]
    gc.collect(1)  # a young collection moves them on to the oldest generation, unfrozen
    assert heap.promoted
    frozen = gc.get_freeze_count()
    clock.now = QUIET / 2
    heap.quiet()
    assert heap.quiet_collections == 0, "collected before the quiet second was over"
    clock.now = QUIET
    heap.quiet()
    assert heap.quiet_collections == 1 and heap.promoted == 0
    assert gc.get_freeze_count() >= frozen + len(kept), "what survived was not frozen"
    heap.quiet()
    assert heap.quiet_collections == 1, "collected again with nothing moved on since"
    heap.stir()
    gc.collect(1)
    heap.quiet()
    assert heap.quiet_collections == 1, "collected at once after a stir"


def test_a_cycle_that_died_frozen_is_reclaimed_by_the_thaw_after_a_long_quiet_and_not_twice_in_a_row(heap, clock):
    class Node:
        pass

    node = Node()
    node.me = node  # a cycle: reference counting alone never frees it
    alive = weakref.ref(node)
    gc.collect(1)
    clock.now = QUIET
    heap.quiet()  # frozen while alive...
    del node
    gc.collect()
    assert alive() is not None, "...and no collection reaches it"
    clock.now = THAW_EVERY - 1
    heap.quiet()
    assert heap.thaws == 0, "thawed sooner than THAW_EVERY after the start"
    clock.now = THAW_EVERY
    heap.quiet()
    assert heap.thaws == 1 and alive() is None, "the thaw did not reclaim the dead cycle"
    gc.collect(1)
    clock.now = THAW_EVERY + THAW_QUIET
    heap.quiet()
    assert heap.thaws == 1, "thawed twice within THAW_EVERY"


def test_no_quiet_collection_while_the_start_holds_collections(heap, clock):
    heap.hold()
    heap.promoted = 1
    clock.now = THAW_EVERY
    heap.quiet()
    assert heap.quiet_collections == 0 and heap.thaws == 0 and not gc.isenabled()


def test_a_key_or_news_from_tws_puts_the_quiet_collection_off(heap, clock):
    asyncio.run(_stirred(heap, clock))


async def _stirred(heap: HeapFreezer, clock: Clock) -> None:
    events: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
    app = BlotterApp(Settings(client_id=1), Offline(), events, heap=heap)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: gc.isenabled(), "collections on once the first frame is out")
        for stir in (lambda: pilot.press("j"), lambda: _news(events, pilot)):
            clock.now += THAW_QUIET / 2  # quiet for long enough, but for this
            await stir()
            before = heap.quiet_collections
            gc.collect(1)
            clock.now += QUIET / 2
            await pilot.pause(0.1)  # a few frames: each asks for a quiet collection
            assert heap.quiet_collections == before, "collected half a second after a stir"
            clock.now += QUIET / 2
            await until(pilot, lambda: heap.quiet_collections > before, "a quiet collection a second after")


async def _news(events: "queue.SimpleQueue[Any]", pilot: Any) -> None:
    events.put(Connection(ConnState.CONNECTING, "", "127.0.0.1", 7497, 1, 0, 0.0))
    await until(pilot, lambda: events.empty(), "the app took the event")
