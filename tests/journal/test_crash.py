"""The blotter (headless, a real process) is killed with SIGKILL in the middle of a burst of fills, started
again and reconnected: every fill the simulator sent is in the journal and in the Store exactly once."""

from __future__ import annotations

import time

import pytest

from blotter.journal import Archive, day_of
from tests.conftest import make_sim
from tests.journal.conftest import ACCOUNT, execution_ids, main_file, wait_gone

BURST = 3000  # fills the simulator pushes at every START_API of the client


@pytest.fixture
def flood_sim(server_version):
    sim = make_sim(scenario="flood", flood_fills=BURST, max_version=server_version)
    yield sim
    sim.stop()


def test_sigkill_in_a_burst_then_restart_loses_and_doubles_no_fill(flood_sim, directory, headless):
    sim = flood_sim
    first = headless(sim.port)
    first.wait(lambda lines: len(first.fill_ids) >= 1000, "the burst under way")
    first.kill()  # SIGKILL: no clean-up, no last write
    wait_gone(sim)
    sent_before = sim.call(lambda: len(sim.broker.fills))  # the simulator stops the burst for a closed socket
    kept = execution_ids(main_file(directory))
    assert len(kept) == len(set(kept)) < sent_before, "killed before the journal had the whole burst"
    print(f"killed with {len(kept)} of the {sent_before} fills sent so far in the journal")

    second = headless(sim.port)
    second.saw("unconfirmed until TWS resyncs")
    second.wait(lambda lines: len(second.fill_ids) >= sent_before + BURST, "every fill, old and new")
    lines = second.terminate()
    ours = sim.call(lambda: {f.exec_id for f in sim.broker.fills.values()})
    assert len(ours) == sent_before + BURST
    assert second.fill_ids == ours, "the store shows every fill the simulator sent"
    end = next(line for line in lines if line.startswith("END "))
    assert end.startswith(f"END fills {len(ours)} "), end  # the Store holds each exactly once

    journaled = execution_ids(main_file(directory))
    assert len(journaled) == len(set(journaled)) == len(ours), "each fill once in the journal"
    assert set(journaled) == ours
    records = Archive(directory, ACCOUNT).records(day_of(time.time()), ("Commission",))
    assert {r.event.exec_id for r in records} == ours, "and its commission"
