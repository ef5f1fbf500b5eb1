"""Deliveries (in the alert's partition), the monthly send counts, people's settings and SMS links.

- ``claim`` writes a delivery ``sending`` before anything is sent, on the condition that it does
  not exist — or that it was left ``sending`` longer than the queue's visibility timeout ago (a
  sender that stopped mid-way): so a redelivered job texts nobody twice, and a lost one is retried.
- ``count`` moves the city's monthly SMS or call count by one, on the condition that it stays
  within the quota: the count is exact whatever the concurrency, and over it nothing is sent.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.expressions.update import Action

from chalicelib.errors import InvalidInput
from chalicelib.notify.models import Channel, DeliveryStatus, NotifySettings
from chalicelib.store.base import TenantRepository, doc_of, now, storage_errors
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import AlertLinkItem, DeliveryItem, NotifyPrefsItem, ReceiptItem, SendCountItem, bind

RECEIPT_DAYS = 3  # SNS writes an SMS's delivery status within 72 hours
STALE_SECONDS = 300  # longer than the notifications queue's visibility timeout (180 s)
PREFIX = "DELIVERY#"
Doc = dict[str, Any]


def this_month(tz: str, at: datetime | None = None) -> str:
    """The calendar month (``YYYY-MM``) in the city's time zone: what the SMS and call quotas count."""
    return (at or now()).astimezone(ZoneInfo(tz)).strftime("%Y-%m")


def local_day(tz: str, at: datetime | None = None) -> str:
    """The day (``YYYY-MM-DD``) in the city's time zone: what the outbox lists by."""
    return (at or now()).astimezone(ZoneInfo(tz)).date().isoformat()


def delivery_sk(level: int, channel: Channel, person: str) -> str:
    return f"{PREFIX}{level}#{channel.value}#{person}"


class NotifyRepository(TenantRepository):
    # -- deliveries ----------------------------------------------------------------------
    def claim(self, alert_id: str, sk: str, doc: Doc) -> bool:
        """True when this sender is the one to send it (nobody did, or a stale claim)."""
        stamp, epoch = now(), int(time.time())
        item = DeliveryItem(self.tenant.alert_pk(alert_id), sk, tenant_id=self.tenant.tenant_id,
                            status=DeliveryStatus.SENDING.value, claimed_at=epoch, data=doc,
                            created_at=stamp, updated_at=stamp)
        stale = ((DeliveryItem.status == DeliveryStatus.SENDING.value)
                 & (DeliveryItem.claimed_at < epoch - STALE_SECONDS))
        return self._written(lambda: item.save(condition=DeliveryItem.pk.does_not_exist() | stale))

    def finish(self, alert_id: str, sk: str, doc: Doc, tz: str) -> None:
        """The delivery's outcome (``doc['status']``): sent, failed or skipped; listed in the city's
        outbox (gsi1: the partition of the day in the city's time zone ``tz``, newest last)."""
        stamp = now()
        item = DeliveryItem(self.tenant.alert_pk(alert_id), sk, tenant_id=self.tenant.tenant_id,
                            status=doc["status"], claimed_at=int(time.time()), data={**doc, "alert_id": alert_id},
                            updated_at=stamp, gsi1pk=self.tenant.outbox_pk(local_day(tz, stamp)),
                            gsi1sk=f"{stamp.isoformat()}#{alert_id}#{sk.removeprefix(PREFIX)}")
        self._guard(lambda: item.save())

    def expect_receipt(self, message_id: str, alert_id: str, sk: str) -> None:
        """Remember which delivery the provider's message id is, for its delivery receipt."""
        stamp = now()
        item = ReceiptItem(self.tenant.receipt_pk(message_id), "RECEIPT", tenant_id=self.tenant.tenant_id,
                           data={"alert_id": alert_id, "sk": sk}, created_at=stamp, updated_at=stamp,
                           expires_at=int(time.time()) + RECEIPT_DAYS * 86400)
        self._guard(lambda: item.save())

    def receive(self, alert_id: str, sk: str, status: DeliveryStatus, at: str, response: str) -> bool:
        """The provider's receipt on a sent delivery: ``delivered`` or ``failed``, once (False: not
        a sent delivery any more — a repeated receipt changes nothing)."""
        item = self._get(DeliveryItem, self.tenant.alert_pk(alert_id), sk)
        if item is None or item.status != DeliveryStatus.SENT.value:
            return False
        data = doc_of(item)
        data.update({"status": status.value, "receipt_at": at, "provider_response": response[:200] or None})
        if status is DeliveryStatus.FAILED:
            data["reason"] = (f"运营商未送达 / the carrier did not deliver it: {response}" if "#sms#" in sk
                              else f"电话未接通 / the call did not get through: {response}")[:200]
        item.data, item.status, item.updated_at = data, status.value, now()
        return self._written(lambda: item.save(condition=DeliveryItem.status == DeliveryStatus.SENT.value))

    def release(self, alert_id: str, sk: str) -> None:
        """Give up a claim whose send failed for now: the queue's retry claims it again."""
        item = DeliveryItem(self.tenant.alert_pk(alert_id), sk)
        self._written(lambda: item.delete(condition=DeliveryItem.status == DeliveryStatus.SENDING.value))

    def deliveries(self, alert_id: str) -> list[Doc]:
        """The alert's deliveries, in key order (level, channel, person)."""
        def read() -> list[DeliveryItem]:
            return list(DeliveryItem.query(self.tenant.alert_pk(alert_id), DeliveryItem.sk.startswith(PREFIX)))

        return [{**doc_of(i), "status": i.status} for i in self._guard(read)]

    def outbox(self, day: str, limit: int, after: str | None) -> tuple[list[Doc], str | None]:
        """A UTC day's deliveries in the city, newest first: one Query on gsi1."""
        start = None
        if after and after.count("#") < 4:
            raise InvalidInput("cursor is not one this API returned", field="cursor")
        if after:  # <at>#<alert id>#<level>#<channel>#<person>: the item's own keys are in it
            _, alert_id, rest = after.split("#", 2)
            start = {"pk": {"S": self.tenant.alert_pk(alert_id)}, "sk": {"S": PREFIX + rest},
                     "gsi1pk": {"S": self.tenant.outbox_pk(day)}, "gsi1sk": {"S": after}}

        def read() -> tuple[list[DeliveryItem], Any]:
            found = DeliveryItem.gsi1.query(self.tenant.outbox_pk(day), scan_index_forward=False,  # type: ignore[arg-type]
                                            limit=limit, last_evaluated_key=start)
            return list(found), found.last_evaluated_key  # type: ignore[arg-type]

        items, last = self._guard(read)
        return [{**doc_of(i), "status": i.status} for i in items], (last["gsi1sk"]["S"] if last else None)

    # -- the monthly counts and their quota --------------------------------------------------
    def count(self, channel: Channel, month: str, limit: int) -> bool:
        """One more SMS or call this month, if the quota allows it (a quota of 0 allows none)."""
        if limit <= 0:
            return False
        attr = SendCountItem.sms if channel is Channel.SMS else SendCountItem.voice
        item = SendCountItem(self.tenant.sends_pk(), month)
        actions: list[Action] = [attr.add(1), SendCountItem.kind.set(SendCountItem),
                                 SendCountItem.tenant_id.set(self.tenant.tenant_id),
                                 SendCountItem.updated_at.set(now())]
        return self._written(lambda: item.update(actions=actions, condition=attr.does_not_exist() | (attr < limit)))

    def uncount(self, channel: Channel, month: str) -> None:
        """Give back a counted send the provider refused."""
        attr = SendCountItem.sms if channel is Channel.SMS else SendCountItem.voice
        self._guard(lambda: SendCountItem(self.tenant.sends_pk(), month).update(actions=[attr.add(-1)]))

    def sent(self, month: str) -> dict[str, int]:
        item = self._get(SendCountItem, self.tenant.sends_pk(), month)
        return {"sms": int(item.sms or 0) if item else 0, "voice": int(item.voice or 0) if item else 0}

    # -- people's settings -----------------------------------------------------------------
    def settings(self, usernames: list[str]) -> dict[str, NotifySettings]:
        """Each username's settings (the defaults for whoever set none): one BatchGetItem per 100."""
        keys = [(self.tenant.notify_prefs_pk(), u) for u in sorted(set(usernames))]
        found = self._guard(lambda: list(NotifyPrefsItem.batch_get(keys))) if keys else []
        return {i.sk: NotifySettings.model_validate(doc_of(i)) for i in found}

    def put_settings(self, username: str, settings: NotifySettings) -> None:
        stamp = now()
        item = NotifyPrefsItem(self.tenant.notify_prefs_pk(), username, tenant_id=self.tenant.tenant_id,
                               data=settings.model_dump(mode="json"), created_at=stamp, updated_at=stamp)
        self._guard(lambda: item.save())

    # -- Web Push subscriptions (``T#<t>#NOTIFYPREFS`` / ``PUSH#<username>#<id>``) ------------
    def push_subscriptions(self, username: str) -> list[Doc]:
        """The person's subscribed devices, oldest first (each: id, endpoint, keys, device, created_at)."""
        def read() -> list[NotifyPrefsItem]:
            return list(NotifyPrefsItem.query(self.tenant.notify_prefs_pk(),
                                              NotifyPrefsItem.sk.startswith(f"PUSH#{username}#")))

        return sorted((doc_of(i) for i in self._guard(read)), key=lambda d: str(d.get("created_at")))

    def add_push_subscription(self, username: str, doc: Doc) -> None:
        stamp = now()
        item = NotifyPrefsItem(self.tenant.notify_prefs_pk(), f"PUSH#{username}#{doc['id']}",
                               tenant_id=self.tenant.tenant_id, data=doc, created_at=stamp, updated_at=stamp)
        self._guard(lambda: item.save())

    def delete_push_subscription(self, username: str, sub_id: str) -> bool:
        """False when the person has no such device."""
        item = NotifyPrefsItem(self.tenant.notify_prefs_pk(), f"PUSH#{username}#{sub_id}")
        return self._written(lambda: item.delete(condition=NotifyPrefsItem.pk.exists()))

    # -- one-time links ----------------------------------------------------------------------
    def add_link(self, code: str, doc: Doc, expires: datetime) -> None:
        stamp = now()
        item = AlertLinkItem(self.tenant.alert_link_pk(code), "LINK", tenant_id=self.tenant.tenant_id, data=doc,
                             expires_at=int(expires.timestamp()), created_at=stamp, updated_at=stamp)
        self._guard(lambda: item.save(condition=AlertLinkItem.pk.does_not_exist()))

    def link(self, code: str) -> tuple[Doc, str | None, int] | None:
        """The link's record, when it was used (ISO) and its expiry (epoch seconds); None when unknown."""
        item = self._get(AlertLinkItem, self.tenant.alert_link_pk(code), "LINK")
        return (doc_of(item), item.used_at, int(item.expires_at or 0)) if item else None

    def use_link(self, code: str, action: str) -> bool:
        """Mark the link used, once: False when it was used already."""
        item = AlertLinkItem(self.tenant.alert_link_pk(code), "LINK")
        return self._written(lambda: item.update(
            actions=[AlertLinkItem.used_at.set(now().isoformat()), AlertLinkItem.data["action"].set(action)],
            condition=AlertLinkItem.used_at.does_not_exist() & AlertLinkItem.pk.exists()))


def find_receipts(cities: list[str], message_ids: list[str]) -> dict[str, tuple[str, str, str]]:
    """Message id → (city, alert id, delivery sort key), for the ids some city sent. A receipt names no
    city: each city's key is tried, one BatchGetItem per 100 keys (the function's own role, like
    the sweeps that list the cities)."""
    keys = [(TenantContext(c).receipt_pk(m), "RECEIPT") for c in cities for m in dict.fromkeys(message_ids)]
    found: dict[str, tuple[str, str, str]] = {}
    bind()
    with storage_errors():
        for item in ReceiptItem.batch_get(keys):
            doc = doc_of(item)
            found[item.pk.rsplit("#", 1)[1]] = (str(item.tenant_id), str(doc["alert_id"]), str(doc["sk"]))
    return found
