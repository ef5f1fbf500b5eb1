"""Every widget and alarm reads a metric that really exists: ours are in the catalogue with a
dimension set the code publishes, and the code publishes exactly what the catalogue says."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from chalicelib import observability
from chalicelib.ops import alarms, catalog, dashboards
from chalicelib.ops.model import Series

ROOT = Path(__file__).resolve().parents[2]


def _all_series() -> list[tuple[str, Series]]:
    out = []
    for d in (dashboards.platform(), dashboards.city("zhengzhou", "郑州市", "Zhengzhou")):
        out += [(f"{d.name}/{w.id}", s) for w in d.widgets for s in w.series]
    out += [(f"alarm {a.name}", a.series) for a in (*alarms.platform(), *alarms.city("zhengzhou"))]
    return out


def _metrics_of(s: Series) -> list[str]:
    return list(s.ratio_of) if s.ratio_of else [s.metric]


@pytest.mark.parametrize(("where", "series"), _all_series(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_series_reads_a_metric_and_dimension_set_that_is_published(where, series):
    for metric in _metrics_of(series):
        if series.namespace == catalog.NAMESPACE:
            assert metric in catalog.METRICS, f"{where}: {metric} is not a metric the code publishes"
            assert series.dim_names in catalog.METRICS[metric].dims, (
                f"{where}: {metric} is published with {catalog.METRICS[metric].dims}, not {series.dim_names}")
        else:
            known = catalog.AWS_METRICS.get(series.namespace, {})
            assert metric in known, f"{where}: {series.namespace} has no metric {metric}"
            assert series.dim_names == tuple(sorted(known[metric])), f"{where}: {metric} dimensions"


def _string_constants(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def test_every_catalogued_metric_is_drawn_on_a_dashboard():
    drawn = {m for _, s in _all_series() if not _.startswith("alarm ") for m in _metrics_of(s)}
    assert sorted(set(catalog.METRICS) - drawn) == []


def test_every_catalogued_metric_is_named_by_the_code_that_publishes_it():
    definitions = {ROOT / "chalicelib" / "ops" / f"{m}.py" for m in ("catalog", "dashboards", "alarms", "model")}
    code = [p for p in (ROOT / "chalicelib").rglob("*.py") if p not in definitions]
    # the local device gateway stands in for IoT Core's own metrics (infra/local/bridge.py)
    names = _string_constants([*code, ROOT / "app.py", ROOT / "infra" / "local" / "bridge.py"])
    missing = sorted(m for m in catalog.METRICS if m not in names)
    assert not missing, f"catalogued but named nowhere in the code: {missing}"


def _published(blobs: list[dict]) -> set[tuple[str, tuple[str, ...]]]:
    out = set()
    for blob in blobs:
        directive = blob["_aws"]["CloudWatchMetrics"][0]
        assert directive["Namespace"] == catalog.NAMESPACE
        for m in directive["Metrics"]:
            for dims in directive["Dimensions"]:
                out.add((m["Name"], tuple(sorted(dims))))
    return out


def test_emit_publishes_each_metric_with_exactly_its_catalogued_dimension_sets():
    blobs: list[dict] = []
    observability.set_sink(blobs.append)
    try:
        observability.end_request("zhengzhou", "/v1/me", 500, 0.0)
        observability.emit("zhengzhou", {"AlertsRaised": 2}, by={"severity": "critical"})
        observability.emit("zhengzhou", {"TelemetryReadings": 10, "TelemetryLag": 5.0})
        observability.cold_start("unit-test-function")
    finally:
        observability.set_sink(None)
    published = _published(blobs)
    for name in ("ApiRequests", "Api5xx", "ApiLatency", "AlertsRaised", "TelemetryReadings", "ColdStart"):
        assert {d for n, d in published if n == name} == set(catalog.METRICS[name].dims), name
    # the values are where EMF puts them: per city, and the platform roll-up reads the same blob
    assert blobs[0]["tenant"] == "zhengzhou" and blobs[0]["route"] == "/v1/me" and blobs[0]["Api5xx"] == [1.0]


def test_city_and_platform_alarms_are_many_enough_and_each_has_a_runbook():
    platform = alarms.platform()
    assert len(platform) >= 8
    assert all(len(a.runbook) == 4 for a in (*platform, *alarms.city("zhengzhou")))
    assert len({a.name for a in platform}) == len(platform)
    assert any(a.degrades_platform for a in platform)


def test_metrics_published_from_many_threads_at_once_stay_whole():
    """The local stack serves requests and runs the schedules on threads of one process."""
    import threading

    blobs: list[dict] = []
    observability.set_sink(blobs.append)

    def city(n: int) -> None:
        for _ in range(50):
            observability.end_request(f"city{n}", f"/v1/route{n}", 200, 0.0)
            observability.emit(f"city{n}", {"AlertsRaised": 1}, by={"severity": "critical"})

    try:
        threads = [threading.Thread(target=city, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        observability.set_sink(None)
    assert len(blobs) == 8 * 100
    for blob in blobs:
        n = blob["tenant"][len("city"):]
        assert blob.get("route", f"/v1/route{n}") == f"/v1/route{n}"
        names = {m["Name"] for m in blob["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
        assert names in ({"ApiRequests", "ApiLatency"}, {"AlertsRaised"})
