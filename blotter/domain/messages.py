"""How serious a TWS message is, and whether it can concern an order: from its code alone."""

from __future__ import annotations

from enum import Enum


class Severity(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CONNECTIVITY = "connectivity"  # TWS <-> IB link lost / restored, socket reset


CONNECTIVITY_CODES = frozenset({1100, 1101, 1102, 1300})
# Confirmations and "farm OK" notices: nothing wrong. 202 is the normal answer to a cancel.
INFO_CODES = frozenset({202, 2104, 2106, 2107, 2108, 2119, 2158})
# Warnings outside 2100-2199: order messages (399), delayed or missing market data, TIF set by a preset.
WARNING_CODES = frozenset({399, 10089, 10090, 10167, 10168, 10197, 10349})
# The connection, not an order: could not connect, not connected, out of date, bad message length.
CONNECTION_CODES = frozenset({502, 503, 504, 507})


def severity(code: int) -> Severity:
    """INFO / WARNING / ERROR / CONNECTIVITY for an error() code."""
    if code in CONNECTIVITY_CODES:
        return Severity.CONNECTIVITY
    if code in INFO_CODES:
        return Severity.INFO
    if code in WARNING_CODES or 2100 <= code <= 2199:
        return Severity.WARNING
    return Severity.ERROR


class Effect(Enum):
    """What a message with an order's id does to that order."""

    INFO = "info"  # nothing: shown in the messages pane only
    WARNING = "warning"  # nothing: worth reading there, the order goes on
    KEEPS = "keeps"  # a request on the order failed (a cancel, say): the row's last error, the order still working
    FATAL = "fatal"  # the order's error; an order TWS never acknowledged is rejected by it


# Errors about a cancel that lost a race or came too late: the order itself is untouched.
KEEPS_CODES = frozenset({161, 10147, 10148})
EFFECT_NAMES = {effect.value: effect for effect in Effect}


def effect(code: int, local_only: bool, overrides: dict[int, Effect]) -> Effect:
    """What the message does to an order (the config's [errors] table first), `local_only`: the order is
    not acknowledged yet. Connection codes (502/504...) are not about an acknowledged order; on a row TWS
    never acknowledged, 504 is ibapi saying the placeOrder never left, so it rejects that row."""
    chosen = overrides.get(code)
    if chosen is not None:
        return chosen
    kind = severity(code)
    if kind is not Severity.ERROR:
        return Effect.WARNING if kind is Severity.WARNING else Effect.INFO
    if code in KEEPS_CODES:
        return Effect.KEEPS
    if code in CONNECTION_CODES and not local_only:
        return Effect.INFO
    return Effect.FATAL


def code_effects(table: dict[str, str]) -> dict[int, Effect]:
    """The config's [errors] table (`10349 = "info"`) as code -> Effect; ValueError names a bad entry."""
    out: dict[int, Effect] = {}
    for code, name in table.items():
        if not str(code).isdigit():
            raise ValueError(f"{code!r} is not an error code")
        chosen = EFFECT_NAMES.get(str(name).lower())
        if chosen is None:
            raise ValueError(f"{code} = {name!r}: say one of {', '.join(EFFECT_NAMES)}")
        out[int(code)] = chosen
    return out
