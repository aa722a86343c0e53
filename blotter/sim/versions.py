"""Server versions of the TWS protocol that change what the simulator reads or writes.

Numbers are TWS's; names are ours. The simulator speaks every version in [MIN_SUPPORTED,
MAX_SUPPORTED]. Up to TEXT_LAST every message is NUL-separated text; from PROTOBUF on a frame starts
with a 4-byte message id, and TWS moves message after message to protobuf (the id plus
PROTOBUF_ID_OFFSET), each from the version in `PROTOBUF_REQUESTS` (what it reads) and
`PROTOBUF_MESSAGES` (what it writes). A text message at a later version is laid out as at TEXT_LAST.
"""

from __future__ import annotations

MIN_SUPPORTED = 157
MAX_SUPPORTED = 226
TEXT_LAST = 200

# version -> what changes at it (only those inside or just below the supported range matter)
DURATION = 158                 # placeOrder / openOrder carry duration
POST_TO_ATS = 160              # placeOrder / openOrder carry postToAts
AUTO_CANCEL_PARENT = 162       # placeOrder / openOrder carry autoCancelParent
FRACTIONAL_SIZE = 163          # sizes are decimals on the wire (also in market data)
SIZE_RULES = 164               # contract details carry minSize / sizeIncrement / suggestedSizeIncrement
ADVANCED_ORDER_REJECT = 166    # error carries advancedOrderRejectJson; placeOrder carries advancedErrorOverride
MANUAL_ORDER_TIME = 169        # placeOrder / cancelOrder carry manualOrderTime
PEGBEST_PEGMID_OFFSETS = 170   # placeOrder + openOrder carry peg best/mid offsets
INSTRUMENT_TIMEZONE = 174
BOND_ISSUERID = 176
FA_PROFILE_DESUPPORT = 177     # faProfile field dropped from placeOrder / openOrder
PENDING_PRICE_REVISION = 178   # execDetails carries pendingPriceRevision
FUND_DATA_FIELDS = 179
OPEN_ORDER_AD_STRATEGY = 181   # (ibapi 10.50.2 reads no new openOrder / completedOrder field here)
LAST_TRADE_DATE = 182          # contract details carry lastTradeDate (execDetails does not, in ibapi 10.50.2)
CUSTOMER_ACCOUNT = 183         # placeOrder / openOrder carry customerAccount
PROFESSIONAL_CUSTOMER = 184
BOND_ACCRUED_INTEREST = 185
INELIGIBILITY_REASONS = 186    # contract details carry ineligibility reasons
RFQ_FIELDS = 187
BOND_TRADING_HOURS = 188
INCLUDE_OVERNIGHT = 189
UNDO_RFQ_FIELDS = 190
PERM_ID_AS_LONG = 191
CME_TAGGING_FIELDS = 192
CME_TAGGING_FIELDS_IN_OPEN_ORDER = 193
ERROR_TIME = 194               # error messages carry the time in ms
FULL_ORDER_PREVIEW_FIELDS = 195
HISTORICAL_DATA_END = 196
CURRENT_TIME_IN_MILLIS = 197
SUBMITTER = 198                # execDetails / openOrder carry submitter
IMBALANCE_ONLY = 199
PARAMETRIZED_DAYS_OF_EXECUTIONS = 200  # reqExecutions carries lastNDays / specificDates
PROTOBUF = 201                 # 4-byte message ids; executions in protobuf
PROTOBUF_PLACE_ORDER = 203     # placeOrder, cancelOrder, reqGlobalCancel; orderStatus, openOrder, error
PROTOBUF_COMPLETED_ORDER = 204  # open and completed orders requests; completedOrder, orderBound
PROTOBUF_CONTRACT_DATA = 205
PROTOBUF_MARKET_DATA = 206
PROTOBUF_ACCOUNTS_POSITIONS = 207
PROTOBUF_HISTORICAL_DATA = 208
PROTOBUF_NEWS_DATA = 209
PROTOBUF_SCAN_DATA = 210       # scanner, and P&L
PROTOBUF_REST_MESSAGES_1 = 211  # FA, exercise, option calculations; the commission report
PROTOBUF_REST_MESSAGES_2 = 212  # secdef option params, matching symbols, market rule, user info ...
PROTOBUF_REST_MESSAGES_3 = 213  # startApi, reqIds, current time ...; nextValidId, currentTime
CANCEL_CONTRACT_DATA = 215
ADDITIONAL_ORDER_PARAMS_1 = 216  # deactivate, postOnly, allowPreOpen, ignoreOpenAuction
ADDITIONAL_ORDER_PARAMS_2 = 217  # seekPriceImprovement, whatIfType
ATTACHED_ORDERS = 218          # placeOrder carries attached (bracket) orders
CONFIG = 219
UPDATE_CONFIG = 221
HEDGE_MAX_SIZE = 223
CONDITIONS_INCLUDE_OVERNIGHT = 226

PROTOBUF_ID_OFFSET = 200  # a message id above this is protobuf for message (id - 200)

# Request message id -> the first version at which a client sends it as protobuf (and TWS reads it so).
PROTOBUF_REQUESTS: dict[int, int] = {
    7: PROTOBUF,
    **dict.fromkeys((3, 4, 58), PROTOBUF_PLACE_ORDER),
    **dict.fromkeys((5, 15, 16, 99), PROTOBUF_COMPLETED_ORDER),
    9: PROTOBUF_CONTRACT_DATA,
    **dict.fromkeys((1, 2, 10, 11, 59), PROTOBUF_MARKET_DATA),
    **dict.fromkeys((6, 17, 61, 64, 62, 63, 74, 75, 76, 77), PROTOBUF_ACCOUNTS_POSITIONS),
    **dict.fromkeys((20, 25, 50, 51, 87, 90, 88, 89, 96, 97, 98), PROTOBUF_HISTORICAL_DATA),
    **dict.fromkeys((12, 13, 84, 85, 86, 100, 101, 102, 103), PROTOBUF_NEWS_DATA),
    **dict.fromkeys((24, 22, 23, 92, 93, 94, 95), PROTOBUF_SCAN_DATA),
    **dict.fromkeys((18, 19, 21, 54, 56, 55, 57), PROTOBUF_REST_MESSAGES_1),
    **dict.fromkeys((78, 79, 80, 81, 83, 91, 104), PROTOBUF_REST_MESSAGES_2),
    **dict.fromkeys((8, 49, 105, 71, 14, 65, 66, 67, 68, 69, 70, 82), PROTOBUF_REST_MESSAGES_3),
    **dict.fromkeys((106, 107), CANCEL_CONTRACT_DATA),
    108: CONFIG,
    109: UPDATE_CONFIG,
}

# Incoming message id -> the first version at which TWS sends it as protobuf: each with the requests
# it answers (executions at 201, orders at 203/204, ...), the commission report with the REST messages.
PROTOBUF_MESSAGES: dict[int, int] = {
    **dict.fromkeys((11, 55), PROTOBUF),                                  # execDetails, execDetailsEnd
    **dict.fromkeys((3, 4, 5, 53), PROTOBUF_PLACE_ORDER),                 # orderStatus, error, openOrder, openOrderEnd
    **dict.fromkeys((100, 101, 102), PROTOBUF_COMPLETED_ORDER),           # orderBound, completedOrder(s End)
    **dict.fromkeys((10, 18, 52), PROTOBUF_CONTRACT_DATA),                # contractData, bondContractData, end
    # ticks, snapshot end, type, params, depth
    **dict.fromkeys((1, 2, 21, 45, 46, 57, 58, 81, 12, 13), PROTOBUF_MARKET_DATA),
    **dict.fromkeys((6, 7, 8, 54, 15, 61, 62, 63, 64, 71, 72, 73, 74),
                    PROTOBUF_ACCOUNTS_POSITIONS),  # account values, portfolio, positions, summaries, multis
    **dict.fromkeys((94, 95), PROTOBUF_SCAN_DATA),                        # pnl, pnlSingle
    59: PROTOBUF_REST_MESSAGES_1,                                         # commission and fees report
    # secdef params (end), symbol samples, market rule, user info
    **dict.fromkeys((75, 76, 79, 93, 107), PROTOBUF_REST_MESSAGES_2),
    **dict.fromkeys((9, 49, 109), PROTOBUF_REST_MESSAGES_3),  # nextValidId, currentTime, currentTimeInMillis
}


def negotiate(client_min: int, client_max: int, server_max: int = MAX_SUPPORTED) -> int | None:
    """The highest version both sides speak (ours capped at `server_max`), or None when they do not meet."""
    version = min(client_max, server_max)
    if version < max(client_min, MIN_SUPPORTED):
        return None
    return version


def sends_protobuf(version: int, msg_id: int) -> bool:
    """True if TWS at `version` sends incoming message `msg_id` as protobuf."""
    return version >= PROTOBUF_MESSAGES.get(msg_id, 10**6)


def reads_protobuf(version: int, msg_id: int) -> bool:
    """True if a client at `version` sends request `msg_id` as protobuf (and TWS reads it so)."""
    return version >= PROTOBUF_REQUESTS.get(msg_id, 10**6)
