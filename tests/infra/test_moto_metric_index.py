"""The local stack's index of moto's CloudWatch data answers GetMetricData and ListMetrics as moto
itself does — same periods, timestamps and statistics — and keeps answering as data arrives."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws
from moto.cloudwatch.models import CloudWatchBackend, Statistics

from infra.local.moto_metric_index import make_cloudwatch_indexed
from infra.local.moto_percentiles import make_cloudwatch_percentiles

NS = "SmartCommunityCloud"
SERVICE = {"Name": "service", "Value": "community-cloud"}
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture
def cloudwatch(monkeypatch):
    for name in ("get_metric_data", "get_filtered_metrics"):  # undone after the test
        monkeypatch.setattr(CloudWatchBackend, name, getattr(CloudWatchBackend, name))
    monkeypatch.setattr(Statistics, "get_statistics_for_type", Statistics.get_statistics_for_type)
    make_cloudwatch_percentiles()
    make_cloudwatch_indexed()
    with mock_aws():
        yield boto3.client("cloudwatch", region_name="us-east-1")


def _tenant(city: str) -> list[dict[str, str]]:
    return [SERVICE, {"Name": "tenant", "Value": city}]


def _put(cw, rng: random.Random, n: int) -> None:
    for _ in range(n):
        at = NOW - timedelta(seconds=rng.randrange(0, 7 * 3600))
        city = rng.choice(["zhengzhou", "yinchuan"])
        cw.put_metric_data(Namespace=NS, MetricData=[
            {"MetricName": "ApiLatency", "Unit": "Milliseconds", "Timestamp": at, "Dimensions": _tenant(city),
             "Values": [float(rng.randrange(5, 900)) for _ in range(3)]},
            {"MetricName": "ApiRequests", "Unit": "Count", "Timestamp": at, "Dimensions": _tenant(city),
             "StatisticValues": {"SampleCount": 3.0, "Sum": 3.0, "Minimum": 1.0, "Maximum": 1.0}},
            {"MetricName": "ApiRequests", "Unit": "Count", "Timestamp": at, "Dimensions": [SERVICE], "Value": 3.0}])


QUERIES = [("ApiLatency", _tenant("zhengzhou"), "p99", 60), ("ApiLatency", _tenant("yinchuan"), "Average", 300),
           ("ApiRequests", _tenant("zhengzhou"), "Sum", 60), ("ApiRequests", [SERVICE], "Sum", 3600),
           ("ApiRequests", _tenant("taiyuan"), "Sum", 60), ("ApiLatency", [SERVICE], "Maximum", 60)]


def _read(cw, start: datetime, end: datetime, scan_by: str = "TimestampAscending") -> list[dict]:
    queries = [{"Id": f"q{n}", "MetricStat": {"Metric": {"Namespace": NS, "MetricName": m, "Dimensions": dims},
                                              "Period": period, "Stat": stat}}
               for n, (m, dims, stat, period) in enumerate(QUERIES)]
    got = cw.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end, ScanBy=scan_by)
    return [{k: r[k] for k in ("Id", "Timestamps", "Values")} for r in got["MetricDataResults"]]


def _as_moto_does(cw, fn):
    """The same call answered by moto's own code (the index set aside for it)."""
    indexed = CloudWatchBackend.get_metric_data, CloudWatchBackend.get_filtered_metrics
    CloudWatchBackend.get_metric_data = indexed[0].__wrapped__  # type: ignore[method-assign]
    CloudWatchBackend.get_filtered_metrics = indexed[1].__wrapped__  # type: ignore[method-assign]
    try:
        return fn()
    finally:
        CloudWatchBackend.get_metric_data, CloudWatchBackend.get_filtered_metrics = indexed  # type: ignore[method-assign]


def test_get_metric_data_answers_as_moto_does_for_every_window_and_order(cloudwatch):
    rng = random.Random(7)
    _put(cloudwatch, rng, 300)
    for minutes, scan_by in [(60, "TimestampAscending"), (360, "TimestampAscending"), (180, "TimestampDescending")]:
        start, end = NOW - timedelta(minutes=minutes), NOW + timedelta(seconds=30)
        ours = _read(cloudwatch, start, end, scan_by)
        assert ours == _as_moto_does(cloudwatch, lambda s=start, e=end, b=scan_by: _read(cloudwatch, s, e, b))
        assert ours[0]["Values"] and not ours[4]["Values"]  # a city with no data reads empty, not another's
    _put(cloudwatch, rng, 50)  # data arriving after a read is indexed on the next one
    start, end = NOW - timedelta(minutes=420), NOW + timedelta(minutes=1)
    assert _read(cloudwatch, start, end) == _as_moto_does(cloudwatch, lambda: _read(cloudwatch, start, end))
    total = sum(_read(cloudwatch, start, end)[3]["Values"])
    assert total == 350 * 3


def test_list_metrics_names_each_metric_once_with_its_filters(cloudwatch):
    _put(cloudwatch, random.Random(3), 60)
    listed = cloudwatch.list_metrics(Namespace=NS, MetricName="ApiRequests", Dimensions=[{"Name": "tenant"}])
    cities = sorted(d["Value"] for m in listed["Metrics"] for d in m["Dimensions"] if d["Name"] == "tenant")
    assert cities == ["yinchuan", "zhengzhou"]
    everything = cloudwatch.list_metrics(Namespace=NS)["Metrics"]
    assert len(everything) == 5  # latency per city, requests per city and for the platform
