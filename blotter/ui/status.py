"""The status line: connection and how fresh it is, where to, who as, the safety badges and the journal."""

from __future__ import annotations

from typing import Callable

NO_NOTE: Callable[[], tuple[str, str]] = lambda: ("", "")

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from blotter.domain.commands import Commands
from blotter.domain.events import ConnState
from blotter.domain.rows import ConnectionInfo

GOOD = (ConnState.CONNECTED, ConnState.TWS_IB_RESTORED)


class StatusLine(Widget):
    """One line at the top; redrawn on connection changes and every half second for the age."""

    DEFAULT_CSS = "StatusLine { height: 1; background: $panel; }"

    def __init__(self, commands: Commands, info: Callable[[], ConnectionInfo], style_of: Callable[[str], Style],
                 clock: Callable[[], float], *, demo: bool, read_only: bool, host: str, port: int,
                 client_id: int, non_loopback: bool, note: Callable[[], tuple[str, str]] = NO_NOTE) -> None:
        super().__init__(id="status")
        self.commands, self.info, self.style_of, self.clock = commands, info, style_of, clock
        self.demo, self.read_only, self.where, self.client_id = demo, read_only, f"{host}:{port}", client_id
        self.non_loopback = non_loopback
        self.note = note  # the journal's word: (text, theme meaning), e.g. ("journal: unconfirmed", ...)

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
        if info.detail and state is not None and state not in GOOD:
            text.append(f" · {info.detail}", self.style_of("state-bad"))
        return text


def _age(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    if seconds < 10:
        return f"{seconds:.1f}s"
    if seconds < 120:
        return f"{seconds:.0f}s"
    return f"{seconds / 60:.0f}m"
