"""Give moto's CloudWatch an index of its metric data, so that reads stay fast as data piles up.

moto 5.2 keeps every datum in one list and, for each GetMetricData query, scans the whole window
once per period (a 6-hour window of 1-minute periods: 360 scans per query, each comparing sorted
dimension lists); ListMetrics compares every matching datum with every metric found so far. The
local stack's metrics sink adds a datum per latency sample (moto stores ``Values`` one by one),
so after a day of use — or a full end-to-end run — one read of the ops screen took minutes.

This keeps, per backend, the datums grouped by (namespace, metric, dimension set) — appended to as
moto appends, so each read indexes only what arrived since the last one — and answers:

- GetMetricData ``MetricStat`` queries from their own metric's datums, bucketed into periods from
  the start time as moto does (same timestamps, same statistics — including the percentiles of
  ``moto_percentiles.py``). Matching is CloudWatch's: exact namespace, name and dimension set.
  Calls with metric-math expressions go to moto's own code unchanged.
- ListMetrics from the index's keys, each metric once, in order of first arrival.
"""

from __future__ import annotations

import functools
import threading
from datetime import datetime, timedelta
from typing import Any

MetricKey = tuple[str, str, tuple[tuple[str, str], ...]]


class _Index:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.source: list[Any] | None = None
        self.by_key: dict[MetricKey, list[Any]] = {}

    def catch_up(self, data: list[Any]) -> dict[MetricKey, list[Any]]:
        """Index what was appended to ``data`` since the last call (from scratch if it is a new list)."""
        with self.lock:
            if data is not self.source or len(data) < self.count:
                self.source, self.count, self.by_key = data, 0, {}
            end = len(data)
            for md in data[self.count:end]:
                self.by_key.setdefault(key_of(md), []).append(md)
            self.count = end
            return self.by_key


def key_of(md: Any) -> MetricKey:
    return md.namespace, md.name, tuple(sorted((d.name, d.value) for d in md.dimensions))


_indexes: dict[int, _Index] = {}
_indexes_lock = threading.Lock()


def _metrics(backend: Any) -> dict[MetricKey, list[Any]]:
    """The backend's datums by metric: the index of what was put, with the few that moto makes up on
    the fly for other services (the S3 bucket sizes) grouped on each call."""
    with _indexes_lock:
        index = _indexes.setdefault(id(backend), _Index())
    by_key = index.catch_up(backend.metric_data)
    made_up = backend.aws_metric_data
    if not made_up:
        return by_key
    merged = {k: list(v) for k, v in by_key.items()}
    for md in made_up:
        merged.setdefault(key_of(md), []).append(md)
    return merged


def bucketed(datums: list[Any], start: datetime, end: datetime, period: int, unit: str | None
             ) -> list[tuple[datetime, list[Any]]]:
    """The datums of [start, end) in periods of ``period`` seconds counted from ``start``, oldest first."""
    buckets: dict[int, list[Any]] = {}
    for md in datums:
        if start <= md.timestamp < end and (not unit or md.unit == unit):
            buckets.setdefault(int((md.timestamp - start).total_seconds()) // period, []).append(md)
    return [(start + timedelta(seconds=n * period), buckets[n]) for n in sorted(buckets)]


def make_cloudwatch_indexed() -> None:
    from moto.cloudwatch.models import CloudWatchBackend, Statistics

    get_metric_data = CloudWatchBackend.get_metric_data
    if getattr(get_metric_data, "_cc_indexed", False):
        return
    get_filtered_metrics = CloudWatchBackend.get_filtered_metrics

    @functools.wraps(get_metric_data)
    def indexed_get_metric_data(self: Any, queries: list[dict[str, Any]], start_time: datetime,
                                end_time: datetime, scan_by: str = "TimestampAscending") -> list[dict[str, Any]]:
        start, end = start_time.replace(microsecond=0), end_time.replace(microsecond=0)
        if start >= end or any("MetricStat" not in q for q in queries):
            return get_metric_data(self, queries, start_time, end_time, scan_by)  # moto's errors, metric math
        by_key = _metrics(self)
        results = []
        for query in queries:
            stat_q = query["MetricStat"]
            metric = stat_q["Metric"]
            key = (metric["Namespace"], metric["MetricName"],
                   tuple(sorted((d["Name"], d["Value"]) for d in metric.get("Dimensions", []))))
            stat = stat_q["Stat"]
            timestamps, values = [], []
            for at, datums in bucketed(by_key.get(key, []), start, end, int(stat_q["Period"]), stat_q.get("Unit")):
                stats = Statistics([stat], at)
                stats.metric_data = datums
                timestamps.append(at)
                values.append(stats.get_statistics_for_type(stat))
            if scan_by == "TimestampDescending":
                timestamps.reverse()
                values.reverse()
            if query.get("ReturnData", True):
                results.append({"id": query["Id"], "label": query.get("Label") or f"{metric['MetricName']} {stat}",
                                "values": values, "timestamps": timestamps, "status_code": "Complete"})
        return results

    @functools.wraps(get_filtered_metrics)
    def indexed_get_filtered_metrics(self: Any, metric_name: str, namespace: str,
                                     dimensions: list[dict[str, str]]) -> list[Any]:
        return [datums[0] for (ns, name, _), datums in list(_metrics(self).items())
                if (not namespace or ns == namespace) and (not metric_name or name == metric_name)
                and datums[0].filter(namespace=namespace, name=metric_name, dimensions=dimensions)]

    indexed_get_metric_data._cc_indexed = True  # type: ignore[attr-defined]
    CloudWatchBackend.get_metric_data = indexed_get_metric_data  # type: ignore[method-assign]
    CloudWatchBackend.get_filtered_metrics = indexed_get_filtered_metrics  # type: ignore[method-assign]
