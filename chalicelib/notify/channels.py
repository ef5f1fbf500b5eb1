"""The channels an alert goes out on, behind one small interface: ``send(phone, text) → message id``.

- SMS: Amazon SNS, transactional, to a mainland mobile number (E.164). China needs the sender's
  signature (短信签名) inside the text — the city's ``notifications.sms_sender`` — not a sender id.
- Voice: AWS End User Messaging SMS and Voice (``SendVoiceMessage``, text to speech in Mandarin,
  voice Zhiyu) from the deployment's origination number; locally (``CC_VOICE_SENDER=recorder``) the
  call is kept in :data:`RECORDED` and logged, not placed.

- Push: Web Push (``pywebpush``: the payload encrypted aes128gcm for the device, signed with the
  deployment's VAPID key) to the push service's endpoint of each subscribed device. ``pywebpush`` is
  imported only when a push is sent: the API Lambda never loads it.

A refusal the provider will repeat (a bad number, an opted-out phone) is :class:`Undeliverable`
(no retry: the next channel is tried); anything else (throttling, a network error) is
:class:`SendFailed` and the queue retries the job.
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws import client
from chalicelib.config import get_settings
from chalicelib.notify.keys import vapid_keys
from chalicelib.notify.models import Channel
from chalicelib.observability import logger

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0(\d{2,3})-?(\d{7,8})$")
# Errors the provider will answer again whatever we do: not retried, the next channel is tried.
_FINAL = frozenset({"InvalidParameter", "InvalidParameterValue", "ValidationException", "OptedOut",
                    "OptedOutException", "ResourceNotFoundException", "AccessDeniedException"})


class SendFailed(Exception):
    """The provider could not take it now: the job is retried."""


class Undeliverable(Exception):
    """The provider refuses this message for good: recorded failed, the next channel tried."""


def e164(phone: str, channel: Channel) -> str | None:
    """A Chinese number in E.164, or None when the channel cannot reach it (SMS: mobiles only)."""
    digits = phone.replace(" ", "")
    if _MOBILE.match(digits):
        return "+86" + digits
    landline = _LANDLINE.match(digits)
    if landline and channel is Channel.VOICE:
        return "+86" + landline.group(1) + landline.group(2)
    return None


class Sender(Protocol):
    channel: Channel

    def send(self, phone: str, text: str, context: dict[str, str] | None = None) -> str: ...


def _provider_call(fn: object, what: str) -> str:
    try:
        return str(fn())  # type: ignore[operator]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _FINAL:
            raise Undeliverable(f"{what}: {code}") from exc
        raise SendFailed(f"{what}: {code or 'error'}") from exc
    except BotoCoreError as exc:
        raise SendFailed(f"{what}: {type(exc).__name__}") from exc


class SnsSms:
    channel = Channel.SMS

    def send(self, phone: str, text: str, context: dict[str, str] | None = None) -> str:
        """``context`` is not SNS's: its delivery status names the message id only (receipts.py)."""
        return _provider_call(lambda: client("sns").publish(
            PhoneNumber=phone, Message=text,
            MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
        )["MessageId"], "SMS")


class EndUserMessagingVoice:
    channel = Channel.VOICE

    def send(self, phone: str, text: str, context: dict[str, str] | None = None) -> str:
        """``context`` comes back in the call's status events (answered, no answer …: receipts.py)."""
        origination = get_settings().voice_origination
        if not origination:
            raise Undeliverable("voice: no origination number configured (CC_VOICE_ORIGINATION)")
        return _provider_call(lambda: client("pinpoint-sms-voice-v2").send_voice_message(
            DestinationPhoneNumber=phone, OriginationIdentity=origination, MessageBody=text,
            MessageBodyTextType="TEXT", VoiceId="ZHIYU", Context=context or {},
        )["MessageId"], "voice")


@dataclass(frozen=True)
class RecordedCall:
    message_id: str
    phone: str
    text: str
    context: dict[str, str] | None = None


RECORDED: list[RecordedCall] = []  # the recorder's calls, newest last (local stack and tests)
_recorded_lock = threading.Lock()


class RecorderVoice:
    """Keeps the call instead of placing it: the local stack's and the tests' voice provider."""

    channel = Channel.VOICE

    def send(self, phone: str, text: str, context: dict[str, str] | None = None) -> str:
        call = RecordedCall(uuid.uuid4().hex, phone, text, context)
        with _recorded_lock:
            RECORDED.append(call)
            del RECORDED[:-1000]
        logger.info("voice call recorded (not placed)", extra={"message_id": call.message_id})
        return call.message_id


class Gone(Undeliverable):
    """The push service no longer knows the subscription (404/410): it is deleted."""


class WebPush:
    """``send(subscription, payload) → message id`` to one device; TTL one hour, urgency high for critical."""

    channel = Channel.PUSH
    TTL = 3600

    def send(self, subscription: dict[str, Any], payload: str, *, critical: bool) -> str:
        from pywebpush import WebPushException, webpush  # only the sender loads it

        keys = vapid_keys()
        if not keys.ready:
            raise Undeliverable("push: no VAPID key in the deployment's secret (CC_VAPID_SECRET)")
        try:
            answer = webpush({"endpoint": subscription["endpoint"], "keys": subscription["keys"]}, payload,
                             vapid_private_key=keys.private_key,
                             vapid_claims={"sub": keys.subject}, ttl=self.TTL,
                             headers={"Urgency": "high" if critical else "normal"}, timeout=10)
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in (404, 410):
                raise Gone(f"push: {status} subscription gone") from exc
            if status is not None and 400 <= status < 500 and status != 429:
                raise Undeliverable(f"push: {status}") from exc
            raise SendFailed(f"push: {status or 'network'}") from exc
        except OSError as exc:  # requests' connection errors
            raise SendFailed(f"push: {type(exc).__name__}") from exc
        location = getattr(answer, "headers", {}).get("Location", "") if answer is not None else ""
        return str(location).rsplit("/", 1)[-1] or uuid.uuid4().hex


def senders() -> dict[Channel, Sender]:
    voice: Sender = RecorderVoice() if get_settings().voice_sender == "recorder" else EndUserMessagingVoice()
    return {Channel.SMS: SnsSms(), Channel.VOICE: voice}
