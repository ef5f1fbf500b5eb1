"""The monthly job (01:30 city time on the 1st): each active city's report of the month just ended,
written as XLSX to ``t/<tenant>/reports/<month>/archive.xlsx`` — the month as it stood when it closed,
before any community submitted — and counted (``ReportsArchived``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.observability import cold_start, emit
from chalicelib.tenancy.repository import for_each_active_city


def archive(tenant_id: str, now: datetime) -> str:
    """Write the city's report of last month; its key."""
    from chalicelib import photos
    from chalicelib.reporting import export
    from chalicelib.reporting.models import ReportQuery
    from chalicelib.reporting.service import ReportService

    principal = Principal("reporting", "一表通", tenant_id, frozenset({Role.CITY_ADMIN}))
    service = ReportService(principal, clock=lambda: now)
    report = service.build(ReportQuery())
    city = service.tenancy.profile().get("name", {}).get("zh") or tenant_id
    key = f"t/{tenant_id}/reports/{report.month}/archive.xlsx"
    photos.s3().put_object(Bucket=photos.bucket(), Key=key, Body=export.xlsx(report, city), ContentType=export.XLSX)
    emit(tenant_id, {"ReportsArchived": 1})
    return key


def monthly_job(event: dict[str, Any], context: Any) -> dict[str, Any]:
    cold_start("monthly_reports")
    now = datetime.now(UTC)
    done, failed = for_each_active_city("monthly report", lambda tenant_id: archive(tenant_id, now))
    return {"archived": list(done.values()), "failed": failed}
