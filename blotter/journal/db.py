"""Where the journal lives and how its SQLite files are opened: WAL, mode 0600, one database per account.

`$XDG_DATA_HOME/blotter/journal-<account>.sqlite` (default `~/.local/share/blotter`). When that file is
locked by another program the blotter writes to a side file `journal-<account>.<n>.sqlite` instead; a
file that is not a database is kept aside as `<name>.corrupt-<time>` and a new one started. Readers merge
the main file and its side files.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,          -- the order things happened in
    day TEXT NOT NULL,                -- local date YYYY-MM-DD the event belongs to
    at REAL NOT NULL,                 -- the event's own time (time.time()), 0 if it has none
    kind TEXT NOT NULL,               -- the event's class name: OpenOrder, Execution, OrderSent...
    entity TEXT NOT NULL DEFAULT '',  -- what it is about: an order key, an execId ('' for messages, requests)
    data TEXT NOT NULL,               -- the event as JSON (codec.py), without its time
    cause TEXT NOT NULL DEFAULT ''    -- for a request sent or refused: the user action that caused it
);
CREATE INDEX IF NOT EXISTS events_by_day ON events (day, seq);
CREATE UNIQUE INDEX IF NOT EXISTS one_row_per_execution ON events (entity) WHERE kind = 'Execution';
"""
_SAFE = re.compile(r"[^A-Za-z0-9_-]")
_SIDE = re.compile(r"^journal-(?P<account>[A-Za-z0-9_-]+?)(?:\.(?P<n>\d+))?\.sqlite$")


class JournalError(Exception):
    """A journal that cannot be used; the message is one line for the user."""


def data_dir() -> Path:
    """$XDG_DATA_HOME/blotter, by default ~/.local/share/blotter."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "blotter"


def file_for(directory: Path, account: str, n: int = 0) -> Path:
    safe = _SAFE.sub("_", account) or "unknown"
    return directory / (f"journal-{safe}.sqlite" if n == 0 else f"journal-{safe}.{n}.sqlite")


def files_of(directory: Path, account: str) -> list[Path]:
    """The account's journal files that exist: the main file first, then its side files in order."""
    safe = _SAFE.sub("_", account) or "unknown"
    found: list[tuple[int, Path]] = []
    if directory.is_dir():
        for path in directory.iterdir():
            m = _SIDE.match(path.name)
            if m and m["account"] == safe:
                found.append((int(m["n"] or 0), path))
    return [path for _, path in sorted(found)]


def accounts_in(directory: Path) -> list[str]:
    """The accounts that have a journal here."""
    if not directory.is_dir():
        return []
    return sorted({m["account"] for p in directory.iterdir() if (m := _SIDE.match(p.name))})


def corrupt(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.DatabaseError) and ("not a database" in text or "malformed" in text
                                                      or "encrypted" in text)


def locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def open_writable(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open (creating, mode 0600) a journal for writing and take the write lock once to prove it is ours.

    Raises sqlite3 errors as they come: the caller tells a corrupt file from a locked one.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)  # SQLite gives its -wal / -shm files the same mode
    os.close(fd)
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL: a commit survives a crash of the blotter
        # the write lock, taken once here (within busy_timeout), says at once if another program holds it
        conn.executescript(f"BEGIN IMMEDIATE; {SCHEMA} "
                           f"INSERT OR IGNORE INTO meta VALUES ('schema', '{SCHEMA_VERSION}'); COMMIT;")
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if version is None or int(version[0]) > SCHEMA_VERSION:
            raise JournalError(f"{path} was written by a newer blotter (schema {version and version[0]})")
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        conn.close()
        raise
    return conn


def open_readable(path: Path, busy_timeout: float = 1.0) -> sqlite3.Connection:
    """Open a journal to read only (it must exist); sqlite3 errors as they come."""
    if not path.is_file():
        raise JournalError(f"no journal at {path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        if locked(exc) or corrupt(exc):
            raise
        # a WAL file whose -shm cannot be made read-only: open it normally, still only reading
        conn = sqlite3.connect(path, timeout=busy_timeout, check_same_thread=False)
        conn.execute("PRAGMA query_only=ON")
    return conn


def set_aside(path: Path) -> Path:
    """Keep a corrupt journal (and its -wal / -shm) under a new name, never deleting a byte of it."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        aside, n = path.with_name(f"{path.name}.corrupt-{stamp}-{n}"), n + 1
    for suffix in ("", "-wal", "-shm"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            extra.rename(Path(str(aside) + suffix))
    return aside
