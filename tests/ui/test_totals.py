"""The commissions & day totals pane follows each fill on what a terminal shows."""

from __future__ import annotations

import asyncio
import re

from tests.ui.conftest import Terminal, until
from tests.ui.test_filter import morning_on_screen
from tests.ui.test_partial_updates import fill


def totals(term: Terminal, name: str) -> tuple[int, int, int] | None:
    """A totals row's fills, bought and sold as the terminal shows them."""
    for line in term.screen.display:
        found = re.search(rf"│{re.escape(name)} +(\d+) +(\d+) +(\d+) ", line)
        if found:
            return int(found[1]), int(found[2]), int(found[3])
    return None


def test_each_fill_redraws_its_symbols_and_currencys_totals():
    asyncio.run(_each_fill_redraws_totals())


async def _each_fill_redraws_totals() -> None:
    async with morning_on_screen() as (app, term, pilot):
        # the morning: AAPL bought 100 at fills 0, 6 and sold 100 at fills 3, 9 (of 12, in turn)
        await until(pilot, lambda: totals(term, "AAPL") == (4, 200, 200), "the morning's AAPL totals")
        assert totals(term, "Σ USD") == (12, 600, 600)
        # then two more AAPL buys, one at a time: each must show as it comes
        for n, aapl, usd in ((12, (5, 300, 200), (13, 700, 600)), (13, (6, 400, 200), (14, 800, 600))):
            for event in fill(n):
                app.events.put(event)
            await until(pilot, lambda: totals(term, "AAPL") == aapl and totals(term, "Σ USD") == usd,
                        f"the totals after fill {n}")
