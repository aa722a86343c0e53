"""The simulated TWS in a child process, as `blotter --demo` runs it.

A real TWS is another process, and so is the demo's: the blotter's interpreter is left to the UI (no
simulator thread takes its turns), and the simulator starts on the other core while the blotter is
still importing. The child is `blotter-sim --port 0 --until-stdin-closes`: it prints the port it
listens on, and it stops when its standard input closes, which also happens when the blotter is
killed. It runs in a session of its own, so a Ctrl+C or Ctrl+Z meant for the blotter never reaches
it; what it says on stderr goes to `log`.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the directory holding the `blotter` package


class SimStartError(Exception):
    """The child did not come up listening: one line saying why."""


class SimProcess:
    """A `blotter-sim` child: `port()` once it listens, `stop()` at the end."""

    def __init__(self, *args: str, log: Path | None = None) -> None:
        self.log = log
        err: IO[bytes] | int = subprocess.DEVNULL
        if log is not None:
            try:
                err = open(log, "wb")
            except OSError:
                self.log = None
        env = dict(os.environ)
        if str(PACKAGE_ROOT) not in sys.path:  # this blotter came by a path the child would not search
            env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH")) if p)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "blotter.sim.cli", "--port", "0", "--until-stdin-closes", *args],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=env, bufsize=0,
                start_new_session=True)
        except OSError as exc:
            raise SimStartError(f"cannot start the simulated TWS: {exc.strerror or exc}") from None
        finally:
            if not isinstance(err, int):
                err.close()
        self._port: int | None = None

    def port(self, timeout: float = 15.0) -> int:
        """The port the child listens on, once it says so; SimStartError if it exits or stays silent."""
        if self._port is not None:
            return self._port
        assert self.proc.stdout is not None
        line = b""
        deadline = time.monotonic() + timeout
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise SimStartError(f"the simulated TWS said nothing in {timeout:g} s{self._why()}")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                more = os.read(self.proc.stdout.fileno(), 256)
                if not more:
                    raise SimStartError(f"the simulated TWS exited (code {self.proc.wait()}){self._why()}")
                line += more
        text = line.decode(errors="replace").strip()
        if not text.startswith("listening on ") or not text.rpartition(":")[2].isdigit():
            raise SimStartError(f"the simulated TWS said {text!r}, not where it listens")
        self._port = int(text.rpartition(":")[2])
        self.proc.stdout.close()  # it prints nothing more
        return self._port

    def stop(self, timeout: float = 5.0) -> int:
        """Close its standard input (it shuts down), wait for it, kill it if it lingers; its exit code."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
        finally:
            if self.proc.stdout is not None and not self.proc.stdout.closed:
                self.proc.stdout.close()

    def _why(self) -> str:
        """': ' and the last line the child wrote to its log, if any."""
        if self.log is None:
            return ""
        try:
            lines = [line for line in self.log.read_text(errors="replace").splitlines() if line.strip()]
        except OSError:
            return ""
        return f": {lines[-1].strip()}" if lines else ""
