"""The city dashboard (一屏统览): requests, alerts and devices of a city, or of a staff member's
communities, from a bounded number of reads (see README.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.alerts.access import prefix
from chalicelib.auth.principal import Principal
from chalicelib.care import visits
from chalicelib.care.repository import CareRepository
from chalicelib.observability import emit
from chalicelib.points.repository import PointsRepository
from chalicelib.points.service import diversion_of
from chalicelib.reports import figures
from chalicelib.reports.models import (
    AlertFigures,
    CommunityFigures,
    Dashboard,
    DashboardQuery,
    DeviceFigures,
    RequestFigures,
)
from chalicelib.reports.repository import CommunityDevices, DashboardReader
from chalicelib.requests import access, documents, stats
from chalicelib.requests.models import StatsRow
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]
CENSUS_FRESH = timedelta(minutes=10)  # two runs of the city health job (every 5 minutes)


def _now() -> datetime:
    return datetime.now(UTC)


class DashboardService:
    def __init__(self, principal: Principal, *, reader: DashboardReader | None = None,
                 tenancy: TenantService | None = None, clock: Callable[[], datetime] | None = None) -> None:
        self.principal = principal
        self.reader = reader or DashboardReader(principal.tenant)
        self.tenancy = tenancy or TenantService(principal.tenant)
        self.clock = clock or _now

    def build(self, q: DashboardQuery, devices: dict[str, CommunityDevices] | None = None) -> Dashboard:
        """The dashboard; ``devices``: the communities' devices already counted (the city health job's)."""
        now = self.clock()
        zone = documents.city_zone(self.tenancy.profile().get("timezone"))
        month = q.month or f"{now.astimezone(zone):%Y-%m}"
        who = access.staff(self.principal, self.tenancy)
        shown = [c for c in self.tenancy.children("community")
                 if who.communities is None or c["id"] in who.communities]
        departments = self.tenancy.departments()
        requests, per_community = self._requests(month, now, who, shown, departments)
        alerts = self.reader.active_alerts([""] if who.communities is None else [prefix(c["path"]) for c in shown])
        counted = devices if devices is not None else self._census(shown, now)
        by_type = sum((r.by_type for r in counted.values()), Counter[str]())
        open_by_community = figures.counted(a["community_id"] for a in alerts)
        return Dashboard(
            month=month, generated_at=now, scope="city" if who.communities is None else "communities",
            requests=requests, alerts=self._alerts(alerts, shown, now, zone),
            devices=DeviceFigures(total=sum(r.total for r in counted.values()),
                                  online=sum(r.online for r in counted.values()),
                                  by_type=figures.counted(by_type.elements(), names=figures.type_names()),
                                  as_of=min((r.at for r in counted.values()), default=now)),
            communities=[CommunityFigures(
                id=c["id"], name=c["name"], location=c.get("location"), requests_filed=per_community[c["id"]].filed,
                open_alerts=next((x.count for x in open_by_community if x.id == c["id"]), 0),
                devices=counted[c["id"]].total, devices_online=counted[c["id"]].online) for c in shown],
            sorting=diversion_of(PointsRepository(self.principal.tenant), month, shown),
            care_visits=visits.figures(CareRepository(self.principal.tenant).visit_stats(month), month, shown))

    def _census(self, shown: list[Doc], now: datetime) -> dict[str, CommunityDevices]:
        """The city health job's census when it is fresh and has every community shown; else counted now."""
        if shown:
            census = self.reader.census()
            if all(c["id"] in census and now - census[c["id"]].at <= CENSUS_FRESH for c in shown):
                return {c["id"]: census[c["id"]] for c in shown}
            emit(self.principal.tenant_id, {"DashboardDevicesCounted": 1})  # the health job is behind, or new
        return self.count_devices(shown, now)

    def count_devices(self, communities: list[Doc], now: datetime) -> dict[str, CommunityDevices]:
        """Each community's devices counted now: a Query per community, newest samples per 100 devices."""
        devices = {c["id"]: self.reader.devices(c["id"]) for c in communities}
        last = self.reader.last_samples(d["device_id"] for ds in devices.values() for d in ds)
        return {c: CommunityDevices(len(ds), sum(figures.online(d, last.get(d["device_id"]), now) for d in ds),
                                    Counter(d["type"] for d in ds), now) for c, ds in devices.items()}

    def community_requests(self, month: str, shown: list[Doc]) -> dict[str, StatsRow]:
        """Each community's requests of ``month`` as the dashboard counts them (一表通 reads these)."""
        who = access.staff(self.principal, self.tenancy)
        return self._requests(month, self.clock(), who, shown, self.tenancy.departments())[1]

    def _requests(self, month: str, now: datetime, who: access.Staff, shown: list[Doc],
                  departments: list[Doc]) -> tuple[RequestFigures, dict[str, StatsRow]]:
        months = figures.months_back(month)
        dims = [f"community#{c['id']}" for c in shown]
        mine = [d for d in departments if who.communities is None or d["id"] == who.department]
        counters = self.reader.counters([(m, dim) for m in months for dim in dims]
                                        + [(month, f"department#{d['id']}") for d in mine])
        # Every department's open queue: a request of the caller's communities may sit in any of them.
        queued = [doc for d in departments for doc in self.reader.open_requests(d["id"])]
        late = stats.late(queued, month, now)

        def row(dim: str, node: Doc) -> StatsRow:
            return stats.row(node["id"], node.get("name"), {**counters.get((month, dim), {}), **late.get(dim, {})})

        communities = {c["id"]: row(f"community#{c['id']}", c) for c in shown}
        total = stats.total(list(communities.values()))
        ours = [d for d in queued if who.communities is None or d["community_id"] in who.communities]
        this_month = [d for d in ours if d.get("month") == month]
        resolved = [d for d in self.reader.resolved_requests() if d.get("month") == month
                    and (who.communities is None or d["community_id"] in who.communities)]
        return RequestFigures(
            total=total, by_state=figures.by_state(this_month, resolved, total.filed, total.resolved),
            by_department=[row(f"department#{d['id']}", d) for d in mine],
            overdue=sum(documents.overdue(d, now) for d in this_month),
            overdue_all=sum(documents.overdue(d, now) for d in ours),
            trend=figures.trend(months, counters, dims)), communities

    def _alerts(self, alerts: list[Doc], shown: list[Doc], now: datetime, zone: Any) -> AlertFigures:
        names = {c["id"]: c.get("name") for c in shown}
        return AlertFigures(
            open=len(alerts), unacknowledged=sum(a["state"] == "open" for a in alerts),
            by_severity=figures.counted((a["severity"] for a in alerts), ("critical", "warning", "info")),
            by_type=figures.counted((a["device_type"] for a in alerts), names=figures.type_names()),
            by_community=figures.counted((a["community_id"] for a in alerts), list(names), names),
            raised_per_day=figures.per_day((a["opened_at"] for a in alerts), now, zone))
