"""Use cases behind the routes: a person's channels, the city's outbox, and the SMS's one-time link.

The link (``/ack.html?c=<city>.<code>``) lets whoever the SMS reached say 我去看看 or 已联系上 without
signing in: the code is 12 random letters and digits (62^12), kept 24 h, used once. Using it
acknowledges the alert in that person's name (or, when someone already did, adds their word to the
timeline). What it shows before use names no person.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

from chalicelib.alerts import documents
from chalicelib.alerts.models import AlertState
from chalicelib.alerts.repository import AlertRepository
from chalicelib.auth.principal import Principal
from chalicelib.errors import Conflict, InvalidInput, NotFound, StorageError
from chalicelib.notify import texts
from chalicelib.notify.keys import vapid_keys
from chalicelib.notify.models import (
    PUSH_DEVICES_PER_PERSON,
    LinkAction,
    LinkView,
    NotifySettings,
    OutboxItem,
    OutboxPage,
    PushDevice,
    PushDeviceList,
    PushKey,
    PushSubscriptionIn,
)
from chalicelib.notify.repository import NotifyRepository, local_day
from chalicelib.store.base import decode_cursor, encode_cursor
from chalicelib.store.keys import TenantContext
from chalicelib.store.scope import tenant_scope
from chalicelib.tenancy.service import TenantService, tenant_status

ATTEMPTS = 3
SAID = {LinkAction.ON_MY_WAY: "我去看看", LinkAction.REACHED: "已联系上"}


def my_settings(principal: Principal) -> NotifySettings:
    found = NotifyRepository(principal.tenant).settings([principal.username])
    return found.get(principal.username, NotifySettings())


def set_my_settings(principal: Principal, body: NotifySettings) -> NotifySettings:
    NotifyRepository(principal.tenant).put_settings(principal.username, body)
    return body


def outbox(tenant: TenantContext, day: date | None, limit: int, cursor: str | None) -> OutboxPage:
    """A day's SMS and calls in the city (its time zone; default today), newest first."""
    tz = str(TenantService(tenant).profile().get("timezone", "Asia/Shanghai"))
    docs, last = NotifyRepository(tenant).outbox(day.isoformat() if day else local_day(tz), limit,
                                                 decode_cursor(cursor))
    return OutboxPage(items=[OutboxItem.model_validate(d) for d in docs], next_cursor=encode_cursor(last))


class Links:
    def __init__(self, code: str) -> None:
        tenant_id, self.code = code.split(".", 1)
        if tenant_status(tenant_id) != "active":
            raise NotFound("this link is unknown or has expired", field="code")
        self.tenant = TenantContext(tenant_id)

    def view(self) -> LinkView:
        with tenant_scope(self.tenant.tenant_id):
            link, used_at, _ = self._link()
            stored = AlertRepository(self.tenant).get(link["alert_id"])
            if stored is None:
                raise NotFound("this link is unknown or has expired", field="code")
            return self._shown(stored.doc, link, used_at is not None)

    def use(self, action: LinkAction) -> LinkView:
        with tenant_scope(self.tenant.tenant_id):
            link, used_at, _ = self._link()
            repo = NotifyRepository(self.tenant)
            if used_at is not None or not repo.use_link(self.code, action.value):
                raise Conflict("this link was used already", field="code")
            alerts = AlertRepository(self.tenant)
            by, note = link.get("username") or link.get("name") or "family", f"{SAID[action]}（短信链接）"
            for _ in range(ATTEMPTS):
                stored = alerts.get(link["alert_id"])
                if stored is None:
                    raise NotFound("this link is unknown or has expired", field="code")
                at = datetime.now(UTC)
                name = link.get("name")  # staff by name, family masked (李*（子女）), as texted
                doc = (documents.acknowledged(stored.doc, by, at, note, by_name=name)
                       if stored.doc["state"] == AlertState.OPEN
                       else documents.commented(stored.doc, by, at, note, by_name=name))
                if alerts.save(stored, doc):
                    return self._shown(doc, {**link, "action": action.value}, True)
            raise StorageError("the alert kept changing; the link was recorded as used")

    def _link(self) -> tuple[dict[str, Any], str | None, int]:
        found = NotifyRepository(self.tenant).link(self.code)
        if found is None or found[2] < time.time():
            raise NotFound("this link is unknown or has expired", field="code")
        return found

    def _shown(self, doc: dict[str, Any], link: dict[str, Any], used: bool) -> LinkView:
        return LinkView.model_validate({
            "alert_id": doc["alert_id"], "severity": doc["severity"], "state": doc["state"],
            "rule": (doc.get("rule_name") or {}).get("zh") or doc["rule_id"],
            "place": texts.Places(TenantService(self.tenant)).of(doc), "raised_at": doc["opened_at"],
            "used": used, "action": link.get("action")})


# -- Web Push subscriptions ------------------------------------------------------------------
def push_key() -> PushKey:
    return PushKey(public_key=vapid_keys().public_key)


def my_push_devices(principal: Principal) -> PushDeviceList:
    found = NotifyRepository(principal.tenant).push_subscriptions(principal.username)
    return PushDeviceList(items=[PushDevice.model_validate(d) for d in found])


def subscribe_push(principal: Principal, body: PushSubscriptionIn) -> PushDevice:
    """The device subscribed (the same endpoint again replaces its keys); at most 10 devices a person."""
    repo = NotifyRepository(principal.tenant)
    found = repo.push_subscriptions(principal.username)
    same = next((d for d in found if d.get("endpoint") == body.endpoint), None)
    if same is None and len(found) >= PUSH_DEVICES_PER_PERSON:
        raise InvalidInput(f"at most {PUSH_DEVICES_PER_PERSON} devices; remove one first", field="endpoint")
    doc = {"id": same["id"] if same else uuid.uuid4().hex, "endpoint": body.endpoint,
           "keys": body.keys.model_dump(), "device": body.device or "浏览器",
           "created_at": datetime.now(UTC).isoformat()}
    repo.add_push_subscription(principal.username, doc)
    return PushDevice.model_validate(doc)


def unsubscribe_push(principal: Principal, sub_id: str) -> None:
    if not NotifyRepository(principal.tenant).delete_push_subscription(principal.username, sub_id):
        raise NotFound("no such device", field="id")
