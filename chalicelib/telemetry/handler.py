"""The Lambda entry points of the telemetry side (wired lazily in app.py).

``handle_sqs`` — the queue of the telemetry topic rule, in large batches: records are
grouped by tenant and each tenant's messages go through the vectorized pipeline at once.
A message that cannot be read is reported failed (``batchItemFailures``) — only it — so
the queue retries it and then moves it to the dead-letter queue; the rest of the batch
goes on. Redelivery is harmless: late samples are dropped by the engine and a repeated
raise is recognised by the alert lifecycle.

``handle_event`` — the critical-event rule's direct invocation, one message, for latency.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

import orjson
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.errors import AppError
from chalicelib.observability import cold_start, emit, logger
from chalicelib.store.keys import TenantContext
from chalicelib.store.scope import tenant_scope
from chalicelib.telemetry.decode import collector_paused
from chalicelib.telemetry.pipeline import BatchReport, process_batch
from chalicelib.usage.meter import meter
from chalicelib.usage.telemetry import admit_batch, count_batch
from iot.things import device_id_of


def _emit(tenant_id: str, report: BatchReport, lag_ms: float) -> None:
    emit(tenant_id, {"TelemetryMessages": report.messages, "TelemetryReadings": report.readings,
                     "TelemetryBadMessages": len(report.bad_messages),
                     "TelemetryRejected": sum(report.rejected.values()), "AlertTransitions": report.transitions,
                     "TelemetryStateConflicts": report.state_conflicts,
                     "TelemetryLag": max(lag_ms, 0.0)}, units={"TelemetryLag": MetricUnit.Milliseconds})
    for severity, count in report.alerts.raised_by_severity.items():
        emit(tenant_id, {"AlertsRaised": count}, by={"severity": severity})


def _in_city(body: Any) -> tuple[str, dict[str, Any]]:
    """The tenant of a rule's record, with ``device`` turned from the topic's thing name into
    the in-city device id. ValueError when the record is not one the rule can have made."""
    if not isinstance(body, dict):
        raise ValueError("not a JSON object")
    tenant = str(body.get("tenant", ""))
    TenantContext(tenant)
    device = device_id_of(tenant, str(body.get("device", "")))
    if device is None:
        raise ValueError(f"thing {body.get('device')!r} is not a device of {tenant!r}")
    return tenant, {**body, "device": device}


def _by_tenant(records: list[dict[str, Any]], failed: dict[str, str]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    groups: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for rec in records:
        try:
            tenant, body = _in_city(orjson.loads(rec["body"]))
        except (orjson.JSONDecodeError, ValueError) as exc:
            failed[rec["messageId"]] = f"unreadable record: {exc}"[:200]
            continue
        groups[tenant].append((rec["messageId"], body))
    return groups


def handle_sqs(event: dict[str, Any], context: Any) -> dict[str, Any]:
    now_ms = int(time.time() * 1000)
    logger.clear_state()
    cold_start("handle_telemetry")
    failed: dict[str, str] = {}
    with collector_paused():  # up to 1,000 records parsed at once (telemetry.decode)
        by_tenant = _by_tenant(event.get("Records", []), failed)
    for tenant_id, items in by_tenant.items():
        logger.append_keys(tenant_id=tenant_id)
        try:
            with tenant_scope(tenant_id):  # the city's items only, as the city's own role
                items = admit_batch(TenantContext(tenant_id), items, now_ms)  # over the allowance: dropped
                if not items:
                    continue
                report = process_batch(TenantContext(tenant_id), [body for _, body in items], now_ms)
        except AppError as exc:  # storage trouble: let the queue retry this tenant's messages
            logger.exception("telemetry batch failed", extra={"code": exc.code})
            failed.update(dict.fromkeys((mid for mid, _ in items), exc.code))
            continue
        ids = [mid for mid, _ in items]
        for pos, reason in report.bad_messages:
            failed[ids[pos]] = reason
        received = [int(body["received_at"]) for _, body in items if isinstance(body.get("received_at"), int)]
        _emit(tenant_id, report, now_ms - min(received) if received else 0.0)
        count_batch(tenant_id, report.messages, report.readings, report.alerts.raised)
        logger.info("telemetry batch", extra={"messages": report.messages, "readings": report.readings,
                                              "rejected": report.rejected, "bad": len(report.bad_messages),
                                              "transitions": report.transitions})
    meter.flush()  # the batch's usage: one UpdateItem per city
    if failed:
        logger.warning("messages left for retry / dead-letter", extra={"failed": len(failed)})

    def record_handler(record: SQSRecord) -> None:
        if record.message_id in failed:
            raise ValueError(failed[record.message_id])

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))


def handle_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One event from the critical rule: SOS, smoke, gas, fall — alert as fast as possible."""
    now_ms = int(time.time() * 1000)
    logger.clear_state()
    cold_start("handle_events")
    try:
        tenant_id, event = _in_city(event)
    except ValueError as exc:  # a rule cannot make such a record: log it, nothing to retry
        logger.error("unreadable event", extra={"reason": str(exc)})
        return {"transitions": 0, "raised": 0, "bad": 1}
    logger.append_keys(tenant_id=tenant_id)
    with tenant_scope(tenant_id):
        report = process_batch(TenantContext(tenant_id), [event], now_ms)
    received = event.get("received_at")
    _emit(tenant_id, report, now_ms - received if isinstance(received, int) else 0.0)
    count_batch(tenant_id, report.messages, report.readings, report.alerts.raised)
    meter.maybe_flush()
    if report.bad_messages:  # an unreadable event is logged, not retried: the device must resend
        logger.error("unreadable event", extra={"reason": report.bad_messages[0][1]})
    return {"transitions": report.transitions, "raised": report.alerts.raised, "bad": len(report.bad_messages)}
