"""The simulator's contracts as the ticket sees them: its details and market rules, as ContractRules."""

from __future__ import annotations

from decimal import Decimal

from blotter.domain.events import ContractInfo, ContractRef, MarketRule
from blotter.domain.ticket import ContractRules
from blotter.sim.instruments import INSTRUMENTS, MARKET_RULES
from blotter.sim.model import Instrument

MARKET_RULE_EVENTS = tuple(MarketRule(rule_id, tuple(bands)) for rule_id, bands in MARKET_RULES.items())


def info_of(inst: Instrument) -> ContractInfo:
    """contractDetails of a catalogue instrument, as the bridge would copy them."""
    ref = ContractRef(
        con_id=inst.con_id, symbol=inst.symbol, sec_type=inst.sec_type, exchange=inst.exchange,
        primary_exchange=inst.primary_exchange, currency=inst.currency, local_symbol=inst.local_symbol,
        trading_class=inst.trading_class, multiplier=inst.multiplier, last_trade_date=inst.last_trade_date,
        strike=inst.strike, right=inst.right,
    )
    return ContractInfo(0, ref, long_name=inst.long_name, min_tick=inst.min_tick,
                        market_rule_ids=inst.market_rule_ids, order_types=inst.order_types,
                        valid_exchanges=inst.valid_exchanges, min_size=inst.min_size,
                        size_increment=inst.size_increment)


def rules_for(local_symbol: str, exchange: str = "") -> ContractRules:
    [inst] = [i for i in INSTRUMENTS if i.local_symbol == local_symbol]
    return ContractRules.from_details(info_of(inst), MARKET_RULE_EVENTS, exchange)


AAPL = rules_for("AAPL")
QPNY = rules_for("QPNY")
ES = rules_for("ESZ6")
EURUSD = rules_for("EUR.USD")
AAPL_CALL = rules_for("AAPL  261218C00260000")
BY_NAME = {"AAPL": AAPL, "QPNY": QPNY, "ES": ES, "EUR.USD": EURUSD, "AAPL_CALL": AAPL_CALL}
# a contract whose minimum size is above its increment (round lots)
ROUND_LOTS = ContractRules(symbol="LOTS", min_tick=Decimal("0.01"), min_size=Decimal(100),
                           size_increment=Decimal(1))
