"""TWS's error and notice codes with their wording as TWS sends it (not as IB's tables describe it).

Texts carry `{name}` slots for what TWS fills in; a slot not given is filled from the error's
defaults, or left empty (TWS itself sends "Order Canceled - reason:" with nothing after it). Where no
live capture or real log confirms the wording, the comment says so and the text follows IB's
message-code table.
"""

from __future__ import annotations

from blotter.records import frozen




class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


@frozen
class TwsError:
    """One TWS message: its code and its text with `{slots}`."""

    code: int
    text: str
    defaults: tuple[tuple[str, object], ...] = ()

    def format(self, **values: object) -> str:
        return self.text.format_map(_Blank(self.defaults, **values))

    def reply(self, **values: object) -> tuple[int, str]:
        """(code, message) as `error()` sends them."""
        return self.code, self.format(**values)


def _e(code: int, text: str, **defaults: object) -> TwsError:
    return TwsError(code, text, tuple(defaults.items()))


# -- requests and pacing ------------------------------------------------------------------------
RATE_LIMIT = _e(100, "Max rate of messages per second has been exceeded:max={limit} rec={received} ({count})",
                limit=50, count=1)
NO_SECURITY_DEFINITION = _e(200, "No security definition has been found for the request")
AMBIGUOUS_CONTRACT = _e(200, "The contract description specified for {symbol} is ambiguous.")
VALIDATION_FAILED = _e(321, "Error validating request.-'{tag}' : cause - {cause}", tag="bM")
# sim-specific: TWS has no such request to refuse; worded like its other 321s
UNSUPPORTED_REQUEST = _e(321, "Error validating request.-'{name}' : cause - Unsupported request")
# unconfirmed: 322 is what TWS answers for an unknown rule id; the wording is modelled on live 322s
NO_MARKET_RULE = _e(322, "Error processing request.Market rule {rule_id} not found")
CLIENT_ID_IN_USE = _e(326, "Unable to connect as the client id is already in use. Retry with a unique client id.")
AUTO_OPEN_NEEDS_CLIENT_0 = _e(
    327, "Only API connections with clientId set to 0 can set the auto bind TWS orders property.")
MARKET_DATA_NOT_SUBSCRIBED = _e(
    354, "Requested market data is not subscribed.Delayed market data is not available.{symbol} {venue}/TOP/ALL")
DELAYED_MARKET_DATA = _e(10167, "Requested market data is not subscribed. Displaying delayed market data.")
NOT_CONNECTED = _e(504, "Not connected")  # ibapi's own, client side

# -- orders -------------------------------------------------------------------------------------
DUPLICATE_ORDER_ID = _e(103, "Duplicate order id")
MODIFY_FILLED = _e(104, "Can't modify a filled order.")  # unconfirmed wording
MODIFY_MISMATCH = _e(105, "Order being modified does not match original order.")  # unconfirmed wording
OFF_TICK = _e(110, "The price does not conform to the minimum price variation for this contract.")
INVALID_TIF = _e(111, "The TIF (Tif type) and the order type are incompatible.")  # unconfirmed wording
ORDER_NOT_FOUND = _e(135, "Can't find order with id ={order_id}")  # spacing after '=' as in 161
NOT_CANCELLABLE = _e(161, "Cancel attempted when order is not in a cancellable state.  Order permId ={perm_id}")
REJECTED = _e(201, "Order rejected - reason:{reason}")
CANCELLED = _e(202, "Order Canceled - reason:{reason}")
GTD_NEEDS_DATE = _e(334, "Invalid Good Till Date order")  # unconfirmed wording
BAD_SIZE_INCREMENT = _e(355, "Order size does not conform to market rule.")  # unconfirmed wording
UNSUPPORTED_ORDER_TYPE = _e(387, "Unsupported order type for this exchange and security type.")
BELOW_MIN_SIZE = _e(388, "Order size is smaller than the minimum requirement.")  # unconfirmed wording
# e.g. warning="Your order will not be placed at the exchange until 2026-11-23 09:30:00 US/Eastern."
ORDER_MESSAGE = _e(399, "Order Message:\n{action} {quantity} {description}\nWarning: {warning}")
MISSING_AUX = _e(403, "Invalid stop price.")  # unconfirmed wording
BAD_QUANTITY = _e(434, "The order size cannot be zero.")  # unconfirmed wording
MISSING_LIMIT = _e(463, "You must enter a valid price.")  # unconfirmed wording
TRAIL_AMOUNT = _e(201, "Order rejected - reason:You must specify a trailing amount or a trailing percent.")  # sim
OUTSIDE_RTH_IGNORED = _e(2109, "Order Event Warning:Attribute 'Outside Regular Trading Hours' is ignored "
                               "based on the order type and destination. PlaceOrder is now being processed.")
CANCEL_NOT_FOUND = _e(10147, "OrderId {order_id} that needs to be cancelled is not found.")
CANCEL_FILLED = _e(10148, "OrderId {order_id} that needs to be cancelled cannot be cancelled, state: {state}.",
                   state="Filled")

# -- connectivity and data farms ----------------------------------------------------------------
CONNECTIVITY_LOST = _e(1100, "Connectivity between IB and Trader Workstation has been lost.")
RESTORED_DATA_LOST = _e(1101, "Connectivity between IB and Trader Workstation has been restored - data lost.")
RESTORED_DATA_MAINTAINED = _e(
    1102, "Connectivity between IB and Trader Workstation has been restored - data maintained.")
FARM_MARKET_DATA_BROKEN = _e(2103, "Market data farm connection is broken:{farm}", farm="usfarm")
FARM_MARKET_DATA = _e(2104, "Market data farm connection is OK:{farm}", farm="usfarm")
FARM_HMDS_BROKEN = _e(2105, "HMDS data farm connection is broken:{farm}", farm="ushmds")
FARM_HMDS = _e(2106, "HMDS data farm connection is OK:{farm}", farm="ushmds")
FARM_HMDS_INACTIVE = _e(2107, "HMDS data farm connection is inactive but should be available upon demand.{farm}",
                        farm="ushmds")
FARM_SECDEF = _e(2158, "Sec-def data farm connection is OK:{farm}", farm="secdefnj")
