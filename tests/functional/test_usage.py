"""Usage is metered per city, cheaply, and read by the city's admin and by platform operators; telemetry
over a city's allowance is counted and dropped without failing its batch."""

from __future__ import annotations

import time
from collections.abc import Iterator

import orjson
import pytest
from chalice.test import Client

from app import app
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.devices.models import DeviceIn
from chalicelib.devices.service import DeviceService
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import RateItem
from chalicelib.usage.meter import meter, today
from chalicelib.usage.ratelimit import limiter
from tests.functional.quota_support import onboard_with
from tests.support import ROOT, auth


@pytest.fixture(autouse=True)
def clean_meter() -> Iterator[None]:
    meter.reset()
    limiter().reset()
    yield
    meter.reset()


@pytest.fixture
def lam() -> Iterator[Client]:
    with Client(app, stage_name="test", project_dir=str(ROOT)) as c:
        yield c


def _device(tenant: str, device_id: str) -> None:
    admin = Principal("u-admin", "admin", tenant, frozenset({Role.CITY_ADMIN}))
    DeviceService(admin).register(DeviceIn(device_id=device_id, type="smoke", serial=f"SN-{device_id}",
                                           community_id="jinghu"))


def _batch(lam: Client, tenant: str, device: str, count: int) -> dict:
    now = int(time.time() * 1000)
    bodies = [orjson.dumps({"tenant": tenant, "device": f"{tenant}_{device}", "ts": now - 1000 + n,
                            "metrics": {"battery": 90.0, "alarm": 0.0}, "received_at": now}).decode()
              for n in range(count)]
    event = lam.events.generate_sqs_event(message_bodies=bodies, queue_name="cc-telemetry")
    for n, rec in enumerate(event["Records"]):
        rec["messageId"] = f"m-{n}"
    return lam.lambda_.invoke("handle_telemetry", event).payload


def _usage(client: Client, token: str, query: str = "") -> dict:
    r = client.http.get(f"/v1/usage{query}", headers=auth(token))
    assert r.status_code == 200, r.body
    return dict(r.json_body)


def test_the_usage_route_counts_the_requests_and_telemetry_that_were_done(client, aws, lam):
    aws.onboard("zhengzhou")
    _device("zhengzhou", "SMK-0001")
    admin = aws.token_for("city_admin", "zhengzhou")
    meter.reset()
    for _ in range(5):
        assert client.http.get("/v1/tenant", headers=auth(admin)).status_code == 200
    assert _batch(lam, "zhengzhou", "SMK-0001", 3) == {"batchItemFailures": []}  # flushes the API's count too
    body = _usage(client, admin)
    assert body["tenant_id"] == "zhengzhou" and body["from"] == today().replace(day=1).isoformat()
    totals = body["totals"]
    assert (totals["api_requests"], totals["telemetry_messages"], totals["telemetry_readings"]) == (5, 3, 6)
    assert [d["day"] for d in body["days"]] == [today().isoformat()]
    assert body["storage"] == {"devices": 1, "residents": 0}
    assert body["quota_use"]["devices"] == {"limit": 500000, "used": 1}
    assert body["quota_use"]["api_requests_per_second"] == {"limit": 500, "used": None}
    assert body["quota_use"]["staff_users"]["used"] == len(aws.manifests["zhengzhou"].users)
    assert 0 < body["estimated_cost"] < body["estimated_monthly_cost"] and body["currency"] == "USD"


def test_telemetry_over_the_citys_minute_allowance_is_counted_and_dropped_not_retried(client, aws, lam):
    onboard_with(aws, "zhengzhou", telemetry_messages_per_minute=2)
    _device("zhengzhou", "SMK-0001")
    assert _batch(lam, "zhengzhou", "SMK-0001", 5) == {"batchItemFailures": []}  # acknowledged, not retried
    assert _batch(lam, "zhengzhou", "SMK-0001", 1) == {"batchItemFailures": []}
    totals = _usage(client, aws.token_for("city_admin", "zhengzhou"))["totals"]
    assert (totals["telemetry_messages"], totals["telemetry_dropped"]) == (2, 4)
    windows = list(RateItem.query(TenantContext("zhengzhou").rate_pk(
        "telemetry", str(int(time.time()) // 60))))
    assert [int(w.used) for w in windows] in ([6], [])  # [] when the minute turned between the batches


def test_a_city_admin_reads_only_their_own_citys_usage(client, aws):
    aws.onboard("zhengzhou")
    aws.onboard("yinchuan")
    yc = aws.token_for("city_admin", "yinchuan")
    assert _usage(client, yc)["tenant_id"] == "yinchuan"
    r = client.http.get("/v1/platform/tenants/zhengzhou/usage", headers=auth(yc))
    assert r.status_code == 403
    assert client.http.get("/v1/usage?tenant_id=zhengzhou", headers=auth(yc)).status_code == 400


def test_residents_staff_and_vendors_cannot_read_usage(client, aws):
    aws.onboard("zhengzhou")
    for role in ("resident", "staff", "vendor"):
        r = client.http.get("/v1/usage", headers=auth(aws.token_for(role, "zhengzhou")))
        assert r.status_code == 403, role


def test_platform_operators_read_any_citys_usage_and_a_city_never_onboarded_is_a_404(client, aws):
    aws.onboard("zhengzhou")
    platform = auth(aws.token_for("platform_admin", "platform"))
    r = client.http.get("/v1/platform/tenants/zhengzhou/usage?from=2026-01-01&to=2026-01-31", headers=platform)
    assert r.status_code == 200 and (r.json_body["from"], r.json_body["to"]) == ("2026-01-01", "2026-01-31")
    assert r.json_body["days"] == [] and r.json_body["estimated_cost"] == 0
    assert client.http.get("/v1/platform/tenants/hangzhou/usage", headers=platform).status_code == 404


@pytest.mark.parametrize(("query", "field"), [
    ("?from=2026-02-30", "from"), ("?to=yesterday", "to"), ("?from=2026-03-02&to=2026-03-01", "from"),
    ("?from=2025-01-01&to=2026-01-02", "to"), ("?since=2026-01-01", "since")])
def test_a_bad_period_is_a_400_naming_the_parameter(client, aws, query, field):
    aws.onboard("zhengzhou")
    r = client.http.get(f"/v1/usage{query}", headers=auth(aws.token_for("city_admin", "zhengzhou")))
    assert r.status_code == 400 and r.json_body["field"] == field, r.body
