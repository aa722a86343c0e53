"""The blotter's Textual app: status line, the four panes, the keys, and the pump from queue to Store.

A timer drains the event queue in batches (never one call per event), applies each batch to the
Store and tells each pane what changed, so a frame redraws only changed rows.
"""

from __future__ import annotations

import queue
import time
from typing import Any, Callable, Iterable

from rich.style import Style
from textual.app import App, ComposeResult, SystemCommand
from textual.screen import Screen
from textual.containers import Horizontal, Vertical
from textual.theme import Theme
from textual.widgets import Footer, Input

from blotter.config import Settings
from blotter.domain.commands import Commands
from blotter.domain.events import ConnState
from blotter.domain.feed import drain
from blotter.domain.reference import Reference
from blotter.domain.rows import Changes, OrderRow
from blotter.domain.store import Store
from blotter.domain.text import order_line
from blotter.ui import theme as themes
from blotter.ui.bindings import KEYS, app_bindings, keymap
from blotter.ui.dialogs import ConfirmCancel, ConfirmCancelAll, Help
from blotter.ui.panes import FillsPane, MessagesPane, OrdersPane, Pane, TotalsPane
from blotter.ui.status import StatusLine

_HELP = {
    "ticket": "Open the order ticket", "modify": "Modify the selected working order",
    "cancel": "Cancel the selected working order", "cancel_all": "Cancel every working order (global cancel)",
    "toggle_finished": "Show finished orders / open orders", "filter": "Filter the focused pane",
    "sort": "Sort the focused pane by the next column", "focus_pane": "Go to a pane", "help": "Show the keys",
}
PUMP_INTERVAL = 1 / 30  # seconds between drains: about a frame
SENDING = {"ticket", "modify", "cancel", "cancel_all"}
IMMEDIATE = SENDING | {"filter", "help"}
LIVE_STATES = (ConnState.CONNECTED, ConnState.TWS_IB_RESTORED, ConnState.TWS_IB_LOST)


class BlotterApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "blotter"
    BINDINGS = app_bindings()

    def __init__(self, settings: Settings, commands: Commands, events: "queue.SimpleQueue[Any]", *,
                 clock: Callable[[], float] = time.time, demo: bool = False) -> None:
        super().__init__()
        self.settings = settings
        self.commands = commands
        self.events = events
        self.clock = clock
        self.demo = demo
        self.store = Store()
        self.reference = Reference()
        self._styles: dict[str, Style] = {}
        self._spec = themes.ThemeSpec("none", True)
        # screens waiting on reference data or what-if answers: called with (request ids touched, changes)
        self.listeners: list[Callable[[set[int], Changes], None]] = []

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        s = self.settings
        yield StatusLine(self.commands, lambda: self.store.connection, self.style_of, self.clock,
                         demo=self.demo, read_only=s.read_only, host=s.host, port=s.port, client_id=s.client_id,
                         non_loopback=s.host not in ("127.0.0.1", "localhost", "::1"))
        with Vertical(id="main"):
            yield OrdersPane(self.store, self.style_of)
            yield FillsPane(self.store, self.style_of)
            with Horizontal(id="bottom"):
                yield TotalsPane(self.store, self.style_of, id="commissions")
                yield MessagesPane(self.store, self.style_of)
        yield Footer()

    def on_mount(self) -> None:
        self._load_theme(self.settings.theme)
        mapping, unknown = keymap(self.settings.keys)
        self.set_keymap(mapping)
        if unknown:
            self.notify(f"config [keys]: no binding called {', '.join(unknown)}", severity="warning")
        self.query_one("#orders-table").focus()
        self.set_interval(PUMP_INTERVAL, self.pump)
        self.pump()

    @property
    def panes(self) -> list[Pane]:
        return list(self.query(".pane").results(Pane))

    def pane(self, name: str) -> Pane:
        return self.query_one(f"#{name}", Pane)

    # -- themes -------------------------------------------------------------------------------

    def _load_theme(self, name: str) -> None:
        """Register every theme file; use `name`, or fall back to the default with a notification."""
        for available in themes.available():
            try:
                spec = themes.read(available)
            except themes.ThemeError as exc:
                if available == name:
                    self.notify(f"{exc}; using {themes.DEFAULT}", severity="error", timeout=10)
                continue
            self.register_theme(Theme(name=f"blotter-{available}", dark=spec.dark, **spec.base))
            if available == name or (available == themes.DEFAULT and self._spec.name == "none"):
                self._spec = spec
        if self._spec.name != name and name in themes.available():
            self._spec = themes.read(themes.DEFAULT)
        elif name not in themes.available():
            self.notify(f"no theme {name!r}; using {themes.DEFAULT}", severity="error", timeout=10)
            self._spec = themes.read(themes.DEFAULT)
        self._styles.clear()
        self.theme = f"blotter-{self._spec.name}"
        self.refresh(layout=True)

    def style_of(self, meaning: str) -> Style:
        """The rich style a theme gives a meaning (cached)."""
        style = self._styles.get(meaning)
        if style is None:
            text = self._spec.meaning.get(meaning, "")
            try:
                style = Style.parse(text) if text else Style()
            except Exception:  # a theme value rich cannot read: show it plain rather than fail
                style = Style()
            self._styles[meaning] = style
        return style

    # -- the pump -----------------------------------------------------------------------------

    def pump(self) -> None:
        """Apply what arrived since the last frame; each pane redraws only what changed."""
        batch = drain(self.events)
        if not batch:
            return
        changes = self.store.apply(batch)
        touched = self.reference.apply(batch)
        if touched or changes.what_if:
            for listener in list(self.listeners):
                listener(touched, changes)
        if changes:
            for pane in self.panes:
                pane.apply(changes)
            self._hint()
        if changes.connection_changed:
            self.query_one(StatusLine).refresh()
            self.refresh_bindings()

    # -- keys ---------------------------------------------------------------------------------

    def selected_order(self) -> OrderRow | None:
        orders = self.pane("orders")
        assert isinstance(orders, OrdersPane)
        return orders.selected()

    def why_not(self, action: str) -> str | None:
        """Why a sending action makes no sense now (None: it does)."""
        if self.settings.read_only:
            return "read-only: nothing can be sent"
        if self.store.connection.state not in LIVE_STATES:
            return "not connected to TWS"
        if action in ("modify", "cancel"):
            row = self.selected_order()
            if row is None:
                return "no order selected"
            if not row.status.working:
                return f"order is {row.status_text}"
            if row.local:
                return "TWS has not acknowledged it yet"
            if action == "modify" and row.order_id <= 0 and self.settings.client_id != 0:
                return "a TWS order: only client 0 can change it"
        if action == "cancel_all" and not self.store.working():
            return "no working orders"
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if len(self.screen_stack) > 1 or (action in IMMEDIATE and isinstance(self.focused, Input)):
            return False  # a dialog is open, or the key is text for a field: not ours
        if action in SENDING:
            return None if self.why_not(action) else True
        return True

    def _hint(self) -> None:
        """Say in the orders pane why the order keys are off, so a greyed key is never a mystery."""
        orders = self.pane("orders")
        reasons = {a: self.why_not(a) for a in ("ticket", "modify", "cancel")}
        if reasons["ticket"]:
            orders.hint = reasons["ticket"]
        elif reasons["modify"] or reasons["cancel"]:
            orders.hint = f"m/c: {reasons['cancel'] or reasons['modify']}"
        else:
            orders.hint = ""
        orders.retitle()
        self.refresh_bindings()

    def on_line_table_highlighted(self, event: Any) -> None:
        self._hint()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette holds every action the keys have (and Textual's own)."""
        yield from super().get_system_commands(screen)
        for _, key, action, description, _ in KEYS:
            if action == "quit":
                continue
            name = action.partition("(")[0]
            allowed = self.check_action(name, ())
            if allowed:
                yield SystemCommand(f"{description} ({key})", _HELP.get(name, description),
                                    lambda a=action: self.run_action(a))

    def action_focus_pane(self, name: str) -> None:
        self.pane(name).table.focus()

    def _focused_pane(self) -> Pane:
        node = self.focused
        while node is not None and not isinstance(node, Pane):
            node = node.parent  # type: ignore[assignment]
        return node if isinstance(node, Pane) else self.pane("orders")

    def action_filter(self) -> None:
        self._focused_pane().start_filter()

    def action_sort(self, step: int) -> None:
        self._focused_pane().cycle_sort(step)

    def action_toggle_finished(self) -> None:
        orders = self.pane("orders")
        assert isinstance(orders, OrdersPane)
        orders.toggle_finished()
        orders.table.focus()
        self._hint()

    def action_help(self) -> None:
        current = {binding_id: key for binding_id, key, *_ in KEYS}
        current.update(keymap(self.settings.keys)[0])
        self.push_screen(Help(current))

    def action_ticket(self) -> None:
        from blotter.ui.ticket import TicketScreen
        self.push_screen(TicketScreen(self, None))

    def action_modify(self) -> None:
        row = self.selected_order()
        if row is not None:
            from blotter.ui.ticket import TicketScreen
            self.push_screen(TicketScreen(self, row))

    def action_cancel(self) -> None:
        row = self.selected_order()
        if row is None:
            return
        order_id = row.order_id

        def answered(yes: bool | None) -> None:
            if yes and self.why_not("cancel") is None:
                self.commands.cancel(order_id)
        self.push_screen(ConfirmCancel(order_line(row)), answered)

    def action_cancel_all(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes and self.why_not("cancel_all") is None:
                self.commands.cancel_all()
        self.push_screen(ConfirmCancelAll(len(self.store.working())), answered)


def run_app(settings: Settings, commands: Commands, events: "queue.SimpleQueue[Any]") -> int:
    app = BlotterApp(settings, commands, events, demo=settings.demo)
    app.run()
    return app.return_code or 0
