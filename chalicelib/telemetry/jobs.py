"""Scheduled entry point of the telemetry side (called lazily from app.py: numpy is
loaded by this Lambda only, never by the API's)."""

from __future__ import annotations

import time
from typing import Any

from chalicelib.observability import cold_start, emit, logger
from chalicelib.telemetry.absence import sweep_all


def absence_job(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every minute: raise the absence rules (未出门, 未用电, offline) that fell due, in every city."""
    logger.clear_state()
    logger.append_keys(job="absence-sweep")
    cold_start("sweep_absence")
    done = sweep_all(int(time.time() * 1000))
    for tenant_id, result in done.items():
        emit(tenant_id, {"AbsenceAlertsRaised": result.raised, "AbsenceDevicesChecked": result.checked,
                         "AbsenceSweepMinutes": result.minutes})
        for severity, count in result.raised_by_severity.items():
            emit(tenant_id, {"AlertsRaised": count}, by={"severity": severity})
    raised = {t: r.raised for t, r in done.items()}
    logger.info("absence sweep done", extra={"raised": raised})
    return {"raised": raised}
