"""Notices in the single table.

- notice: ``T#<t>#NOTICE#<id>`` / ``NOTICE``; counters ``readers``, ``households``, ``households_read``.
- gsi1 ``T#<t>#NOTICEAT#<level>[#<place>]`` / ``<valid_until>#<id>``: where residents look, one
  partition per place a notice is addressed to; only while not withdrawn (the index is sparse).
- gsi2 ``T#<t>#NOTICEAREA#<community>`` (or ``T#<t>#NOTICEWIDE`` for city and street scopes) /
  ``<published_at>#<id>``: where staff look, newest first, withdrawn ones included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.errors import Conflict
from chalicelib.notices.documents import OPEN_ENDED, Doc, scope_path
from chalicelib.store.base import TenantRepository, doc_of, now, storage_errors
from chalicelib.store.models import NoticeItem

NOTICE = "NOTICE"


@dataclass(frozen=True)
class Stored:
    doc: Doc
    version: int
    readers: int = 0
    households: int = 0
    households_read: int = 0



def _stored(item: NoticeItem) -> Stored:
    return Stored(doc_of(item), int(item.version), int(item.readers or 0), int(item.households or 0),
                  int(item.households_read or 0))


def resident_sk(doc: Doc) -> str:
    return f"{doc.get('valid_until') or OPEN_ENDED}#{doc['notice_id']}"


class NoticeRepository(TenantRepository):
    def at_pk(self, doc: Doc) -> str:
        return self.tenant.notices_at_pk(doc["scope"]["level"], doc["scope"].get("id"))

    def create(self, doc: Doc, households: int) -> None:
        stamp = now()
        item = NoticeItem(self.tenant.notice_pk(doc["notice_id"]), NOTICE, tenant_id=self.tenant.tenant_id,
                          data=doc, status=doc["status"], category=doc["category"],
                          scope_path=scope_path(doc["scope"]["path"]), households=households, version=1,
                          gsi1pk=self.at_pk(doc), gsi1sk=resident_sk(doc),
                          gsi2pk=self.tenant.notices_area_pk(doc.get("area")),
                          gsi2sk=f"{doc['published_at']}#{doc['notice_id']}", created_at=stamp, updated_at=stamp)
        with storage_errors(on_condition=Conflict("this notice exists already", field="notice_id")):
            item.save(condition=NoticeItem.pk.does_not_exist())

    def get(self, notice_id: str) -> Stored | None:
        item = self._get(NoticeItem, self.tenant.notice_pk(notice_id), NOTICE)
        return _stored(item) if item else None

    def replace(self, stored: Stored, doc: Doc) -> None:
        """Write a changed document if nobody changed the notice since it was read and it is still
        active; a withdrawn notice leaves the residents' index."""
        actions: list[Any] = [NoticeItem.data.set(doc), NoticeItem.status.set(doc["status"]),
                              NoticeItem.version.set(stored.version + 1), NoticeItem.updated_at.set(now())]
        if doc["status"] == "active":
            actions.append(NoticeItem.gsi1sk.set(resident_sk(doc)))
        else:
            actions += [NoticeItem.gsi1pk.remove(), NoticeItem.gsi1sk.remove()]
        conflict = Conflict("the notice was changed or withdrawn meanwhile; reload it", field="notice_id")
        with storage_errors(on_condition=conflict):
            NoticeItem(self.tenant.notice_pk(doc["notice_id"]), NOTICE).update(
                actions=actions, condition=(NoticeItem.version == stored.version) & (NoticeItem.status == "active"))

    def live(self, partitions: list[str], at: str) -> list[Stored]:
        """Not withdrawn and not expired at ``at``, addressed to any of ``partitions`` (a Query each)."""
        def read() -> list[Any]:
            return [i for p in partitions for i in NoticeItem.gsi1.query(p, NoticeItem.gsi1sk > at)]  # type: ignore[arg-type]

        return [_stored(i) for i in self._guard(read)]

    def newest(self, partition: str, limit: int, before: str | None,
               where: Condition | None) -> list[tuple[str, Stored]]:
        """Up to ``limit`` (sort key, notice) of a staff partition, newest first, older than ``before``."""
        def read() -> list[Any]:
            return list(NoticeItem.gsi2.query(partition, NoticeItem.gsi2sk < before if before else None,  # type: ignore[arg-type]
                                              filter_condition=where, scan_index_forward=False, limit=limit))

        return [(str(i.gsi2sk), _stored(i)) for i in self._guard(read)]
