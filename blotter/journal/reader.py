"""Reading the journal back: the days it holds, a day's records, and a day as a Store.

A reader never writes. It merges an account's main file with its side files (written while the main
one was locked) by time, skips a record it cannot decode and says so, and reports a file it cannot open
instead of failing: what could be read is still shown.
"""

from __future__ import annotations

import heapq
import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Iterable, NamedTuple

from blotter.domain.events import Event
from blotter.domain.store import Store
from blotter.journal import codec, db

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Record(NamedTuple):
    """One journaled event: the day and time it belongs to, and for a request the user action behind it."""

    day: str
    at: float
    kind: str
    event: Event
    cause: str


def parse_day(text: str) -> str:
    """A YYYY-MM-DD date checked for being a real day; ValueError with a one-line reason if it is not."""
    if not _DAY.match(text):
        raise ValueError(f"bad date {text!r}: use YYYY-MM-DD")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise ValueError(f"bad date {text!r}: {exc}") from None


class Archive:
    """An account's journal files in a directory, for reading."""

    def __init__(self, directory: Path, account: str) -> None:
        self.directory, self.account = directory, account
        self.warnings: list[str] = []  # what could not be read, from the last call

    def files(self) -> list[Path]:
        return db.files_of(self.directory, self.account)

    def exists(self) -> bool:
        return bool(self.files())

    def _each(self, query: str, args: tuple) -> Iterable[tuple[Path, list[tuple]]]:
        for path in self.files():
            try:
                conn = db.open_readable(path)
            except (sqlite3.Error, db.JournalError) as exc:
                self.warnings.append(f"cannot read journal {path}: {_why(exc)}")
                continue
            try:
                yield path, conn.execute(query, args).fetchall()
            except sqlite3.Error as exc:
                self.warnings.append(f"cannot read journal {path}: {_why(exc)}")
            finally:
                conn.close()

    def days(self) -> list[str]:
        """Every day with records, oldest first."""
        self.warnings = []
        found: set[str] = set()
        for _, rows in self._each("SELECT DISTINCT day FROM events", ()):
            found |= {row[0] for row in rows}
        return sorted(found)

    def records(self, day: str, kinds: Iterable[str] | None = None) -> list[Record]:
        """A day's records in the order they happened (files merged by time)."""
        self.warnings = []
        query = "SELECT day, at, kind, data, cause FROM events WHERE day = ?"
        args: tuple[str, ...] = (day,)
        wanted = tuple(kinds) if kinds is not None else ()
        if wanted:
            query += f" AND kind IN ({','.join('?' * len(wanted))})"
            args += wanted
        streams = []
        for path, rows in self._each(query + " ORDER BY seq", args):
            decoded = []
            for day_, at, kind, data, cause in rows:
                try:
                    decoded.append(Record(day_, at, kind, codec.decode(kind, data, at), cause))
                except codec.FormatError as exc:
                    self.warnings.append(f"journal {path.name}: a {kind} record skipped: {exc}")
            streams.append(decoded)
        if len(streams) == 1:
            return streams[0]
        return list(heapq.merge(*streams, key=lambda r: r.at))

    def store(self, day: str, client_id: int | None = None) -> Store:
        """The day as the blotter shows it, rebuilt from its records."""
        store = Store()
        store.load([r.event for r in self.records(day)], client_id)
        return store


def _why(exc: BaseException) -> str:
    if db.corrupt(exc):
        return f"not a readable database ({exc})"
    if db.locked(exc):
        return f"locked by another program ({exc})"
    return str(exc)
