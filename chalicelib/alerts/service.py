"""Use cases of alerts: the engine's transitions applied; staff and residents read and act."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chalicelib import photos
from chalicelib.alerts import documents, listing
from chalicelib.alerts.access import Access
from chalicelib.alerts.contacts import who_to_call
from chalicelib.alerts.inbox import InboxRepository
from chalicelib.alerts.inputs import AlertQuery, InboxQuery, MyAlertQuery
from chalicelib.alerts.lifecycle import Lifecycle
from chalicelib.alerts.models import (
    ACTIVE,
    Alert,
    AlertPage,
    AlertState,
    ApplyResult,
    CloseOutcome,
    Notification,
    NotificationPage,
    Severity,
    Transition,
)
from chalicelib.alerts.repository import AlertRepository, Stored
from chalicelib.alerts.routing import ESCALATE_AFTER, Router
from chalicelib.alerts.stats import AlertStats
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.devices.models import Device
from chalicelib.errors import Conflict, NotFound
from chalicelib.notify.repository import NotifyRepository
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import decode_cursor, encode_cursor
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.service import TenantService

ATTEMPTS = 3
_ALERT_ID = re.compile(r"^[0-9a-f]{32}$")
Change = Callable[[dict[str, Any], datetime], dict[str, Any]]


class AlertService:
    def __init__(self, tenant: TenantContext, *, repo: AlertRepository | None = None,
                 tenancy: TenantService | None = None, residents: ResidentRepository | None = None,
                 inbox: InboxRepository | None = None) -> None:
        self.tenant = tenant
        self.repo = repo or AlertRepository(tenant)
        self.tenancy = tenancy or TenantService(tenant)
        self.residents = residents or ResidentRepository(tenant)
        self.inbox = inbox or InboxRepository(tenant)
        self.router = Router(self.tenancy, self.residents, self.inbox)

    # -- the telemetry side ----------------------------------------------------------
    def apply(self, transitions: list[Transition], devices: dict[str, Device],
              now: datetime | None = None) -> ApplyResult:
        return Lifecycle(self.repo, self.router).apply(transitions, devices, now or datetime.now(UTC))

    def raise_report(self, request: dict[str, Any], now: datetime) -> bool:
        """The alert of an emergency request (``request['alert_id']``), raised once: the grid's staff
        are told at once and it escalates until acknowledged. False when it was raised before."""
        doc = documents.report_alert(request, request["alert_id"], now, now + ESCALATE_AFTER[Severity.CRITICAL])
        return self._raise_told(doc, now)

    def raise_visit_overdue(self, subject: dict[str, Any], due: str, late: int, level: dict[str, Any],
                            now: datetime) -> bool:
        """The alert of a care subject's visit overdue by a whole interval, raised once while it is open (the
        visit plan's lock): told to the grid's staff, escalating like any warning. False when open already."""
        doc = documents.visit_alert(subject, due, late, level, uuid.uuid4().hex, now,
                                    now + ESCALATE_AFTER[Severity.WARNING])
        return self._raise_told(doc, now)

    def _raise_told(self, doc: dict[str, Any], now: datetime) -> bool:
        """Open an alert that no reading raised (a report, a visit plan) and tell the grid's staff at once;
        False when its (device, rule) lock is held: it is open already."""
        staff = self.router.staff(1, doc)
        doc["timeline"][0]["to"] = staff
        if not self.repo.open(doc):
            return False
        self.router.send(doc, 1, staff, now)
        return True

    def close_visit_overdue(self, subject_id: str, note: str, by: str, now: datetime) -> bool:
        """Close the open overdue-visit alert of a subject, if any: the visit it waited for was recorded."""
        for _ in range(ATTEMPTS):
            lock = self.repo.lock(documents.visit_device(subject_id), documents.VISIT_RULE)
            stored = self.repo.get(lock.alert_id) if lock and lock.alert_id else None
            if stored is None or stored.doc["state"] not in ACTIVE:
                return False
            doc = documents.closed(stored.doc, AlertState.RESOLVED, by, now, note, outcome=CloseOutcome.HANDLED.value)
            if self.repo.close(stored, doc, _watermark(doc)):
                return True
        raise Conflict("the overdue-visit alert changed while it was being closed; try again", field="alert_id")

    # -- reads -----------------------------------------------------------------------
    def in_scope(self, principal: Principal, q: AlertQuery) -> AlertPage:
        return self._page(q, self._access(principal).staff_prefixes(q.scope))

    def mine(self, principal: Principal, q: MyAlertQuery) -> AlertPage:
        page = self._page(q, [self._access(principal).household_prefix()])
        return page.model_copy(update={"items": [_for_residents(a) for a in page.items]})

    def get(self, principal: Principal, alert_id: str) -> Alert:
        stored = self._load(alert_id)
        access = self._access(principal)
        access.require_view(stored.doc)
        deliveries = NotifyRepository(self.tenant).deliveries(alert_id)
        alert = _shown(_alert({**stored.doc, "deliveries": deliveries}), access)
        if access.is_admin or access.is_staff:
            alert = alert.model_copy(update={"contacts": who_to_call(self.router, stored.doc)})
        return alert

    def notifications(self, principal: Principal, q: InboxQuery) -> NotificationPage:
        docs, last = self.inbox.newest(principal.username, q.limit, decode_cursor(q.cursor))
        return NotificationPage(items=[Notification.model_validate(d) for d in docs], next_cursor=encode_cursor(last))

    # -- staff actions ---------------------------------------------------------------
    def acknowledge(self, principal: Principal, alert_id: str, note: str | None) -> Alert:
        name = self._staff_name(principal)
        return self._change(principal, alert_id,
                            lambda d, at: documents.acknowledged(d, principal.username, at, note, by_name=name))

    def resolve(self, principal: Principal, alert_id: str, note: str,
                outcome: CloseOutcome = CloseOutcome.HANDLED, photo_keys: list[str] | None = None) -> Alert:
        name = self._staff_name(principal)
        files = self._photos(photo_keys)
        alert = self._change(principal, alert_id, lambda d, at: documents.closed(
            d, AlertState.RESOLVED, principal.username, at, note, outcome=outcome.value, by_name=name,
            photos=files), release=True)
        if files:
            photos.attached(self.tenant.tenant_id, files)
        AlertStats(self.tenant).closed(alert.community_id, alert.device_type, outcome, alert.closed_at)
        return alert

    def comment(self, principal: Principal, alert_id: str, text: str, photo_keys: list[str] | None = None) -> Alert:
        """Anyone who may see the alert may comment, at any time (family members included); staff may add
        the photos they took."""
        name = self._staff_name(principal)
        files = self._photos(photo_keys)
        alert = self._change(principal, alert_id, lambda d, at: documents.commented(
            d, principal.username, at, text, by_name=name, photos=files), view_only=True)
        if files:
            photos.attached(self.tenant.tenant_id, files)
        return alert

    def photo_upload(self, content_type: str, at: datetime) -> photos.PhotoUpload:
        return photos.presign(self.tenant.tenant_id, content_type, at, "alerts")

    def _photos(self, keys: list[str] | None) -> list[dict[str, Any]]:
        """The photos named, checked in storage (this city's alert photos, type and size) before anything is
        written; a 400 naming ``photo_keys[i]`` otherwise."""
        return photos.verify(self.tenant.tenant_id, keys, use="alerts") if keys else []

    # -- helpers ---------------------------------------------------------------------
    def _staff_name(self, principal: Principal) -> str | None:
        """A staff member's or city admin's name from the city's records (residents stay unnamed)."""
        if not ({Role.STAFF, Role.CITY_ADMIN} & set(principal.roles)):
            return None
        return self.tenancy.staff_name(principal.username)

    def _access(self, principal: Principal) -> Access:
        return Access(principal, self.tenancy, self.residents)

    def _load(self, alert_id: str) -> Stored:
        stored = self.repo.get(alert_id) if _ALERT_ID.match(alert_id) else None
        if stored is None:
            raise NotFound("alert not found", field="alert_id")
        return stored

    def _change(self, principal: Principal, alert_id: str, change: Change, *, release: bool = False,
                view_only: bool = False) -> Alert:
        """Read, check, change and write back; a concurrent write makes it start over from a fresh read."""
        access = self._access(principal)
        for _ in range(ATTEMPTS):
            stored = self._load(alert_id)
            (access.require_view if view_only else access.require_staff)(stored.doc)
            doc = change(stored.doc, datetime.now(UTC))
            saved = self.repo.close(stored, doc, _watermark(doc)) if release else self.repo.save(stored, doc)
            if saved:
                return _shown(_alert(doc), access)
        raise Conflict("the alert changed while this was being saved; try again", field="alert_id")

    def _page(self, q: MyAlertQuery, prefixes: list[str]) -> AlertPage:
        severities = [q.severity] if q.severity else list(Severity)
        partitions = [self.tenant.alerts_pk(q.state.value, s.value) for s in severities]
        docs, last = listing.page(self.repo.range, partitions, prefixes, q.limit, decode_cursor(q.cursor))
        return AlertPage(items=[_alert(d) for d in docs], next_cursor=encode_cursor(last))


def _alert(doc: dict[str, Any]) -> Alert:
    """The stored alert as shown: photos of its steps with short-lived URLs (signed here, no call to S3)."""
    if any(e.get("photo_files") for e in doc.get("timeline", [])):
        doc = {**doc, "timeline": [{**e, "photo_files": [p.model_dump() for p in photos.views(e["photo_files"])]}
                                   if e.get("photo_files") else e for e in doc["timeline"]]}
    return Alert.model_validate(doc)


def _watermark(doc: dict[str, Any]) -> float:
    """The newest sample a closed alert accounts for: its last raise, or the clear it recovered on."""
    recovered = float(doc["ended_ts"]) if doc.get("recovered_at") and doc.get("ended_ts") is not None else 0.0
    return max(float(doc["last_ts"]), recovered)


def _shown(alert: Alert, access: Access) -> Alert:
    return alert if access.is_admin or access.is_staff else _for_residents(alert)


def _for_residents(alert: Alert) -> Alert:
    """Residents see who acted and when, not the staff an alert was routed to: staff phoned or texted
    show as 工作人员, family as the masked names they are."""
    return alert.model_copy(update={
        "timeline": [e.model_copy(update={"to": []}) for e in alert.timeline],
        "deliveries": [d.model_copy(update={"to": "工作人员"}) if d.kind == "staff" else d for d in alert.deliveries]})
