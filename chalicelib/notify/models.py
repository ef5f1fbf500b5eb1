"""What the alert side queues for the sender, what a delivery records, and people's settings."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import ConfigDict, Field, field_validator

from chalicelib.config import get_settings
from chalicelib.fields import Cursor
from chalicelib.model import Model

HourMinute = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, the city's time")]


class Channel(StrEnum):
    SMS = "sms"
    VOICE = "voice"
    PUSH = "push"  # Web Push to each subscribed device (not counted against the SMS/call quota)


class DeliveryStatus(StrEnum):
    SENDING = "sending"  # claimed; the provider not answered yet (or the sender stopped: retried when stale)
    SENT = "sent"  # the provider took it (its message id kept)
    DELIVERED = "delivered"  # the provider reported it delivered (voice: answered)
    FAILED = "failed"  # the provider refused it, or it failed after retries
    SKIPPED = "skipped"  # not sent, and why: no phone, quiet hours, channel off, quota used up, acknowledged


class Job(Model):
    """One alert notification at one level, as the queue carries it to the sender."""

    model_config = ConfigDict(extra="forbid")

    tenant_id: str
    alert_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    level: int = Field(ge=1, le=3)
    staff: list[str] = Field(default_factory=list, max_length=500, description="usernames of the level's staff")
    family: bool = Field(default=False, description="a care subject's family is told too")
    call: bool = Field(default=False, description="a critical alert nobody acknowledged: voice calls")
    fallback: str | None = Field(default=None, max_length=200, description="a person (staff:<username>, "
                                 "resident:<id>, contact:<id>) whose SMS the carrier could not deliver: "
                                 "a critical alert still open calls them")
    at: datetime = Field(description="when the alert was raised or escalated (processing time)")


class Delivery(Model):
    """One notification of an alert to one person on one channel, as the alert's timeline shows it."""

    level: int
    channel: Channel
    to: str = Field(description="the person's name (masked for residents and family)")
    kind: Literal["staff", "family"]
    status: DeliveryStatus
    reason: str | None = Field(default=None, description="why it failed or was skipped")
    at: datetime = Field(description="when it was sent, or decided")
    latency_ms: int | None = Field(default=None, description="from the alert's raise or escalation to the send")
    device: str | None = Field(default=None, description="push: the device's label (李娜的手机 …)")
    receipt_at: datetime | None = Field(default=None, description="SMS: when the carrier reported it delivered "
                                        "or not (status delivered / failed)")
    provider_response: str | None = Field(default=None, description="SMS: the carrier's words in its receipt")


class OutboxQuery(Model):
    model_config = ConfigDict(extra="forbid")

    day: date | None = Field(default=None, description="a day in the city's time zone (YYYY-MM-DD); default today")
    limit: int = Field(default=50, ge=1, le=200)
    cursor: Cursor | None = None


class OutboxItem(Delivery):
    alert_id: str


class OutboxPage(Model):
    """The city's SMS and calls of one day, newest first (what was sent, failed or skipped, and why)."""

    items: list[OutboxItem]
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page")


class QuietHours(Model):
    model_config = ConfigDict(extra="forbid")

    start: HourMinute = "22:00"
    end: HourMinute = "07:00"


class NotifySettings(Model):
    """A person's channels for alerts (the inbox is always on). Critical alerts ignore quiet hours."""

    model_config = ConfigDict(extra="forbid")

    sms: bool = Field(default=True, description="alerts by SMS")
    voice: bool = Field(default=True, description="voice calls for critical alerts nobody acknowledged")
    push: bool = Field(default=True, description="Web Push to the devices subscribed (see /v1/me/push-subscriptions)")
    quiet_hours: QuietHours | None = Field(default=None, description="no SMS for non-critical alerts then")


class LinkAction(StrEnum):
    ON_MY_WAY = "on_my_way"  # 我去看看
    REACHED = "reached"  # 已联系上


class LinkAck(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: LinkAction


LINK_CODE = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]\.[A-Za-z0-9]{12}$")


class LinkCode(Model):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="<tenant>.<12 letters or digits>, from the SMS")

    @field_validator("code")
    @classmethod
    def _shape(cls, value: str) -> str:
        if not LINK_CODE.match(value):
            raise ValueError("not a link this platform sent")
        return value


class LinkView(Model):
    """What the one-time link shows before (and after) it is used: no personal data."""

    alert_id: str
    severity: str
    rule: str = Field(description="the rule's Chinese name")
    place: str
    raised_at: datetime
    state: str
    used: bool
    action: LinkAction | None = None


PUSH_DEVICES_PER_PERSON = 10
_B64URL = r"^[A-Za-z0-9_-]+=*$"
# The browsers' push services: the sender POSTs to a subscription's endpoint, so any other host is refused
# (a subscription must not turn the sender into a way to reach arbitrary addresses).
PUSH_SERVICES = ("fcm.googleapis.com", "android.googleapis.com", "updates.push.services.mozilla.com",
                 "push.apple.com", "notify.windows.com")


class PushKeys(Model):
    model_config = ConfigDict(extra="forbid")

    p256dh: str = Field(pattern=_B64URL, min_length=80, max_length=100, description="the device's P-256 key")
    auth: str = Field(pattern=_B64URL, min_length=16, max_length=32, description="the device's auth secret")


class PushSubscriptionIn(Model):
    """A browser's ``PushSubscription.toJSON()``, and a label for the device."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    endpoint: str = Field(max_length=1000, description="the push service's URL for this device (https)")
    keys: PushKeys
    device: str | None = Field(default=None, max_length=40, description="a label; default from the user agent")

    @field_validator("endpoint")
    @classmethod
    def _push_service(cls, value: str) -> str:
        if get_settings().push_http == "1":  # the local stack's push service speaks http, on this machine
            if not value.startswith(("https://", "http://")):
                raise ValueError("must be an http(s) URL of a push service")
            return value
        host = (urlsplit(value).hostname or "") if value.startswith("https://") else ""
        if not any(host == h or host.endswith("." + h) for h in PUSH_SERVICES):
            raise ValueError("must be an https URL of a browser's push service")  # the sender posts only there
        return value


class PushDevice(Model):
    id: str
    device: str
    created_at: datetime


class PushDeviceList(Model):
    """The caller's devices that receive alert pushes (at most 10)."""

    items: list[PushDevice]


class PushKey(Model):
    """The deployment's VAPID public key (applicationServerKey), base64url; empty when push is not set up."""

    public_key: str
