"""End to end as a trader does it: `blotter --demo` in a real pseudo-terminal, driven by keys.

A VT emulator (pyte) turns the program's output into the screen a person would read.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Callable, Iterator

import pyte
import pytest

COLS, ROWS = 120, 36
CURSOR_BG = "4a9eff"  # the dark theme's cursor background (themes/dark.toml, meaning "cursor")


class Terminal:
    """A program on a pseudo-terminal, with the screen as the emulator renders it."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait(self, seen: Callable[[str], bool], what: str, timeout: float = 20.0) -> str:
        """Read the program's output until the screen shows what we wait for."""
        deadline = time.monotonic() + timeout
        while not seen(self.text()):
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise AssertionError(f"never saw {what}; the screen was:\n{self.text()}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if ready:
                try:
                    self.stream.feed(os.read(self.fd, 65536))
                except OSError:
                    break
        return self.text()

    def cursor_line(self) -> str:
        """The orders pane's highlighted row: the line drawn in the theme's cursor background."""
        for y in range(ROWS):
            line = self.screen.buffer[y]
            if sum(1 for x in range(COLS) if line[x].bg == CURSOR_BG) > COLS // 2:
                return self.screen.display[y]
        return ""

    def wait_exit(self, timeout: float = 20.0) -> int:
        """Wait for the program to end, reading what it still writes (a full pty would block it)."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.stream.feed(os.read(self.fd, 65536))
                except OSError:
                    pass
        return self.proc.wait(1)

    def keys(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        os.close(self.fd)


@pytest.fixture
def blotter(tmp_path: Path) -> Iterator[Terminal]:
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "COLUMNS": str(COLS), "LINES": str(ROWS)}
    env.pop("NO_COLOR", None)
    term = Terminal([sys.executable, "-m", "blotter", "--demo"], env)
    yield term
    term.close()


def orders_pane(screen: str) -> str:
    """The open-orders pane's lines (from its title to the fills pane)."""
    lines = screen.splitlines()
    start = next(i for i, line in enumerate(lines) if "orders (" in line)
    end = next(i for i, line in enumerate(lines) if "Fills (" in line)
    return "\n".join(lines[start:end])


def test_type_an_order_see_it_working_then_cancel_it_by_keys(blotter: Terminal):
    blotter.wait(lambda s: "CONNECTED" in s and "Open orders" in s, "the blotter connected")
    blotter.keys("nBUY 7 AAPL STK LMT 199.99 DAY")  # typed at once, as a quick trader does
    blotter.wait(lambda s: "limit 199.99 is" in s and "below the ask" in s, "the precaution warning")
    blotter.keys("\r")
    blotter.wait(lambda s: "SEND BUY 7 AAPL LMT limit 199.99 DAY" in s and "TWS preview: commission" in s,
                 "the review with TWS's preview")
    blotter.keys("\r")
    screen = blotter.wait(lambda s: "Esc: leave" not in s and "199.99" in orders_pane(s) and
                          "Submitted" in next(line for line in orders_pane(s).splitlines() if "199.99" in line),
                          "the order working in the open-orders pane")
    row = next(line for line in orders_pane(screen).splitlines() if "199.99" in line)
    assert " BUY " in row and " 7 " in row and "AAPL" in row

    # move the cursor to our order with the keys (the highlighted row is the one with the cursor colour)
    blotter.wait(lambda s: blotter.cursor_line(), "the cursor row")
    for _ in range(12):
        if "199.99" in blotter.cursor_line():
            break
        before = blotter.cursor_line()
        blotter.keys("j")
        blotter.wait(lambda s: blotter.cursor_line() not in ("", before), "the cursor to move down")
    assert "199.99" in blotter.cursor_line()
    blotter.keys("c")
    blotter.wait(lambda s: "Cancel this order?" in s and "BUY 7 AAPL LMT 199.99" in s, "the cancel confirmation")
    blotter.keys("y")
    blotter.wait(lambda s: "Cancel this order?" not in s and not any(
        "199.99" in line for line in orders_pane(s).splitlines() if line.startswith("│")),
        "the order gone from the open orders")
    blotter.keys("d")
    blotter.wait(lambda s: "Finished orders (" in s and any(
        "199.99" in line and "Cancelled" in line and line.startswith("│") for line in orders_pane(s).splitlines()),
        "our order Cancelled in the finished view")
    blotter.keys("q")
    assert blotter.wait_exit() == 0


def test_escape_and_the_next_key_in_one_read_are_two_keys(blotter: Terminal):
    """Over a slow link (or typed within Textual's 0.1 s escape delay) Esc and the key after it reach the
    program in one read, which terminals also send for alt+key. The blotter binds no alt+letter: it
    takes them as the two keys the trader pressed."""
    blotter.wait(lambda s: "CONNECTED" in s and "Fills (" in s, "the blotter connected")
    blotter.keys("2/ms")
    blotter.wait(lambda s: "filter: ms" in s, "the fills filtered")
    blotter.keys("\x1bn")  # Esc leaves the filter (and clears it); n opens a ticket
    blotter.wait(lambda s: "Esc: leave, nothing is sent" in s, "the ticket")  # n not typed into the filter
    blotter.keys("\x1b")
    screen = blotter.wait(lambda s: "Esc: leave" not in s, "the ticket closed")
    assert "filter:" not in screen  # cleared by the Esc
    blotter.keys("2/ms")
    blotter.wait(lambda s: "filter: ms" in s, "the fills filtered again")
    blotter.keys("\x1b1")  # Esc, then 1 to the orders (Textual reads Esc 1 as macOS's Option-1, ¡)
    screen = blotter.wait(lambda s: "filter:" not in s, "the filter left")
    assert "¡" not in screen
    blotter.keys("\x1bq")  # Esc (nothing open) then q: quit
    assert blotter.wait_exit() == 0
