"""The quick line: what a trader types (`BUY 100 AAPL LMT 144.80 GTC`) as an OrderRequest.

    SIDE QTY SYMBOL [SECTYPE] TYPE PRICES... [TIF | GTD date time [zone]] [OUTSIDE RTH | ORTH] [ACCT name]

Case-insensitive; `@ 144.80` stands for `LMT 144.80`; a trailing order takes an amount (1.50) or a
percent (2%). Each bad token gets its own message and position; arbitrary text never raises.
Whether the order makes sense for its contract is validation's business, not the parser's.
"""

from __future__ import annotations

import re
from datetime import timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import available_timezones

from blotter.domain.ticket import ORDER_KINDS, SIDES, TIFS, OrderRequest
from blotter.domain.times import tws_time, zone
from blotter.records import frozen

_TOKEN = re.compile(r"@|[^\s@]+")
_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_PRICE = re.compile(_NUMBER, re.ASCII)
_PERCENT = re.compile(_NUMBER + "%", re.ASCII)
_AMOUNT = re.compile(_NUMBER + "%?", re.ASCII)
_QUANTITY = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|" + _NUMBER, re.ASCII)
_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/]{0,23}", re.ASCII)
_DATE = re.compile(r"[0-9]{8}", re.ASCII)
_TIME = re.compile(r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?", re.ASCII)
_UTC_STAMP = re.compile(r"[0-9]{8}-[0-9]{2}:[0-9]{2}:[0-9]{2}", re.ASCII)
SEC_TYPES = frozenset({"STK", "FUT", "OPT", "FOP", "CASH", "IND", "CFD", "WAR", "BOND", "CRYPTO"})
# what a trader may type for each order type (longest first when several words)
_TYPE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("STP", "LMT"), "STP LMT"), (("STP", "LIMIT"), "STP LMT"), (("TRAIL", "LIMIT"), "TRAIL LIMIT"),
    (("TRAIL", "LMT"), "TRAIL LIMIT"), (("STPLMT",), "STP LMT"), (("TRAILLMT",), "TRAIL LIMIT"),
    (("TRAILLIMIT",), "TRAIL LIMIT"), *(((name,), name) for name in ORDER_KINDS if " " not in name),
)
_SIMPLE_TIFS = tuple(t for t in TIFS if t != "GTD")
_OPTIONS = frozenset({*TIFS, "OUTSIDE", "ORTH", "OUTSIDERTH", "ACCT", "ACCOUNT"})
_TYPE_HINT = ", ".join(list(ORDER_KINDS)) + " or @ price"
_OPTION_HINT = ", ".join(_SIMPLE_TIFS) + ", GTD date time, OUTSIDE RTH, ACCT name"


@frozen
class ParseError:
    """One bad (or missing) token: what it was, where it starts in the line, and what is wrong."""

    token: str
    position: int
    message: str

    def __str__(self) -> str:
        return self.message


@frozen
class ParseResult:
    """The request the line asks for, or the errors that stop it (never both)."""

    request: OrderRequest | None
    errors: tuple[ParseError, ...] = ()

    @property
    def ok(self) -> bool:
        return self.request is not None


class _Line:
    """The tokens of a line with a cursor, and the errors found so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [(m.group(), m.start()) for m in _TOKEN.finditer(text)]
        self.at = 0
        self.errors: list[ParseError] = []

    def peek(self, ahead: int = 0) -> str:
        index = self.at + ahead
        return self.tokens[index][0].upper() if index < len(self.tokens) else ""

    def take(self) -> tuple[str, int]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def bad(self, token: str, position: int, message: str) -> None:
        self.errors.append(ParseError(token, position, f"`{token}`: {message}"))

    def missing(self, message: str) -> None:
        """Something the line needs is not there: reported where the next token (or the end) is; at the
        end only the first thing missing is (the rest follows from it)."""
        ended = self.at >= len(self.tokens)
        if ended and any(e.position == len(self.text) and not e.token for e in self.errors):
            return
        position = len(self.text) if ended else self.tokens[self.at][1]
        self.errors.append(ParseError(self.peek(), position, message))

    def number(self, pattern: re.Pattern[str], what: str, after: str, needed: str = "") -> Decimal | None:
        """The next token as a number of `pattern` ("not a {what}"), or "missing {needed or what} after ..."
        when a keyword or the end comes first."""
        head = self.peek()
        if not head or head in _OPTIONS:
            self.missing(f"missing {needed or what} after {after}")
            return None
        token, position = self.take()
        if pattern.fullmatch(token):
            try:
                return Decimal(token.replace(",", "").rstrip("%"))
            except InvalidOperation:
                pass
        self.bad(token, position, f"not a {what}")
        return None


def parse(text: str) -> ParseResult:
    """A line as an OrderRequest, or a precise error for each bad token (never raises)."""
    line = _Line(str(text))
    if not line.tokens:
        return ParseResult(None, (ParseError("", 0, "empty line: type e.g. BUY 100 AAPL LMT 144.80"),))
    side, position = line.take()
    if side.upper() not in SIDES:
        line.bad(side, position, "not a side (BUY or SELL)")
    quantity = line.number(_QUANTITY, "quantity", side.upper())
    symbol = _symbol(line, line.tokens[line.at - 1][0] if line.at > 1 else side)
    sec_type = line.take()[0].upper() if line.peek() in SEC_TYPES else ""
    order = _order(line, symbol or "the symbol")
    options = _options(line, str(order.get("order_type", "")))
    if line.errors or quantity is None or not symbol or "order_type" not in order:
        return ParseResult(None, tuple(line.errors))
    return ParseResult(OrderRequest(side=side.upper(), quantity=quantity, symbol=symbol, sec_type=sec_type,
                                    **order, **options))  # type: ignore[arg-type]


def _symbol(line: _Line, after: str) -> str:
    if not line.peek():
        line.missing(f"missing symbol after {after}")
        return ""
    token, position = line.take()
    if _SYMBOL.fullmatch(token) and not (_PRICE.fullmatch(token) and "." in token):
        return token.upper()
    line.bad(token, position, "not a symbol")
    return ""


def _order_type(line: _Line) -> str:
    """The order type at the cursor (taking its words), or ""."""
    for words, name in _TYPE_WORDS:
        if all(line.peek(i) == w for i, w in enumerate(words)):
            for _ in words:
                line.take()
            return name
    return ""


def _order(line: _Line, after: str) -> dict[str, object]:
    """The order type and the prices it takes, in the order a trader says them."""
    head = line.peek()
    if head == "@":
        line.take()
        price = line.number(_PRICE, "price", "@")
        return {"order_type": "LMT", "lmt_price": price} if price is not None else {}
    name = _order_type(line)
    if not name:
        if not head or head in _OPTIONS:
            line.missing(f"missing order type after {after}: e.g. LMT 144.80, @ 144.80 or MKT")
        else:
            token, position = line.take()
            if _PRICE.fullmatch(token):
                line.bad(token, position, "a price needs LMT or @ before it")
            else:
                line.bad(token, position, f"not an order type ({_TYPE_HINT})")
        return {}
    kind = ORDER_KINDS[name]
    order: dict[str, object] = {"order_type": name}
    if kind.trailing:
        percent = line.peek().endswith("%")
        amount = line.number(_AMOUNT, "trailing amount or percent", name)
        if amount is not None and not percent and line.peek() == "%":
            line.take()
            percent = True
        if amount is not None:
            order["trailing_percent" if percent else "aux_price"] = amount
    elif kind.aux:
        order["aux_price"] = line.number(_PRICE, "price", name, f"{kind.aux} price")
    if kind.limit:
        if line.peek() == "@":
            line.take()
        order["lmt_price"] = line.number(_PRICE, "price", " ".join(_said(name, order)), "limit price")
    return order


def _said(name: str, order: dict[str, object]) -> list[str]:
    """The words before a limit price, for "missing limit price after STP LMT 150"."""
    words = [name]
    for key in ("aux_price", "trailing_percent"):
        if order.get(key) is not None:
            words.append(f"{order[key]}{'%' if key == 'trailing_percent' else ''}")
    return words


def _options(line: _Line, order_type: str) -> dict[str, object]:
    """TIF (with a GTD time), outside RTH and account, in any order."""
    found: dict[str, object] = {}
    while line.at < len(line.tokens):
        head = line.peek()
        token, position = line.take()
        if head in _SIMPLE_TIFS or head == "GTD":
            if "tif" in found:
                line.bad(token, position, f"a second TIF ({found['tif']} was given before)")
                continue
            found["tif"] = head
            if head == "GTD":
                found["gtd"] = _gtd(line)
        elif head in ("ORTH", "OUTSIDERTH") or (head == "OUTSIDE" and line.peek() == "RTH"):
            if head == "OUTSIDE":
                line.take()
            found["outside_rth"] = True
        elif head == "OUTSIDE":
            line.bad(token, position, "did you mean OUTSIDE RTH?")
        elif head in ("ACCT", "ACCOUNT"):
            if not line.peek() or line.peek() in _OPTIONS:
                line.missing(f"missing account after {head}")
            else:
                found["account"] = line.take()[0].upper()
        elif _PRICE.fullmatch(token) or _PERCENT.fullmatch(token):
            kind = ORDER_KINDS.get(order_type)
            if kind is not None and not kind.limit and not kind.aux:
                line.bad(token, position, f"{order_type} carries no price")
            else:
                line.bad(token, position, f"one price too many for {order_type}" if kind else "an extra price")
        else:
            line.bad(token, position, f"not a TIF or option ({_OPTION_HINT})")
    return found


def _gtd(line: _Line) -> str | None:
    """GTD's time as TWS reads it: "YYYYMMDD HH:MM:SS [zone]" or "YYYYMMDD-HH:MM:SS" (UTC)."""
    if not line.peek() or line.peek() in _OPTIONS:
        line.missing("missing date after GTD: e.g. GTD 20261120 16:00:00")
        return None
    date, position = line.take()
    if _UTC_STAMP.fullmatch(date) and tws_time(date, timezone.utc):
        return date
    clock, at = line.take() if line.peek()[:1].isdigit() else ("", len(line.text))
    name, where = line.take() if "/" in line.peek() or line.peek() in ("UTC", "GMT") else ("", 0)
    if not (_DATE.fullmatch(date) and tws_time(f"{date} 00:00:00", timezone.utc)):
        line.bad(date, position, "not a date (YYYYMMDD)")
        return None
    if not clock:
        line.missing(f"missing time after GTD {date}: e.g. 16:00:00")
        return None
    full = clock if clock.count(":") == 2 else clock + ":00"
    stamp = f"{date} {int(full[:-6]):02d}{full[-6:]}" if _TIME.fullmatch(clock) else ""
    if not (stamp and tws_time(stamp, timezone.utc)):
        line.bad(clock, at, "not a time (HH:MM:SS)")
        return None
    known = _zone_name(name) if name else ""
    if known is None:
        line.bad(name, where, "not a time zone (e.g. US/Eastern, UTC)")
        return None
    return f"{stamp} {known}" if known else stamp


def _zone_name(name: str) -> str | None:
    """A zone's proper name, whatever case it was typed in."""
    if name.upper() in ("UTC", "GMT"):
        return name.upper()
    if zone(name) is not None:
        return name
    return _zones().get(name.lower())


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}
