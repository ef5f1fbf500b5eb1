"""Care subjects, family links, device links and visits in the tenant's partitions.

- subject ``T#<t>#CARE#<subject>`` / ``SUBJECT`` (``status`` = consent state), gsi1
  ``T#<t>#CARES#<community>`` / ``<household path>/#<subject>``;
- link ``T#<t>#CARE#<subject>`` / ``LINK#<link>`` (``status``), resident links also gsi1
  ``T#<t>#WATCH#<user>`` / ``<link>``;
- device link ``T#<t>#CAREDEV#<device>`` / ``<subject>``, only while consent is active;
- visit ``T#<t>#CARE#<subject>`` / ``VISIT#<date>#<id>``, and its community's month
  ``T#<t>#CAREVISITS#<month>`` / ``<community>`` (counters moved in the same transaction).
Linking or unlinking devices also sets the device's ``care_subject`` flag in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib.errors import Conflict
from chalicelib.store.base import Stored, TenantRepository, doc_of, now, storage_errors, transaction
from chalicelib.store.models import (
    CareDeviceItem,
    CareLinkItem,
    CareSubjectItem,
    CareVisitItem,
    CareVisitStatsItem,
    DeviceItem,
    Entity,
)

SUBJECT, LINK, VISIT = "SUBJECT", "LINK#", "VISIT#"
Doc = dict[str, Any]




def place_key(doc: Doc) -> str:
    return "/".join([*doc["path"], doc["household_id"]]) + "/#" + doc["subject_id"]


class CareRepository(TenantRepository):
    def get(self, subject_id: str) -> Stored | None:
        item = self._get(CareSubjectItem, self.tenant.care_subject_pk(subject_id), SUBJECT)
        return Stored(doc_of(item), int(item.version)) if item else None

    def load(self, subject_id: str) -> tuple[Stored | None, list[Doc]]:
        """The subject and its family links: one Query (``LINK#…`` sorts before ``SUBJECT``, visits after)."""
        pk = self.tenant.care_subject_pk(subject_id)
        items = self._guard(lambda: list(Entity.query(pk, Entity.sk <= SUBJECT)))
        subject = next((Stored(doc_of(i), int(i.version)) for i in items if isinstance(i, CareSubjectItem)), None)
        return subject, [doc_of(i) for i in items if isinstance(i, CareLinkItem)]

    def links(self, subject_id: str) -> list[Doc]:
        pk = self.tenant.care_subject_pk(subject_id)
        items = self._guard(lambda: list(CareLinkItem.query(pk, CareLinkItem.sk.startswith(LINK))))
        return [doc_of(i) for i in items]

    def by_community(self, community_id: str) -> list[Doc]:
        pk = self.tenant.care_subjects_pk(community_id)
        return [doc_of(i) for i in self._guard(lambda: list(CareSubjectItem.gsi1.query(pk)))]

    def watched_by(self, user_id: str, link_id: str | None = None) -> list[Doc]:
        """A resident's links (all, or the one with ``link_id``): one Query."""
        pk = self.tenant.care_watch_pk(user_id)
        cond = CareLinkItem.gsi1sk == link_id if link_id else None
        return [doc_of(i) for i in self._guard(lambda: list(CareLinkItem.gsi1.query(pk, cond)))]

    def subjects_of(self, device_id: str) -> list[str]:
        pk = self.tenant.care_device_pk(device_id)
        return [str(i.subject_id) for i in self._guard(lambda: list(CareDeviceItem.query(pk)))]

    def save(self, doc: Doc, version: int | None, *, link: Iterable[str] = (), unlink: Iterable[str] = (),
             flag_off: Iterable[str] = ()) -> None:
        """Write the subject (new, or unchanged since ``version``) and its device links, together."""
        t, stamp = self.tenant, now()
        item = CareSubjectItem(t.care_subject_pk(doc["subject_id"]), SUBJECT, tenant_id=t.tenant_id,
                               status=doc["consent_state"], data=doc, version=(version or 0) + 1,
                               gsi1pk=t.care_subjects_pk(doc["community_id"]), gsi1sk=place_key(doc),
                               created_at=stamp, updated_at=stamp)
        cond = (CareSubjectItem.pk.does_not_exist() if version is None else CareSubjectItem.version == version)
        with storage_errors(on_condition=Conflict("this care subject changed meanwhile, or a device is gone",
                                                  field="subject_id")), transaction() as tx:
            tx.save(item, condition=cond)
            for device_id in link:
                tx.save(CareDeviceItem(t.care_device_pk(device_id), doc["subject_id"], tenant_id=t.tenant_id,
                                       subject_id=doc["subject_id"], created_at=stamp, updated_at=stamp))
                self._flag(tx, device_id, True)
            for device_id in unlink:
                tx.delete(CareDeviceItem(t.care_device_pk(device_id), doc["subject_id"]))
            for device_id in flag_off:
                self._flag(tx, device_id, False)

    def _flag(self, tx: Any, device_id: str, on: bool) -> None:
        tx.update(DeviceItem(self.tenant.device_pk(device_id), "DEVICE"),
                  actions=[DeviceItem.data["care_subject"].set(on), DeviceItem.updated_at.set(now())],
                  condition=DeviceItem.pk.exists())

    def add_link(self, doc: Doc) -> None:
        t, stamp = self.tenant, now()
        item = CareLinkItem(t.care_subject_pk(doc["subject_id"]), LINK + doc["link_id"], tenant_id=t.tenant_id,
                            status=doc["status"], data=doc, created_at=stamp, updated_at=stamp)
        if doc.get("user_id"):
            item.gsi1pk, item.gsi1sk = t.care_watch_pk(doc["user_id"]), doc["link_id"]
        with storage_errors(on_condition=Conflict("this link exists already", field="link_id")):
            item.save(condition=CareLinkItem.pk.does_not_exist())

    def set_link(self, doc: Doc, expected: str) -> None:
        """Change a link's status (in ``doc``), only from ``expected``."""
        key = CareLinkItem(self.tenant.care_subject_pk(doc["subject_id"]), LINK + doc["link_id"])
        with storage_errors(on_condition=Conflict(f"this link is not {expected}", field="link_id")):
            key.update(actions=[CareLinkItem.status.set(doc["status"]), CareLinkItem.data.set(doc),
                                CareLinkItem.updated_at.set(now())], condition=CareLinkItem.status == expected)

    def add_visit(self, subject_id: str, visit: Doc, community_id: str, on_time: bool) -> None:
        """The visit's own record (history) and its community's month, together; the subject's ``last_visit``
        is saved by the service."""
        t, stamp = self.tenant, now()
        reached = visit["outcome"] != "not_reached"
        stats: list[Action] = [
            CareVisitStatsItem.visits.add(int(reached)), CareVisitStatsItem.on_time.add(int(reached and on_time)),
            CareVisitStatsItem.not_reached.add(int(not reached)),
            CareVisitStatsItem.needs.add(int(bool(visit.get("request_id")))),
            CareVisitStatsItem.kind.set(CareVisitStatsItem), CareVisitStatsItem.tenant_id.set(t.tenant_id)]
        with storage_errors(), transaction() as tx:
            tx.save(CareVisitItem(t.care_subject_pk(subject_id), f"{VISIT}{visit['visited_on']}#{visit['visit_id']}",
                                  tenant_id=t.tenant_id, data=visit, created_at=stamp, updated_at=stamp))
            tx.update(CareVisitStatsItem(t.care_visit_stats_pk(visit["visited_on"][:7]), community_id), actions=stats)

    def visit_stats(self, month: str) -> list[CareVisitStatsItem]:
        """The city's communities' visits in a month: one Query."""
        return self._guard(lambda: list(CareVisitStatsItem.query(self.tenant.care_visit_stats_pk(month))))
