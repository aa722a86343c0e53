"""The simulator's tests check it against IB's own client: ibapi must be untouched in every one of them."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.ib.pristine import changes


@pytest.fixture(autouse=True)
def ibapi_is_ibs_own() -> Iterator[None]:
    """Fails a test that starts (or ends) with ibapi changed: a replacement leaked from another test."""
    assert not changes(), f"ibapi is not IB's own in a conformance test: {changes()}"
    yield
    assert not changes(), f"ibapi was changed during this test: {changes()}"
