"""Delivery receipts: whether a sent alert SMS reached the phone, from SNS's SMS delivery status logs.

SNS writes one log line per SMS to ``sns/<region>/<account>/DirectPublishToPhoneNumber`` (delivered)
or ``…/Failure`` (not delivered) — ``{"notification": {"messageId", "timestamp"}, "delivery":
{"providerResponse", …}, "status": "SUCCESS" | "FAILURE"}`` — and a subscription filter on each
group hands them, in batches, to this function (``app.sms_receipts``). A line names the message id
only: the sender left, under the city, which delivery that id is (``repository.expect_receipt``).
Each receipt moves its delivery from ``sent`` to ``delivered`` or ``failed`` once (a repeated line
changes nothing; a failed one queues a fallback job: a critical alert still open calls that person)
and is counted per city (``NotificationsDelivered`` / ``NotificationsUndelivered``,
``channel=sms``). A line that is not a receipt, or one no city sent, is counted for the platform
(``ReceiptsUnmatched``) and never fails the batch.

Calls: End User Messaging sends each call's status to EventBridge ("Voice Message Delivery Status
Updated", ``app.call_receipts``) with the ``context`` the sender gave the call (city, alert,
delivery): answered or completed → ``delivered`` (接听), busy, no answer, failed → ``failed`` with
why; ringing and the like are not final and change nothing.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.data_classes import CloudWatchLogsEvent

from chalicelib.notify.models import DeliveryStatus, Job
from chalicelib.notify.queue import enqueue
from chalicelib.notify.repository import NotifyRepository, find_receipts
from chalicelib.observability import emit, logger
from chalicelib.store.keys import TenantContext
from chalicelib.store.scope import tenant_scope
from chalicelib.tenancy.repository import list_tenant_profiles

CITIES_TTL = 300.0
_cities: tuple[float, list[str]] | None = None


@dataclass(frozen=True)
class Receipt:
    message_id: str
    status: DeliveryStatus  # delivered | failed
    at: str  # ISO time of the provider's report
    response: str  # the carrier's words


def parse_line(message: str, logged_ms: int) -> Receipt | None:
    """One log line as a receipt; None when it is not one."""
    try:
        doc = json.loads(message)
        message_id = str(doc["notification"]["messageId"])
        status = {"SUCCESS": DeliveryStatus.DELIVERED, "FAILURE": DeliveryStatus.FAILED}[doc["status"]]
    except (ValueError, KeyError, TypeError):
        return None
    if not message_id or "#" in message_id or len(message_id) > 100:
        return None
    response = str((doc.get("delivery") or {}).get("providerResponse") or "")
    at = datetime.fromtimestamp(logged_ms / 1000, UTC).isoformat()
    return Receipt(message_id, status, at, response)


def _active_cities() -> list[str]:
    global _cities
    now = time.monotonic()
    if _cities is None or _cities[0] < now:
        _cities = (now + CITIES_TTL, [p["tenant_id"] for p in list_tenant_profiles()])
    return _cities[1]


def forget_cities() -> None:
    global _cities
    _cities = None


def _fall_back(city: str, alert_id: str, sk: str) -> None:
    """The SMS did not arrive: the sender calls that person if the alert is critical and still open."""
    _, level, _channel, person = sk.split("#", 3)  # DELIVERY#<level>#sms#<person>
    enqueue(Job(tenant_id=city, alert_id=alert_id, level=int(level), fallback=person, at=datetime.now(UTC)))


def handle_logs(event: dict[str, Any], context: Any = None) -> dict[str, int]:
    logs = CloudWatchLogsEvent(event).parse_logs_data()
    if logs.message_type != "DATA_MESSAGE":  # CloudWatch's check that the function is there
        return {"receipts": 0, "applied": 0, "unmatched": 0}
    receipts = [r for e in logs.log_events if (r := parse_line(e.message, e.timestamp)) is not None]
    unreadable = len(logs.log_events) - len(receipts)
    found = find_receipts(_active_cities(), [r.message_id for r in receipts]) if receipts else {}
    if len(found) < len({r.message_id for r in receipts}):  # a city onboarded since the list was read?
        forget_cities()
        found.update(find_receipts(_active_cities(), [r.message_id for r in receipts if r.message_id not in found]))
    applied: Counter[tuple[str, DeliveryStatus]] = Counter()
    for r in receipts:
        if r.message_id not in found:
            continue
        city, alert_id, sk = found[r.message_id]
        with tenant_scope(city):
            if NotifyRepository(TenantContext(city)).receive(alert_id, sk, r.status, r.at, r.response):
                applied[(city, r.status)] += 1
                if r.status is DeliveryStatus.FAILED:
                    _fall_back(city, alert_id, sk)
    for (city, status), n in applied.items():
        name = "NotificationsDelivered" if status is DeliveryStatus.DELIVERED else "NotificationsUndelivered"
        emit(city, {name: n}, by={"channel": "sms"})
    unmatched = unreadable + sum(1 for r in receipts if r.message_id not in found)
    if unmatched:
        logger.warning("SMS receipts that match no delivery", extra={"count": unmatched, "group": logs.log_group})
        emit(None, {"ReceiptsUnmatched": unmatched})
    return {"receipts": len(receipts), "applied": sum(applied.values()), "unmatched": unmatched}


ANSWERED = frozenset({"VOICE_ANSWERED", "VOICE_COMPLETED"})
NOT_ANSWERED = {"VOICE_BUSY": "占线 / busy", "VOICE_NO_ANSWER": "无人接听 / no answer",
                "VOICE_FAILED": "呼叫失败 / the call failed", "VOICE_TTS_ERROR": "语音合成失败 / text to speech failed"}
_ALERT_ID = re.compile(r"^[0-9a-f]{32}$")


def handle_call_event(event: dict[str, Any], context: Any = None) -> dict[str, int]:
    """One call status event from EventBridge; 1 when it moved its delivery, else 0."""
    raw = event.get("detail")
    detail: dict[str, Any] = raw if isinstance(raw, dict) else {}
    kind = str(detail.get("eventType") or "")
    if kind not in ANSWERED and kind not in NOT_ANSWERED:
        return {"applied": 0}  # initiated, ringing: not a final word yet
    given = detail.get("context")
    ours: dict[str, Any] = given if isinstance(given, dict) else {}
    city, alert_id, sk = str(ours.get("tenant", "")), str(ours.get("alert", "")), str(ours.get("delivery", ""))
    try:
        tenant = TenantContext(city)
    except ValueError:
        tenant = None
    if tenant is None or not _ALERT_ID.match(alert_id) or not sk.startswith("DELIVERY#") or "#voice#" not in sk:
        logger.warning("call status that names no alert call", extra={"event_type": kind})
        emit(None, {"ReceiptsUnmatched": 1})
        return {"applied": 0}
    status = DeliveryStatus.DELIVERED if kind in ANSWERED else DeliveryStatus.FAILED
    try:  # epoch milliseconds; an event without a usable one is dated when it came
        at = datetime.fromtimestamp(int(detail["eventTimestamp"]) / 1000, UTC).isoformat()
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        at = datetime.now(UTC).isoformat()
    said = str(detail.get("messageStatusDescription") or "")
    response = said if status is DeliveryStatus.DELIVERED else f"{NOT_ANSWERED[kind]}{'：' + said if said else ''}"
    with tenant_scope(city):
        applied = NotifyRepository(tenant).receive(alert_id, sk, status, at, response)
    if applied:
        name = "NotificationsDelivered" if status is DeliveryStatus.DELIVERED else "NotificationsUndelivered"
        emit(city, {name: 1}, by={"channel": "voice"})
    return {"applied": int(applied)}
