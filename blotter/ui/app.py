"""The blotter's Textual app: status line, the four panes, the keys, and the pump from queue to Store.

A timer drains the event queue in batches (never one call per event), applies each batch to the
Store and tells each pane what changed, so a frame redraws only changed rows. Each batch is also
handed to the journal (its writer thread does the writing); the day the journal held is loaded first,
shown as unconfirmed until TWS's resync. `D` shows an earlier day from the journal, read-only.
"""

from __future__ import annotations

import asyncio
import csv
import queue
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, Sequence

from rich.style import Style
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.events import Event as UIEvent, InputEvent, Key
from textual.theme import Theme
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static

from blotter.config import Settings
from blotter.domain.commands import Commands
from blotter.domain.events import ConnState, ContractRef, Event, OrderFields
from blotter.domain.feed import Feed, Recorder, drain
from blotter.domain.messages import code_effects
from blotter.domain.reference import Reference
from blotter.domain.rows import Changes, OrderRow
from blotter.domain.store import Store
from blotter.domain.stuck import limits as stuck_limits
from blotter.domain.holdings import closing_order, order_contract
from blotter.domain.text import order_line, qty
from blotter.domain.times import daily, seconds_to
from blotter.ui import theme as themes
from blotter.ui._textual import DEFAULT_SCREEN_ID, install, set_theme_unread
from blotter.ui.bindings import KEYS, app_bindings, escape_then_key, keymap
from blotter.ui.dialogs import ConfirmCancel, ConfirmCancelAll, ConfirmKill, Help
from blotter.ui.footer import KeyBar
from blotter.ui.heap import HeapFreezer
from blotter.ui.panes import FillsPane, FilterLine, MessagesPane, OrdersPane, Pane, TotalsPane
from blotter.ui.positions import PositionsPane
from blotter.ui.screen import MainScreen
from blotter.ui.status import StatusLine

_HELP = {
    "ticket": "Open the order ticket", "modify": "Modify the selected working order",
    "cancel": "Cancel the selected working order", "cancel_all": "Cancel every working order (global cancel)",
    "toggle_finished": "Show finished orders / open orders", "filter": "Filter the focused pane",
    "sort": "Sort the focused pane by the next column", "focus_pane": "Go to a pane", "help": "Show the keys",
    "switch_day": "Show another day from the journal (read-only)",
    "export_pane": "Write the focused pane to a CSV file",
}
PUMP_INTERVAL = 1 / 30  # seconds between drains: about a frame
FLOOD_RATE, FLOOD_WINDOW = 12_000, 0.5  # events a second, over half a second, that make a flood...
FLOOD_INTERVAL = 0.1  # ...then the screen follows at 10 frames a second, leaving the CPU to reading it
SENDING = {"ticket", "modify", "cancel", "cancel_all"}
# text, when a field has focus
IMMEDIATE = SENDING | {"filter", "help", "focus_pane", "toggle_finished", "flatten", "kill_switch"}
WALKING = {"focus_next", "focus_previous"}  # Textual's own Tab and shift+Tab
SHARED_PLACE = ("commissions", "positions")
LIVE_STATES = (ConnState.CONNECTED, ConnState.TWS_IB_RESTORED, ConnState.TWS_IB_LOST)
CAUSES = {"new": "ticket: reviewed, Enter", "modify": "modify: reviewed, Enter",
          "cancel": "cancel: confirmed", "cancel_all": "cancel all: CANCEL typed"}
KILL_CAUSE = "kill switch: KILL typed"  # every request the kill switch sends, one intent in the journal


class JournalLike(Recorder, Protocol):
    """What the app needs of the journal writer (blotter.journal.Journal): hand it batches, hear its news."""

    badge: str

    def problems(self) -> Sequence[tuple[str, str]]: ...


class DaysLike(Protocol):
    """What the app needs to read other days (blotter.journal.Archive)."""

    warnings: list[str]

    def days(self) -> list[str]: ...
    def store(self, day: str, client_id: int | None = None) -> Store: ...


class Audited:
    """The session as the UI sends through it, noting the user action behind each request (the audit trail)."""

    def __init__(self, inner: Commands, causes: dict[tuple[str, int], str], extra: Callable[[], str]) -> None:
        self._inner, self._causes, self._extra = inner, causes, extra
        self.intent = ""  # while set, the cause of every request sent (the kill switch's)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _note(self, kind: str, order_id: int | None) -> None:
        extra = self._extra()
        self._causes[(kind, order_id or 0)] = self.intent or CAUSES[kind] + (f", {extra}" if extra else "")

    def place(self, contract: ContractRef, order: OrderFields) -> int | None:
        order_id = self._inner.place(contract, order)
        self._note("new", order_id)
        return order_id

    def modify(self, order_id: int, contract: ContractRef, order: OrderFields) -> None:
        self._inner.modify(order_id, contract, order)
        self._note("modify", order_id)

    def cancel(self, order_id: int) -> None:
        self._inner.cancel(order_id)
        self._note("cancel", order_id)

    def cancel_all(self) -> None:
        self._inner.cancel_all()
        self._note("cancel_all", 0)


class BlotterApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "blotter"
    BINDINGS = app_bindings()

    def __init__(self, settings: Settings, commands: Commands, events: "queue.SimpleQueue[Any]", *,
                 clock: Callable[[], float] = time.time, demo: bool = False, journal: JournalLike | None = None,
                 archive: Callable[[], DaysLike | None] | None = None, loaded: Sequence[Event] = (),
                 day: str | None = None, export_dirs: Sequence[Path] = (), warnings: Sequence[str] = (),
                 heap: HeapFreezer | None = None) -> None:
        """`loaded`: today's events from the journal, shown (unconfirmed) before TWS's resync, and
        `warnings` what could not be read of it. `day`: open that day from the journal (`archive`)
        read-only instead of the live one (`blotter --date`). `heap`: freezes what survives each full
        garbage collection, so collections stay short as the day grows (run_app gives one; tests don't)."""
        install()  # here, not on import: every start of the blotter (run_app, benchmarks, tests) makes one
        super().__init__()
        self.heap = heap
        self.settings = settings
        # keys the config file binds (an alt+letter among them stays one key: see escape_then_key)
        self._remapped = {k.strip() for keys in keymap(settings.keys)[0].values() for k in keys.split(",")}
        self.causes: dict[tuple[str, int], str] = {}  # (request kind, order id) -> the user action behind it
        self._confirmed: list[str] = []  # what the trader confirmed for the transmit being sent now
        self.live_confirmed = False  # typed once this session: not asked again
        self.commands = Audited(commands, self.causes, self._cause_extra)
        self.events = events
        self.clock = clock
        self.demo = demo
        self.journal = journal
        self.archive = archive or (lambda: None)
        self.export_dirs = list(export_dirs) or [Path.cwd()]
        self.day = day  # the day shown from the journal; None: today, live
        self._warnings = list(warnings)  # what the journal could not read, told once the app runs
        self.live_store: Store | None = None
        self._next_stuck_check = 0.0
        if day is None:
            self.live_store = Store(code_effects(settings.errors), stuck_limits(settings.stuck))
            if loaded:  # before the panes are made: they start with the journal's rows
                self.live_store.load(loaded, settings.client_id)
        self.store = self.live_store if self.live_store is not None else self._day_store(day or "")
        self.feed = Feed(events, self.live_store, journal, self.causes)  # drain -> store -> journal, as headless
        self.reference = Reference()
        self._styles: dict[str, Style] = {}
        self._spec = themes.ThemeSpec("none", True)
        self._allowed: tuple[bool, ...] = ()  # which sending keys the footer last showed enabled
        self._next_pump = self._window_start = 0.0  # monotonic: the pump's next turn, its rate window's start
        self._window_events, self._flooding = 0, False  # events drained in that window; a flood seen
        # screens waiting on reference data or what-if answers: called with (request ids touched, changes)
        self.listeners: list[Callable[[set[int], Changes], None]] = []
        self._theme_errors: dict[str, str] = {}  # theme name -> why it cannot be used
        self._panes: list[Pane] = []  # see `panes`
        self._specs: dict[str, themes.ThemeSpec] = {}  # Textual's name of each theme read ("blotter-dark") -> it
        self._theme_notices = self._load_theme(settings.theme)

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        s = self.settings
        yield StatusLine(self.commands, lambda: (self.live_store or self.store).connection, self.style_of,
                         self.clock, demo=self.demo, read_only=s.read_only, host=s.host, port=s.port,
                         client_id=s.client_id, non_loopback=s.host not in ("127.0.0.1", "localhost", "::1"),
                         note=self.journal_note, restart=s.tws.get("restart", ""))
        with Vertical(id="main"):
            yield from self._panes_of(self.store)
        yield KeyBar()

    def get_default_screen(self) -> Screen:
        return MainScreen(id=DEFAULT_SCREEN_ID)

    def _panes_of(self, store: Store) -> list[Widget]:
        return [OrdersPane(store, self.style_of), FillsPane(store, self.style_of),
                Horizontal(TotalsPane(store, self.style_of, id="commissions"),
                           PositionsPane(store, self.style_of, self.clock), MessagesPane(store, self.style_of),
                           id="bottom")]

    def on_mount(self) -> None:
        for text, severity in self._theme_notices:
            self.notify(text, severity=severity, timeout=10)
        mapping, unknown = keymap(self.settings.keys)
        self.set_keymap(mapping)
        if unknown:
            self.notify(f"config [keys]: no binding called {', '.join(unknown)}", severity="warning")
        # at once, as a key does, not after a refresh as Widget.focus does: keys typed ahead at start
        # (`2/spy`) come after this, and a focus arriving after them took the fills' open filter line
        self.action_focus_pane("orders")
        self._tell_warnings()
        if self.heap is not None:
            self.heap.start()
        self.set_interval(PUMP_INTERVAL, self._pump_due)
        self.pump()

    async def on_event(self, event: UIEvent) -> None:
        if self.heap is not None and isinstance(event, InputEvent):
            self.heap.stir()  # someone at the keyboard: no quiet collection now (blotter.ui.heap)
        keys = None
        if isinstance(event, Key) and not event.is_forwarded and len(self.screen_stack) == 1:
            # on the main screen only: in a dialog the key after Esc could reach it before the Esc closed it
            keys = escape_then_key(event, self._remapped)
        for one in keys or (event,):
            await super().on_event(one)

    def on_ready(self) -> None:
        """The first frame is out: garbage collection again, and now what the frame did not need."""
        if self.heap is not None:
            self.heap.first_frame()
        self._mount_filters()
        self._load_other_themes()

    def _mount_filters(self) -> None:
        for pane in self.panes:
            pane.mount_filter()

    # -- the journal --------------------------------------------------------------------------

    @property
    def today(self) -> str:
        return time.strftime("%Y-%m-%d", time.localtime(self.clock()))

    def journal_note(self) -> tuple[str, str]:
        """What the status line says of the journal: a day read from it, unconfirmed rows, or trouble."""
        if self.day is not None:
            return f"HISTORY {self.day} (read-only)", "badge-demo"
        if self.live_store is not None and self.live_store.unconfirmed:
            return "journal: unconfirmed", "severity-warning"
        badge = self.journal.badge if self.journal is not None else ""
        if badge:
            return badge, "severity-error" if "NOT SAVED" in badge else "severity-warning"
        return "", ""

    def _journal_news(self) -> None:
        if self.journal is None:
            return
        for severity, text in self.journal.problems():
            self.notify(text, severity="error" if severity == "error" else "warning", timeout=15)

    def _cause_extra(self) -> str:
        confirmed, self._confirmed = self._confirmed, []
        return ", ".join(confirmed)

    def _day_store(self, day: str) -> Store:
        archive = self.archive()
        if archive is None:
            self._warnings.append("no journal to read days from")
            return Store()
        store = archive.store(day, self.settings.client_id)
        self._warnings += archive.warnings
        return store

    def _tell_warnings(self) -> None:
        for warning in self._warnings:
            self.notify(warning, severity="warning", timeout=15)
        self._warnings = []

    async def show_day(self, day: str | None) -> None:
        """Show a day from the journal (read-only), or today live (None, or today's date when live)."""
        live = self.live_store
        if live is not None and (day is None or day == self.today):
            self.day, store = None, live
        else:
            day = day or self.today
            store = await asyncio.to_thread(self._day_store, day)  # a day of records: read off the UI thread
            self.day = day
            self._tell_warnings()
        self.store = store
        main = self.query_one("#main")
        self._panes = []
        await main.remove_children()
        await main.mount_all(self._panes_of(store))
        self._panes = []  # the new ones, when next asked
        self._mount_filters()  # the first frame is long out
        self.query_one("#orders-table").focus()
        self._hint()
        self.query_one(StatusLine).refresh()

    @property
    def panes(self) -> list[Pane]:
        """The mounted panes, looked up once (a query of the whole screen on every pump was a tenth of
        the pump's work at 5,000 messages a second)."""
        if not self._panes:
            self._panes = list(self.query(".pane").results(Pane))
        return self._panes

    def pane(self, name: str) -> Pane:
        return self.query_one(f"#{name}", Pane)

    # -- themes -------------------------------------------------------------------------------

    def _load_theme(self, name: str) -> list[tuple[str, SeverityLevel]]:
        """Read and use `name`, else the default, else Textual's own; returns what to tell the user of
        it. Done before the app runs: the stylesheet is parsed once, with the theme's variables (set
        after mount, Textual parses every CSS file a second time: ~70 ms at start). The other themes
        are read once the first frame is out (`_load_other_themes`)."""
        chosen = None
        for wanted in dict.fromkeys((name, themes.DEFAULT)):
            chosen = self._read_theme(wanted)
            if chosen is not None:
                break
        using = f"using {chosen.name}" if chosen else "using Textual's own colours"
        notices: list[tuple[str, SeverityLevel]] = []
        if name in self._theme_errors:  # an unknown name too: ThemeError says so and names the themes there are
            notices.append((f"{self._theme_errors[name]}; {using}", "error"))
        self._spec = chosen or themes.ThemeSpec("none", True)
        set_theme_unread(self, f"blotter-{chosen.name}" if chosen else "textual-dark")
        self.stylesheet.set_variables(self.get_css_variables())
        return notices

    def _read_theme(self, name: str) -> themes.ThemeSpec | None:
        """Read a theme and register it with Textual (its palette offers it); None, and why noted in
        `_theme_errors`, if it cannot be used."""
        try:
            spec = themes.read(name)
        except themes.ThemeError as exc:
            self._theme_errors[name] = str(exc)
            return None
        self.register_theme(Theme(name=f"blotter-{name}", dark=spec.dark, ansi=spec.ansi,
                                  variables=dict(spec.variables), **spec.base))  # type: ignore[arg-type]
        self._specs[f"blotter-{name}"] = spec
        return spec

    def watch_theme(self, name: str) -> None:
        """A theme chosen in the palette: its meanings too (buy, sell, each status), not only Textual's
        colours; one of Textual's own themes has none, and shows them plain."""
        self._spec = self._specs.get(name) or themes.ThemeSpec("none", True)
        self._styles.clear()

    def _load_other_themes(self) -> None:
        """Every theme not read at start; a broken default is worth a word even when another is in use."""
        errors = self._theme_errors
        for name in themes.available():
            if f"blotter-{name}" not in self.available_themes and name not in errors:
                self._read_theme(name)
        if themes.DEFAULT in errors and self.settings.theme != themes.DEFAULT:
            self.notify(errors[themes.DEFAULT], severity="warning", timeout=10)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Notifications carry TWS's, the journal's and the config's own words (`[Errno 13] ...`,
        `config [keys]`, a theme file's parse error): shown as they are, never read as markup, which
        hid words or, on a stray `[/x]`, crashed the app."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

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

    def _pump_due(self) -> None:
        """The pump's timer: every frame, but only every FLOOD_INTERVAL while a flood lasts (each frame
        costs milliseconds of drawing that the reading of the flood needs more)."""
        now = time.monotonic()
        if now < self._next_pump:
            return
        self._window_events += self.pump()
        span = now - self._window_start
        if span >= FLOOD_WINDOW:  # a steady rate decides, not one big drain after a slow frame
            self._flooding = self._window_events >= FLOOD_RATE * span
            self._window_start, self._window_events = now, 0
        self._next_pump = now + FLOOD_INTERVAL if self._flooding else 0.0

    def pump(self) -> int:
        """Apply what arrived since the last frame; each pane redraws only what changed. Returns how
        many events it took."""
        self._journal_news()
        batch = drain(self.events)  # the feed's, then its apply: the heap is settled in between
        if self.heap is not None:
            if batch:
                self.heap.stir()
            self.heap.quiet()
            self.heap.settle()
        self._check_stuck()
        if not batch or self.live_store is None:
            return len(batch)
        changes = self.feed.apply(batch)
        touched = self.reference.apply(batch)
        if touched or changes.what_if:
            for listener in list(self.listeners):
                listener(touched, changes)
        if changes and self.store is self.live_store:
            for pane in self.panes:
                pane.apply(changes)
            self._hint()
        if changes.connection_changed:
            self.query_one(StatusLine).refresh()
            self.refresh_bindings()
        return len(batch)

    def _check_stuck(self) -> None:
        """About once a second while TWS is there and resynced: flag the orders it leaves waiting."""
        store, now = self.live_store, self.clock()
        if store is None or now < self._next_stuck_check:
            return
        self._next_stuck_check = now + 1.0
        connection = store.connection
        if connection.state is not ConnState.CONNECTED or not connection.resynced:
            return
        changes = store.check_stuck(now)
        if changes and self.store is store:
            for pane in self.panes:
                pane.apply(changes)

    # -- keys ---------------------------------------------------------------------------------

    def selected_order(self) -> OrderRow | None:
        orders = self.pane("orders")
        assert isinstance(orders, OrdersPane)
        return orders.selected()

    def why_not(self, action: str) -> str | None:
        """Why a sending action makes no sense now (None: it does)."""
        if self.day is not None:
            return f"showing {self.day} from the journal (read-only)"
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
        if action == "cancel_all" and not self.store.working_count():
            return "no working orders"
        if action == "kill" and not self.store.working_count() and not any(r.position for r in self.store.positions()):
            return "no working order and no position"
        return None

    def restart_in(self) -> float | None:
        """Seconds to TWS's daily restart ([tws] restart) when a minute away or less, else None."""
        at = daily(self.settings.tws.get("restart", ""))
        if at is None:
            return None
        left = seconds_to(at, self.clock())
        return left if left <= 60 else None

    def live_accounts(self) -> list[str]:
        """The accounts TWS said are real money (not DU... paper accounts)."""
        return [a for a in self.commands.accounts if not a.startswith("DU")]

    def needs_live_confirmation(self) -> bool:
        """A LIVE account's first transmit of the session asks for the word typed (settings.confirm_live)."""
        return self.settings.confirm_live and not self.live_confirmed and bool(self.live_accounts())

    def live_word_typed(self) -> None:
        self.live_confirmed = True
        self._confirmed.append("LIVE typed")

    def restart_confirmed(self) -> None:
        """The trader said yes to a transmit in the minute before TWS's daily restart."""
        self._confirmed.append("sent as TWS restarts")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WALKING:
            return True  # Tab walks a dialog's fields as it walks the panes
        if len(self.screen_stack) > 1 or (action in IMMEDIATE and isinstance(self.focused, Input)):
            return False  # a dialog is open, or the key is text for a field: not ours
        if action == "leave_filter":
            return isinstance(self.focused, FilterLine)  # else Esc is someone else's
        if action in SENDING:
            return None if self.why_not(action) else True
        return True

    def _hint(self) -> None:
        """Say in the orders pane why the order keys are off, so a greyed key is never a mystery.

        The footer is told only when a sending key's answer changed: redrawing its keys costs
        milliseconds, far too much to do on every batch of a flood.
        """
        orders = self.pane("orders")
        reasons = {a: self.why_not(a) for a in sorted(SENDING)}
        if reasons["ticket"]:
            orders.hint = reasons["ticket"]
        elif reasons["modify"] or reasons["cancel"]:
            orders.hint = f"m/c: {reasons['cancel'] or reasons['modify']}"
        else:
            orders.hint = ""
        orders.retitle()
        allowed = tuple(reason is None for reason in reasons.values())
        if allowed != self._allowed:
            self._allowed = allowed
            self.refresh_bindings()

    def on_line_table_highlighted(self, event: Any) -> None:
        try:
            self._hint()
        except NoMatches:  # a table's news that comes as the app closes, its panes already gone
            pass

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
        if name in SHARED_PLACE:  # commissions and positions take turns in the bottom-left place
            self.query_one("#bottom").set_class(name == "positions", "-positions")
        # at once, not after a refresh as Widget.focus does: `2/` typed in one burst filters the fills
        self.screen.set_focus(self.pane(name).table)

    def _focused_pane(self) -> Pane:
        node = self.focused
        while node is not None and not isinstance(node, Pane):
            node = node.parent  # type: ignore[assignment]
        return node if isinstance(node, Pane) else self.pane("orders")

    def action_filter(self) -> None:
        self._focused_pane().start_filter()

    def action_leave_filter(self) -> None:
        self._focused_pane().leave_filter()

    def action_sort(self, step: int) -> None:
        self._focused_pane().cycle_sort(step)

    def action_toggle_finished(self) -> None:
        orders = self.pane("orders")
        assert isinstance(orders, OrdersPane)
        orders.toggle_finished()
        self.screen.set_focus(orders.table)
        self._hint()

    def action_switch_day(self) -> None:
        archive = self.archive()
        days = archive.days() if archive is not None else []
        self._warnings += archive.warnings if archive is not None else ["no journal to read days from"]
        self._tell_warnings()
        live = self.live_store is not None

        async def chosen(day: str | None) -> None:
            if day is not None:
                await self.show_day(day or None)
        self.push_screen(DayScreen(days, self.today, self.day, live), chosen)

    def action_export_pane(self) -> None:
        """e: the focused pane's rows as shown (filter and sort kept) to a CSV file; notify where."""
        pane = self._focused_pane()
        keys = list(pane.table.keys)
        stamp = time.strftime("%H%M%S", time.localtime(self.clock()))
        name = f"blotter-{pane.id}-{self.day or self.today}-{stamp}.csv"
        errors = []
        for directory in self.export_dirs:
            path = directory / name
            try:
                directory.mkdir(parents=True, exist_ok=True)
                with open(path, "w", newline="", encoding="utf-8") as out:
                    writer = csv.writer(out)
                    writer.writerow([c.title for c in pane.COLUMNS])
                    for key in keys:
                        writer.writerow([text for text, _ in pane.cells(key)])
            except OSError as exc:
                errors.append(f"{directory}: {exc.strerror or exc}")
                continue
            self.notify(f"wrote {len(keys)} rows of {pane.TITLE} to {path}", timeout=10)
            return
        self.notify(f"could not write {name}: {'; '.join(errors)}", severity="error", timeout=15)

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

        def send() -> None:
            if self.why_not("cancel") is None:
                self.commands.cancel(order_id)
        self.push_screen(ConfirmCancel(order_line(row), send))

    def action_flatten(self) -> None:
        """f on a position: a ticket prefilled with the order that closes it, reviewed like any other."""
        reason = self.why_not("ticket")
        pane = self.query_one("#positions", PositionsPane)
        row = pane.selected() if self._focused_pane() is pane else None
        if reason is None and (row is None or not row.position):
            reason = "select an open position in the positions pane (5)"
        if reason is not None:
            self.notify(f"nothing to close: {reason}", severity="warning")
            return
        from blotter.ui.ticket import TicketScreen
        self.push_screen(TicketScreen(self, None, flatten=row))

    def action_kill_switch(self) -> None:
        """K: cancel every working order and close every position at market, once KILL is typed."""
        reason = self.why_not("kill")
        if reason is not None:
            self.notify(f"kill switch: {reason}", severity="error")
            return
        def closing() -> list[tuple[ContractRef, OrderFields]]:
            return [(order_contract(r), closing_order(r)) for r in self.store.positions() if r.position]
        shown = closing()

        def send() -> None:
            if self.why_not("kill") is not None:
                return
            same = closing() == shown  # else a fill moved a position while the list was read
            self.commands.intent = KILL_CAUSE
            try:
                self.commands.cancel_all()
                for contract, order in shown if same else ():
                    self.commands.place(contract, order)
            finally:
                self.commands.intent = ""
            if not same:  # what was confirmed is not what closes the positions now: asked anew
                self.notify("kill switch: orders cancelled; the positions changed while the list was shown, "
                            "so nothing was closed: here is the new list", severity="error", timeout=15)
                self.call_later(self.action_kill_switch)
        lines = [f"{o.action} {qty(o.total_quantity)} {c.display} {o.order_type} ({o.account})" for c, o in shown]
        self.push_screen(ConfirmKill(self.store.working_count(), lines, send))

    def action_cancel_all(self) -> None:
        def send() -> None:
            if self.why_not("cancel_all") is None:
                self.commands.cancel_all()
        self.push_screen(ConfirmCancelAll(self.store.working_count(), send))


class DayScreen(ModalScreen[str | None]):
    """D: the days the journal holds, newest first (and today, live); Enter shows one, Esc keeps this one."""

    BINDINGS = [Binding("escape", "close", "Keep this day")]
    TODAY = "today (live)"

    def __init__(self, days: list[str], today: str, current: str | None, live: bool) -> None:
        super().__init__(classes="dialog")
        choices = [d for d in reversed(days) if not (live and d == today)]
        self.choices = ([self.TODAY] if live else []) + choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Label("Show which day?", classes="title")
            if self.choices:
                options = OptionList(*self.choices, id="days")
                yield options
            else:
                yield Static("The journal holds no day yet.", classes="body")
            yield Static("↑ ↓ then Enter: show that day (earlier days are read-only) · Esc: keep this one",
                         classes="keys")

    def on_mount(self) -> None:
        if self.choices:
            options = self.query_one("#days", OptionList)
            current = self.current if self.current in self.choices else self.choices[0]
            options.highlighted = self.choices.index(current)
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice = self.choices[event.option_index]
        self.dismiss("" if choice == self.TODAY else choice)

    def action_close(self) -> None:
        self.dismiss(None)


def run_app(settings: Settings, commands: Commands, events: "queue.SimpleQueue[Any]", *,
            heap: HeapFreezer | None = None, **journal: Any) -> int:
    """Run the UI; `journal` holds BlotterApp's journal arguments (journal, archive, loaded, day, export_dirs).
    `heap`: one the caller made before the start's work (and may have held)."""
    heap = heap or HeapFreezer()
    app = BlotterApp(settings, commands, events, demo=settings.demo, heap=heap, **journal)
    try:
        app.run()
    finally:
        heap.stop()
    return app.return_code or 0
