"""The metrics of quotas and rates, per city (dimension ``tenant``), through ``observability.emit``."""

from __future__ import annotations

from chalicelib.observability import emit, logger


def quota_refused(tenant_id: str, quota: str) -> None:
    """A count quota refused a write (devices, residents, staff_users); the quota is in the log line."""
    logger.info("quota refused", extra={"tenant_id": tenant_id, "quota": quota})
    emit(tenant_id, {"QuotaRefused": 1})


def api_throttled(tenant_id: str) -> None:
    emit(tenant_id, {"ApiThrottled": 1})


def telemetry_dropped(tenant_id: str, count: int) -> None:
    logger.warning("telemetry over the city's allowance dropped", extra={"tenant_id": tenant_id, "dropped": count})
    emit(tenant_id, {"TelemetryDropped": count})
