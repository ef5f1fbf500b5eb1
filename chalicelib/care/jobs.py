"""The overdue-visit sweep (hourly; every minute locally): in every city, a care subject whose visit is
overdue by a whole interval of her level (巡访严重逾期, the queue's 已升级) gets an alert at her home — told to
the grid's staff at once (inbox, push, SMS) and climbing to the community and the city like any warning
until someone acknowledges it. One alert while it is open (the visit plan's lock); recording the visit
closes it (``CareService.visit``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.observability import cold_start, emit
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.repository import for_each_active_city


def sweep_city(tenant_id: str, now: datetime) -> int:
    """Raise the city's missing overdue-visit alerts; how many were raised."""
    from chalicelib.alerts.service import AlertService
    from chalicelib.care import visits
    from chalicelib.care.repository import CareRepository
    from chalicelib.tenancy.service import TenantService

    tenant = TenantContext(tenant_id)
    tenancy = TenantService(tenant)
    settings = tenancy.care_visits()
    on = now.astimezone(tenancy.zone()).date()
    repo, alerts = CareRepository(tenant), AlertService(tenant, tenancy=tenancy)
    raised = 0
    for community in tenancy.children("community"):
        for doc in repo.by_community(community["id"]):
            if doc.get("consent_state") != "active":
                continue
            row = visits.row(settings, doc, on, [])
            if row.escalated:
                level = visits.level_of(settings, doc)
                raised += alerts.raise_visit_overdue(doc, row.plan.next_on.isoformat(), row.days_overdue,
                                                     {"name": level.name.model_dump(), "every_days": level.every_days},
                                                     now)
    if raised:
        emit(tenant_id, {"CareVisitsEscalated": raised})
    return raised


def overdue_visits_job(event: dict[str, Any], context: Any) -> dict[str, Any]:
    cold_start("sweep_care_visits")
    now = datetime.now(UTC)
    raised, _ = for_each_active_city("overdue-visit sweep", lambda tenant_id: sweep_city(tenant_id, now))
    return {"raised": raised}
