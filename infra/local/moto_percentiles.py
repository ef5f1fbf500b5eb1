"""Give moto's CloudWatch percentile statistics (``p50``, ``p99``, ``p99.9``) in GetMetricData.

moto 5.2 computes Sum, Average, Minimum, Maximum and SampleCount only; for any other statistic it
yields None and then fails to serialise the answer (a 500), so one percentile series — the API
latency widgets, the ``cc-api-latency-p99`` alarm's metric — breaks a whole GetMetricData call
of the ops screen. This computes the nearest-rank percentile over the raw values (the local
metrics sink sends latencies as ``Values``/``Counts``, which moto keeps one by one); for data sent
only as ``StatisticValues`` the distribution is gone and the largest maximum stands in for it.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

_PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d+)?)$")


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least ``p`` % of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def make_cloudwatch_percentiles() -> None:
    from moto.cloudwatch.models import Statistics

    original = Statistics.get_statistics_for_type
    if getattr(original, "_cc_percentiles", False):
        return

    @functools.wraps(original)
    def with_percentiles(self: Any, stat: str) -> Any:
        match = _PERCENTILE.match(stat)
        if not match:
            return original(self, stat)
        values = list(self.metric_single_values_list)
        if values:
            return percentile(values, float(match[1]))
        maxima = [s.max for s in self.metric_aggregated_list]
        return max(maxima) if maxima else None

    with_percentiles._cc_percentiles = True  # type: ignore[attr-defined]
    Statistics.get_statistics_for_type = with_percentiles  # type: ignore[method-assign]
