"""The sender: one queued job (an alert at a level) → Web Push, SMS and voice calls, each recorded once.

For each person and channel the delivery is claimed first (``repository.claim``), so a redelivered
job sends nothing twice; then the person's settings, their number and the city's monthly quota are
checked; then the provider is called. The outcome (sent / failed / skipped, and why) is the
delivery's record, shown in the alert's timeline. A channel that cannot reach someone falls back to
the next one (SMS → a call for critical alerts; a call → SMS); a provider error that may pass
(throttling, the network) releases the claim and fails the job, which the queue retries.

Which channels, by level:
- level 1 (raised): a push to every device each person subscribed (outside the quota; quiet hours
  hold it unless critical), then the SMS below;
- level 1 (raised) and each escalation: SMS to the level's staff — and on raise to a care subject's
  family — for critical and warning alerts (info alerts stay in the inbox);
- a critical alert escalated because nobody acknowledged it: voice calls, in order, to the family,
  the grid's staff (those told on raise) and the level's staff; before each call the alert is read
  again, and once someone has acknowledged it nobody more is called.
"""

from __future__ import annotations

import json
import secrets
import string
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from aws_lambda_powertools.metrics import MetricUnit

from chalicelib import privacy
from chalicelib.alerts.models import AlertState
from chalicelib.alerts.repository import AlertRepository
from chalicelib.config import get_settings
from chalicelib.notify import people, texts
from chalicelib.notify.channels import Gone, Sender, SendFailed, Undeliverable, WebPush, e164, senders
from chalicelib.notify.models import Channel, DeliveryStatus, Job, NotifySettings
from chalicelib.notify.people import Person
from chalicelib.notify.repository import NotifyRepository, delivery_sk, this_month
from chalicelib.observability import emit, logger
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.models import Notifications
from chalicelib.tenancy.service import TenantService, tenant_quotas
from chalicelib.usage.meter import meter

LINK_VALID = timedelta(hours=24)
_ALPHABET = string.ascii_letters + string.digits
TOLD = frozenset({"critical", "warning"})  # info alerts: the inbox only
SKIP_REASONS = {
    "off": "本人已关闭此渠道 / channel turned off", "quiet": "免打扰时段 / quiet hours",
    "no_phone": "没有可用号码 / no number for this channel", "quota": "本月额度已用完 / monthly quota used up",
    "acknowledged": "已有人确认 / already acknowledged",
}


@dataclass
class Report:
    sent: Counter[str] = field(default_factory=Counter)  # by channel
    failed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)  # by reason
    repeated: int = 0  # deliveries already made (a redelivered job)
    latency_ms: list[float] = field(default_factory=list)


class City:
    """What the sender reads of a city for every job — its notification settings, time zone, staff records,
    place names, quotas — read once and kept for :data:`CITY_TTL_SECONDS` in the container."""

    def __init__(self, tenant: TenantContext) -> None:
        self.tenant, self.tenancy = tenant, TenantService(tenant)
        self.expires = clock.monotonic() + CITY_TTL_SECONDS

    @cached_property
    def city(self) -> Notifications:
        return self.tenancy.notifications()

    @cached_property
    def tz(self) -> str:
        return str(self.tenancy.profile().get("timezone", "Asia/Shanghai"))

    @cached_property
    def staff_records(self) -> dict[str, dict[str, object]]:
        return {u["username"]: u for u in self.tenancy.repo.list_type("user")}

    @cached_property
    def places(self) -> texts.Places:
        return texts.Places(self.tenancy)

    @cached_property
    def limits(self) -> dict[Channel, int]:
        quotas = tenant_quotas(self.tenant.tenant_id)
        return {Channel.SMS: quotas.sms_per_month if quotas else 0,
                Channel.VOICE: quotas.voice_calls_per_month if quotas else 0}


CITY_TTL_SECONDS = 60.0  # a manifest change (a staff phone, a template, a quota) reaches the sender within it
_cities: dict[str, City] = {}


def city_of(tenant: TenantContext) -> City:
    found = _cities.get(tenant.tenant_id)
    if found is None or found.expires < clock.monotonic():
        found = _cities[tenant.tenant_id] = City(tenant)
    return found


def forget_cities() -> None:
    _cities.clear()


class NotificationSender:
    def __init__(self, tenant: TenantContext, *, providers: dict[Channel, Sender] | None = None,
                 push: WebPush | None = None, clock: type[datetime] = datetime) -> None:
        self.tenant, self.clock = tenant, clock
        self.providers = providers or senders()
        self.push = push or WebPush()
        self.repo = NotifyRepository(tenant)
        self.alerts = AlertRepository(tenant)
        self.tenancy = TenantService(tenant)
        self.config = city_of(tenant)
        self.city, self.limits = self.config.city, self.config.limits

    def handle(self, job: Job) -> Report:
        report = Report()
        stored = self.alerts.get(job.alert_id)
        if stored is None:
            logger.warning("notification for an unknown alert dropped", extra={"alert_id": job.alert_id})
            return report
        doc = stored.doc
        if doc["severity"] not in TOLD:
            return report
        self.doc, self.job = doc, job
        self.retry: SendFailed | None = None  # a push that failed for now: the job is retried after the SMS
        self.tz = self.config.tz
        self.where = self.config.places.of(doc)
        if job.fallback:
            self._fall_back(job.fallback, report)
            self._publish(report)
            return report
        told = people.staff(self.config.staff_records, job.staff)
        family = people.family(self.tenant, doc) if job.family or job.call else []
        everyone = [*told, *family] if not job.call else told
        self.settings = self.repo.settings([p.username for p in [*everyone, *family] if p.username])
        late = job.level > 1 and doc["state"] != AlertState.OPEN.value  # acknowledged before its escalation went out
        for person in everyone:
            if late:
                self._record(person, Channel.SMS, DeliveryStatus.SKIPPED, report, reason="acknowledged")
            else:
                if job.level == 1:
                    self._push(person, report)
                self._deliver(person, [Channel.SMS, Channel.VOICE] if doc["severity"] == "critical"
                              else [Channel.SMS], report)
        if job.call:
            first = next((e.get("to") or [] for e in doc.get("timeline", []) if e.get("action") == "raised"), [])
            grid = people.staff(self.config.staff_records, first)
            rest = [p for p in told if p.key not in {g.key for g in grid}]
            for person in [*family, *grid, *rest]:
                if self._acknowledged():
                    self._record(person, Channel.VOICE, DeliveryStatus.SKIPPED, report, reason="acknowledged")
                    continue
                self._deliver(person, [Channel.VOICE, Channel.SMS], report)
        self._publish(report)
        if self.retry:
            raise self.retry
        return report

    def _fall_back(self, key: str, report: Report) -> None:
        """The carrier could not deliver this person's SMS: a critical alert still open calls them
        (once: the call's delivery is claimed like any other); anything else stays with the inbox."""
        if self.doc["severity"] != "critical" or self.doc["state"] != AlertState.OPEN.value:
            return
        username = key.removeprefix("staff:") if key.startswith("staff:") else None
        found = (people.staff(self.config.staff_records, [username]) if username
                 else [p for p in people.family(self.tenant, self.doc) if p.key == key])
        if not found:
            logger.warning("SMS fallback for someone no longer told", extra={"alert_id": self.doc["alert_id"]})
            return
        self.settings = self.repo.settings([p.username for p in found if p.username])
        self._deliver(found[0], [Channel.VOICE], report)

    # -- one person -----------------------------------------------------------------------
    def _deliver(self, person: Person, channels: list[Channel], report: Report) -> None:
        """The first channel that reaches the person; the next one only when it could not (no number
        for it, or the provider refused). A channel the person turned off, quiet hours or a used-up
        quota end it there: the inbox still has it."""
        for channel in channels:
            sk = delivery_sk(self.job.level, channel, person.key)
            base = self._doc(person, channel, DeliveryStatus.SENDING)
            if not self.repo.claim(self.doc["alert_id"], sk, base):
                report.repeated += 1
                return  # done before (a redelivered job), with whatever fallback it needed
            reason = self._refused(person, channel)
            if reason is None:
                if self._send(person, channel, sk, base, report):
                    return
                continue
            self._finish(self.doc["alert_id"], sk, {**base, "status": DeliveryStatus.SKIPPED.value,
                                                        "reason": SKIP_REASONS[reason]})
            report.skipped[reason] += 1
            if reason == "quota":
                emit(self.tenant.tenant_id, {"NotificationQuotaReached": 1}, by={"channel": channel.value})
            if reason != "no_phone":
                return

    def _push(self, person: Person, report: Report) -> None:
        """A push to every device the person subscribed, each delivered once; outside the SMS/call quota.
        A device the push service no longer knows (404/410) is forgotten."""
        if not person.username:
            return
        settings = self.settings.get(person.username, NotifySettings())
        reason = "off" if not settings.push else (
            "quiet" if self.doc["severity"] != "critical" and settings.quiet_hours and self._quiet(settings) else None)
        for sub in self.repo.push_subscriptions(person.username):
            sk = delivery_sk(self.job.level, Channel.PUSH, f"{person.key}#{sub['id']}")
            base = {**self._doc(person, Channel.PUSH, DeliveryStatus.SENDING), "device": sub.get("device")}
            if not self.repo.claim(self.doc["alert_id"], sk, base):
                report.repeated += 1
                continue
            if reason:
                self._finish(self.doc["alert_id"], sk, {**base, "status": DeliveryStatus.SKIPPED.value,
                                                            "reason": SKIP_REASONS[reason]})
                report.skipped[reason] += 1
                continue
            try:
                message_id = self.push.send(sub, self._payload(person), critical=self.doc["severity"] == "critical")
            except Undeliverable as exc:
                if isinstance(exc, Gone):
                    self.repo.delete_push_subscription(person.username, str(sub["id"]))
                self._finish(self.doc["alert_id"], sk, {**base, "status": DeliveryStatus.FAILED.value,
                                                            "reason": str(exc)[:200]})
                report.failed[Channel.PUSH.value] += 1
                continue
            except SendFailed as exc:  # retried with the job, once everyone's SMS went out
                self.repo.release(self.doc["alert_id"], sk)
                self.retry = self.retry or exc
                continue
            sent_at = self.clock.now(UTC)
            latency = max(0.0, (sent_at - self.job.at).total_seconds() * 1000)
            self._finish(self.doc["alert_id"], sk, {**base, "status": DeliveryStatus.SENT.value,
                                                        "at": sent_at.isoformat(), "message_id": message_id,
                                                        "latency_ms": int(latency)})
            report.sent[Channel.PUSH.value] += 1
            report.latency_ms.append(latency)

    def _payload(self, person: Person) -> str:
        """What the service worker shows: title, body, the url to open (family: the one-time link;
        staff: the console's alert board) and a tag per alert, so a repeat replaces it."""
        values = self._values("")
        url = (self._link(person) if person.kind == "family"
               else f"{get_settings().public_url.rstrip('/')}/#/console/alerts")
        return json.dumps({"title": f"{values['severity']}：{values['rule']}",
                           "body": f"{values['place']} {values['device']} {values['time']}",
                           "url": url, "tag": f"alert-{self.doc['alert_id']}"}, ensure_ascii=False)

    def _refused(self, person: Person, channel: Channel) -> str | None:
        """Why this channel is not used for this person, or None; counts the send against the quota."""
        settings = self.settings.get(person.username or "", NotifySettings())
        critical = self.doc["severity"] == "critical"
        if (channel is Channel.SMS and not settings.sms) or (channel is Channel.VOICE and not settings.voice):
            return "off"
        if channel is Channel.VOICE and not critical:
            return "off"
        if not critical and settings.quiet_hours and self._quiet(settings):
            return "quiet"
        if self._number(person, channel) is None:
            return "no_phone"
        if not self.repo.count(channel, self._month(), self.limits[channel]):
            return "quota"
        return None

    def _send(self, person: Person, channel: Channel, sk: str, base: dict[str, object], report: Report) -> bool:
        phone = self._number(person, channel)
        assert phone is not None  # checked by _refused
        try:
            if channel is Channel.SMS:
                text = texts.sms(self.city, self._values(self._link(person)))
            else:
                text = texts.voice(self.city, self._values(""))
            context = {"tenant": self.tenant.tenant_id, "alert": self.doc["alert_id"], "delivery": sk}
            message_id = self.providers[channel].send(phone, text, context)
        except Undeliverable as exc:
            self.repo.uncount(channel, self._month())
            self._finish(self.doc["alert_id"], sk, {**base, "status": DeliveryStatus.FAILED.value,
                                                        "reason": str(exc)[:200]})
            report.failed[channel.value] += 1
            return False
        except SendFailed:
            self.repo.uncount(channel, self._month())
            self.repo.release(self.doc["alert_id"], sk)
            raise
        sent_at = self.clock.now(UTC)
        latency = (sent_at - self.job.at).total_seconds() * 1000
        self._finish(self.doc["alert_id"], sk, {
            **base, "status": DeliveryStatus.SENT.value, "at": sent_at.isoformat(), "message_id": message_id,
            "latency_ms": int(max(0, latency))})
        if channel is Channel.SMS:  # SNS's delivery status log names the message id only (receipts.py)
            self.repo.expect_receipt(message_id, self.doc["alert_id"], sk)
        report.sent[channel.value] += 1
        report.latency_ms.append(max(0.0, latency))
        meter.count(self.tenant.tenant_id, **{"sms_sent" if channel is Channel.SMS else "voice_calls": 1})
        return True

    def _record(self, person: Person, channel: Channel, status: DeliveryStatus, report: Report, reason: str) -> None:
        sk = delivery_sk(self.job.level, channel, person.key)
        base = self._doc(person, channel, DeliveryStatus.SENDING)
        if self.repo.claim(self.doc["alert_id"], sk, base):
            self._finish(self.doc["alert_id"], sk, {**base, "status": status.value, "reason": SKIP_REASONS[reason]})
            report.skipped[reason] += 1

    # -- helpers ----------------------------------------------------------------------------
    def _doc(self, person: Person, channel: Channel, status: DeliveryStatus) -> dict[str, object]:
        return {"level": self.job.level, "channel": channel.value, "to": person.name, "kind": person.kind,
                "status": status.value, "at": self.clock.now(UTC).isoformat(), "reason": None}

    def _finish(self, alert_id: str, sk: str, doc: dict[str, object]) -> None:
        self.repo.finish(alert_id, sk, doc, self.tz)

    def _number(self, person: Person, channel: Channel) -> str | None:
        raw = person.phone or (privacy.unseal(self.tenant, "phone", person.phone_sealed)
                               if person.phone_sealed else None)
        return e164(raw, channel) if raw else None

    def _acknowledged(self) -> bool:
        stored = self.alerts.get(self.doc["alert_id"])
        return stored is None or stored.doc["state"] != AlertState.OPEN.value

    def _quiet(self, settings: NotifySettings) -> bool:
        assert settings.quiet_hours is not None
        local = self.clock.now(UTC).astimezone(ZoneInfo(self.tz)).time()
        start, end = (time.fromisoformat(settings.quiet_hours.start), time.fromisoformat(settings.quiet_hours.end))
        return start <= local < end if start <= end else (local >= start or local < end)

    def _month(self) -> str:
        return this_month(self.tz, self.clock.now(UTC))

    def _values(self, link: str) -> dict[str, str]:
        return texts.fields(self.doc, self.city, self.where, self.tz, self.job.level, link)

    def _link(self, person: Person) -> str:
        """A one-time link to acknowledge the alert without signing in (kept 24 h)."""
        code = "".join(secrets.choice(_ALPHABET) for _ in range(12))
        self.repo.add_link(code, {"alert_id": self.doc["alert_id"], "level": self.job.level, "person": person.key,
                                  "name": person.name, "username": person.username, "kind": person.kind},
                           self.clock.now(UTC) + LINK_VALID)
        return f"{get_settings().public_url.rstrip('/')}/ack.html?c={self.tenant.tenant_id}.{code}"

    def _publish(self, report: Report) -> None:
        t = self.tenant.tenant_id
        for channel, n in report.sent.items():
            emit(t, {"NotificationsSent": n}, by={"channel": channel})
        for channel, n in report.failed.items():
            emit(t, {"NotificationsFailed": n}, by={"channel": channel})
        if skipped := sum(report.skipped.values()):
            emit(t, {"NotificationsSkipped": skipped})
        if report.latency_ms:
            emit(t, {"NotificationLatency": max(report.latency_ms)},
                 units={"NotificationLatency": MetricUnit.Milliseconds})
        meter.maybe_flush()
