"""The month's base counts of each community, read from what the platform already collects — with the
dashboard's own reads where the dashboard shows the same figure (requests, caring visits, sorting), so a
report and the dashboard cannot disagree.

Reads per report: one BatchGetItem of the request counters and the open queues (as the dashboard), one
Query each for the month's requests by category, visit counters, sorting counters, alert counters (by type
too) and the lead counts; per
community, one Query (count) each for its households, residents, pending registrations and care subjects,
and one each for its notices and consultations of the month.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.access.repository import AccessRepository
from chalicelib.alerts.stats import AlertStats
from chalicelib.auth.principal import Principal
from chalicelib.care.repository import CareRepository
from chalicelib.points.repository import PointsRepository
from chalicelib.points.service import diversion_of
from chalicelib.reports.service import DashboardService
from chalicelib.store.base import TenantRepository
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import CareSubjectItem, ConsultationItem, HouseholdItem, NoticeItem, ResidentItem

Doc = dict[str, Any]
Counts = dict[str, float]
# Breakdowns ride in the same counts (summed up the levels and locked on submission with them):
# ``req.<category>.<counter>`` and ``alert.<device type>.resolved|false``.
REQUESTS, ALERTS = "req.", "alert."
BY_CATEGORY = ("filed", "resolved", "resolved_on_time", "rated", "satisfied")


class CountReader(TenantRepository):
    """Counts of one community's partitions (``Select=COUNT``: no item travels)."""

    def households(self, community_id: str) -> int:
        return self._guard(lambda: HouseholdItem.gsi1.count(self.tenant.households_pk(community_id)))

    def residents(self, community_id: str) -> int:
        return self._guard(lambda: HouseholdItem.gsi2.count(self.tenant.members_pk(community_id)))

    def registrations(self, community_id: str, status: str) -> int:
        return self._guard(lambda: ResidentItem.gsi1.count(self.tenant.registrations_pk(community_id, status)))

    def care_subjects(self, community_id: str) -> int:
        return self._guard(lambda: CareSubjectItem.gsi1.count(self.tenant.care_subjects_pk(community_id)))

    def notices(self, community_id: str, start: str, end: str) -> list[Any]:
        """The community's notices published in [start, end) (ISO times): their delivery counters."""
        return self._guard(lambda: list(NoticeItem.gsi2.query(
            self.tenant.notices_area_pk(community_id), NoticeItem.gsi2sk.between(start, end))))  # type: ignore[arg-type]

    def consultations(self, community_id: str, start: str, end: str) -> int:
        return self._guard(lambda: ConsultationItem.gsi1.count(
            self.tenant.consultations_pk("community", community_id),
            ConsultationItem.gsi1sk.between(start, end)))  # type: ignore[arg-type]


def month_bounds(month: str, zone: Any) -> tuple[str, str]:
    """The city's local month as UTC ISO times [start, end)."""
    from datetime import UTC

    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=zone)
    end = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat()


def collect(principal: Principal, month: str, communities: list[Doc], now: datetime, zone: Any) -> dict[str, Counts]:
    """Every community's base counts for ``month`` (the keys ``catalog.Figure`` reads)."""
    tenant: TenantContext = principal.tenant
    out: dict[str, Counts] = {c["id"]: {} for c in communities}
    board = DashboardService(principal, clock=lambda: now)
    for cid, row in board.community_requests(month, communities).items():
        out[cid].update({
            "requests_filed": row.filed, "requests_resolved": row.resolved,
            "requests_responded_on_time": row.responded_on_time,
            "requests_response_base": row.responded + row.waiting_past_due,
            "requests_resolved_on_time": row.resolved_on_time,
            "requests_resolution_base": row.resolved + row.open_past_due,
            "requests_rated": row.rated, "requests_satisfied": row.satisfied})
    for i in CareRepository(tenant).visit_stats(month):
        if i.sk in out:
            out[str(i.sk)].update({"care_visits": int(i.visits), "care_visits_on_time": int(i.on_time),
                                   "care_needs": int(i.needs)})
    for d in diversion_of(PointsRepository(tenant), month, communities).communities:
        grams = {k: round(v * 1000) for k, v in d.kg.items()}
        out[d.community_id].update({
            "sorting_grams": sum(grams.values()), "points_earned": d.points, "points_redeemed": d.redeemed,
            "sorting_sorted_grams": grams.get("recyclable", 0) + grams.get("food", 0) + grams.get("hazardous", 0)})
    for (cid, category), n in board.reader.by_category(month).items():
        if cid in out:
            out[cid].update({f"{REQUESTS}{category}.{k}": n[k] for k in BY_CATEGORY})
    alerts, by_type = AlertStats(tenant).with_types(month)
    for r in alerts.by_community:
        if r.key in out:
            out[r.key].update({"alerts_resolved": r.resolved, "alerts_false": r.false_alarms})
    for cid, rates in by_type.items():
        if cid in out:
            for t in rates:
                out[cid].update({f"{ALERTS}{t.key}.resolved": t.resolved, f"{ALERTS}{t.key}.false": t.false_alarms})
    for cid, by in AccessRepository(tenant).counts(list(out)).items():
        out[cid].update({"leads_open": by["open"], "leads_confirmed": by["confirmed"]})
    counts = CountReader(tenant)
    start, end = month_bounds(month, zone)
    for cid, c in out.items():
        notices = counts.notices(cid, start, end)
        c.update({"households": counts.households(cid), "residents": counts.residents(cid),
                  "registrations_pending": counts.registrations(cid, "pending"),
                  "care_subjects": counts.care_subjects(cid), "notices_published": len(notices),
                  "notice_households": sum(int(n.households or 0) for n in notices),
                  "notice_households_read": sum(int(n.households_read or 0) for n in notices),
                  "consultations_started": counts.consultations(cid, start, end)})
    return out
