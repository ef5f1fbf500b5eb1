"""Work queues, a resident's own requests, and the monthly statistics: every list is a Query."""

from __future__ import annotations

from datetime import datetime

from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.requests import access, documents, stats
from chalicelib.requests.inputs import CommunityQueueQuery, DepartmentQueueQuery, PageQuery, StatsQuery
from chalicelib.requests.models import RequestPage, StatsReport
from chalicelib.requests.service import RequestService
from chalicelib.requests.states import Action, State
from chalicelib.store.base import decode_cursor, encode_cursor
from chalicelib.tenancy.scope import verified_household


class RequestQueues(RequestService):
    def mine(self, q: PageQuery) -> RequestPage:
        """Requests filed by or for the caller's household, newest first."""
        home = verified_household(self.principal, self.residents)
        pk = self.tenant.household_requests_pk(home["household_id"])
        ids, last = self.repo.refs(pk, q.limit, decode_cursor(q.cursor))
        found = self.repo.get_many(ids)
        now = self.clock()
        return RequestPage(items=[documents.view(found[i], now) for i in ids if i in found],
                           next_cursor=encode_cursor(last))

    def community(self, community_id: str, q: CommunityQueueQuery) -> RequestPage:
        try:
            self.tenancy.node("community", community_id)
        except NotFound as exc:
            raise NotFound(f"no community {community_id!r} in this city", field="community_id") from exc
        who = access.staff(self.principal, self.tenancy)
        if who.communities is not None and community_id not in who.communities:
            raise Forbidden("this community is outside your area", field="community_id")
        pk = self.tenant.community_requests_pk(community_id, q.state.value)
        docs, last = self.repo.page("gsi1", pk, q.limit, decode_cursor(q.cursor))
        now = self.clock()
        return RequestPage(items=documents.urgent_first([documents.view(d, now) for d in docs]),
                           next_cursor=encode_cursor(last))

    def department(self, department_id: str, q: DepartmentQueueQuery) -> RequestPage:
        """Open requests of a department by next due time; with ``overdue`` only those past it."""
        if department_id not in {d["id"] for d in self.tenancy.departments()}:
            raise NotFound(f"no department {department_id!r} in this city", field="department_id")
        who = access.staff(self.principal, self.tenancy)
        if who.communities is not None and who.department != department_id:
            raise Forbidden("this is not your department's queue", field="department_id")
        now = self.clock()
        upto = documents.iso(now) if q.overdue else None
        pk = self.tenant.department_requests_pk(department_id)
        docs, last = self.repo.page("gsi2", pk, q.limit, decode_cursor(q.cursor), upto=upto)
        return RequestPage(items=documents.urgent_first([documents.view(d, now) for d in docs]),
                           next_cursor=encode_cursor(last))

    def stats(self, q: StatsQuery) -> StatsReport:
        now = self.clock()
        month = q.month or f"{now.astimezone(documents.city_zone(self.tenancy.profile().get('timezone'))):%Y-%m}"
        who = access.staff(self.principal, self.tenancy)
        departments = {d["id"]: d.get("name") for d in self.tenancy.departments()}
        if q.by == "department":
            names = {k: v for k, v in departments.items() if who.communities is None or k == who.department}
        else:
            names = {c["id"]: c.get("name") for c in self.tenancy.children("community")
                     if who.communities is None or c["id"] in who.communities}
        counts = self.repo.stats(month, q.by)
        late: dict[str, dict[str, int]] = {}
        queues = [who.department] if q.by == "department" and who.communities is not None else list(departments)
        for dept in [d for d in queues if d]:  # open past due: the departments' open queues up to now, one Query each
            docs, _ = self.repo.page("gsi2", self.tenant.department_requests_pk(dept), 1000, None,
                                     upto=documents.iso(now))
            for dim, c in stats.late(docs, month, now).items():
                late[dim] = {k: late.get(dim, {}).get(k, 0) + v for k, v in c.items()}
        rows = [stats.row(i, name, {**counts.get(i, {}), **late.get(f"{q.by}#{i}", {})})
                for i, name in names.items()]
        return StatsReport(month=month, by=q.by, rows=rows, total=stats.total(rows))

    def close_due(self, at: datetime | None = None) -> int:
        """Close resolved requests whose reopen window has passed (idempotent; safe to run any time)."""
        now = at or self.clock()
        docs, _ = self.repo.page("gsi2", self.tenant.closing_requests_pk(), 500, None, upto=documents.iso(now))
        return sum(self._close(d["request_id"], now) for d in docs)

    def _close(self, request_id: str, now: datetime) -> int:
        stored = self.repo.get(request_id)
        until = documents.reopen_until(stored.doc) if stored else None
        if stored is None or until is None or until > now:
            return 0
        doc = documents.moved(stored.doc, Action.CLOSE, State.CLOSED, "system", None, now,
                              "评价期满自动归档 / closed after the reopen window")
        try:
            self.repo.replace(stored, doc, stats.deltas(stored.doc, doc))
        except Conflict:
            return 0  # the filer acted meanwhile
        return 1
