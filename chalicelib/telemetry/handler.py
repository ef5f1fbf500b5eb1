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

import operator
import time
from collections import defaultdict
from functools import lru_cache
from itertools import compress, repeat
from typing import Any, NamedTuple

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.errors import AppError
from chalicelib.observability import cold_start, emit, logger
from chalicelib.store.keys import TenantContext
from chalicelib.store.scope import tenant_scope
from chalicelib.telemetry.decode import heads
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


def _in_city(tenant: Any, thing: Any) -> tuple[str, str]:
    """The tenant of a rule's record and the in-city device id of the topic's thing name.
    ValueError when the record is not one the rule can have made."""
    tenant = tenant if isinstance(tenant, str) else ""
    return tenant, _device_of(tenant, thing if isinstance(thing, str) else "")


@lru_cache(maxsize=65_536)  # a warm container sees the same things again and again
def _device_of(tenant: str, thing: str) -> str:
    TenantContext(tenant)
    device = device_id_of(tenant, thing)
    if device is None:
        raise ValueError(f"thing {thing!r} is not a device of {tenant!r}")
    return device


class _Record(NamedTuple):
    message_id: str
    body: str
    device: str
    received_at: int | None
    passage: bool = False  # an entrance controller's card read (chalicelib/access), not readings


def records_by_tenant(records: list[dict[str, Any]], failed: dict[str, str]) -> dict[str, list[_Record]]:
    bodies = list(map(_BODY, records))
    fields = heads(bodies, ("tenant", "device", "received_at", "passage"))
    usual = _usual_records(records, bodies, fields)
    if usual is not None:
        return usual
    groups: dict[str, list[_Record]] = defaultdict(list)
    for rec, head in zip(records, fields, strict=True):
        try:
            if isinstance(head, str):
                raise ValueError(head)
            tenant, device = _in_city(head[0], head[1])
        except ValueError as exc:
            failed[rec["messageId"]] = f"unreadable record: {exc}"[:200]
            continue
        received = head[2] if type(head[2]) is int else None
        groups[tenant].append(_Record(rec["messageId"], rec["body"], device, received, head[3] is not None))
    return groups


def _usual_records(records: list[dict[str, Any]], bodies: list[str],
                   fields: list[tuple[Any, ...] | str]) -> dict[str, list[_Record]] | None:
    """:func:`records_by_tenant` of the usual batch, every record readable and naming a device of its
    city, by whole-batch steps with no Python per record; None for any other batch."""
    if not fields or str in {*map(type, fields)}:
        return None
    tenants, things, received, passage = zip(*fields, strict=True)
    if {*map(type, tenants)} != {str} or {*map(type, things)} != {str}:
        return None
    try:
        devices = list(map(_device_of, tenants, things))
    except ValueError:
        return None
    if {*map(type, received)} != {int}:
        received = tuple(r if type(r) is int else None for r in received)
    rows = list(map(_Record, map(_MESSAGE_ID, records), bodies, devices, received,
                    map(operator.is_not, passage, repeat(None))))
    cities = dict.fromkeys(tenants)
    if len(cities) == 1:
        return {tenants[0]: rows}
    return {city: list(compress(rows, map(city.__eq__, tenants))) for city in cities}


_BODY, _MESSAGE_ID = operator.itemgetter("body"), operator.itemgetter("messageId")


def handle_sqs(event: dict[str, Any], context: Any) -> dict[str, Any]:
    now_ms = int(time.time() * 1000)
    logger.clear_state()
    cold_start("handle_telemetry")
    failed: dict[str, str] = {}
    by_tenant = records_by_tenant(event.get("Records", []), failed)
    for tenant_id, items in by_tenant.items():
        logger.append_keys(tenant_id=tenant_id)
        try:
            with tenant_scope(tenant_id):  # the city's items only, as the city's own role
                items = admit_batch(TenantContext(tenant_id), items, now_ms)  # over the allowance: dropped
                if any(r.passage for r in items):
                    failed.update(_passages(tenant_id, [r for r in items if r.passage], now_ms))
                    items = [r for r in items if not r.passage]
                if not items:
                    continue
                report = process_batch(TenantContext(tenant_id), [r.body for r in items], now_ms,
                                       device_ids=[r.device for r in items])
        except AppError as exc:  # storage trouble: let the queue retry this tenant's messages
            logger.exception("telemetry batch failed", extra={"code": exc.code})
            failed.update(dict.fromkeys((r.message_id for r in items), exc.code))
            continue
        for pos, reason in report.bad_messages:
            failed[items[pos].message_id] = reason
        received = [r.received_at for r in items if r.received_at is not None]
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


def _passages(tenant_id: str, items: list[_Record], now_ms: int) -> dict[str, str]:
    """Entrance passages into households' weeks and leads; the refused ones (message id → why) go the
    way of any bad message: retried, then dead-lettered."""
    from chalicelib.access.service import PassageRecorder

    report = PassageRecorder(TenantContext(tenant_id)).record([r.body for r in items], [r.device for r in items],
                                                               [r.received_at for r in items], now_ms)
    if report.refused:
        logger.warning("passages refused", extra={"refused": len(report.refused), "first": report.refused[0][1]})
    return {items[pos].message_id: reason for pos, reason in report.refused}


def handle_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One event from the critical rule: SOS, smoke, gas, fall — alert as fast as possible."""
    now_ms = int(time.time() * 1000)
    logger.clear_state()
    cold_start("handle_events")
    try:
        if not isinstance(event, dict):
            raise ValueError("not a JSON object")
        tenant_id, device = _in_city(event.get("tenant"), event.get("device"))
    except ValueError as exc:  # a rule cannot make such a record: log it, nothing to retry
        logger.error("unreadable event", extra={"reason": str(exc)})
        return {"transitions": 0, "raised": 0, "bad": 1}
    event = {**event, "device": device}
    logger.append_keys(tenant_id=tenant_id)
    if "deposit" in event:  # a sorting bin's drop: points, not readings (chalicelib/points)
        return _deposit(tenant_id, event, now_ms)
    with tenant_scope(tenant_id):
        report = process_batch(TenantContext(tenant_id), [event], now_ms)
    received = event.get("received_at")
    _emit(tenant_id, report, now_ms - received if isinstance(received, int) else 0.0)
    count_batch(tenant_id, report.messages, report.readings, report.alerts.raised)
    meter.maybe_flush()
    if report.bad_messages:  # an unreadable event is logged, not retried: the device must resend
        logger.error("unreadable event", extra={"reason": report.bad_messages[0][1]})
    return {"transitions": report.transitions, "raised": report.alerts.raised, "bad": len(report.bad_messages)}


def _deposit(tenant_id: str, event: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """Record a deposit once (a redelivered event credits nothing). A deposit that cannot be recorded is
    counted and logged; storage trouble raises, so the invocation is retried and then dead-lettered."""
    from chalicelib.points.service import DepositRecorder

    with tenant_scope(tenant_id):
        try:
            outcome = DepositRecorder(TenantContext(tenant_id)).record(event, event.get("received_at") or now_ms)
        except AppError as exc:
            if exc.status >= 500 or exc.status == 409:
                raise
            emit(tenant_id, {"SortingDepositsRefused": 1})
            logger.error("deposit refused", extra={"reason": exc.message, "field": exc.field})
            return {"deposit": "refused", "reason": exc.message, "field": exc.field}
    meter.maybe_flush()
    return {"deposit": outcome}
