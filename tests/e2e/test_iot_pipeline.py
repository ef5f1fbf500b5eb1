"""Device to alert on the running stack, nothing stubbed: a device provisioned through the vendor
API (key made here, CSR signed by the local CA) connects to mosquitto with its own certificate
and publishes; the bridge routes by iot/rules.py to SQS or the critical-event function; the
poller feeds the queue to the telemetry function; the alert is read through ``GET /v1/alerts``
by the device's community staff and by nobody else. Refusals are checked at both gates: the
broker (another device's topic) and the bridge (another city, a revoked certificate)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import boto3
import orjson
import pytest
import requests

from iot.mqtt import Identity, MqttLink
from iot.sim.provision import new_key_and_csr
from iot.topics import topic
from tests.e2e.helpers import token

pytestmark = pytest.mark.e2e
NOT_AUTHORIZED = 135
HOME = {"community_id": "jinghu", "household_id": "jinghu-g1-b1-1-0901"}
SPOT = {"community_id": "jinghu", "grid_id": "jinghu-g1", "spot": "east gate / 东门"}
OTHER_STAFF = "zz.zhang.lei"  # 郑州 staff of 郑大社区, not 荆胡


def _get(stack: dict, path: str, tok: str) -> requests.Response:
    return requests.get(stack["api_url"] + path, headers={"Authorization": f"Bearer {tok}"}, timeout=10)


def _post(stack: dict, path: str, tok: str, body: Any = None) -> requests.Response:
    return requests.post(stack["api_url"] + path, json=body, headers={"Authorization": f"Bearer {tok}"}, timeout=30)


class Device:
    """A device as a vendor ships it: provisioned over the API, connected with what the API returned."""

    def __init__(self, stack: dict, vendor: str, folder: Path, device_id: str, kind: str, place: dict) -> None:
        key, csr = new_key_and_csr(device_id)
        body = {"device_id": device_id, "type": kind, "serial": f"E2E-{device_id}", "credentials": "csr", "csr": csr,
                **place}
        r = _post(stack, "/v1/vendor/devices", vendor, body)
        assert r.status_code == 201, r.text
        body = r.json()
        conn, self.thing, self.device_id = body["connection"], body["thing_name"], device_id
        self.certificate_id = body["certificate"]["certificate_id"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "key.pem").write_bytes(key)
        (folder / "cert.pem").write_text(body["certificate"]["certificate_pem"])
        (folder / "ca.pem").write_text(conn["root_ca_pem"])
        self.link = MqttLink(conn["endpoint"], conn["port"], Identity(conn["client_id"], folder / "cert.pem",
                                                                      folder / "key.pem", folder / "ca.pem")).start()

    def send(self, kind: str, metrics: dict[str, Any], tenant: str = "zhengzhou", thing: str | None = None,
             ts: int | list[int] | None = None) -> int:
        payload = {"ts": ts if ts is not None else int(time.time() * 1000), "metrics": metrics}
        return self.link.publish(topic(tenant, thing or self.thing, kind), orjson.dumps(payload))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def vendor(stack) -> str:
    return token(stack, "zhengzhou.vendor")


@pytest.fixture(scope="module")
def staff(stack) -> dict[str, str]:
    """Tokens: 荆胡's grid worker, a 郑大 worker of the same city, 银川's worker and city admin."""
    res = stack["resources"]
    idp = boto3.client("cognito-idp", endpoint_url=stack["aws_endpoint"], region_name=res["region"],
                       aws_access_key_id="local", aws_secret_access_key="local")
    idp.admin_set_user_password(UserPoolId=res["user_pool_id"], Username=OTHER_STAFF,
                                Password=stack["demo_password"], Permanent=True)
    return {"jinghu": token(stack, "zz.wang.fang"), "zhengda": token(stack, OTHER_STAFF),
            "yinchuan": token(stack, "yc.ma.xiaoyan"), "yinchuan_admin": token(stack, "yc.admin")}


@pytest.fixture(scope="module")
def devices(stack, vendor, tmp_path_factory) -> dict[str, Device]:
    base = tmp_path_factory.mktemp("devices")
    made = {name: Device(stack, vendor, base / name, name, kind, place) for name, kind, place in (
        ("e2e-smoke-1", "smoke", HOME), ("e2e-smoke-2", "smoke", HOME), ("e2e-bin-1", "smart_bin", SPOT))}
    yield made
    for d in made.values():
        d.link.stop()


def _alerts(stack: dict, tok: str) -> list[dict[str, Any]]:
    r = _get(stack, "/v1/alerts?limit=200", tok)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def _wait_alert(stack: dict, tok: str, device_id: str, rule_id: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [a for a in _alerts(stack, tok) if a["device_id"] == device_id and a["rule_id"] == rule_id]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no {rule_id} alert for {device_id} within {timeout:.0f} s:\n"
                         + stack["output"].text()[-3000:])


def test_the_banner_shows_the_broker_and_what_the_simulator_does(stack):
    banner = stack["banner"]
    assert stack["iot"]["broker_url"] in banner and "mutual TLS" in banner
    assert "Simulator" in banner and "devices in zhengzhou/jinghu" in banner and "smoke alarm" in banner


def test_a_smoke_alarm_becomes_an_alert_that_only_the_devices_community_staff_see(stack, devices, staff):
    started = time.monotonic()
    assert devices["e2e-smoke-1"].send("event", {"alarm": 1}) == 0
    alert = _wait_alert(stack, staff["jinghu"], "e2e-smoke-1", "smoke.alarm")
    print(f"\nevent topic → alert readable through the API: {time.monotonic() - started:.2f} s")
    assert alert["state"] == "open" and alert["severity"] == "critical"
    for outsider in ("zhengda", "yinchuan", "yinchuan_admin"):
        assert alert["alert_id"] not in {a["alert_id"] for a in _alerts(stack, staff[outsider])}
        assert _get(stack, f"/v1/alerts/{alert['alert_id']}", staff[outsider]).status_code in (403, 404)


def test_telemetry_goes_through_the_queue_and_becomes_an_alert(stack, devices, staff):
    now = int(time.time() * 1000)
    started = time.monotonic()
    ts = [now - 2000, now - 1000]  # two samples above 90 %: the overflow rule needs both
    metrics = {"fillingLevel": [0.95, 0.97], "temperature": [21.0, 21.5], "methaneConcentration": [300, 310],
               "battery": [80, 80]}
    assert devices["e2e-bin-1"].send("telemetry", metrics, ts=ts) == 0
    alert = _wait_alert(stack, staff["jinghu"], "e2e-bin-1", "smart_bin.overflow")
    print(f"\ntelemetry topic → SQS → alert readable through the API: {time.monotonic() - started:.2f} s")
    assert alert["severity"] == "warning"


def test_a_device_publishing_on_another_devices_topic_is_refused_by_the_broker(stack, devices, staff):
    me, victim = devices["e2e-smoke-1"], devices["e2e-smoke-2"]
    assert me.send("event", {"alarm": 1}, thing=victim.thing) == NOT_AUTHORIZED
    assert me.send("telemetry", {"battery": 5}, thing=victim.thing) == NOT_AUTHORIZED
    time.sleep(3)
    assert not [a for a in _alerts(stack, staff["jinghu"]) if a["device_id"] == victim.device_id]


def test_a_device_publishing_under_another_city_is_refused_by_the_bridge(stack, devices, staff):
    me = devices["e2e-smoke-2"]
    wrong = topic("yinchuan", me.thing, "event")
    assert me.send("event", {"alarm": 1}, tenant="yinchuan") == 0  # the broker cannot tell cities apart
    assert stack["output"].wait_for(wrong, timeout=10), "the bridge did not log the refusal"
    assert "refused" in next(line for line in stack["output"].lines if wrong in line)
    assert not [a for a in _alerts(stack, staff["yinchuan_admin"]) if a["device_id"] == me.device_id]


def test_a_device_whose_certificate_was_revoked_is_refused(stack, devices, vendor, staff):
    d = devices["e2e-smoke-2"]
    r = _post(stack, f"/v1/vendor/devices/{d.device_id}/certificates/{d.certificate_id}/revoke", vendor,
              {"reason": "e2e: device stolen"})
    assert r.status_code == 200, r.text
    mine = topic("zhengzhou", d.thing, "event")
    d.send("event", {"alarm": 1})  # still connected (mosquitto keeps no revocation list): the bridge refuses it
    assert stack["output"].wait_for(f"({mine})", timeout=10)
    time.sleep(2)
    assert not [a for a in _alerts(stack, staff["jinghu"]) if a["device_id"] == d.device_id]


def test_the_simulator_raises_alerts_on_its_own_within_a_minute(stack, staff):
    expected = {"smoke.alarm", "gas.lel_high", "smart_bin.overflow"}
    deadline = stack["started"] + 90
    seen: set[str] = set()
    while time.monotonic() < deadline and not expected <= seen:
        seen = {a["rule_id"] for a in _alerts(stack, staff["jinghu"]) if a["device_id"].startswith("sim-")}
        time.sleep(1)
    assert expected <= seen, f"simulated alerts: {sorted(seen)}\n" + stack["output"].text()[-3000:]
