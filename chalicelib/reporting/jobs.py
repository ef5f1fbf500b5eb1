"""The monthly job (01:30 city time on the 1st): each active city's report of the month just ended,
written as XLSX to ``t/<tenant>/reports/<month>/archive.xlsx`` — the month as it stood when it closed,
before any community submitted — and counted (``ReportsArchived``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import AppError
from chalicelib.observability import cold_start, emit, logger
from chalicelib.store.scope import tenant_scope
from chalicelib.tenancy.repository import list_tenant_profiles


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
    done, failed = [], []
    for profile in list_tenant_profiles():
        if profile.get("status", "active") != "active":
            continue
        tenant_id = profile["tenant_id"]
        try:
            with tenant_scope(tenant_id):
                done.append(archive(tenant_id, now))
        except AppError as exc:  # one city's trouble does not stop the others
            logger.exception("monthly report failed", extra={"tenant_id": tenant_id, "code": exc.code})
            failed.append(tenant_id)
    return {"archived": done, "failed": failed}
