"""The local metrics sink: what observability.emit publishes reaches moto's CloudWatch as metrics
with the same names, dimension sets and values that CloudWatch would read from the EMF lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from aws_lambda_powertools.metrics import MetricUnit
from moto import mock_aws
from moto.cloudwatch.models import Statistics

from chalicelib import observability
from infra.local.metrics_sink import MAX_DATUMS_PER_CALL, CloudWatchSink, batches, metric_points
from infra.local.moto_percentiles import make_cloudwatch_percentiles, percentile

NS = "SmartCommunityCloud"
SERVICE = {"Name": "service", "Value": "community-cloud"}


@pytest.fixture
def cloudwatch(monkeypatch):
    monkeypatch.setattr(Statistics, "get_statistics_for_type", Statistics.get_statistics_for_type)  # undone after
    make_cloudwatch_percentiles()
    with mock_aws():
        yield boto3.client("cloudwatch", region_name="us-east-1")


@pytest.fixture
def sink(cloudwatch):
    s = CloudWatchSink(cloudwatch, interval_seconds=3600)
    observability.set_sink(s)
    yield s
    observability.set_sink(None)


def _read(cw, metric: str, dims: list[dict], stat: str) -> list[float]:
    now = datetime.now(UTC)
    query = {"Id": "q", "MetricStat": {"Metric": {"Namespace": NS, "MetricName": metric, "Dimensions": dims},
                                       "Period": 600, "Stat": stat}}
    got = cw.get_metric_data(StartTime=now - timedelta(minutes=5), EndTime=now + timedelta(minutes=1),
                             MetricDataQueries=[query])
    return got["MetricDataResults"][0]["Values"]


def test_a_citys_emitted_metrics_are_listed_per_city_and_for_the_platform(cloudwatch, sink):
    observability.emit("zhengzhou", {"TelemetryReadings": 40, "TelemetryMessages": 2})
    observability.emit("zhengzhou", {"TelemetryReadings": 60, "TelemetryMessages": 3})
    observability.emit("yinchuan", {"TelemetryReadings": 7, "TelemetryMessages": 1})
    assert sink.flush() > 0
    listed = cloudwatch.list_metrics(Namespace=NS, MetricName="TelemetryReadings")["Metrics"]
    sets = sorted(tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"])) for m in listed)
    assert sets == [(("service", "community-cloud"),),
                    (("service", "community-cloud"), ("tenant", "yinchuan")),
                    (("service", "community-cloud"), ("tenant", "zhengzhou"))]
    zhengzhou = [SERVICE, {"Name": "tenant", "Value": "zhengzhou"}]
    assert _read(cloudwatch, "TelemetryReadings", zhengzhou, "Sum") == [100.0]
    assert _read(cloudwatch, "TelemetryReadings", zhengzhou, "Maximum") == [60.0]
    assert _read(cloudwatch, "TelemetryReadings", zhengzhou, "SampleCount") == [2.0]
    assert _read(cloudwatch, "TelemetryReadings", [SERVICE], "Sum") == [107.0]  # the platform total


def test_finer_sets_of_by_and_platform_by_arrive_too(cloudwatch, sink):
    observability.emit("zhengzhou", {"AlertsRaised": 1}, by={"severity": "critical"})
    observability.end_request("zhengzhou", "/v1/me", 200, 0.0)
    sink.flush()
    by_severity = [SERVICE, {"Name": "severity", "Value": "critical"}, {"Name": "tenant", "Value": "zhengzhou"}]
    assert _read(cloudwatch, "AlertsRaised", by_severity, "Sum") == [1.0]
    assert _read(cloudwatch, "AlertsRaised", [SERVICE, {"Name": "severity", "Value": "critical"}], "Sum") == [1.0]
    by_route = cloudwatch.list_metrics(Namespace=NS, MetricName="ApiRequests",
                                       Dimensions=[SERVICE, {"Name": "route"}])["Metrics"]
    assert [d["Value"] for m in by_route for d in m["Dimensions"] if d["Name"] == "route"] == ["/v1/me"]


def test_latencies_keep_their_distribution_for_percentiles(cloudwatch, sink):
    for ms in [*([10.0] * 98), 900.0, 2500.0]:
        observability.emit("zhengzhou", {"TelemetryLag": ms}, units={"TelemetryLag": MetricUnit.Milliseconds})
    sink.flush()
    dims = [SERVICE, {"Name": "tenant", "Value": "zhengzhou"}]
    assert _read(cloudwatch, "TelemetryLag", dims, "p99") == [900.0]
    assert _read(cloudwatch, "TelemetryLag", dims, "p50") == [10.0]
    assert _read(cloudwatch, "TelemetryLag", dims, "Maximum") == [2500.0]
    assert _read(cloudwatch, "TelemetryLag", dims, "SampleCount") == [100.0]


def test_a_failing_cloudwatch_is_logged_never_raised(caplog):
    class Broken:
        def put_metric_data(self, **_: object) -> None:
            raise RuntimeError("moto is gone")

    s = CloudWatchSink(Broken())
    s({"_aws": {"Timestamp": 0, "CloudWatchMetrics": [{"Namespace": NS, "Dimensions": [["service"]],
                                                      "Metrics": [{"Name": "ApiRequests", "Unit": "Count"}]}]},
       "service": "community-cloud", "ApiRequests": [1.0]})
    s({"not": "a metric set"})
    assert s.flush() == 0
    assert "PutMetricData failed" in caplog.text and "unreadable metric set" in caplog.text


def test_blob_values_may_be_lists_and_empty_or_missing_dimensions_are_left_out():
    blob = {"_aws": {"Timestamp": 1_700_000_000_000, "CloudWatchMetrics": [{
        "Namespace": NS, "Dimensions": [["service", "tenant"], ["service", "route"], ["service"]],
        "Metrics": [{"Name": "ApiLatency", "Unit": "Milliseconds"}, {"Name": "Nothing", "Unit": "Count"}]}]},
        "service": "community-cloud", "tenant": "", "ApiLatency": [12.0, 30.0, float("nan")]}
    points = metric_points(blob)
    assert points == [((NS, "ApiLatency", "Milliseconds", (("service", "community-cloud"),)), [12.0, 30.0],
                       1_700_000_000_000)]


def test_calls_hold_at_most_a_thousand_datums_and_stay_under_a_megabyte():
    small = {"Dimensions": [SERVICE], "StatisticValues": {}}
    assert [len(b) for b in batches([small] * 2500)] == [MAX_DATUMS_PER_CALL, MAX_DATUMS_PER_CALL, 500]
    wide = {"Dimensions": [SERVICE], "Values": [1.0] * 150, "Counts": [1.0] * 150}
    assert all(len(b) < 40 for b in batches([wide] * 100))


def test_the_background_thread_flushes_and_stop_sends_the_rest(cloudwatch):
    s = CloudWatchSink(cloudwatch, interval_seconds=0.05).start()
    s({"_aws": {"Timestamp": int(datetime.now(UTC).timestamp() * 1000), "CloudWatchMetrics": [{
        "Namespace": NS, "Dimensions": [["service"]], "Metrics": [{"Name": "ApiRequests", "Unit": "Count"}]}]},
       "service": "community-cloud", "ApiRequests": [3.0]})
    s.stop()
    assert s.sent == 1 and _read(cloudwatch, "ApiRequests", [SERVICE], "Sum") == [3.0]


def test_nearest_rank_percentile():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile([1.0, 2.0], 99) == 2.0 and percentile([7.0], 1) == 7.0
