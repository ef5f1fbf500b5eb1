"""Delivery receipts on the local stack: what SNS's SMS delivery status logs (with their CloudWatch
Logs subscription) and End User Messaging's call status events (through EventBridge) do in AWS.

moto's SNS keeps every SMS it takes but writes no delivery status; the voice recorder keeps every
call. ``Carrier`` looks at both every ``interval`` seconds and, for each new one, hands the receipts
functions the event AWS would: SNS's log line (``SUCCESS``, "Message has been accepted by phone
carrier"), gzipped and base64-encoded, to ``app.sms_receipts``; a ``VOICE_ANSWERED`` event with the
call's context to ``app.call_receipts`` — a phone on the local stack is always reachable and
answered. ``log_event`` and ``call_event`` build them; the tests use them for their own (failures).
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID

from chalicelib.observability import logger

ACCEPTED = "Message has been accepted by phone carrier"


def log_group(region: str, account: str = DEFAULT_ACCOUNT_ID, failure: bool = False) -> str:
    return f"sns/{region}/{account}/DirectPublishToPhoneNumber" + ("/Failure" if failure else "")


def sns_line(message_id: str, phone: str, ok: bool = True, response: str = ACCEPTED) -> dict[str, Any]:
    """One delivery status line as SNS writes it for an SMS (its documented fields)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    return {"notification": {"messageId": message_id, "timestamp": stamp},
            "delivery": {"mnc": 0, "numberOfMessageParts": 1, "destination": phone, "priceInUSD": 0.00581,
                         "smsType": "Transactional", "mcc": 460, "providerResponse": response,
                         "dwellTimeMs": 412, "dwellTimeMsUntilDeviceAck": 1830},
            "status": "SUCCESS" if ok else "FAILURE"}


def log_event(group: str, lines: list[dict[str, Any] | str]) -> dict[str, Any]:
    """What a subscription filter hands its function: the log lines, gzipped and base64-encoded."""
    now = int(time.time() * 1000)
    data = {"messageType": "DATA_MESSAGE", "owner": DEFAULT_ACCOUNT_ID, "logGroup": group,
            "logStream": "4f5c7c3e-0b1a-4c84-9f40-2f6b0c3d5a11", "subscriptionFilters": ["SmsDeliveredReceipts"],
            "logEvents": [{"id": str(i), "timestamp": now,
                           "message": line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)}
                          for i, line in enumerate(lines)]}
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}


def call_event(message_id: str, phone: str, context: dict[str, str] | None, kind: str = "VOICE_ANSWERED",
               said: str = "Call answered") -> dict[str, Any]:
    """EventBridge's event for a call's status, as End User Messaging sends it."""
    now = int(time.time() * 1000)
    return {"version": "0", "id": f"{message_id}-{kind}", "detail-type": "Voice Message Delivery Status Updated",
            "source": "aws.sms-voice", "account": DEFAULT_ACCOUNT_ID,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "region": "us-east-1", "resources": [],
            "detail": {"eventType": kind, "eventVersion": "1.0", "eventTimestamp": now, "isFinal": True,
                       "destinationPhoneNumber": phone, "messageId": message_id, "messageRequestTimestamp": now,
                       "messageStatus": kind.removeprefix("VOICE_"), "messageStatusDescription": said,
                       "context": context or {}}}


class Carrier(threading.Thread):
    def __init__(self, region: str, interval: float = 2.0) -> None:
        super().__init__(name="sms-carrier", daemon=True)
        self.region, self.interval = region, interval
        self.seen: set[str] = set()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.deliver()
            except Exception:  # noqa: BLE001 - a failed round is tried again next interval
                logger.exception("local SMS receipts failed")

    def deliver(self) -> int:
        from moto.sns.models import sns_backends

        from chalicelib.notify.channels import RECORDED
        from chalicelib.notify.receipts import handle_call_event, handle_logs

        taken = dict(sns_backends[DEFAULT_ACCOUNT_ID][self.region].sms_messages)
        new = [(mid, phone) for mid, (phone, _text) in taken.items() if mid not in self.seen]
        if new:
            handle_logs(log_event(log_group(self.region), [sns_line(mid, phone) for mid, phone in new]))
            self.seen.update(mid for mid, _ in new)
        calls = [c for c in list(RECORDED) if c.message_id not in self.seen]
        for call in calls:
            handle_call_event(call_event(call.message_id, call.phone, call.context))
            self.seen.add(call.message_id)
        return len(new) + len(calls)

    def stop(self) -> None:
        self.stopped.set()
