"""The simulator's catalogue: contracts with the details TWS gives for them, and their price grids.

Details follow what a live TWS / IB Gateway sends (server version 200 captures): conIds, order
types, valid exchanges and one market rule id per valid exchange. The sub-dollar stock and the AAPL
option conId are made up; everything else is a real contract's identity.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from blotter.sim.model import ContractSpec, Instrument

# rule id -> (low edge, increment) bands, as reqMarketRule answers them
MARKET_RULES: dict[int, list[tuple[float, float]]] = {
    26: [(0.0, 0.01)],  # US stocks, every venue (live TWS answers a single band)
    557: [(0.0, 0.0001), (1.0, 0.01)],  # sub-dollar US stocks: sub-penny below $1
    32: [(0.0, 0.01), (3.0, 0.05)],  # US equity options in the penny program
    109: [(0.0, 0.01), (3.0, 0.05)],  # the same grid as listed on most option venues
    67: [(0.0, 0.25)],  # ES on CME / QBALGO
    3188: [(0.0, 0.00005)],  # EUR.USD on IDEALPRO
}

CATALOGUE_WEEK = date(2026, 11, 15)  # the Sunday whose week the catalogue's hours describe

_US_STOCK_EXCHANGES = (
    "SMART,AMEX,NYSE,CBOE,PHLX,ISE,CHX,ARCA,NASDAQ,DRCTEDGE,BEX,BATS,EDGEA,BYX,IEX,EDGX,"
    "FOXRIVER,PEARL,NYSENAT,LTSE,MEMX,IBEOS,OVERNIGHT,TPLUS0,PSX,T24X"
)
_US_STOCK_ORDER_TYPES = (
    "ACTIVETIM,AD,ADDONT,ADJUST,ALERT,ALGO,ALLOC,AON,AVGCOST,BASKET,BENCHPX,CASHQTY,COND,CONDORDER,"
    "DARKONLY,DARKPOLL,DAY,DEACT,DEACTDIS,DEACTEOD,DIS,DUR,GAT,GTC,GTD,GTT,HID,IBKRATS,ICE,IMB,IOC,"
    "LIT,LMT,LOC,MIDPX,MIT,MKT,MOC,MTL,NGCOMB,NODARK,NONALGO,OCA,OPG,OPGREROUT,PEGBENCH,PEGMID,"
    "POSTATS,POSTONLY,PREOPGRTH,PRICECHK,REL,REL2MID,RELPCTOFS,RPI,RTH,SCALE,SCALEODD,SCALERST,"
    "SIZECHK,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,SWEEP,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF"
)
# US equity options: each venue with its market rule, in TWS's order
_OPTION_VENUES = (
    ("SMART", 32), ("AMEX", 109), ("CBOE", 109), ("PHLX", 109), ("PSE", 109), ("ISE", 109),
    ("BOX", 109), ("BATS", 109), ("NASDAQOM", 32), ("CBOE2", 109), ("NASDAQBX", 32), ("MIAX", 109),
    ("GEMINI", 109), ("EDGX", 109), ("MERCURY", 109), ("PEARL", 109), ("EMERALD", 109),
    ("MEMX", 109), ("IBUSOPT", 32), ("SAPPHIRE", 109),
)
_OPTION_ORDER_TYPES = (
    "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AON,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,"
    "DEACTEOD,DIS,FOK,GAT,GTC,GTD,GTT,HID,ICE,IOC,LIT,LMT,MIT,MKT,MTL,NGCOMB,NONALGO,OCA,OPENCLOSE,"
    "PAON,PEGMIDVOL,PEGMKTVOL,PEGPRMVOL,PEGSRFVOL,POSTONLY,PRICECHK,REL,RELPCTOFS,RELSTK,SCALE,"
    "SCALERST,SIZECHK,SMARTSTG,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,"
    "VOLAT,WHATIF"
)
_FUTURE_ORDER_TYPES = (
    "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,BENCHPX,COND,CONDORDER,DAY,DEACT,DEACTDIS,"
    "DEACTEOD,GAT,GTC,GTD,GTT,HID,ICE,IOC,LIT,LMT,LTH,MIT,MKT,MKTPROT,MTL,NGCOMB,NONALGO,OCA,"
    "PEGBENCH,SCALE,SCALERST,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,STPPROT,TRAIL,TRAILLIT,TRAILLMT,"
    "TRAILMIT,WHATIF"
)
_FX_ORDER_TYPES = (
    "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,CASHQTY,COND,CONDORDER,DAY,DEACT,DEACTDIS,"
    "DEACTEOD,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,NONALGO,OCA,REL,RELPCTOFS,SCALE,SCALERST,STP,"
    "STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF"
)

# sec type -> (trading, liquid) sessions, each (open, close, overnight: opens the evening before)
_SESSIONS: dict[str, tuple[tuple[str, str, bool], tuple[str, str, bool]]] = {
    "STK": (("0400", "2000", False), ("0930", "1600", False)),
    "OPT": (("0930", "1600", False), ("0930", "1600", False)),
    "FUT": (("1700", "1600", True), ("0830", "1600", False)),
    "CASH": (("1715", "1700", True), ("1715", "1700", True)),
}

ISINS: dict[int, str] = {265598: "US0378331005", 272093: "US5949181045", 756733: "US78462F1030"}
LAST_TRADE_TIMES: dict[int, str] = {515416632: "08:30:00"}  # futures: the last trading time of day


def week_hours(open_: str, close: str, overnight: bool, sunday: date) -> str:
    """A week of sessions (Monday to Friday) in TWS's tradingHours / liquidHours format.

    TWS starts the list at the Sunday: `CLOSED` for day sessions, an empty entry where Monday's
    session already opens on Sunday evening (hence the leading `;`).
    """
    days = [sunday + timedelta(days=n) for n in range(1, 6)]
    opens = [d - timedelta(days=1) if overnight else d for d in days]
    head = "" if overnight else f"{sunday:%Y%m%d}:CLOSED"
    return ";".join([head] + [f"{o:%Y%m%d}:{open_}-{d:%Y%m%d}:{close}" for o, d in zip(opens, days)])


def with_week(inst: Instrument, sunday: date) -> Instrument:
    """The instrument with trading and liquid hours for the week starting on `sunday`."""
    trading, liquid = _SESSIONS[inst.sec_type]
    return replace(inst, trading_hours=week_hours(*trading, sunday), liquid_hours=week_hours(*liquid, sunday))


def _listed(inst: Instrument) -> Instrument:
    return with_week(inst, CATALOGUE_WEEK)


def _us_stock(con_id: int, symbol: str, long_name: str, primary: str, trading_class: str,
              rule: int = 26, **more: object) -> Instrument:
    exchanges = _US_STOCK_EXCHANGES.split(",")
    fields: dict[str, object] = dict(
        stock_type="COMMON", min_size=Decimal("0.0001"), size_increment=Decimal("0.0001"),
        suggested_size_increment=Decimal(100), commission_per_unit=0.005, commission_min=1.0,
        commission_max_pct=0.01,
    )
    fields.update(more)
    return _listed(Instrument(
        con_id=con_id, symbol=symbol, sec_type="STK", exchange="SMART", primary_exchange=primary,
        currency="USD", local_symbol=symbol, trading_class=trading_class, long_name=long_name,
        min_tick=MARKET_RULES[rule][0][1], market_rule_ids=",".join([str(rule)] * len(exchanges)),
        order_types=_US_STOCK_ORDER_TYPES, valid_exchanges=_US_STOCK_EXCHANGES,
        **fields,  # type: ignore[arg-type]
    ))


INSTRUMENTS: tuple[Instrument, ...] = (
    _us_stock(265598, "AAPL", "APPLE INC", "NASDAQ", "NMS", industry="Technology",
              category="Computers", subcategory="Computers", start_price=255.40, touch_size=300),
    _us_stock(272093, "MSFT", "MICROSOFT CORP", "NASDAQ", "NMS", industry="Technology",
              category="Software", subcategory="Software-Applications", start_price=415.20, touch_size=200),
    _us_stock(756733, "SPY", "SPDR S&P 500 ETF TRUST", "ARCA", "SPY", stock_type="ETF",
              start_price=668.30, touch_size=500, volatility=0.0003),
    # fictional: a sub-dollar Nasdaq Capital Market stock (whole shares only)
    _us_stock(699400117, "QPNY", "QUARTERPENNY THERAPEUTICS INC", "NASDAQ", "SCM", rule=557,
              industry="Consumer, Non-cyclical", category="Pharmaceuticals", subcategory="Medical-Drugs",
              min_size=Decimal(1), size_increment=Decimal(1), start_price=0.4512, touch_size=5000,
              volatility=0.002),
    _listed(Instrument(
        con_id=515416632, symbol="ES", sec_type="FUT", exchange="CME", primary_exchange="",
        currency="USD", local_symbol="ESZ6", trading_class="ES", long_name="E-mini S&P 500",
        min_tick=0.25, market_rule_ids="67,67", order_types=_FUTURE_ORDER_TYPES,
        valid_exchanges="CME,QBALGO", multiplier="50", last_trade_date="20261218",
        contract_month="202612", time_zone_id="US/Central", under_con_id=11004968,
        under_symbol="ES", under_sec_type="IND", start_price=6850.0, volatility=0.0003,
        touch_size=40, commission_per_unit=0.85, commission_min=0.0, commission_max_pct=1.0,
    )),
    _listed(Instrument(
        con_id=12087792, symbol="EUR", sec_type="CASH", exchange="IDEALPRO", primary_exchange="",
        currency="USD", local_symbol="EUR.USD", trading_class="EUR.USD",
        long_name="European Monetary Union Euro", min_tick=0.00005, market_rule_ids="3188",
        order_types=_FX_ORDER_TYPES, valid_exchanges="IDEALPRO", min_size=Decimal("0.01"),
        size_increment=Decimal("0.01"), suggested_size_increment=Decimal("0.01"),
        start_price=1.08735, volatility=0.00005, touch_size=1_000_000,
        commission_per_unit=0.00002, commission_min=2.0, commission_max_pct=1.0,  # 0.2 bp of notional
    )),
    _listed(Instrument(
        con_id=788430215, symbol="AAPL", sec_type="OPT", exchange="SMART", primary_exchange="",
        currency="USD", local_symbol="AAPL  261218C00260000", trading_class="AAPL",
        long_name="APPLE INC", min_tick=0.01,
        market_rule_ids=",".join(str(rule) for _, rule in _OPTION_VENUES),
        order_types=_OPTION_ORDER_TYPES, valid_exchanges=",".join(v for v, _ in _OPTION_VENUES),
        multiplier="100", last_trade_date="20261218", contract_month="202612", strike=260.0,
        right="C", under_con_id=265598, under_symbol="AAPL", under_sec_type="STK",
        start_price=18.50, volatility=0.002, touch_size=20,
        commission_per_unit=0.65, commission_min=1.0, commission_max_pct=1.0,
    )),
)

_BY_CON_ID = {inst.con_id: inst for inst in INSTRUMENTS}
_PRIMARY_ALIASES = {"ISLAND": "NASDAQ"}
_RIGHTS = {"CALL": "C", "PUT": "P"}


def by_con_id(con_id: int) -> Instrument | None:
    return _BY_CON_ID.get(con_id)


def find(spec: ContractSpec) -> list[Instrument]:
    """The catalogue's contracts that fit a client's description (more than one: ambiguous)."""
    if spec.con_id:
        inst = by_con_id(spec.con_id)
        return [inst] if inst is not None and _on_exchange(inst, spec.exchange) else []
    if spec.sec_id_type.upper() == "ISIN" and spec.sec_id:
        return [i for i in INSTRUMENTS if ISINS.get(i.con_id) == spec.sec_id.upper() and _fits(i, spec)]
    if not (spec.symbol or spec.local_symbol):
        return []
    return [inst for inst in INSTRUMENTS if _fits(inst, spec)]


def matching(pattern: str) -> list[Instrument]:
    """reqMatchingSymbols: the underlyings (not derivatives) whose symbol or name starts with `pattern`,
    symbol matches first, as TWS orders them."""
    wanted = pattern.strip().upper()
    if not wanted:
        return []
    listed = [i for i in INSTRUMENTS if i.sec_type in ("STK", "FUT", "CASH")]
    by_symbol = [i for i in listed if i.symbol.upper().startswith(wanted)]
    by_name = [i for i in listed if i not in by_symbol and i.long_name.upper().startswith(wanted)]
    return by_symbol + by_name


def derivative_types(inst: Instrument) -> list[str]:
    """The security types listed on an underlying (what symbol samples call derivativeSecTypes)."""
    return sorted({d.sec_type for d in INSTRUMENTS if d.under_con_id == inst.con_id})


def option_chains(symbol: str, under_con_id: int) -> list[tuple[str, int, str, str, list[str], list[float]]]:
    """reqSecDefOptParams: per exchange (SMART first, as TWS sends it) the chain's trading class,
    multiplier, expirations and strikes, of the options the catalogue lists on the underlying."""
    options = [i for i in INSTRUMENTS if i.sec_type == "OPT" and i.under_con_id == under_con_id
               and _same(symbol, i.under_symbol)]
    chains = []
    for klass in sorted({o.trading_class for o in options}):
        legs = [o for o in options if o.trading_class == klass]
        expirations = sorted({o.last_trade_date for o in legs})
        strikes = sorted({o.strike for o in legs})
        for venue in legs[0].valid_exchanges.split(","):
            chains.append((venue, under_con_id, klass, legs[0].multiplier, expirations, strikes))
    return chains


def _fits(inst: Instrument, spec: ContractSpec) -> bool:
    return all((
        _same(spec.symbol, inst.symbol),
        _same(spec.local_symbol, inst.local_symbol),
        _same(spec.sec_type, inst.sec_type),
        _same(spec.currency, inst.currency),
        _same(spec.trading_class, inst.trading_class),
        _on_exchange(inst, spec.exchange),
        _same(_PRIMARY_ALIASES.get(spec.primary_exchange.upper(), spec.primary_exchange),
              inst.primary_exchange),
        inst.last_trade_date.startswith(spec.last_trade_date),
        not spec.strike or abs(spec.strike - inst.strike) < 1e-9,
        spec.right in ("", "?") or _RIGHTS.get(spec.right.upper(), spec.right.upper()) == inst.right,
        not spec.multiplier or _number(spec.multiplier) == _number(inst.multiplier or "1"),
    ))


def _same(wanted: str, have: str) -> bool:
    return not wanted or wanted.upper() == have.upper()


def _on_exchange(inst: Instrument, exchange: str) -> bool:
    return not exchange or exchange.upper() in inst.valid_exchanges.split(",")


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def rule_ids(inst: Instrument) -> list[int]:
    """The market rule of each valid exchange, in the order of `valid_exchanges`."""
    return [int(r) for r in inst.market_rule_ids.split(",")]


def increment_at(instrument: Instrument, price: Decimal) -> Decimal:
    """The price increment that applies at `price` under the instrument's first market rule."""
    bands = MARKET_RULES[rule_ids(instrument)[0]]
    step = bands[0][1]
    for low, increment in bands:
        if abs(price) >= Decimal(str(low)):
            step = increment
    return Decimal(str(step))


def on_grid(instrument: Instrument, price: float) -> bool:
    """True if `price` (as the decimal it prints as) is a whole number of increments."""
    value = Decimal(str(price))
    return value.is_finite() and value % increment_at(instrument, value) == 0
