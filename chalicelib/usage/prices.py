"""List prices, in USD, and what each counted operation is estimated to cost: the one price table.

Prices: AWS public on-demand list prices for us-east-1 (N. Virginia), as published in June 2025
(first pricing tier, no free tier, no savings plans). In ap-east / cn-north regions prices differ;
change them here. The estimate is of the platform's marginal AWS cost per city, from counted
operations, not a bill: idle resources, data transfer and storage-GB are left out.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.ops.catalog import METRICS

# -- unit prices (USD) -----------------------------------------------------------------------
LAMBDA_PER_REQUEST = 0.20 / 1_000_000
LAMBDA_PER_GB_SECOND = 0.0000166667  # x86
API_GATEWAY_REST_PER_REQUEST = 3.50 / 1_000_000
DYNAMODB_PER_WRITE_UNIT = 0.625 / 1_000_000  # on-demand WRU (1 KB)
DYNAMODB_PER_READ_UNIT = 0.125 / 1_000_000  # on-demand RRU (4 KB, strongly consistent)
SQS_PER_REQUEST = 0.40 / 1_000_000  # standard queue, per 64 KB chunk
IOT_PER_MESSAGE = 1.00 / 1_000_000  # IoT Core messaging, per 5 KB
IOT_RULE_PER_TRIGGER = 0.15 / 1_000_000  # rules engine: rule triggered
IOT_RULE_PER_ACTION = 0.15 / 1_000_000  # rules engine: action executed
CLOUDWATCH_PER_METRIC_MONTH = 0.30  # custom metric (EMF), first 10,000
CLOUDWATCH_LOGS_PER_GB = 0.50  # ingestion
SNS_SMS_CHINA = 0.0287  # one SMS segment to a mainland China number (transactional)
VOICE_PER_MINUTE = 0.013  # End User Messaging voice, outbound, per started minute

# -- assumptions about the platform's own operations ---------------------------------------------
API_LAMBDA_GB = 0.5  # memory of the API function
API_LAMBDA_SECONDS = 0.060  # average billed duration of a request
API_READS, API_WRITES = 3, 1  # DynamoDB units per request on average (reads are a few round trips)
API_LOG_BYTES = 1_500  # one JSON log line + one EMF line
TELEMETRY_LAMBDA_GB = 1.0
TELEMETRY_LAMBDA_SECONDS_PER_MESSAGE = 0.0004  # batches of up to 1,000 messages, vectorized
TELEMETRY_WRITES_PER_MESSAGE = 0.2  # alert state and lock updates, shared by a batch
TELEMETRY_READS_PER_MESSAGE = 0.2  # registry BatchGetItem, shared by a batch
ALERT_WRITES = 6  # alert, lock, escalation entry, timeline; its notifications are counted apart
NOTIFICATION_WRITES = 1  # one inbox item
BROADCAST_WRITES = 2  # the notice and its counters; deliveries are notifications-like writes per household
# custom metric series with a tenant dimension, from the catalogue (a severity set counts three times)
METRICS_PER_CITY = sum((3 if "severity" in dims else 1) for m in METRICS.values() for dims in m.dims
                       if "tenant" in dims)

# Estimated USD per counted unit (the counters of chalicelib/usage/repository.py).
PER_UNIT: dict[str, float] = {
    "api_requests": (API_GATEWAY_REST_PER_REQUEST + LAMBDA_PER_REQUEST
                     + API_LAMBDA_GB * API_LAMBDA_SECONDS * LAMBDA_PER_GB_SECOND
                     + API_READS * DYNAMODB_PER_READ_UNIT + API_WRITES * DYNAMODB_PER_WRITE_UNIT
                     + API_LOG_BYTES / 1e9 * CLOUDWATCH_LOGS_PER_GB),
    # refused early: API Gateway and a short Lambda run, nothing else
    "api_throttled": API_GATEWAY_REST_PER_REQUEST + LAMBDA_PER_REQUEST,
    # 1 IoT message + 1 rule trigger and its SQS action + SQS receive/delete share + Lambda time + state I/O
    "telemetry_messages": (IOT_PER_MESSAGE + IOT_RULE_PER_TRIGGER + IOT_RULE_PER_ACTION + 2 * SQS_PER_REQUEST
                           + TELEMETRY_LAMBDA_GB * TELEMETRY_LAMBDA_SECONDS_PER_MESSAGE * LAMBDA_PER_GB_SECOND
                           + TELEMETRY_WRITES_PER_MESSAGE * DYNAMODB_PER_WRITE_UNIT
                           + TELEMETRY_READS_PER_MESSAGE * DYNAMODB_PER_READ_UNIT),
    "telemetry_readings": 0.0,  # readings ride in their message: nothing extra
    # dropped at the handler: the device still sent it through IoT, the rule and the queue
    "telemetry_dropped": IOT_PER_MESSAGE + IOT_RULE_PER_TRIGGER + IOT_RULE_PER_ACTION + 2 * SQS_PER_REQUEST,
    "alerts_raised": ALERT_WRITES * DYNAMODB_PER_WRITE_UNIT,
    "notifications": NOTIFICATION_WRITES * DYNAMODB_PER_WRITE_UNIT,
    "broadcasts": BROADCAST_WRITES * DYNAMODB_PER_WRITE_UNIT,
    # the SMS or call itself, its queue message and delivery record
    "sms_sent": SNS_SMS_CHINA + 2 * SQS_PER_REQUEST + 2 * DYNAMODB_PER_WRITE_UNIT,
    "voice_calls": VOICE_PER_MINUTE + 2 * SQS_PER_REQUEST + 2 * DYNAMODB_PER_WRITE_UNIT,
}
FIXED_PER_MONTH = METRICS_PER_CITY * CLOUDWATCH_PER_METRIC_MONTH  # the city's custom metrics
PRICES_AS_OF = "2025-06, us-east-1"


def estimate(counts: Mapping[str, int | float]) -> float:
    """USD for ``counts`` of counted operations (fixed monthly costs not included)."""
    return sum(PER_UNIT.get(k, 0.0) * v for k, v in counts.items())
