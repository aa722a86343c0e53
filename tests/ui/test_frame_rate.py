"""The blotter asks Textual for 120 ticks a second (a key's frame waits for the next tick), unless the
user set TEXTUAL_FPS: then theirs is kept. Each case in a fresh interpreter, as `blotter` starts (its
app calls blotter.ui._textual.install())."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from blotter.ui._textual import FRAMES_PER_SECOND

ASK = ("import blotter.ui.app, blotter.ui._textual, textual.screen; blotter.ui._textual.install(); "
       "print(round(1 / textual.screen.UPDATE_PERIOD))")


@pytest.mark.parametrize("own, expected", [(None, FRAMES_PER_SECOND), ("30", 30)])
def test_textual_ticks_at_the_blotters_rate_unless_the_user_set_one(own, expected):
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if own is not None:
        env["TEXTUAL_FPS"] = own
    out = subprocess.run([sys.executable, "-c", ASK], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) == expected
