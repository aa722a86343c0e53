"""A faster drop-in for ibapi's per-field `decode`, which every incoming message calls once per field.

ibapi 10.50.2's `ibapi.utils.decode` logs every field at debug level (formatting work even when the
log is off) and decodes each bytes field to text several times over before converting it. An
openOrder calls it about 150 times, so it is most of the cost of reading a flood of fills: 70 % of
ibapi's decoding time, measured with cProfile on the simulator's flood (bench/README.md).

`decode` here returns exactly what ibapi's returns, for every type and flag it is called with, and
raises the same kinds of error for a field it cannot read (tests/ib/test_decode.py compares the two
on generated fields). Types it does not know go to ibapi's own. ibapi's decoders call it by
module-global name, so it takes effect only through blotter.ib._ibapi.install().
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterator

from ibapi import utils as ibapi_utils
from ibapi.const import DOUBLE_INFINITY, UNSET_DECIMAL, UNSET_DOUBLE, UNSET_INTEGER
from ibapi.utils import BadMessage

IBAPI_DECODE = ibapi_utils.decode
SHARED_LONGEST, SHARED_MOST = 16, 8192  # fields kept as one shared object apiece (see shared)
UNSET_DECIMAL_TEXT = frozenset(
    (b"2147483647", b"9223372036854775807", b"1.7976931348623157E308", b"-9223372036854775808"))
_INFINITY = b"Infinity"


def decode(the_type: Any, fields: Iterator[bytes], show_unset: bool = False, use_unicode: bool = False) -> Any:
    """The next field of `fields` as `the_type`: what ibapi.utils.decode returns, without its cost."""
    if the_type not in _KNOWN:
        return IBAPI_DECODE(the_type, fields, show_unset, use_unicode)
    try:
        s = next(fields)
    except StopIteration:
        raise BadMessage("no more fields") from None
    if type(s) is not bytes:  # ibapi's reader only ever hands bytes; anything else takes ibapi's path
        return IBAPI_DECODE(the_type, iter((s,)), show_unset, use_unicode)
    if the_type is str:
        if use_unicode:
            return s.decode("unicode-escape", errors="backslashreplace")
        text = _TEXTS.get(s)
        if text is None:
            text = shared(_TEXTS, s, s.decode("UTF-8", errors="backslashreplace"))
        return text
    if the_type is int:
        return UNSET_INTEGER if show_unset and not s else int(s or 0)
    if the_type is float:
        if s == _INFINITY:
            return DOUBLE_INFINITY
        return UNSET_DOUBLE if show_unset and not s else float(s or 0)
    if the_type is bool:
        return (UNSET_INTEGER if show_unset and not s else int(s or 0)) != 0
    if not s or s in UNSET_DECIMAL_TEXT:  # Decimal
        return UNSET_DECIMAL
    number = _DECIMALS.get(s)
    if number is None:
        number = shared(_DECIMALS, s, Decimal(s.decode()))
    return number


# A day's orders and fills repeat the same few short fields (the account, symbol, exchange, currency,
# side, order type, time in force, status; quantities like 100): one object apiece for all of them,
# not one a message. A day of 100,000 orders and fills held about 8 strings and 3 Decimals each that
# only repeated others (`python bench/throughput.py`, measured with tracemalloc). Both kinds are
# immutable, so sharing is safe; a field longer than SHARED_LONGEST (an exec id) is nearly always new.
_TEXTS: dict[bytes, str] = {}
_DECIMALS: dict[bytes, Decimal] = {}


def shared(kept: dict[Any, Any], field: bytes | str, value: Any) -> Any:
    """`value`, kept in `kept` under `field` for the next message that brings the same short field."""
    if len(field) <= SHARED_LONGEST:
        if len(kept) >= SHARED_MOST:  # many distinct ones (order refs, prices): start again
            kept.clear()
        kept[field] = value
    return value


_KNOWN = frozenset((str, int, float, bool, Decimal))

