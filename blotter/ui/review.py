"""The review step: what the order is worth, the warnings to confirm, and TWS's what-if preview."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.markup import escape
from textual.widgets import Input, Label, Static

from blotter.domain.events import ContractRef
from blotter.domain.precautions import Touch
from blotter.domain.rows import Changes, OrderRow
from blotter.domain.text import money, qty
from blotter.domain.ticket import ContractRules, OrderRequest
from blotter.domain.validation import Verdict
from blotter.ui.dialogs import Confirm

if TYPE_CHECKING:
    from blotter.ui.app import BlotterApp

LIVE_WORD = "LIVE"


def restart_warning(seconds: float) -> str:
    return (f"TWS's daily restart is {seconds:.0f} s away: the order may reach TWS and the connection drop "
            "before TWS answers (the blotter resyncs once TWS is back)")


class ConfirmLive(ModalScreen[bool]):
    """The first transmit of a session to a LIVE (real money) account: type the word, or Esc sends nothing."""

    BINDINGS = [Binding("escape", "answer(False)", "Back (nothing sent)")]

    def __init__(self, accounts: list[str]) -> None:
        super().__init__(classes="dialog")
        self.accounts = accounts

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Label(f"LIVE account {', '.join(self.accounts)}: real money", classes="title")
            yield Static("This is the first order of this session to a live account. Type "
                         f"{LIVE_WORD} and press Enter to transmit it; the blotter will not ask again "
                         "until it is restarted.", classes="body")
            yield Input(placeholder=f"type {LIVE_WORD} and press Enter", id="live-word")
            yield Static("Esc: back to the review (nothing sent)", classes="keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() == LIVE_WORD:
            self.dismiss(True)
        else:
            self.notify(f"type {LIVE_WORD} exactly to transmit", severity="warning")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class Review(ModalScreen[bool]):
    """Enter transmits; Esc goes back to the ticket. Warnings are listed: Enter confirms them."""

    BINDINGS = [Binding("enter", "transmit", "Transmit", priority=True), Binding("escape", "back", "Back")]

    def __init__(self, app: "BlotterApp", request: OrderRequest, contract: ContractRef, rules: ContractRules,
                 verdict: Verdict, row: OrderRow | None, quote: Touch | None) -> None:
        super().__init__(classes="dialog")
        self.blotter, self.request, self.contract, self.rules = app, request, contract, rules
        self.verdict, self.row, self.quote = verdict, row, quote
        self.what_if_id: int | None = None
        self.restart_confirmed = False  # the trader said yes to transmitting in the minute before TWS restarts

    def compose(self) -> ComposeResult:
        r = self.request
        verb = f"MODIFY order {self.row.order_id}:" if self.row else "SEND"
        prices = " ".join(f"{name} {value}" for name, value in (("limit", r.lmt_price), ("aux", r.aux_price),
                                                                   ("trail%", r.trailing_percent)) if value)
        with Vertical(classes="box"):
            yield Label(f"{verb} {r.side} {qty(r.quantity)} {self.rules.name} {r.order_type} {prices} {r.tif}"
                        f"{' outside RTH' if r.outside_rth else ''}", classes="title")
            yield Static(self._notional(), id="notional")
            if self.verdict.warnings:
                yield Static("\n".join(f"[$warning]! {escape(w.message)}[/]" for w in self.verdict.warnings),
                             id="warnings")
            restart = self.blotter.restart_in()
            if restart is not None:
                yield Static(f"[$warning]! {restart_warning(restart)}[/]", id="restart")
            yield Static("TWS preview: asking…", id="what-if")
            confirm = "confirm the warnings above and transmit" if self.verdict.warnings else "transmit"
            yield Static(f"Enter: {confirm} · Esc: back to the ticket (nothing sent)", classes="keys")

    def _notional(self) -> str:
        r = self.request
        ref, where = r.lmt_price or r.aux_price, ""
        if ref is None and self.quote is not None:
            found = self.quote.reference(r.side.upper())
            if found is not None:
                where, ref = f" (at the {found[0]})", found[1]
        if ref is None:
            return "notional: unknown (no price and no quote)"
        value = Decimal(r.quantity) * Decimal(ref) * self.rules.multiplier
        return f"notional: {money(float(value))} {self.rules.currency}{where}"

    def on_mount(self) -> None:
        self.blotter.listeners.append(self.on_answer)
        self.what_if_id = self.blotter.commands.what_if(self.contract, self.request.to_fields())
        if self.what_if_id is None:
            self.query_one("#what-if", Static).update("TWS preview: not available (not connected)")

    def on_unmount(self) -> None:
        if self.on_answer in self.blotter.listeners:
            self.blotter.listeners.remove(self.on_answer)

    def on_answer(self, touched: set[int], changes: Changes) -> None:
        if self.what_if_id not in changes.what_if:
            return
        preview = self.blotter.store.what_if(self.what_if_id)
        if preview is None:
            return
        parts = [f"commission {money(preview.commission)} {preview.commission_currency}".strip()]
        for label, value in (("initial margin", preview.init_margin_change),
                             ("maintenance margin", preview.maint_margin_change)):
            if value is not None:
                parts.append(f"{label} {'+' if value >= 0 else ''}{money(value)}")
        if preview.warning_text:
            parts.append(f"[$warning]{escape(preview.warning_text)}[/]")  # TWS's words, not markup
        self.query_one("#what-if", Static).update("TWS preview: " + " · ".join(parts))

    def action_back(self) -> None:
        self.dismiss(False)

    def action_transmit(self) -> None:
        reason = self.blotter.why_not("modify" if self.row else "ticket")
        if reason is not None:
            self.notify(f"not sent: {reason}", severity="error")
            return
        restart = self.blotter.restart_in()
        if restart is not None and not self.restart_confirmed:
            self.app.push_screen(Confirm("Transmit as TWS restarts?", restart_warning(restart), lambda: None,
                                         "transmit anyway", "back to the review (nothing sent)"),
                                 self._restart_answered)
            return
        if self.blotter.needs_live_confirmation():
            self.app.push_screen(ConfirmLive(self.blotter.live_accounts()), self._live_answered)
            return
        self._send()

    def _restart_answered(self, yes: bool | None) -> None:
        if yes:
            self.restart_confirmed = True
            self.action_transmit()

    def _live_answered(self, yes: bool | None) -> None:
        if yes:
            self.blotter.live_word_typed()
            self.action_transmit()

    def _send(self) -> None:
        if self.restart_confirmed:
            self.blotter.restart_confirmed()  # said in the journal's record of the request
        fields = self.request.to_fields()
        if self.row is not None:
            self.blotter.commands.modify(self.row.order_id, self.row.contract, fields)
        else:
            self.blotter.commands.place(self.contract, fields)
        self.dismiss(True)
