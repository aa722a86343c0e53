"""The commands of a day opened from the journal (`blotter --date`): no TWS, nothing can be sent."""

from __future__ import annotations

from blotter.domain.events import ConnState, ContractRef, OrderFields


class Offline:
    """Satisfies domain.commands.Commands; every request is a no-op (the UI is read-only here anyway)."""

    def __init__(self, accounts: tuple[str, ...] = ()) -> None:
        self.state = ConnState.STOPPED
        self.server_version = 0
        self.accounts = accounts
        self.last_received = 0.0

    def place(self, contract: ContractRef, order: OrderFields) -> int | None:
        return None

    def modify(self, order_id: int, contract: ContractRef, order: OrderFields) -> None:
        return None

    def cancel(self, order_id: int) -> None:
        return None

    def cancel_all(self) -> None:
        return None

    def what_if(self, contract: ContractRef, order: OrderFields) -> int | None:
        return None

    def contract_details(self, contract: ContractRef) -> int | None:
        return None

    def market_rule(self, rule_id: int) -> None:
        return None

    def quotes(self, contract: ContractRef) -> int | None:
        return None

    def stop_quotes(self, req_id: int) -> None:
        return None

    def stop(self) -> None:
        return None
