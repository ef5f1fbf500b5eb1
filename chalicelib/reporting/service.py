"""一表通: the month's report of the caller's communities — collected once from what the platform already
holds, a row per community, rolled up to street, district and city — downloadable as XLSX or CSV, and
submitted (locked) by each community's staff; the monthly job archives every city's report of last month.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.observability import emit
from chalicelib.reporting import breakdown
from chalicelib.reporting.catalog import BY_ID, Figure
from chalicelib.reporting.collect import Counts, collect
from chalicelib.reporting.models import FigureView, Report, ReportFile, ReportQuery, ReportRow, Submission, SubmitIn
from chalicelib.reporting.repository import ReportRepository
from chalicelib.tenancy.scope import served_communities
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]
FILE_SECONDS = 600
FIRST_MONTH = "2000-01"  # no city's data is older


def _now() -> datetime:
    return datetime.now(UTC)


def last_month(local: datetime) -> str:
    first = local.replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


class ReportService:
    def __init__(self, principal: Principal, clock: Callable[[], datetime] | None = None) -> None:
        self.principal = principal
        self.tenant = principal.tenant
        self.tenancy = TenantService(self.tenant)
        self.repo = ReportRepository(self.tenant)
        self.clock = clock or _now

    # -- reading -------------------------------------------------------------------------------
    def build(self, q: ReportQuery) -> Report:
        now = self.clock()
        zone = self.tenancy.zone()
        month = q.month or last_month(now.astimezone(zone))
        if month > f"{now.astimezone(zone):%Y-%m}" or month < FIRST_MONTH:
            raise InvalidInput(f"month: a report is of a month that has begun, from {FIRST_MONTH}", field="month")
        served = served_communities(self.principal, self.tenancy)
        shown = [c for c in self.tenancy.children("community") if served is None or c["id"] in served]
        submitted = self.repo.submissions(month)
        live = collect(self.principal, month, [c for c in shown if c["id"] not in submitted], now, zone) \
            if any(c["id"] not in submitted for c in shown) else {}
        figures = self._figures()
        counts = {c["id"]: submitted[c["id"]][0] if c["id"] in submitted else live[c["id"]] for c in shown}
        rows = [self._row("community", c, figures, counts[c["id"]], parent=_parent(c, "street"),
                          submitted=Submission(by=submitted[c["id"]][1], at=submitted[c["id"]][2])
                          if c["id"] in submitted else None) for c in shown]
        streets = self._rollup("street", shown, figures, counts, submitted)
        districts = self._rollup("district", shown, figures, counts, submitted)
        total = self._row("city", {"id": "total", "name": {"zh": "合计", "en": "Total"}}, figures,
                          _sum(counts.values()), communities=len(shown),
                          done=sum(c["id"] in submitted for c in shown))
        return Report(month=month, generated_at=now, figures=[_view(f, d) for f, d in figures], communities=rows,
                      streets=streets, districts=districts, total=total)

    def _figures(self) -> list[tuple[Figure, str]]:
        return [(BY_ID[f.id], f.definition or BY_ID[f.id].definition) for f in self.tenancy.reporting().figures]

    def _row(self, level: str, node: Doc, figures: list[tuple[Figure, str]], counts: Counts, parent: str | None = None,
             submitted: Submission | None = None, communities: int | None = None,
             done: int | None = None) -> ReportRow:
        return ReportRow(level=level, id=node["id"], name=node.get("name"), parent=parent,  # type: ignore[arg-type]
                         values={f.id: f.value(counts) for f, _ in figures}, submitted=submitted,
                         communities=communities, communities_submitted=done,
                         requests_by_category=breakdown.categories(counts, self._categories),
                         alerts_by_type=breakdown.device_types(counts))

    @cached_property
    def _categories(self) -> dict[str, Any]:
        return {c["code"]: c.get("name") for c in self.tenancy.catalog()}

    def _rollup(self, level: str, shown: list[Doc], figures: list[tuple[Figure, str]], counts: dict[str, Counts],
                submitted: dict[str, Any]) -> list[ReportRow]:
        members: dict[str, list[str]] = {}
        for c in shown:
            if (key := _parent(c, level)) is not None:
                members.setdefault(key, []).append(c["id"])
        nodes = {n["id"]: n for n in self.tenancy.children(level)}
        return [self._row(level, nodes.get(key, {"id": key}), figures, _sum(counts[c] for c in ids),
                          parent=_parent(nodes[key], "district") if level == "street" and key in nodes else None,
                          communities=len(ids), done=sum(c in submitted for c in ids))
                for key, ids in sorted(members.items())]

    # -- files ---------------------------------------------------------------------------------
    def file(self, q: ReportQuery, fmt: str) -> ReportFile:
        from chalicelib import photos
        from chalicelib.reporting import export

        report = self.build(q)
        city = self.tenancy.profile().get("name", {}).get("zh") or self.tenant.tenant_id
        body, content_type = (export.xlsx(report, city), export.XLSX) if fmt == "xlsx" else \
            (export.csv_bytes(report), export.CSV)
        stamp = self.clock()
        key = f"t/{self.tenant.tenant_id}/reports/{report.month}/{stamp:%Y%m%dT%H%M%S}-{self.principal.user_id}.{fmt}"
        filename = f"一表通-{city}-{report.month}.{fmt}"
        url = photos.share_file(key, body, content_type, export.disposition(filename, report.month, fmt), FILE_SECONDS)
        emit(self.tenant.tenant_id, {"ReportFiles": 1})
        return ReportFile(url=url, filename=filename, format=fmt,  # type: ignore[arg-type]
                          expires_at=stamp + timedelta(seconds=FILE_SECONDS))

    # -- submitting ----------------------------------------------------------------------------
    def submit(self, community_id: str, body: SubmitIn) -> ReportRow:
        """Lock the community's report of a finished month as it stands now: who and when."""
        served = served_communities(self.principal, self.tenancy)
        try:
            community = self.tenancy.node("community", community_id) if "#" not in community_id else None
        except NotFound:
            community = None
        if community is None or (served is not None and community_id not in served):
            raise NotFound("no such community in your area", field="community_id")
        now = self.clock()
        zone = self.tenancy.zone()
        if body.month >= f"{now.astimezone(zone):%Y-%m}" or body.month < FIRST_MONTH:
            raise InvalidInput("month: a month is submitted once it is over", field="month")
        counts = collect(self.principal, body.month, [community], now, zone)[community_id]
        if not self.repo.submit(body.month, community_id, counts, self.principal.username, now):
            raise Conflict("this community's report of that month was submitted already", field="month")
        emit(self.tenant.tenant_id, {"ReportSubmissions": 1})
        return self._row("community", community, self._figures(), counts, parent=_parent(community, "street"),
                         submitted=Submission(by=self.principal.username, at=now))


def _parent(node: Doc, level: str) -> str | None:
    """The street (``path[1]``) or district (``path[0]``) of a community or street."""
    path = node.get("path") or []
    at = {"district": 0, "street": 1}[level]
    return path[at] if len(path) > at and path[at] != node["id"] else None


def _sum(rows: Any) -> Counts:
    out: Counts = {}
    for counts in rows:
        for k, v in counts.items():
            out[k] = out.get(k, 0) + v
    return out


def _view(f: Figure, definition: str) -> FigureView:
    return FigureView(id=f.id, section=f.section, name={"zh": f.zh, "en": f.en},  # type: ignore[arg-type]
                      unit=f.unit, definition=definition, rate=f.rate is not None)
