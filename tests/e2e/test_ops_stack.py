"""Operators on the local stack: moto's CloudWatch holds the platform dashboard and one per city,
the alarms, and — from the EMF lines the Lambdas print — the 郑州 simulator's readings."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from tests.e2e.helpers import api

pytestmark = pytest.mark.e2e


def _cloudwatch(stack: dict):
    return boto3.client("cloudwatch", endpoint_url=stack["aws_endpoint"], region_name="us-east-1",
                        aws_access_key_id="local", aws_secret_access_key="local")


def test_moto_cloudwatch_lists_the_platform_dashboard_one_per_city_and_the_alarms(stack):
    cw = _cloudwatch(stack)
    names = {d["DashboardName"] for d in cw.list_dashboards()["DashboardEntries"]}
    assert {"cc-platform", "cc-city-zhengzhou", "cc-city-yinchuan"} <= names
    alarms = cw.describe_alarms(AlarmNamePrefix="cc-")["MetricAlarms"]
    assert len(alarms) >= 8 and any(a["AlarmName"] == "cc-zhengzhou-critical-unacknowledged" for a in alarms)


def test_the_simulators_readings_reach_cloudwatch_and_the_ops_view(stack):
    cw = _cloudwatch(stack)
    query = [{"Id": "r", "ReturnData": True, "MetricStat": {"Period": 60, "Stat": "Sum", "Metric": {
        "Namespace": "SmartCommunityCloud", "MetricName": "TelemetryReadings",
        "Dimensions": [{"Name": "service", "Value": "community-cloud"}, {"Name": "tenant", "Value": "zhengzhou"}]}}}]
    deadline, total = time.monotonic() + 150, 0.0
    while time.monotonic() < deadline:
        now = datetime.now(UTC)
        got = cw.get_metric_data(MetricDataQueries=query, StartTime=now - timedelta(minutes=30), EndTime=now)
        total = sum(got["MetricDataResults"][0]["Values"])
        if total > 0:
            break
        time.sleep(5)
    assert total > 0, "no readings of 郑州 in CloudWatch after the simulator ran"
    ops = api(stack, "platform.admin", "GET", "/v1/platform/ops/cities?minutes=30")
    cities = {c["tenant_id"]: c for c in ops["cities"]}
    assert cities["zhengzhou"]["health"]["readings_per_min"] > 0
    assert cities["zhengzhou"]["quotas"]["devices"]["used"] >= 1
