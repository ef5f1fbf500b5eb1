"""The local stack's bootstrap puts the operators' topic, the platform dashboard and the platform
alarms on moto from the merged template, with the local names in place of the placeholders."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from chalicelib.config import reset_settings
from chalicelib.ops import alarms
from chalicelib.ops.cloudwatch import deployed_names
from infra.local.bootstrap import bootstrap


@pytest.fixture(autouse=True)
def _fresh_settings():
    yield
    reset_settings()  # the bootstrap read the stage for the local names


def _check(cw, res) -> None:
    telemetry = deployed_names()["HandleTelemetry"]  # community-cloud-<stage>-handle_telemetry
    assert telemetry.endswith("-handle_telemetry")
    assert res.ops_topic_arn.endswith(":cc-ops-alarms")
    assert res.env(None)["CC_OPS_TOPIC_ARN"] == res.ops_topic_arn
    assert "cc-platform" in {d["DashboardName"] for d in cw.list_dashboards()["DashboardEntries"]}
    body = cw.get_dashboard(DashboardName="cc-platform")["DashboardBody"]
    assert "${" not in body
    assert telemetry in body
    assert json.loads(body)["widgets"][0]["properties"]["region"] == "us-east-1"
    found = cw.describe_alarms(AlarmNamePrefix="cc-", MaxRecords=100)["MetricAlarms"]
    assert len(found) == len(alarms.platform()) >= 8
    assert all(a["AlarmActions"] == [res.ops_topic_arn] == a["OKActions"] for a in found)
    by_name = {a["AlarmName"]: a for a in found}
    assert by_name["cc-handle-telemetry-errors"]["Dimensions"] == [
        {"Name": "FunctionName", "Value": telemetry}]
    assert by_name["cc-dynamodb-throttles"]["Dimensions"][0]["Value"] == res.table_name
    assert by_name["cc-api-latency-p99"]["ExtendedStatistic"] == "p99"


def test_bootstrap_with_ops_creates_topic_dashboard_and_alarms_in_process():
    with mock_aws():
        res = bootstrap(None, ops=True)
        _check(boto3.client("cloudwatch", region_name="us-east-1"), res)
        topics = boto3.client("sns", region_name="us-east-1").list_topics()["Topics"]
        assert [t["TopicArn"] for t in topics] == [res.ops_topic_arn]


def test_bootstrap_against_the_moto_server_as_make_run_does():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        res = bootstrap(endpoint, ops=True)
        _check(boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=endpoint), res)
    finally:
        server.stop()


def test_the_test_world_bootstrap_leaves_ops_out():
    with mock_aws():
        res = bootstrap(None)
        assert res.ops_topic_arn == "" and "CC_OPS_TOPIC_ARN" not in res.env(None)
        assert boto3.client("cloudwatch", region_name="us-east-1").list_dashboards()["DashboardEntries"] == []
