"""Small modal screens: confirm (a cancel, a transmit as TWS restarts), cancel-all by typing, the help.

A confirmed cancel is sent from the key's own handler, before the dialog closes: Textual would hand a
dismissed screen's result to its callback only after closing it (a message later, behind the work of
uncovering the screen below), and the key that transmits is to reach the socket at once.
"""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from blotter.ui.bindings import KEYS

CANCEL_ALL_WORD = "CANCEL"
KILL_WORD = "KILL"


class Confirm(ModalScreen[bool]):
    """y / Enter: yes (`send` is called first); n / Esc: no."""

    BINDINGS = [Binding("y,enter", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, title: str, description: str, send: Callable[[], None], yes: str, no: str) -> None:
        super().__init__(classes="dialog")
        self.title_text, self.description, self.yes, self.no = title, description, yes, no
        self.send = send  # called on y / Enter, before the dialog closes

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Label(self.title_text, classes="title")
            yield Static(self.description, classes="body", markup=False)  # TWS's names, not markup
            yield Static(f"y / Enter: {self.yes}    n / Esc: {self.no}", classes="keys")

    def action_answer(self, yes: bool) -> None:
        if yes:
            self.send()
        self.dismiss(yes)


class ConfirmCancel(Confirm):
    """The cancel of one order, named as its row names it."""

    def __init__(self, description: str, send: Callable[[], None]) -> None:
        super().__init__("Cancel this order?", description, send, "send the cancel", "keep it")


class ConfirmTyped(ModalScreen[bool]):
    """A request that cannot be taken back: type the word and Enter to send it; Esc sends nothing."""

    BINDINGS = [Binding("escape", "answer(False)", "Send nothing")]

    def __init__(self, title: str, body: str, word: str, send: Callable[[], None], no: str) -> None:
        super().__init__(classes="dialog")
        self.title_text, self.body, self.word, self.no = title, body, word, no
        self.send = send  # called once the word is typed, before the dialog closes

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="box"):  # a long list of positions scrolls
            yield Label(self.title_text, classes="title")
            yield Static(self.body, classes="body", markup=False)
            yield Input(placeholder=f"type {self.word} and press Enter", id="confirm-word")
            yield Static(f"Esc: {self.no}", classes="keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()  # the word is typed at once, not into the scrolling box

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() == self.word:
            self.send()
            self.dismiss(True)
        else:
            self.notify(f"type {self.word} exactly to confirm", severity="warning")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ConfirmCancelAll(ConfirmTyped):
    """Global cancel: every working order of the account, from every client."""

    def __init__(self, working: int, send: Callable[[], None]) -> None:
        super().__init__("Cancel ALL working orders?", f"{working} working order(s) shown here, and every other "
                         "working order of the account (other clients', TWS's) will be cancelled.",
                         CANCEL_ALL_WORD, send, "keep them")


class ConfirmKill(ConfirmTyped):
    """The kill switch: every working order cancelled, then every position closed at market; the list
    says exactly what will be sent."""

    def __init__(self, working: int, closing: list[str], send: Callable[[], None]) -> None:
        lines = [f"cancel ALL working orders of the account ({working} shown here, and every other client's)"]
        lines += [f"then {line}" for line in closing] or ["no position to close"]
        super().__init__("Kill switch: cancel everything and close every position?", "\n".join(lines),
                         KILL_WORD, send, "send nothing")


class MessageText(ModalScreen[None]):
    """A TWS message in full, its line breaks kept (the messages pane shows it on one row)."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, heading: str, text: str) -> None:
        super().__init__(classes="dialog")
        self.heading, self.text = heading, text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="box"):
            yield Label(self.heading, classes="title", markup=False)
            yield Static(self.text, classes="body", markup=False)
            yield Static("Esc / Enter: close", classes="keys")

    def action_close(self) -> None:
        self.dismiss(None)


class Help(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__(classes="dialog")
        self.keys = keys  # binding id -> the key it has now (remapped or default)

    def compose(self) -> ComposeResult:
        lines = [f"{_shown(self.keys.get(binding_id, key)):>14}  {description}"
                 for binding_id, key, _, description, _ in KEYS]
        lines += ["", f"{'tab':>14}  Next pane", f"{'ctrl+p':>14}  Command palette (every action)",
                  f"{'↑ ↓ PgUp PgDn':>14}  Move in a pane", "",
                  "Quick line: BUY 100 AAPL LMT 250.50 GTC",
                  "  bare symbol: the stock; or ES FUT, EUR.USD CASH, AAPL OPT", "",
                  "Remap keys in the config file's \\[keys] table,",
                  "e.g.  ticket = \"o\"   (ids: " + ", ".join(k[0] for k in KEYS) + ")"]
        with VerticalScroll(classes="box"):  # ↑ ↓ scroll it where the screen is shorter than the help
            yield Label("Keys", classes="title")
            yield Static("\n".join(lines), classes="body")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # so ↑ ↓ PgUp PgDn scroll it

    def action_close(self) -> None:
        self.dismiss(None)


_KEY_NAMES = {"slash": "/", "question_mark": "?"}


def _shown(keys: str) -> str:
    """Textual's key names as a trader types them ("slash" -> "/")."""
    return ",".join(_KEY_NAMES.get(k, k) for k in keys.split(","))

