"""Decode the requests a client sends as protobuf (server version 201 on) into the dataclasses of
blotter.sim.requests, the same ones the text generation gives.

A request arrives as protobuf only from the version at which clients switch it (versions.PROTOBUF_REQUESTS);
below that TWS does not know the id and refuses it. Each decoder takes the fields present (absent ones
keep the defaults a client leaves unsent) and raises WireError on a damaged message.
"""

from __future__ import annotations

from typing import Any, Callable

from blotter.sim import proto
from blotter.sim import requests as rq
from blotter.sim import versions as V
from blotter.sim.wire import WireError

# Request message id -> the protobuf message it is sent as.
SCHEMAS: dict[int, str] = {
    71: "StartApiRequest", 8: "IdsRequest", 49: "CurrentTimeRequest", 105: "CurrentTimeInMillisRequest",
    3: "PlaceOrderRequest", 4: "CancelOrderRequest", 58: "GlobalCancelRequest",
    5: "OpenOrdersRequest", 16: "AllOpenOrdersRequest", 15: "AutoOpenOrdersRequest", 99: "CompletedOrdersRequest",
    7: "ExecutionRequest", 9: "ContractDataRequest", 1: "MarketDataRequest", 2: "CancelMarketData",
    59: "MarketDataTypeRequest", 10: "MarketDepthRequest", 11: "CancelMarketDepth",
    6: "AccountDataRequest", 17: "ManagedAccountsRequest", 61: "PositionsRequest", 64: "CancelPositions",
    62: "AccountSummaryRequest", 63: "CancelAccountSummary", 74: "PositionsMultiRequest",
    75: "CancelPositionsMulti", 76: "AccountUpdatesMultiRequest", 77: "CancelAccountUpdatesMulti",
    92: "PnLRequest", 93: "CancelPnL", 94: "PnLSingleRequest", 95: "CancelPnLSingle",
    78: "SecDefOptParamsRequest", 79: "SoftDollarTiersRequest", 80: "FamilyCodesRequest",
    81: "MatchingSymbolsRequest", 83: "SmartComponentsRequest", 91: "MarketRuleRequest", 104: "UserInfoRequest",
    20: "HistoricalDataRequest", 25: "CancelHistoricalData", 50: "RealTimeBarsRequest", 51: "CancelRealTimeBars",
    87: "HeadTimestampRequest", 90: "CancelHeadTimestamp", 88: "HistogramDataRequest", 89: "CancelHistogramData",
    96: "HistoricalTicksRequest", 97: "TickByTickRequest", 98: "CancelTickByTick",
    12: "NewsBulletinsRequest", 13: "CancelNewsBulletins", 84: "NewsArticleRequest", 85: "NewsProvidersRequest",
    86: "HistoricalNewsRequest", 100: "WshMetaDataRequest", 101: "CancelWshMetaData", 102: "WshEventDataRequest",
    103: "CancelWshEventData", 24: "ScannerParametersRequest", 22: "ScannerSubscriptionRequest",
    23: "CancelScannerSubscription", 18: "FARequest", 19: "FAReplace", 21: "ExerciseOptionsRequest",
    54: "CalculateImpliedVolatilityRequest", 56: "CancelCalculateImpliedVolatility",
    55: "CalculateOptionPriceRequest", 57: "CancelCalculateOptionPrice", 14: "SetServerLogLevelRequest",
    65: "VerifyRequest", 66: "VerifyMessageRequest", 67: "QueryDisplayGroupsRequest",
    68: "SubscribeToGroupEventsRequest", 69: "UpdateDisplayGroupRequest", 70: "UnsubscribeFromGroupEventsRequest",
    82: "MarketDepthExchangesRequest", 106: "CancelContractData", 107: "CancelHistoricalTicks",
    108: "ConfigRequest", 109: "UpdateConfigRequest",
}


def decode_proto(version: int, msg_id: int, data: bytes) -> rq.Request:
    """One protobuf request (message id without the offset) as a client sends it at `version`."""
    name = rq.MSG_NAMES.get(msg_id, rq.UNKNOWN_MESSAGE)
    schema = SCHEMAS.get(msg_id)
    if schema is None or not V.reads_protobuf(version, msg_id):
        raise WireError(f"protobuf message {msg_id} ({name}) is not one TWS reads at server version {version}")
    try:
        values = proto.decode(schema, data)
    except WireError as exc:
        raise WireError(f"{name} (protobuf {schema}) at server version {version}: {exc}") from None
    decoder = _DECODERS.get(msg_id)
    if decoder is None:
        return rq.Unsupported(msg_id, name, _request_id(values))
    return decoder(values)


def _request_id(values: dict[str, Any]) -> int | None:
    for key in ("reqId", "orderId"):
        if key in values:
            return values[key]
    return None


def _start_api(v: dict[str, Any]) -> rq.StartApi:
    return rq.StartApi(client_id=v.get("clientId", 0), optional_capabilities=v.get("optionalCapabilities", ""))


_DECODERS: dict[int, Callable[[dict[str, Any]], rq.Request]] = {
    rq.MsgId.START_API: _start_api,
    rq.MsgId.REQ_IDS: lambda v: rq.ReqIds(num_ids=v.get("numIds", 0)),
    rq.MsgId.REQ_CURRENT_TIME: lambda v: rq.ReqCurrentTime(),
    rq.MsgId.REQ_MANAGED_ACCTS: lambda v: rq.ReqManagedAccts(),
}
