"""Logger, Metrics and Tracer, created once; the HTTP middleware that scopes them per request.

Every request starts from a clean state (so nothing leaks from one tenant to the next
on a warm container), then carries ``tenant_id`` and the correlation id in every log
line, the ``tenant`` dimension on its metrics and a ``tenant_id`` trace annotation.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger(service="community-cloud")
metrics = Metrics(namespace="SmartCommunityCloud", service="community-cloud")
tracer = Tracer(service="community-cloud")

CORRELATION_HEADER = "x-correlation-id"


def begin_request(correlation_id: str, tenant_id: str | None, route: str) -> None:
    logger.clear_state()
    metrics.clear_metrics()
    logger.set_correlation_id(correlation_id)
    logger.append_keys(tenant_id=tenant_id or "-", route=route)


def end_request(tenant_id: str | None, status: int, started: float) -> None:
    metrics.add_dimension(name="tenant", value=tenant_id or "anonymous")
    metrics.add_metric(name="ApiRequests", unit=MetricUnit.Count, value=1)
    if status >= 500:
        metrics.add_metric(name="Api5xx", unit=MetricUnit.Count, value=1)
    elif status >= 400:
        metrics.add_metric(name="Api4xx", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="ApiLatency", unit=MetricUnit.Milliseconds, value=(time.perf_counter() - started) * 1000)
    metrics.flush_metrics()
    metrics.clear_metrics()
    logger.info("request done", extra={"status": status})


@contextmanager
def traced(name: str, tenant_id: str | None) -> Iterator[None]:
    """An X-Ray subsegment around the request, annotated with the tenant (so traces can be
    filtered per city); a no-op when tracing is off, as it is outside Lambda."""
    with tracer.provider.in_subsegment(f"## {name}") as subsegment:
        if tenant_id:
            subsegment.put_annotation("tenant_id", tenant_id)
        yield
