"""The seam between the blotter and ibapi's internals: everything of ibapi's the blotter does otherwise.

- Per client, touching nothing of ibapi's: the blotter's `Client` (client.py) connects with a
  connection of its own (connection.py: a timeout, kept per connection), starts the linear reader
  (reader.py), runs a lean message loop that skips a frame it cannot read, reads text openOrders in
  one pass (open_order.py), and its wrapper vets every protobuf message before ibapi decodes it
  (vet.py, mixed into blotter.ib.bridge.Bridge).
- In ibapi's modules, only when asked: the faster per-field `decode` (decode.py), which ibapi's
  decoders reach by module-global name. `install()` puts it there; the blotter's start-up
  (blotter.cli) calls it once before connecting, as do the tests and benchmarks that run the
  blotter's client. `uninstall()` gives ibapi its own back; `installed()` scopes both.

Importing any of this changes nothing. tests/ib/test_ibapi_compat.py pins the ibapi release it was
written against (BUILT_FOR) and probes every private name and signature it relies on.
"""

from __future__ import annotations

import importlib
import logging
import threading
from contextlib import contextmanager
from types import ModuleType
from typing import Any, Iterator

import ibapi

log = logging.getLogger("blotter.ib")

BUILT_FOR = "10.50.02"  # ibapi.get_version_string() of the release every replacement here was checked against
DECODE_USERS = ("ibapi.utils", "ibapi.decoder", "ibapi.orderdecoder", "ibapi.order_condition")  # call `decode` by name

_originals: dict[tuple[ModuleType, str], Any] = {}  # what was replaced, to be put back
_lock = threading.Lock()


def install() -> None:
    """Give ibapi's decoders the blotter's `decode`. Idempotent."""
    from blotter.ib._ibapi.decode import decode

    if ibapi.get_version_string() != BUILT_FOR:
        log.warning("ibapi %s, not the %s blotter.ib._ibapi was checked against: run tests/ib/test_ibapi_compat.py",
                    ibapi.get_version_string(), BUILT_FOR)
    for name in DECODE_USERS:
        _replace(importlib.import_module(name), "decode", decode)


def install_reader_for_ibapi() -> None:
    """Make IB's own EClient start the linear reader (it builds `ibapi.reader.EReader` by name): for
    benchmarks and tests of a bare ibapi client under a flood. The blotter's Client needs none of this."""
    from ibapi import reader

    from blotter.ib._ibapi.reader import LinearReader

    _replace(reader, "EReader", LinearReader)


def uninstall() -> None:
    """Put back every ibapi name `install()` or `install_reader_for_ibapi()` replaced."""
    _restore(keep=set())


def replaced() -> list[str]:
    """The ibapi names replaced now, as module.name."""
    with _lock:
        return sorted(f"{module.__name__}.{name}" for module, name in _originals)


@contextmanager
def installed(reader_for_ibapi: bool = False) -> Iterator[None]:
    """install() (and install_reader_for_ibapi()) for the block; afterwards ibapi is as it was before it."""
    with _lock:
        before = set(_originals)
    install()
    if reader_for_ibapi:
        install_reader_for_ibapi()
    try:
        yield
    finally:
        _restore(keep=before)


def _replace(module: ModuleType, name: str, value: Any) -> None:
    with _lock:
        _originals.setdefault((module, name), getattr(module, name))
        setattr(module, name, value)


def _restore(keep: set[tuple[ModuleType, str]]) -> None:
    with _lock:
        for key in [key for key in _originals if key not in keep]:
            module, name = key
            setattr(module, name, _originals.pop(key))
