"""Scheduled entry points (called by thin handlers in app.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.alerts.escalation import sweep_escalations
from chalicelib.observability import cold_start, emit, logger


def escalation_job(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every minute: escalate the alerts nobody acknowledged in time, in every city."""
    logger.clear_state()
    logger.append_keys(job="alert-escalation")
    cold_start("escalate_alerts")
    done = sweep_escalations(datetime.now(UTC))
    for tenant_id, by_severity in done.items():
        for severity, count in by_severity.items():
            emit(tenant_id, {"AlertsEscalated": count}, by={"severity": severity})
    totals = {t: sum(s.values()) for t, s in done.items()}
    logger.info("escalation sweep done", extra={"escalated": totals})
    return {"escalated": totals}
