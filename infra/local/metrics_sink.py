"""The local stack's stand-in for CloudWatch reading EMF from the logs: every metric set that
``chalicelib.observability`` publishes (an EMF blob) becomes ``PutMetricData`` on moto.

A blob names one namespace, dimension sets and metrics (``_aws.CloudWatchMetrics[0]``); the
dimension values and the metric values (a number or a list) sit at its top level. Each metric is
published once per dimension set, as CloudWatch does with EMF. Blobs are buffered and sent by a
background thread every few seconds, aggregated per metric, dimension set and unit:

- ``Count`` metrics as ``StatisticValues`` (sum, min, max, sample count): what the dashboards
  and alarms read of them (Sum, Maximum), one datum per flush instead of one per event — moto
  keeps every datum and scans them all on each read;
- every other unit (latencies in ms) as ``Values``/``Counts``, so percentiles stay computable
  (``infra/local/moto_percentiles.py`` gives moto p50/p99).

At most 1000 datums and about 0.8 MB per call; failures are logged (logger ``cc.metrics``) and the batch dropped —
nothing is ever raised into the code that emitted the metric.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("cc.metrics")

MAX_DATUMS_PER_CALL = 1000
MAX_CALL_BYTES = 800_000  # PutMetricData takes 1 MB a request; sizes are estimated generously
MAX_VALUES_PER_DATUM = 150  # PutMetricData's limit of distinct values in Values
MAX_PENDING_SAMPLES = 200_000  # beyond this the sink drops (and says so) rather than grow without bound

Key = tuple[str, str, str, tuple[tuple[str, str], ...]]  # namespace, metric, unit, dimensions


@dataclass
class _Pending:
    values: Counter[float] = field(default_factory=Counter)
    at_ms: int = 0


def metric_points(blob: dict[str, Any]) -> list[tuple[Key, list[float], int]]:
    """(namespace, metric, unit, dimensions) → values, and the blob's timestamp (ms), per metric and
    dimension set of one EMF blob. Non-finite values and dimension sets with a missing or empty
    value are left out (PutMetricData would refuse the whole call)."""
    aws = blob["_aws"]
    at_ms = int(aws.get("Timestamp") or datetime.now(UTC).timestamp() * 1000)
    out: list[tuple[Key, list[float], int]] = []
    for directive in aws.get("CloudWatchMetrics", []):
        namespace = directive["Namespace"]
        dim_sets = []
        for names in directive.get("Dimensions", []) or [[]]:
            dims = tuple(sorted((n, str(blob.get(n, ""))) for n in names))
            if all(v for _, v in dims):
                dim_sets.append(dims)
        for metric in directive.get("Metrics", []):
            raw = blob.get(metric["Name"])
            values = [float(v) for v in (raw if isinstance(raw, list) else [raw]) if isinstance(v, int | float)]
            values = [v for v in values if math.isfinite(v)]
            if not values:
                continue
            for dims in dim_sets:
                out.append(((namespace, metric["Name"], metric.get("Unit", "None"), dims), values, at_ms))
    return out


def datums(pending: dict[Key, _Pending]) -> dict[str, list[dict[str, Any]]]:
    """PutMetricData's MetricData, per namespace."""
    out: dict[str, list[dict[str, Any]]] = {}
    for (namespace, name, unit, dims), p in pending.items():
        base = {"MetricName": name, "Unit": unit, "Timestamp": datetime.fromtimestamp(p.at_ms / 1000, UTC),
                "Dimensions": [{"Name": n, "Value": v} for n, v in dims]}
        if unit == "Count":
            samples = list(p.values.elements())
            out.setdefault(namespace, []).append({**base, "StatisticValues": {
                "SampleCount": float(len(samples)), "Sum": float(sum(samples)),
                "Minimum": min(samples), "Maximum": max(samples)}})
            continue
        distinct = sorted(p.values.items())
        for i in range(0, len(distinct), MAX_VALUES_PER_DATUM):
            chunk = distinct[i:i + MAX_VALUES_PER_DATUM]
            out.setdefault(namespace, []).append({**base, "Values": [v for v, _ in chunk],
                                                  "Counts": [float(c) for _, c in chunk]})
    return out


def _size(datum: dict[str, Any]) -> int:
    """A generous estimate of a datum's bytes on the wire."""
    return 400 + 120 * len(datum["Dimensions"]) + 90 * (len(datum.get("Values", ())) + len(datum.get("Counts", ())))


def batches(data: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Consecutive datums in calls of at most MAX_DATUMS_PER_CALL and about MAX_CALL_BYTES."""
    out: list[list[dict[str, Any]]] = []
    size = 0
    for d in data:
        if not out or len(out[-1]) >= MAX_DATUMS_PER_CALL or size + _size(d) > MAX_CALL_BYTES:
            out.append([])
            size = 0
        out[-1].append(d)
        size += _size(d)
    return out


class CloudWatchSink:
    """``observability.set_sink(sink)``; ``start()`` the flushing thread, ``stop()`` flushes what is left."""

    def __init__(self, cloudwatch: Any, interval_seconds: float = 5.0) -> None:
        self.cloudwatch = cloudwatch
        self.interval = interval_seconds
        self._lock = threading.Lock()
        self._pending: dict[Key, _Pending] = {}
        self._samples = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="metrics-sink", daemon=True)
        self.sent = 0
        self.dropped = 0

    def __call__(self, blob: dict[str, Any]) -> None:
        try:
            points = metric_points(blob)
        except (KeyError, TypeError, ValueError, IndexError):
            log.warning("unreadable metric set left out: %.200s", blob)
            return
        with self._lock:
            for key, values, at_ms in points:
                if self._samples + len(values) > MAX_PENDING_SAMPLES:
                    self.dropped += len(values)
                    continue
                p = self._pending.setdefault(key, _Pending())
                p.values.update(values)
                p.at_ms = max(p.at_ms, at_ms)
                self._samples += len(values)

    def start(self) -> CloudWatchSink:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval + 10)
        self.flush()

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            self.flush()

    def flush(self) -> int:
        """Send what is buffered; returns how many datums went out."""
        with self._lock:
            pending, self._pending, self._samples = self._pending, {}, 0
            dropped, self.dropped = self.dropped, 0
        if dropped:
            log.warning("metrics sink buffer full: %d samples dropped", dropped)
        sent = 0
        for namespace, data in datums(pending).items():
            for batch in batches(data):
                try:
                    self.cloudwatch.put_metric_data(Namespace=namespace, MetricData=batch)
                    sent += len(batch)
                except Exception:  # metrics must never break the stack: say so and go on
                    log.exception("PutMetricData failed: %d datums of %s dropped", len(batch), namespace)
        self.sent += sent
        return sent
