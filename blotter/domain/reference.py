"""Reference data the ticket needs and the Store does not keep: contract details, market rules, quotes."""

from __future__ import annotations

from dataclasses import replace

from blotter.domain.events import ContractInfo, EndOf, Event, MarketRule, Tick
from blotter.records import frozen


@frozen
class Quote:
    """Live bid / ask / last for one market data request (None until TWS sent it)."""

    bid: float | None = None
    ask: float | None = None
    last: float | None = None
    bid_size: float | None = None
    ask_size: float | None = None
    last_size: float | None = None


class Reference:
    """Contract details by request, market rules by id, quotes by request; fed the events the Store skips."""

    def __init__(self) -> None:
        self.contracts: dict[int, list[ContractInfo]] = {}
        self.finished: set[int] = set()  # contract-details requests that have ended
        self.rules: dict[int, MarketRule] = {}
        self.quotes: dict[int, Quote] = {}

    def apply(self, events: list[Event]) -> set[int]:
        """Take what concerns reference data; returns the request ids (and rule ids) that changed."""
        changed: set[int] = set()
        for event in events:
            if isinstance(event, Tick):
                quote = self.quotes.get(event.req_id, Quote())
                if event.value > 0 or event.field.endswith("size"):
                    self.quotes[event.req_id] = replace(quote, **{event.field: event.value})
                    changed.add(event.req_id)
            elif isinstance(event, ContractInfo):
                self.contracts.setdefault(event.req_id, []).append(event)
                changed.add(event.req_id)
            elif isinstance(event, EndOf) and event.what == "contract_details":
                self.finished.add(event.req_id)
                self.contracts.setdefault(event.req_id, [])
                changed.add(event.req_id)
            elif isinstance(event, MarketRule):
                self.rules[event.rule_id] = event
                changed.add(event.rule_id)
        return changed
