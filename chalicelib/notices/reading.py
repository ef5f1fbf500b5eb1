"""Use cases of residents: the notices for their home, and marking one read.

Their list is one Query per level of their building's path — the city, their street,
community, grid and building partitions of the residents' index, each read from "now" on
its valid-until sort key, so expired notices are never read — plus one BatchGetItem for
their read flags.
"""

from __future__ import annotations

from chalicelib.notices import documents
from chalicelib.notices.access import NoticeAccess
from chalicelib.notices.documents import iso
from chalicelib.notices.inputs import MyNoticeQuery
from chalicelib.notices.models import Category, MyNotices, Notice
from chalicelib.observability import emit
from chalicelib.tenancy.scope import ScopeLevel, verified_household

BELOW_CITY = (ScopeLevel.STREET, ScopeLevel.COMMUNITY, ScopeLevel.GRID, ScopeLevel.BUILDING)


class ReadingService(NoticeAccess):
    def mine(self, q: MyNoticeQuery) -> MyNotices:
        registration = verified_household(self.principal, self.residents)
        path = list(registration["path"])  # district / street / community / grid / building
        partitions = [self.tenant.notices_at_pk(ScopeLevel.CITY.value, None)]
        partitions += [self.tenant.notices_at_pk(level.value, place) for level, place in zip(BELOW_CITY, path[1:],
                                                                                             strict=False)]
        at = self.clock()
        live = [s.doc for s in self.repo.live(partitions, iso(at))
                if s.doc["valid_from"] <= iso(at) and (q.category is None or s.doc["category"] == q.category.value)]
        live.sort(key=lambda d: d["published_at"], reverse=True)
        live.sort(key=lambda d: not d["pinned"])  # stable: pinned first, each group newest first
        reads = self.reads.of(self.principal.user_id, [d["notice_id"] for d in live])
        items = [documents.view(d, at, read_at=reads.get(d["notice_id"]), resident=True) for d in live]
        return MyNotices(items=items, unread=sum(1 for i in items if not i.read))

    def mark_read(self, notice_id: str) -> Notice:
        """Idempotent. For an emergency broadcast the first member to read it marks the household read."""
        stored, registration = self.seen_by_resident(notice_id)
        now = self.clock()
        at = iso(now)
        first = self.reads.mark(notice_id, self.principal.user_id, at)
        if stored.doc["category"] == Category.EMERGENCY.value:
            delivery = self.deliveries.delivery(notice_id, registration["household_id"])
            # none if they moved in after it was sent
            if delivery is not None and delivery.get("read_at") is None and self.deliveries.mark_household(
                    notice_id, delivery, at, registration.get("name_masked", ""), "app"):
                emit(self.principal.tenant_id, {"BroadcastReads": 1})
        read_at = at if first else self.reads.of(self.principal.user_id, [notice_id]).get(notice_id)
        return documents.view(stored.doc, now, read_at=read_at, resident=True)
