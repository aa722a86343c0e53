"""What survived a full garbage collection is frozen at the next frame, so the next one walks only newer objects."""

from __future__ import annotations

import gc

from blotter.ui.heap import HeapFreezer


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
