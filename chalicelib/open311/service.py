"""Reads of the GeoReport v2 API: services, a service's definition, requests (one or a list)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.open311 import mapping
from chalicelib.open311.formats import Open311Error
from chalicelib.requests.documents import city_zone
from chalicelib.requests.repository import RequestRepository
from chalicelib.store.base import now
from chalicelib.store.keys import TENANT_ID_PATTERN, TenantContext
from chalicelib.tenancy.service import TenantService, tenant_status

WINDOW = timedelta(days=90)  # the spec's default window, and its cap of results
LIMIT = 1000
_ID = re.compile(r"^[A-Z]{2}-\d{8}-\d{4,6}$")
Doc = dict[str, Any]


def jurisdiction(jurisdiction_id: str | None) -> TenantContext:
    """The city named by ``jurisdiction_id``: 400 when missing, 404 when unknown, 403 when suspended."""
    if not jurisdiction_id:
        raise Open311Error(400, "jurisdiction_id: required (the city, e.g. zhengzhou)")
    status = tenant_status(jurisdiction_id) if re.match(TENANT_ID_PATTERN, jurisdiction_id) else None
    if status is None:
        raise Open311Error(404, f"jurisdiction_id: no jurisdiction {jurisdiction_id!r}")
    if status != "active":
        raise Open311Error(403, "jurisdiction_id: this jurisdiction is suspended")
    return TenantContext(jurisdiction_id)


def _when(value: str | None, field: str) -> datetime | None:
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Open311Error(400, f"{field}: not an ISO 8601 date-time") from exc
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)


class Open311Reader:
    def __init__(self, tenant: TenantContext) -> None:
        self.tenant, self.tenancy = tenant, TenantService(tenant)
        self.repo = RequestRepository(tenant)

    def _departments(self) -> dict[str, Doc]:
        return {d["id"]: d for d in self.tenancy.departments()}

    def services(self) -> list[Doc]:
        departments = self._departments()
        return [mapping.service(c, departments) for c in self.tenancy.catalog()]

    def definition(self, code: str) -> Doc:
        found = next((c for c in self.tenancy.catalog() if c["code"] == code), None)
        if found is None:
            raise Open311Error(404, f"service_code: no service {code!r}")
        return mapping.definition(found)

    def _shown(self, docs: list[Doc]) -> list[Doc]:
        communities = {c["id"]: c for c in self.tenancy.children("community")}
        zone, departments = self.tenancy.profile().get("timezone"), self._departments()
        return [mapping.request(d, communities, departments, zone) for d in docs]

    def one(self, request_id: str) -> list[Doc]:
        stored = self.repo.get(request_id) if _ID.match(request_id) else None
        if stored is None:
            raise Open311Error(404, f"service_request_id: no request {request_id!r}")
        return self._shown([stored.doc])

    def search(self, params: dict[str, str]) -> list[Doc]:
        if params.get("service_request_id"):
            ids = [i.strip() for i in params["service_request_id"].split(",") if _ID.match(i.strip())][:LIMIT]
            found = self.repo.get_many(ids)
            return self._shown([found[i] for i in ids if i in found])
        end = _when(params.get("end_date"), "end_date") or now()
        start = _when(params.get("start_date"), "start_date") or end - WINDOW
        if start > end:
            raise Open311Error(400, "start_date: after end_date")
        wanted = params.get("status")
        if wanted not in (None, "", "open", "closed"):
            raise Open311Error(400, "status: open or closed")
        codes = {c for c in (params.get("service_code") or "").split(",") if c}
        docs = [d for d in self._between(start, end)
                if (not codes or d["category"] in codes) and (not wanted or mapping.status(d) == wanted)]
        return self._shown(docs[:LIMIT])

    def _between(self, start: datetime, end: datetime) -> list[Doc]:
        """Requests filed in [start, end], newest first: one Query per month of the window, then BatchGets."""
        zone = city_zone(self.tenancy.profile().get("timezone"))
        month, last = start.astimezone(zone).replace(day=1), end.astimezone(zone)
        months = []
        while month <= last:
            months.append(f"{month:%Y-%m}")
            month = (month + timedelta(days=32)).replace(day=1)
        ids: list[str] = []
        for m in reversed(months):
            got, _ = self.repo.refs(self.tenant.month_requests_pk(m), LIMIT, None, low=start.isoformat(),
                                    high=f"{end.isoformat()}#~")
            ids += got
        found = self.repo.get_many(ids[:LIMIT])
        return [found[i] for i in ids[:LIMIT] if i in found]
