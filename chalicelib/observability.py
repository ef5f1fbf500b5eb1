"""Logger, Metrics and Tracer, created once; the HTTP middleware that scopes them per request.

Every request starts from a clean state (so nothing leaks from one tenant to the next
on a warm container), then carries ``tenant_id`` and the correlation id in every log
line, the ``tenant`` dimension on its metrics and a ``tenant_id`` trace annotation.

Metrics go out through :func:`emit` only: one EMF line per metric set, published per city
(``tenant``) and rolled up for the platform (``service`` alone), so the platform dashboard and
alarms read totals without a search expression. Which names and dimension sets exist is
written down in ``chalicelib/ops/catalog.py``; a test holds the two together.

The Tracer (and with it the X-Ray SDK, which builds a botocore client for its sampler when imported:
~100 ms of a cold start) is created only where traces are recorded — in Lambda, unless
``POWERTOOLS_TRACE_DISABLED`` — as Powertools decides it; everywhere else ``tracer`` is None and
:func:`traced` costs nothing. Powertools' ``Tracer(disabled=True)`` would still import the SDK.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

logger = Logger(service="community-cloud")
metrics = Metrics(namespace="SmartCommunityCloud", service="community-cloud")


def start_tracing() -> Tracer | None:
    """The Tracer (patching botocore and httplib for X-Ray subsegments) where traces are recorded, else None."""
    if Tracer._is_tracer_disabled():  # Powertools' own test: outside Lambda, SAM/chalice local, or disabled
        return None
    return Tracer(service="community-cloud")


tracer = start_tracing()  # at import, as before: the scheduled and queue Lambdas' AWS calls are traced too

CORRELATION_HEADER = "x-correlation-id"

# Where metric sets go besides stdout: the local stack sets one that turns them into PutMetricData
# calls on its CloudWatch (in Lambda, CloudWatch reads the EMF lines from the logs by itself).
Sink = Callable[[dict[str, Any]], None]
_sink: Sink | None = None
_cold: set[str] = set()
# One Metrics object per process: in Lambda one invocation at a time uses it, but the local stack
# serves requests and runs the schedules on threads of one process.
_lock = threading.Lock()


def set_sink(sink: Sink | None) -> None:
    global _sink
    _sink = sink


def emit(tenant_id: str | None, values: Mapping[str, float], *, units: Mapping[str, MetricUnit] | None = None,
         by: Mapping[str, str] | None = None, platform_by: Mapping[str, str] | None = None) -> None:
    """Publish ``values`` (name → number, Count unless ``units`` says otherwise) for a city.

    Dimension sets: ``{tenant, **by}`` and, rolled up, ``{tenant}`` and ``{**by}`` when ``by`` is
    given, then ``{}`` (the platform); ``platform_by`` adds a platform-only set (e.g. the API
    route: per route, but not per route and city — that would be cities × routes metrics).
    ``service`` is in every set. A ``tenant_id`` of None publishes the platform sets only.
    """
    if not values:
        return
    try:
        with _lock:
            _emit(tenant_id, values, units, by, platform_by)
    except Exception:  # a metric must never fail the request or batch it describes
        logger.exception("metrics not published", extra={"metrics": sorted(values)})


def _emit(tenant_id: str | None, values: Mapping[str, float], units: Mapping[str, MetricUnit] | None,
          by: Mapping[str, str] | None, platform_by: Mapping[str, str] | None) -> None:
    service = str(metrics.service)
    metrics.clear_metrics()
    by = dict(by or {})
    sets: list[dict[str, str]] = []
    if tenant_id is not None:
        metrics.add_dimension(name="tenant", value=tenant_id)
        if by:
            sets.append({"tenant": tenant_id})
    for name, value in by.items():
        metrics.add_dimension(name=name, value=value)
    if by and tenant_id is not None:
        sets.append(dict(by))
    if tenant_id is not None or by:
        sets.append({})
    if platform_by:
        sets.append(dict(platform_by))
    for extra in sets:
        metrics.add_dimensions(service=service, **extra)
    for metric, number in values.items():
        metrics.add_metric(name=metric, unit=(units or {}).get(metric, MetricUnit.Count), value=number)
    _publish(dict(metrics.serialize_metric_set()))
    metrics.clear_metrics()


def cold_start(function_name: str) -> None:
    """Powertools' ``ColdStart`` metric (dimensions ``function_name``, ``service``), once per process
    and function — the same name and dimensions ``log_metrics(capture_cold_start_metric=True)`` writes."""
    name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or function_name
    if name in _cold:
        return
    _cold.add(name)
    with _lock:
        metrics.clear_metrics()
        metrics.add_dimension(name="function_name", value=name)
        metrics.add_metric(name="ColdStart", unit=MetricUnit.Count, value=1)
        _publish(dict(metrics.serialize_metric_set()))
        metrics.clear_metrics()


def _publish(blob: dict[str, Any]) -> None:
    if not is_metrics_disabled():
        print(json.dumps(blob, separators=(",", ":")), flush=False)
    if _sink is not None:
        _sink(blob)


def begin_request(correlation_id: str, tenant_id: str | None, route: str) -> None:
    logger.clear_state()
    logger.set_correlation_id(correlation_id)
    logger.append_keys(tenant_id=tenant_id or "-", route=route)
    cold_start("api_handler")


def end_request(tenant_id: str | None, route: str, status: int, started: float) -> None:
    values: dict[str, float] = {"ApiRequests": 1, "ApiLatency": (time.perf_counter() - started) * 1000}
    if status >= 500:
        values["Api5xx"] = 1
    elif status >= 400:
        values["Api4xx"] = 1
    emit(tenant_id or "anonymous", values, units={"ApiLatency": MetricUnit.Milliseconds},
         platform_by={"route": route})
    logger.info("request done", extra={"status": status})


@contextmanager
def traced(name: str, tenant_id: str | None) -> Iterator[None]:
    """An X-Ray subsegment around the request, annotated with the tenant (so traces can be
    filtered per city); a no-op when tracing is off, as it is outside Lambda."""
    if tracer is None:
        yield
        return
    with tracer.provider.in_subsegment(f"## {name}") as subsegment:
        if tenant_id:
            subsegment.put_annotation("tenant_id", tenant_id)
        yield
