"""The order ticket: a quick line that fills the fields, live quote, validation as you type, review.

`n` opens it empty; `m` opens it on the selected working order with only what TWS lets you change
editable. Enter goes to the review (notional, warnings to confirm, TWS's what-if); Esc sends nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static

from blotter.domain.events import ContractInfo, ContractRef
from blotter.domain.holdings import PositionRow, closing_side, order_contract
from blotter.domain.precautions import Precautions, Touch
from blotter.domain.prices import to_decimal
from blotter.domain.quickline import parse
from blotter.domain.rows import Changes, OrderRow
from blotter.domain.text import price, qty
from blotter.domain.ticket import ContractRules, OrderRequest, rule_id_for
from blotter.domain.validation import Verdict, validate, validate_modify
from blotter.ui.review import Review

if TYPE_CHECKING:
    from blotter.ui.app import BlotterApp

# field id, label, OrderRequest attribute; the order a trader reads them in
FIELDS = [("side", "Side", "side"), ("quantity", "Qty", "quantity"), ("symbol", "Symbol", "symbol"),
          ("order_type", "Type", "order_type"), ("lmt_price", "Limit", "lmt_price"),
          ("aux_price", "Stop/trail", "aux_price"), ("trailing_percent", "Trail %", "trailing_percent"),
          ("tif", "TIF", "tif"), ("gtd", "GTD", "gtd"), ("outside_rth", "Out. RTH", "outside_rth"),
          ("account", "Account", "account")]
FIXED_ON_MODIFY = {"side", "symbol", "order_type", "account"}
FIXED_ON_FLATTEN = {"side", "symbol", "account"}
LOOKUP_PAUSE = 0.3  # seconds of no typing before the symbol is looked up


def limits_from(settings: dict[str, float]) -> Precautions:
    """The config file's [precautions] table (numbers) as Precautions; unknown keys are ignored."""
    base = Precautions()
    known = {k: v for k, v in settings.items() if hasattr(base, k)}
    return Precautions(**{k: (int(v) if k == "max_ticks_away" else Decimal(str(v)))  # type: ignore[arg-type]
                          for k, v in known.items()})  # each known name takes the type it is given here


def _number(text: str) -> Decimal | None:
    """A field's number as typed or as the ticket shows it (5,000.00)."""
    return to_decimal(text.replace(",", ""))


class TicketScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "leave", "Leave (sends nothing)"),
                Binding("enter", "review", "Review", priority=True),
                Binding("up", "pick(-1)", "Previous contract", show=False),
                Binding("down", "pick(1)", "Next contract", show=False)]

    def __init__(self, app: "BlotterApp", row: OrderRow | None, flatten: PositionRow | None = None) -> None:
        super().__init__(classes="dialog ticket")
        self.blotter = app
        self.row = row
        self.flatten = flatten  # the position this ticket closes (side, size and contract prefilled)
        self.details_req: int | None = None
        self.quote_req: int | None = None
        self.info: ContractInfo | None = None
        self.looked_up = ""
        self.stock_first: ContractRef | None = None  # a bare symbol's contract, while it is asked as a stock
        self.verdict = Verdict()
        self.request: OrderRequest | None = None
        self.parse_error = ""
        self._lookup: Timer | None = None
        self._choices: list[ContractInfo] = []
        self.sec_type_hint = row.contract.sec_type if row is not None else ""
        self.closing = False

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = f"Modify order {self.row.order_id}" if self.row else "New order"
        if self.flatten is not None:
            f = self.flatten
            title = f"Close position: {qty(f.position)} {f.contract.display} in {f.account}"
        with Vertical(classes="box"):
            yield Label(title, classes="title")
            yield Input(placeholder="BUY 100 AAPL LMT 144.80 GTC", id="quick")
            with Grid(id="fields"):
                for field_id, label, _ in FIELDS:
                    yield Label(label)
                    yield Input(id=f"f-{field_id}", classes="field")
            yield Static("", id="contract")
            yield Static("", id="quote")
            yield Static("", id="verdict")
            yield Static("which contract? ↑↓ and Enter", id="choose-hint")
            yield OptionList(id="chooser")
            yield Static("Enter: review · Esc: leave, nothing is sent · Tab: next field", classes="keys")

    def on_mount(self) -> None:
        self.query_one("#chooser").display = False
        self.query_one("#choose-hint").display = False
        self.blotter.listeners.append(self.on_reference)
        quick = self.query_one("#quick", Input)
        if self.row is not None:
            request = OrderRequest.from_fields(self.row.order, self.row.contract)
            self.fill(request)
            for field_id in FIXED_ON_MODIFY:
                self.query_one(f"#f-{field_id}", Input).disabled = True
            quick.disabled = True
            quick.placeholder = "modify: change quantity, prices, TIF below (side, symbol, type stay)"
            self.query_one("#f-quantity", Input).focus()
            self.resolve(ContractRef(con_id=self.row.contract.con_id, symbol=self.row.contract.symbol,
                                     sec_type=self.row.contract.sec_type, exchange="SMART"
                                     if self.row.contract.sec_type == "STK" else self.row.contract.exchange,
                                     currency=self.row.contract.currency))
        elif self.flatten is not None:
            f = self.flatten
            self.fill(OrderRequest(side=closing_side(f), quantity=abs(f.position), symbol=f.contract.symbol,
                                   order_type="MKT", account=f.account, sec_type=f.contract.sec_type))
            for field_id in FIXED_ON_FLATTEN:
                self.query_one(f"#f-{field_id}", Input).disabled = True
            quick.disabled = True
            quick.placeholder = "close: pick the type and price below (side, symbol, account stay)"
            self.query_one("#f-order_type", Input).focus()
            self.resolve(order_contract(f))
        else:
            self.set_focus(quick)
        self.judge()

    def on_key(self, event: events.Key) -> None:
        """Keys typed right after `n`, before the quick line had focus, still belong to it."""
        quick = self.query_one("#quick", Input)
        if not quick.disabled and event.is_printable and event.character:
            event.stop()
            quick.insert_text_at_cursor(event.character)
            self.set_focus(quick)

    def close(self) -> None:
        """Leave the ticket: stop listening and looking up before the widgets go."""
        self.closing = True
        if self._lookup is not None:
            self._lookup.stop()
        if self.on_reference in self.blotter.listeners:
            self.blotter.listeners.remove(self.on_reference)
        self.dismiss(None)

    def on_unmount(self) -> None:
        if self.on_reference in self.blotter.listeners:
            self.blotter.listeners.remove(self.on_reference)
        if self.quote_req is not None:
            self.blotter.commands.stop_quotes(self.quote_req)

    # -- input --------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "quick":
            result = parse(event.value)
            self.parse_error = "" if result.ok or not event.value.strip() else str(result.errors[0])
            if result.request is not None:
                self.sec_type_hint = result.request.sec_type
                self.fill(result.request)
        self.judge()

    def fill(self, request: OrderRequest) -> None:
        """Show a request in the fields (the quick line's, or the order being modified)."""
        for field_id, _, attr in FIELDS:
            value = getattr(request, attr)
            if value is True:
                text = "yes"
            elif value is None or value is False:
                text = ""
            elif attr == "gtd":
                text = request.gtd_text
            elif attr in ("lmt_price", "aux_price"):
                text = price(float(value))
            else:
                text = str(value)
            widget = self.query_one(f"#f-{field_id}", Input)
            with widget.prevent(Input.Changed):
                widget.value = text

    def read(self) -> OrderRequest | None:
        """The request the fields say now (None while side, quantity or symbol are empty)."""
        v = {field_id: self.query_one(f"#f-{field_id}", Input).value.strip() for field_id, _, _ in FIELDS}
        if not (v["side"] and v["quantity"] and v["symbol"]):
            return None
        quantity = _number(v["quantity"])
        return OrderRequest(
            side=v["side"].upper(), quantity=quantity if quantity is not None else Decimal(-1),
            symbol=v["symbol"].upper(), order_type=v["order_type"].upper() or "LMT",
            lmt_price=_number(v["lmt_price"]), aux_price=_number(v["aux_price"]),
            trailing_percent=to_decimal(v["trailing_percent"].rstrip("%")), tif=v["tif"].upper() or "DAY",
            gtd=v["gtd"] or None, outside_rth=v["outside_rth"].lower() in ("y", "yes", "true", "1"),
            account=v["account"], sec_type=self.info.contract.sec_type if self.info else self.sec_type_hint,
        )

    # -- contract, rules, quote ---------------------------------------------------------------

    def resolve(self, contract: ContractRef) -> None:
        key = f"{contract.con_id}:{contract.symbol}:{contract.sec_type}"
        if key == self.looked_up:
            return
        self.looked_up, self.info = key, None
        if self.quote_req is not None:
            self.blotter.commands.stop_quotes(self.quote_req)
            self.quote_req = None
        self.stock_first = None if contract.sec_type or contract.con_id else contract
        # a bare symbol means the stock; only if there is none is it whatever else it names
        self.details_req = self.blotter.commands.contract_details(
            replace(contract, sec_type="STK") if self.stock_first is not None else contract)

    def _want(self, contract: ContractRef) -> None:
        """Look the symbol up once typing pauses, not on every keystroke ("A", "AA", "AAP"...)."""
        if f"{contract.con_id}:{contract.symbol}:{contract.sec_type}" == self.looked_up:
            return
        chosen = self.info.contract if self.info is not None else None
        if chosen is not None and contract.symbol in (chosen.symbol, chosen.local_symbol) \
                and contract.sec_type in ("", chosen.sec_type):
            return  # the contract already chosen for this symbol
        if self._lookup is not None:
            self._lookup.stop()
        self._lookup = self.set_timer(LOOKUP_PAUSE, lambda: self.resolve(contract))

    def choose(self, info: ContractInfo) -> None:
        """The contract the order is for: fetch its market rule and watch its quote."""
        self.info = info
        rule_id = rule_id_for(info, "SMART" if info.contract.sec_type == "STK" else info.contract.exchange)
        if rule_id is not None and rule_id not in self.blotter.reference.rules:
            self.blotter.commands.market_rule(rule_id)
        self.quote_req = self.blotter.commands.quotes(info.contract)
        self.judge()

    def on_reference(self, touched: set[int], changes: Changes) -> None:
        if self.details_req in touched and self.details_req in self.blotter.reference.finished:
            found = self.blotter.reference.contracts.get(self.details_req, [])
            asked, self.stock_first = self.stock_first, None
            if not found and asked is not None:
                self.details_req = self.blotter.commands.contract_details(asked)
            elif len(found) == 1:
                self.choose(found[0])
            elif len(found) > 1:
                self.offer(found)
        self.judge()

    def offer(self, found: list[ContractInfo]) -> None:
        """An ambiguous symbol: let the trader pick the contract."""
        chooser = self.query_one("#chooser", OptionList)
        chooser.clear_options()
        self._choices = found
        for info in found:
            c = info.contract
            chooser.add_option(f"{c.display} {c.sec_type} {c.exchange} {c.currency} {info.long_name}".strip())
        chooser.display = True
        self.query_one("#choose-hint").display = True
        chooser.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        event.option_list.display = False
        self.query_one("#choose-hint").display = False
        self.choose(self._choices[event.option_index])
        self.query_one("#f-quantity", Input).focus()

    def rules(self) -> ContractRules | None:
        if self.info is None:
            return None
        return ContractRules.from_details(self.info, self.blotter.reference.rules,
                                          "SMART" if self.info.contract.sec_type == "STK" else "")

    def quote(self) -> Touch | None:
        q = self.blotter.reference.quotes.get(self.quote_req) if self.quote_req is not None else None
        return Touch.of(q.bid, q.ask, q.last) if q is not None else None

    # -- judging ------------------------------------------------------------------------------

    def judge(self) -> None:
        """Validate what the fields say now and show every problem where the trader can read it."""
        if self.closing:
            return
        request = self.read()
        self.request = request
        if request is not None and self.row is None and self.flatten is None:
            self._want(ContractRef(symbol=request.symbol, sec_type=request.sec_type))
        rules, quote = self.rules(), self.quote()
        lines: list[str] = []
        if self.parse_error:
            lines.append(f"[$error]✗ {self.parse_error}[/]")
        self.verdict = Verdict()
        if request is not None and rules is not None:
            limits = limits_from(self.blotter.settings.precautions)
            now = datetime.fromtimestamp(self.blotter.clock(), timezone.utc)
            self.verdict = validate_modify(self.row, request, rules, quote, limits, now) if self.row \
                else validate(request, rules, quote, limits, now)
            lines += [f"[$error]✗ {f.message}[/]" for f in (*self.verdict.problems, *self.verdict.blocks)]
            lines += [f"[$warning]! {f.message}[/]" for f in self.verdict.warnings]
        elif request is not None and self.details_req is not None and \
                self.details_req in self.blotter.reference.finished and not \
                self.blotter.reference.contracts.get(self.details_req):
            lines.append(f"[$error]✗ no contract found for {request.symbol}[/]")
        bad = {f.field for f in (*self.verdict.problems, *self.verdict.blocks)}
        for field_id, _, _ in FIELDS:
            self.query_one(f"#f-{field_id}", Input).set_class(field_id in bad, "-invalid")
        self.query_one("#verdict", Static).update("\n".join(lines) or ("[$success]✓ ready to review[/]"
                                                                     if self.ready() else ""))
        self.query_one("#contract", Static).update(self._contract_line())
        self.query_one("#quote", Static).update(self._quote_line())

    def ready(self) -> bool:
        return self.request is not None and self.info is not None and self.verdict.ok and not self.parse_error

    def _contract_line(self) -> str:
        if self.info is None:
            return "contract: resolving…" if self.request is not None else "contract: type a symbol"
        c = self.info.contract
        return f"contract: {c.display} {c.sec_type} {c.exchange} {c.currency} · tick {price(self.info.min_tick, 0)}" \
               f" · {self.info.long_name}"

    def _quote_line(self) -> str:
        q = self.blotter.reference.quotes.get(self.quote_req) if self.quote_req is not None else None
        if q is None:
            return "bid – · ask – · last –"
        return f"bid {price(q.bid)} × {q.bid_size or 0:g} · ask {price(q.ask)} × {q.ask_size or 0:g} · " \
               f"last {price(q.last)}"

    # -- actions ------------------------------------------------------------------------------

    def action_pick(self, step: int) -> None:
        chooser = self.query_one("#chooser", OptionList)
        if chooser.display:
            chooser.action_cursor_down() if step > 0 else chooser.action_cursor_up()
        else:
            self.focus_next() if step > 0 else self.focus_previous()

    def action_leave(self) -> None:
        self.close()

    def action_review(self) -> None:
        chooser = self.query_one("#chooser", OptionList)
        if chooser.display:
            chooser.action_select()
            return
        self.judge()
        if not self.ready() or self.request is None or self.info is None:
            self.notify("the order is not ready: see the messages under the fields", severity="warning")
            return
        rules = self.rules()
        assert rules is not None
        contract = self.row.contract if self.row else self.info.contract
        self.app.push_screen(Review(self.blotter, self.request, contract, rules, self.verdict, self.row,
                                    self.quote()),
                             self._reviewed)

    def _reviewed(self, sent: bool | None) -> None:
        if sent:
            self.close()
