"""Alerts and the per-(device, rule) locks that keep one active alert each.

- alert: ``T#<t>#ALERT#<id>`` / ``ALERT``;
  gsi1 ``T#<t>#ALERTS#<state>#<severity>`` / ``<path>/#<opened_at>#<id>``;
  gsi2 ``T#<t>#ESC`` / ``<escalate_at>#<id>``, only while it may still escalate.
- lock: ``T#<t>#DEV#<device>`` / ``ACTIVE#<rule>``, ``alert_id`` while active, ``watermark``,
  ``cleared_ts`` (a clear that arrived before its raise).

Every alert write is conditioned on the version read, so concurrent writers retry from a
fresh read instead of overwriting each other.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.store.base import Stored, TenantRepository, doc_of, now, transaction
from chalicelib.store.models import AlertItem, AlertLockItem

ALERT = "ALERT"
Doc = dict[str, Any]



@dataclass(frozen=True)
class Lock:
    alert_id: str | None  # the active alert, None once released
    watermark: float      # samples at or before this are already accounted for
    cleared: float = -math.inf  # a clear seen while no alert was active: earlier raises open cleared


def lock_sk(rule_id: str) -> str:
    return f"ACTIVE#{rule_id}"


def index_sk(doc: Doc) -> str:
    """Path first, so ``begins_with("<district>/<street>/")`` selects a street, a community, a grid …"""
    return "/".join(doc["path"]) + "/#" + doc["opened_at"] + "#" + doc["alert_id"]



class AlertRepository(TenantRepository):
    def _item(self, doc: Doc, version: int) -> AlertItem:
        item = AlertItem(self.tenant.alert_pk(doc["alert_id"]), ALERT, tenant_id=self.tenant.tenant_id,
                         state=doc["state"], data=doc, version=version,
                         created_at=datetime.fromisoformat(doc["opened_at"]), updated_at=now())
        item.gsi1pk, item.gsi1sk = self.tenant.alerts_pk(doc["state"], doc["severity"]), index_sk(doc)
        if doc.get("escalate_at"):
            item.gsi2pk, item.gsi2sk = self.tenant.escalations_pk(), f"{doc['escalate_at']}#{doc['alert_id']}"
        return item

    def _lock_key(self, device_id: str, rule_id: str) -> AlertLockItem:
        return AlertLockItem(self.tenant.device_pk(device_id), lock_sk(rule_id))

    def get(self, alert_id: str) -> Stored | None:
        item = self._get(AlertItem, self.tenant.alert_pk(alert_id), ALERT)
        return Stored(doc_of(item), int(item.version)) if item else None

    def lock(self, device_id: str, rule_id: str) -> Lock | None:
        def read() -> AlertLockItem | None:
            try:
                return AlertLockItem.get(self.tenant.device_pk(device_id), lock_sk(rule_id))
            except AlertLockItem.DoesNotExist:
                return None

        item = self._guard(read)
        return Lock(item.alert_id, float(item.watermark),
                    -math.inf if item.cleared_ts is None else float(item.cleared_ts)) if item else None

    def note_clear(self, device_id: str, rule_id: str, ts: float, lock: Lock | None) -> bool:
        """Remember a clear that found no active alert (concurrent batches can deliver a clear before
        the raise it ends); False if the lock changed since ``lock`` was read."""
        item = self._lock_key(device_id, rule_id)
        if lock is None:
            item.tenant_id, item.cleared_ts = self.tenant.tenant_id, ts
            return self._written(lambda: item.save(condition=AlertLockItem.pk.does_not_exist()))
        if lock.cleared >= ts:
            return True
        return self._written(lambda: item.update(
            actions=[AlertLockItem.cleared_ts.set(ts)],
            condition=AlertLockItem.alert_id.does_not_exist() & (AlertLockItem.watermark == lock.watermark)
            & (AlertLockItem.cleared_ts.does_not_exist() | (AlertLockItem.cleared_ts < ts))))

    def open(self, doc: Doc, cleared: float | None = None, recovered: float | None = None) -> bool:
        """Take the (device, rule) lock and write the alert, together; False if the lock is held, or
        was released after a sample this new one does not postdate (a redelivery). An alert written
        already ``cleared`` (its clear came first) leaves the lock free, past that clear; one written
        ``recovered`` by that clear (critical, nobody confirmed it) holds the lock, the clear noted on
        it taken in (none later may have been noted meanwhile)."""
        lock = self._lock_key(doc["device_id"], doc["rule_id"])
        lock.tenant_id, lock.alert_id, lock.watermark = self.tenant.tenant_id, doc["alert_id"], doc["last_ts"]
        if cleared is not None:
            lock.alert_id, lock.watermark = None, max(doc["last_ts"], cleared)
        released = AlertLockItem.alert_id.does_not_exist() & (AlertLockItem.watermark < doc["last_ts"])
        if cleared is None:  # and no clear of a later sample noted meanwhile (else: written auto-cleared)
            seen = doc["last_ts"] if recovered is None else recovered
            released &= AlertLockItem.cleared_ts.does_not_exist() | (AlertLockItem.cleared_ts <= seen)
        free = AlertLockItem.pk.does_not_exist() | released

        def write() -> None:
            with transaction() as tx:
                tx.save(lock, condition=free)
                tx.save(self._item(doc, 1), condition=AlertItem.pk.does_not_exist())

        return self._written(write)

    def save(self, stored: Stored, doc: Doc) -> bool:
        """Replace the alert if nobody changed it since ``stored`` was read."""
        return self._written(lambda: self._item(doc, stored.version + 1).save(
            condition=AlertItem.version == stored.version))

    def close(self, stored: Stored, doc: Doc, watermark: float) -> bool:
        """Write the closed alert and release its lock, together."""
        lock = self._lock_key(doc["device_id"], doc["rule_id"])

        def write() -> None:
            with transaction() as tx:
                tx.save(self._item(doc, stored.version + 1), condition=AlertItem.version == stored.version)
                tx.update(lock, actions=[AlertLockItem.alert_id.remove(), AlertLockItem.watermark.set(watermark)],
                          condition=AlertLockItem.alert_id == doc["alert_id"])

        return self._written(write)

    def due(self, at: str) -> Iterator[Stored]:
        """Alerts whose escalation time is at or before ``at`` (ISO), earliest first."""
        items = self._guard(lambda: list(AlertItem.gsi2.query(  # type: ignore[arg-type]
            self.tenant.escalations_pk(), AlertItem.gsi2sk <= f"{at}#~")))
        return (Stored(doc_of(i), int(i.version)) for i in items)

    def range(self, partition: str, low: str, high: str, limit: int) -> list[tuple[str, Doc]]:
        """(index sort key, alert) in ``partition`` with ``low <= sort key <= high``, in order."""
        items = self._guard(lambda: list(AlertItem.gsi1.query(  # type: ignore[arg-type]
            partition, AlertItem.gsi1sk.between(low, high), limit=limit)))
        return [(str(i.gsi1sk), doc_of(i)) for i in items]
