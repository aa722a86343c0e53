"""convert.contract_ref: one ContractRef per contract seen, so a day of fills does not hold one per fill."""

from __future__ import annotations

from ibapi.contract import Contract

from blotter.ib import convert


def _contract(**values: object) -> Contract:
    c = Contract()
    c.conId, c.symbol, c.secType, c.exchange, c.currency = 265598, "AAPL", "STK", "SMART", "USD"
    for name, value in values.items():
        setattr(c, name, value)
    return c


def test_the_same_contract_gives_the_same_ref_and_any_difference_a_new_one() -> None:
    first = convert.contract_ref(_contract())
    assert convert.contract_ref(_contract()) is first
    assert first.symbol == "AAPL" and first.right == "" and first.strike == 0.0
    for change in ({"primaryExchange": "NASDAQ"}, {"localSymbol": "AAPL "}, {"strike": 150.0}, {"right": "C"},
                   {"multiplier": "100"}, {"lastTradeDateOrContractMonth": "20261218"}, {"tradingClass": "X"}):
        other = convert.contract_ref(_contract(**change))
        assert other is not first and other != first, change


def test_the_refs_kept_are_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(convert, "CONTRACTS_KEPT", 5)
    monkeypatch.setattr(convert, "_refs", {})
    for con_id in range(12):
        assert convert.contract_ref(_contract(conId=con_id)).con_id == con_id
    assert len(convert._refs) <= 5
