"""The only package that imports `textual`: the app, screens, widgets, bindings and theme loading.

Frame rate: Textual draws a change at its next tick, at most TEXTUAL_FPS ticks a second (60 unless
set), and reads the setting when it is first imported, which is here, after this. Under a stream of
fills a key's frame waited for a tick and for the reading thread's turn at the interpreter; 120 ticks
halve the first wait (bench/latency.py at 5,000 msgs/s: key -> frame p99 from 43-64 ms to 22-30 ms).
Frames are still drawn only when something changed, and a user's own TEXTUAL_FPS is kept.
"""

import os

FRAMES_PER_SECOND = 120
os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))
