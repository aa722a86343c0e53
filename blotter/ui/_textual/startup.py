"""What the blotter changes process-wide for Textual, and only when `install()` is called.

Frame rate: Textual draws a change at its next tick, at most TEXTUAL_FPS ticks a second (60 unless
set). Under a stream of fills a key's frame waited for a tick and for the reading thread's turn at the
interpreter; 120 ticks halve the first wait (bench/latency.py at 5,000 msgs/s: key -> frame p99 from
43-64 ms to 22-30 ms). Frames are still drawn only when something changed, and a user's own
TEXTUAL_FPS is kept. Textual reads the setting when it is imported, and a screen's tick from
`textual.screen.UPDATE_PERIOD` when its first refresh comes: install() sets both, as an unset
TEXTUAL_FPS read as 120 would have.

Turns at the interpreter: a thread that wants it while another runs Python waits for the other to
block or for the switch interval to pass (5 ms by default), and is then handed it. The UI thread
draws in bursts of a few milliseconds and the reading thread decodes between reads; at 5 ms the
reader took the interpreter from the middle of each longer frame or pump, stretching it to about
twice its CPU time. At 20 ms a frame usually ends first (bench/latency.py, fourteen runs of each
side by side: key -> frame p99 lower in eleven, arrival p99 in eleven; 1 ms was worse on both).
"""

from __future__ import annotations

import os
import sys

import textual.constants
import textual.screen

FRAMES_PER_SECOND = 120
SWITCH_INTERVAL = 0.02


def set_rates() -> None:
    """Textual at the blotter's frame rate (unless the user set one) and the interpreter at its switch interval."""
    if "TEXTUAL_FPS" not in os.environ:  # else Textual read the user's own when it was imported
        textual.constants.MAX_FPS = FRAMES_PER_SECOND  # type: ignore[misc]
        textual.screen.UPDATE_PERIOD = 1 / FRAMES_PER_SECOND  # type: ignore[misc]
    sys.setswitchinterval(SWITCH_INTERVAL)
