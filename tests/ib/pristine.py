"""Whether ibapi is IB's own: nothing of the blotter's in any of its loaded modules.

Only ibapi and the standard library here: tests/sim/conftest.py checks with it that the simulator's
conformance tests run against IB's untouched client.
"""

from __future__ import annotations

import sys

import ibapi.client
import ibapi.connection
import ibapi.decoder
import ibapi.order_condition
import ibapi.orderdecoder
import ibapi.reader
import ibapi.utils


def changes() -> list[str]:
    """Every module.name of ibapi that holds something not IB's: a blotter object, or the names the
    blotter is known to replace (the reader, the connection, the per-field decode) not being IB's."""
    found = sorted(f"{module_name}.{name}" for module_name, module in list(sys.modules.items())
                   if module is not None and (module_name == "ibapi" or module_name.startswith("ibapi."))
                   for name, value in list(vars(module).items())
                   if str(getattr(value, "__module__", None) or "").startswith("blotter"))
    own = {"ibapi.reader.EReader": ibapi.reader.EReader.__module__ == "ibapi.reader",
           "ibapi.client.Connection": ibapi.client.Connection is ibapi.connection.Connection,
           "ibapi.utils.decode": ibapi.utils.decode.__module__ == "ibapi.utils"}
    for module in (ibapi.decoder, ibapi.orderdecoder, ibapi.order_condition):
        own[f"{module.__name__}.decode"] = module.decode is ibapi.utils.decode
    return sorted(set(found) | {name for name, is_own in own.items() if not is_own})
