"""Server versions of the TWS protocol that change what the simulator reads or writes.

Numbers are TWS's; names are ours. The simulator speaks every plain-text version in
[MIN_SUPPORTED, MAX_SUPPORTED]; from 201 on TWS switches messages to protobuf, which it does not speak.
"""

from __future__ import annotations

MIN_SUPPORTED = 157
MAX_SUPPORTED = 200

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


def negotiate(client_min: int, client_max: int) -> int | None:
    """The highest version both sides speak, or None when the ranges do not meet."""
    version = min(client_max, MAX_SUPPORTED)
    if version < max(client_min, MIN_SUPPORTED):
        return None
    return version
