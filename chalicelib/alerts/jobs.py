"""Scheduled entry points (called by thin handlers in app.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.alerts.escalation import sweep_escalations
from chalicelib.observability import logger, metrics


def escalation_job(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every minute: escalate the alerts nobody acknowledged in time, in every city."""
    logger.clear_state()
    logger.append_keys(job="alert-escalation")
    done = sweep_escalations(datetime.now(UTC))
    for tenant_id, count in done.items():
        metrics.add_dimension(name="tenant", value=tenant_id)
        metrics.add_metric(name="AlertsEscalated", unit=MetricUnit.Count, value=count)
        metrics.flush_metrics()
        metrics.clear_metrics()
    logger.info("escalation sweep done", extra={"escalated": done})
    return {"escalated": done}
