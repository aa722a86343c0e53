"""The status line: connection and how fresh it is, where to, who as, the safety badges and the journal."""

from __future__ import annotations

from math import ceil
from typing import Callable

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from blotter.domain.commands import Commands
from blotter.domain.events import ConnState
from blotter.domain.gap import duration
from blotter.domain.times import daily, seconds_since, seconds_to
from blotter.domain.rows import ConnectionInfo

GOOD = (ConnState.CONNECTED, ConnState.TWS_IB_RESTORED)


def no_note() -> tuple[str, str]:
    """The journal's word when there is no journal to speak of: nothing."""
    return "", ""


class StatusLine(Widget):
    """One line at the top; redrawn on connection changes and every half second for the age."""

    DEFAULT_CSS = "StatusLine { height: 1; background: $panel; }"

    def __init__(self, commands: Commands, info: Callable[[], ConnectionInfo], style_of: Callable[[str], Style],
                 clock: Callable[[], float], *, demo: bool, read_only: bool, host: str, port: int,
                 client_id: int, non_loopback: bool, note: Callable[[], tuple[str, str]] = no_note,
                 restart: str = "") -> None:
        super().__init__(id="status")
        self.commands, self.info, self.style_of, self.clock = commands, info, style_of, clock
        self.demo, self.read_only, self.where, self.client_id = demo, read_only, f"{host}:{port}", client_id
        self.non_loopback = non_loopback
        self.note = note  # the journal's word: (text, theme meaning), e.g. ("journal: unconfirmed", ...)
        self.restart = daily(restart) if restart else None  # [tws] restart: an outage then is TWS's

    def on_mount(self) -> None:
        self.set_interval(0.5, self.refresh)

    def render(self) -> Text:
        info = self.info()
        state = info.state
        text = Text(no_wrap=True, overflow="ellipsis")
        label = state.value.upper() if state is not None else "OFFLINE"  # None: a day read from the journal
        text.append(f" ● {label} ", self.style_of("state-ok" if state in GOOD else "state-bad"))
        last = self.commands.last_received
        if last:
            text.append(f"{_age(self.clock() - last)} ago ", self.style_of("muted"))
        outage = self._outage(info) if state is not None and state not in GOOD else ""
        if outage:  # before the badges: at 80 columns what matters while down is why and for how long
            text.append(f" {outage} ", self.style_of("state-bad"))
        accounts = self.commands.accounts
        for badge, meaning, shown in (
            ("DEMO", "badge-demo", self.demo),
            ("PAPER", "badge-paper", bool(accounts) and all(a.startswith("DU") for a in accounts)),
            ("LIVE", "badge-live", bool(accounts) and any(not a.startswith("DU") for a in accounts)),
            ("READ-ONLY", "badge-live", self.read_only),
            ("REMOTE HOST", "badge-live", self.non_loopback),
        ):
            if shown:
                text.append(f" {badge} ", self.style_of(meaning))
                text.append(" ")
        note, meaning = self.note()
        if note:
            text.append(f" {note} ", self.style_of(meaning))
            text.append(" ")
        parts = [self.where, f"client {self.client_id}"]
        if self.commands.server_version:
            parts.append(f"v{self.commands.server_version}")
        if accounts:
            parts.append(",".join(accounts))
        text.append(" · ".join(parts))
        return text

    def _outage(self, info: ConnectionInfo) -> str:
        """`TWS daily restart (23:45) · down 1m 05s · retry in 12s · connection to TWS lost`."""
        outage = []  # why last: a refused connect's reason is long, and the line ends where the screen does
        if info.down_since:
            if self.restart is not None and _restarting(self.restart, info.down_since):
                outage.append(f"TWS daily restart ({self.restart[0]:02d}:{self.restart[1]:02d})")
            outage.append(f"down {duration(self.clock() - info.down_since)}")
        wait = info.retry_at - self.clock()
        if wait > 0:
            outage.append(f"retry in {duration(ceil(wait))}")
        if info.detail:
            outage.append(info.detail)
        return " · ".join(outage)


def _restarting(at: tuple[int, int], down_since: float) -> bool:
    """Lost within a minute before the configured restart time, or in the quarter hour after it."""
    return seconds_to(at, down_since) <= 60 or seconds_since(at, down_since) <= 15 * 60


def _age(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    if seconds < 10:
        return f"{seconds:.1f}s"
    if seconds < 120:
        return f"{seconds:.0f}s"
    return f"{seconds / 60:.0f}m"
