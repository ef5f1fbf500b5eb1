"""The city health job (every 5 minutes; every minute locally): the gauges of each city's dashboard
— devices online, open alerts by severity, critical alerts nobody acknowledged in their window,
overdue requests — read with the city dashboard's own bounded reads and published as metrics; and the
census of each community's devices (total, online, by type) that the dashboard reads in one Query
instead of counting every community's devices on each load."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from chalicelib.alerts.models import AlertState
from chalicelib.alerts.routing import ESCALATE_AFTER
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import AppError
from chalicelib.observability import cold_start, emit, logger
from chalicelib.reports.models import DashboardQuery
from chalicelib.reports.repository import DashboardReader
from chalicelib.reports.service import DashboardService
from chalicelib.tenancy.repository import list_tenant_profiles
from chalicelib.tenancy.service import TenantService

SEVERITIES = ("critical", "warning", "info")


def critical_unacknowledged(alerts: list[dict[str, Any]], now: datetime) -> int:
    """Critical alerts still open (nobody acknowledged) past the first escalation window."""
    late = (now - ESCALATE_AFTER["critical"]).isoformat()
    return sum(1 for a in alerts if a["severity"] == "critical" and a["state"] == AlertState.OPEN.value
               and a["opened_at"] <= late)


def city_gauges(tenant_id: str, now: datetime) -> dict[str, Any]:
    """The city's gauges, its devices counted community by community and kept as the census the
    dashboard reads until the next run."""
    principal = Principal("ops-health", "ops-health", tenant_id, frozenset({Role.CITY_ADMIN}))
    reader = DashboardReader(principal.tenant)
    service = DashboardService(principal, reader=reader, clock=lambda: now)
    devices = service.count_devices(TenantService(principal.tenant).children("community"), now)
    reader.save_census(devices)
    board = service.build(DashboardQuery(), devices=devices)
    alerts = reader.active_alerts([""])
    open_by = Counter(a["severity"] for a in alerts)
    return {"DevicesOnline": board.devices.online, "DevicesTotal": board.devices.total,
            "ServiceRequestsOverdue": board.requests.overdue_all,
            "CriticalUnacknowledged": critical_unacknowledged(alerts, now),
            "open": {s: open_by.get(s, 0) for s in SEVERITIES}}


def health_job(event: dict[str, Any], context: Any) -> dict[str, Any]:
    logger.clear_state()
    logger.append_keys(job="city-health")
    cold_start("city_health")
    now = datetime.now(UTC)
    done: dict[str, Any] = {}
    for profile in list_tenant_profiles():
        tenant_id = str(profile["tenant_id"])
        if profile.get("status", "active") == "retired":
            continue
        try:
            g = city_gauges(tenant_id, now)
        except AppError:
            logger.exception("city health failed", extra={"tenant_id": tenant_id})
            continue
        opened = g.pop("open")
        emit(tenant_id, g)
        for severity, count in opened.items():
            emit(tenant_id, {"AlertsOpen": count}, by={"severity": severity})
        done[tenant_id] = {**g, "open": opened}
    logger.info("city health done", extra={"cities": len(done)})
    return done
