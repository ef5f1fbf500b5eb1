"""Operators: each city gets its dashboard and alarm when onboarded and loses them when retired;
the ops routes draw the same definitions from CloudWatch, for platform admins only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import observability
from chalicelib.aws import client as aws_client
from chalicelib.ops import health
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.service import StatusChange, TenantStatus, set_status
from tests.support import auth

NS = "SmartCommunityCloud"


def _dashboards() -> set[str]:
    return {d["DashboardName"] for d in aws_client("cloudwatch").list_dashboards()["DashboardEntries"]}


def _alarms() -> set[str]:
    return {a["AlarmName"] for a in aws_client("cloudwatch").describe_alarms()["MetricAlarms"]}


def _put(metric: str, value: float, tenant: str, at: datetime, **dims: str) -> None:
    dimensions = [{"Name": "service", "Value": "community-cloud"}, {"Name": "tenant", "Value": tenant},
                  *({"Name": k, "Value": v} for k, v in dims.items())]
    aws_client("cloudwatch").put_metric_data(Namespace=NS, MetricData=[
        {"MetricName": metric, "Dimensions": dimensions, "Value": value, "Unit": "Count", "Timestamp": at}])


def test_onboarding_a_city_puts_its_dashboard_and_alarm_and_retiring_removes_them(onboard):
    report = onboard("zhengzhou")
    assert report.dashboard == "cc-city-zhengzhou"
    assert "cc-city-zhengzhou" in _dashboards() and "cc-zhengzhou-critical-unacknowledged" in _alarms()
    body = json.loads(aws_client("cloudwatch").get_dashboard(DashboardName="cc-city-zhengzhou")["DashboardBody"])
    lines = [line for w in body["widgets"] for line in w["properties"]["metrics"]]
    assert all("zhengzhou" in line for line in lines if isinstance(line[0], str) and line[0] == NS)
    onboard("zhengzhou")  # idempotent: applying again leaves one dashboard
    assert sorted(_dashboards()) == ["cc-city-zhengzhou"]

    set_status(TenantContext("zhengzhou"), StatusChange(status=TenantStatus.RETIRED, reason="合并入新平台"), "ops")
    assert "cc-city-zhengzhou" not in _dashboards() and "cc-zhengzhou-critical-unacknowledged" not in _alarms()
    onboard("zhengzhou")  # re-applying a retired city's manifest does not bring the dashboard back
    assert "cc-city-zhengzhou" not in _dashboards()
    set_status(TenantContext("zhengzhou"), StatusChange(status=TenantStatus.ACTIVE, reason="恢复"), "ops")
    assert "cc-city-zhengzhou" in _dashboards()


def test_platform_admin_sees_each_citys_health_and_quota_use_from_cloudwatch(client, onboard, token_for):
    onboard("zhengzhou")
    onboard("yinchuan")
    now = datetime.now(UTC)
    _put("TelemetryReadings", 600, "zhengzhou", now - timedelta(minutes=3))
    _put("ApiRequests", 40, "zhengzhou", now - timedelta(minutes=2))
    _put("Api5xx", 2, "zhengzhou", now - timedelta(minutes=2))
    _put("DevicesOnline", 12, "zhengzhou", now - timedelta(minutes=1))
    _put("AlertsOpen", 3, "zhengzhou", now - timedelta(minutes=1), severity="critical")
    r = client.http.get("/v1/platform/ops/cities?minutes=60", headers=auth(token_for("platform_admin", "platform")))
    assert r.status_code == 200, r.body
    cities = {c["tenant_id"]: c for c in r.json_body["cities"]}
    zz, yc = cities["zhengzhou"], cities["yinchuan"]
    assert zz["name"]["zh"] == "郑州市" and zz["status"] == "active"
    assert zz["health"]["readings_per_min"] == 10.0 and zz["health"]["requests"] == 40
    assert zz["health"]["server_errors"] == 2 and zz["health"]["errors"] == 2
    assert zz["health"]["devices_online"] == 12 and zz["health"]["open_critical"] == 3
    assert zz["quotas"]["devices"]["limit"] == 500000 and "used" in zz["quotas"]["devices"]
    assert yc["health"]["readings_per_min"] == 0 and yc["health"]["devices_online"] is None  # 银川 unaffected


def test_a_city_dashboard_is_drawn_from_the_same_definitions(client, onboard, token_for):
    onboard("zhengzhou")
    _put("TelemetryReadings", 120, "zhengzhou", datetime.now(UTC) - timedelta(minutes=2))
    headers = auth(token_for("platform_admin", "platform"))
    listed = client.http.get("/v1/platform/ops/dashboards", headers=headers).json_body["dashboards"]
    assert [d["name"] for d in listed] == ["cc-platform", "cc-city-zhengzhou"]
    r = client.http.get("/v1/platform/ops/dashboards/cc-city-zhengzhou?minutes=30", headers=headers)
    assert r.status_code == 200, r.body
    widgets = {w["id"]: w for w in r.json_body["widgets"]}
    readings = widgets["readings"]["series"][0]
    assert readings["label"]["zh"] == "读数" and readings["latest"] == 120 and sum(readings["values"]) == 120
    assert r.json_body["from"] < r.json_body["to"]
    platform = client.http.get("/v1/platform/ops/dashboards/cc-platform", headers=headers)
    assert platform.status_code == 200 and len(platform.json_body["widgets"]) >= 15


def test_the_health_job_publishes_each_citys_gauges(onboard):
    onboard("zhengzhou")
    blobs: list[dict] = []
    observability.set_sink(blobs.append)
    try:
        done = health.health_job({}, None)
    finally:
        observability.set_sink(None)
    assert done["zhengzhou"]["open"] == {"critical": 0, "warning": 0, "info": 0}
    names = {m["Name"] for b in blobs for m in b["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert {"DevicesOnline", "DevicesTotal", "CriticalUnacknowledged", "ServiceRequestsOverdue", "AlertsOpen"} <= names


def test_critical_alerts_count_as_unacknowledged_only_past_their_window():
    now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    alerts = [{"severity": "critical", "state": "open", "opened_at": (now - timedelta(minutes=6)).isoformat()},
              {"severity": "critical", "state": "open", "opened_at": (now - timedelta(minutes=2)).isoformat()},
              {"severity": "critical", "state": "acknowledged", "opened_at": (now - timedelta(hours=1)).isoformat()},
              {"severity": "warning", "state": "open", "opened_at": (now - timedelta(hours=1)).isoformat()}]
    assert health.critical_unacknowledged(alerts, now) == 1


@pytest.mark.parametrize("path", ["/v1/platform/ops/cities", "/v1/platform/ops/dashboards",
                                  "/v1/platform/ops/dashboards/cc-city-zhengzhou", "/v1/platform/ops/alarms"])
def test_a_city_admin_cannot_open_the_ops_view(client, onboard, token_for, path):
    onboard("zhengzhou")
    r = client.http.get(path, headers=auth(token_for("city_admin", "zhengzhou")))
    assert r.status_code == 403 and r.json_body["code"] == "forbidden"


def test_ops_routes_answer_bad_input_with_the_field(client, onboard, token_for):
    onboard("zhengzhou")
    headers = auth(token_for("platform_admin", "platform"))
    r = client.http.get("/v1/platform/ops/cities?minutes=1", headers=headers)
    assert r.status_code == 400 and r.json_body["field"] == "minutes"
    r = client.http.get("/v1/platform/ops/dashboards/cc-city-nowhere", headers=headers)
    assert r.status_code == 404 and r.json_body["field"] == "name"


def test_the_alarm_list_puts_alarms_in_alarm_first(client, onboard, token_for):
    onboard("zhengzhou")
    onboard("yinchuan")
    aws_client("cloudwatch").set_alarm_state(AlarmName="cc-yinchuan-critical-unacknowledged", StateValue="ALARM",
                                             StateReason="2 critical alerts unacknowledged")
    r = client.http.get("/v1/platform/ops/alarms", headers=auth(token_for("platform_admin", "platform")))
    assert r.status_code == 200, r.body
    first = r.json_body["alarms"][0]
    assert first["name"] == "cc-yinchuan-critical-unacknowledged" and first["state"] == "ALARM"
    assert first["tenant_id"] == "yinchuan" and first["reason"].startswith("2 critical")
    cities = client.http.get("/v1/platform/ops/cities", headers=auth(token_for("platform_admin", "platform")))
    counts = {c["tenant_id"]: c["health"]["alarms_in_alarm"] for c in cities.json_body["cities"]}
    assert counts == {"zhengzhou": 0, "yinchuan": 1}
