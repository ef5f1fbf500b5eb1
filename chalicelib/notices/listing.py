"""Staff lists: one page of notices, newest first, merged from a few index partitions.

A notice inside one community sits in that community's partition; city- and street-wide ones
share one partition. A page reads, from each partition the caller may see, at most ``limit``
+ 1 notices older than the cursor (filters applied by DynamoDB), merges them by sort key and
keeps ``limit``: exactly the next page, so the cursor is only the last sort key shown.
"""

from __future__ import annotations

from functools import reduce

from pynamodb.expressions.condition import Condition

from chalicelib.errors import Forbidden, NotFound
from chalicelib.notices import documents
from chalicelib.notices.access import NoticeAccess, stats
from chalicelib.notices.documents import scope_path
from chalicelib.notices.inputs import NoticeQuery
from chalicelib.notices.models import NoticePage
from chalicelib.notices.repository import Stored
from chalicelib.store.base import decode_cursor, encode_cursor
from chalicelib.store.models import NoticeItem
from chalicelib.tenancy import scope
from chalicelib.tenancy.scope import ScopeLevel


def _all(*conditions: Condition | None) -> Condition | None:
    present = [c for c in conditions if c is not None]
    return reduce(lambda a, b: a & b, present) if present else None


class NoticeListing(NoticeAccess):
    def in_area(self, q: NoticeQuery) -> NoticePage:
        """Notices reaching the caller's area (city admins: the city), or published to ``scope`` or inside it."""
        paths = {c["id"]: list(c["path"]) for c in self.tenancy.children("community")}
        served = self.served()
        communities = set(paths) if served is None else set(paths) & set(served)
        wanted = q.scope()
        try:
            place = scope.resolve(self.tenancy, wanted) if wanted else None
        except NotFound as exc:
            raise NotFound(exc.message, field="scope_id") from exc
        if place is not None:
            communities &= set(place.communities)
            if not communities:
                raise Forbidden("this place is outside your area", field="scope_id")
        where = _all(NoticeItem.category == q.category.value if q.category else None,
                     NoticeItem.scope_path.startswith(scope_path(place.path)) if place and place.path else None)
        partitions: list[tuple[str, Condition | None]] = [
            (self.tenant.notices_area_pk(c), where) for c in sorted(communities)]
        if place is None or place.scope.level in (ScopeLevel.CITY, ScopeLevel.STREET):
            wide = None
            if served is not None:  # the city's, and those of the streets of their communities
                wide = NoticeItem.scope_path.is_in("/", *sorted({scope_path(paths[c][:2]) for c in communities}))
            partitions.append((self.tenant.notices_area_pk(None), _all(where, wide)))
        before = decode_cursor(q.cursor)
        found: dict[str, Stored] = {}
        for partition, condition in partitions:
            found.update(self.repo.newest(partition, q.limit + 1, before, condition))
        ordered = sorted(found, reverse=True)
        kept = ordered[: q.limit]
        at = self.clock()
        return NoticePage(items=[documents.view(found[k].doc, at, stats=stats(found[k])) for k in kept],
                          next_cursor=encode_cursor(kept[-1]) if len(ordered) > q.limit else None)
