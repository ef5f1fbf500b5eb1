"""Device to alert on the running stack, nothing stubbed: a device provisioned through the vendor
API (key made here, CSR signed by the local CA) connects to mosquitto with its own certificate
and publishes; the bridge routes by iot/rules.py to SQS or the critical-event function; the
poller feeds the queue to the telemetry function; the alert is read through ``GET /v1/alerts``
by the device's community staff and by nobody else. Refusals are checked where IoT Core makes
them: a rotated-out or revoked certificate, another thing's client id or the bridge's, another
device's or city's topic, foreign subscriptions; a flood is throttled without holding up another
city, and what cannot be forwarded reaches the dead-letter queue with its reason."""

from __future__ import annotations

import socket
import ssl
import struct
import time
from pathlib import Path
from typing import Any

import boto3
import orjson
import pytest
import requests

from iot.mqtt import Identity, MqttLink
from iot.sim.provision import new_key_and_csr
from iot.topics import command, topic
from tests.e2e.helpers import api, token

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

    def __init__(self, stack: dict, vendor: str, folder: Path, device_id: str, kind: str, place: dict,
                 tenant: str = "zhengzhou") -> None:
        self.stack, self.vendor, self.folder, self.tenant = stack, vendor, folder, tenant
        key, csr = new_key_and_csr(device_id)
        body = {"device_id": device_id, "type": kind, "serial": f"E2E-{device_id}", "credentials": "csr", "csr": csr,
                **place}
        r = _post(stack, "/v1/vendor/devices", vendor, body)
        assert r.status_code == 201, r.text
        body = r.json()
        self.conn, self.thing, self.device_id = body["connection"], body["thing_name"], device_id
        self.identity = self._keep(folder, key, body["certificate"])
        self.link = self.connect(self.identity)

    def _keep(self, folder: Path, key: bytes, certificate: dict) -> Identity:
        """The certificate and key as the device stores them (one folder per certificate)."""
        self.certificate_id = certificate["certificate_id"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "key.pem").write_bytes(key)
        (folder / "cert.pem").write_text(certificate["certificate_pem"])
        (folder / "ca.pem").write_text(self.conn["root_ca_pem"])
        return Identity(self.conn["client_id"], folder / "cert.pem", folder / "key.pem", folder / "ca.pem")

    def connect(self, identity: Identity, client_id: str | None = None, timeout: float = 10.0,
                retry: bool = True) -> MqttLink:
        if client_id is not None:
            identity = Identity(client_id, identity.cert, identity.key, identity.ca)
        return MqttLink(self.conn["endpoint"], self.conn["port"], identity).start(timeout, retry=retry)

    def rotate(self) -> Identity:
        """A new certificate from a new key (the old one becomes inactive); not connected yet."""
        key, csr = new_key_and_csr(self.device_id)
        r = _post(self.stack, f"/v1/vendor/devices/{self.device_id}/certificates", self.vendor, {"csr": csr})
        assert r.status_code == 201, r.text
        return self._keep(self.folder / r.json()["certificate"]["certificate_id"][:12], key, r.json()["certificate"])

    def send(self, kind: str, metrics: dict[str, Any], tenant: str | None = None, thing: str | None = None,
             ts: int | list[int] | None = None, link: MqttLink | None = None, timeout: float = 10.0) -> int:
        payload = {"ts": ts if ts is not None else int(time.time() * 1000), "metrics": metrics}
        name = topic(tenant or self.tenant, thing or self.thing, kind)  # type: ignore[arg-type]
        return (link or self.link).publish(name, orjson.dumps(payload), timeout)


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
        ("e2e-smoke-1", "smoke", HOME), ("e2e-smoke-2", "smoke", HOME), ("e2e-smoke-3", "smoke", HOME),
        ("e2e-bin-1", "smart_bin", SPOT))}
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
    assert "Alert SMS" in banner and "/#/console/outbox" in banner


def test_a_smoke_alarm_becomes_an_alert_that_only_the_devices_community_staff_see(stack, devices, staff):
    started = time.monotonic()
    assert devices["e2e-smoke-1"].send("event", {"alarm": 1}) == 0
    alert = _wait_alert(stack, staff["jinghu"], "e2e-smoke-1", "smoke.alarm")
    print(f"\nevent topic → alert readable through the API: {time.monotonic() - started:.2f} s")
    assert alert["state"] == "open" and alert["severity"] == "critical"
    for outsider in ("zhengda", "yinchuan", "yinchuan_admin"):
        assert alert["alert_id"] not in {a["alert_id"] for a in _alerts(stack, staff[outsider])}
        assert _get(stack, f"/v1/alerts/{alert['alert_id']}", staff[outsider]).status_code in (403, 404)


def _texts_about(stack: dict, phone: str, alert_id: str) -> list[str]:
    """SMS moto's SNS took for ``phone`` whose one-time link opens ``alert_id`` (moto's whole state is read:
    slow under load, so once)."""
    sent = requests.get(stack["aws_endpoint"] + "/moto-api/data.json", timeout=90).json()["sns"]["SMS"]
    out = []
    for sms in sent:
        if sms["phone_number"] == phone and "?c=" in sms["message"]:
            link = requests.get(stack["api_url"] + "/v1/alert-links/" + sms["message"].rsplit("?c=", 1)[1], timeout=10)
            if link.status_code == 200 and link.json()["alert_id"] == alert_id:
                out.append(sms["message"])
    return out


def test_the_grid_worker_is_texted_about_a_smoke_alarm_within_10_s(stack, devices, staff):
    started = time.monotonic()
    assert devices["e2e-smoke-3"].send("event", {"alarm": 1}) == 0
    alert = _wait_alert(stack, staff["jinghu"], "e2e-smoke-3", "smoke.alarm")
    texted: list[dict[str, Any]] = []
    while not texted and time.monotonic() - started < 30:
        detail = _get(stack, f"/v1/alerts/{alert['alert_id']}", staff["jinghu"]).json()
        texted = [d for d in detail["deliveries"] if (d["channel"], d["to"]) == ("sms", "王芳")
                  and d["status"] in ("sent", "delivered")]
        time.sleep(0.2)
    print(f"\nevent topic → SMS to the grid worker: {time.monotonic() - started:.2f} s "
          f"(raise → sent {texted[0]['latency_ms'] if texted else '—'} ms)")
    assert texted and texted[0]["latency_ms"] < 10_000, stack["output"].text()[-3000:]
    texts = _texts_about(stack, "+8613903711101", alert["alert_id"])  # 王芳, read back from SNS
    assert len(texts) == 1 and texts[0].startswith("【郑州智慧社区】紧急：荆胡社区")
    # the carrier's receipt (SNS's delivery status log; locally infra/local/carrier.py) follows
    while texted[0]["status"] != "delivered" and time.monotonic() - started < 40:
        time.sleep(0.3)
        detail = _get(stack, f"/v1/alerts/{alert['alert_id']}", staff["jinghu"]).json()
        texted = [d for d in detail["deliveries"] if (d["channel"], d["to"]) == ("sms", "王芳")]
    assert texted[0]["status"] == "delivered" and texted[0]["receipt_at"] >= texted[0]["at"]


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


def test_a_device_publishing_under_another_city_is_refused_by_the_broker(stack, devices, staff):
    me = devices["e2e-smoke-2"]
    assert me.send("event", {"alarm": 1}, tenant="yinchuan") == NOT_AUTHORIZED  # its thing name says 郑州
    time.sleep(2)
    assert not [a for a in _alerts(stack, staff["yinchuan_admin"]) if a["device_id"] == me.device_id]


def _refused(device: Device, link: MqttLink) -> bool:
    """Publishing an alarm with this connection gets nowhere: the broker closed it or refuses the publish."""
    try:
        return device.send("event", {"alarm": 1}, link=link, timeout=3) == NOT_AUTHORIZED
    except Exception:
        return True


def _eventually_refused(device: Device, link: MqttLink, timeout: float = 5.0) -> None:
    """The broker learns of a status change within its mirror's interval (0.2 s) and a reload."""
    deadline = time.monotonic() + timeout
    while not _refused(device, link):
        assert time.monotonic() < deadline, "a certificate that is no longer active still publishes"
        time.sleep(0.3)


def test_rotated_out_and_revoked_certificates_can_neither_connect_nor_publish_even_after_a_new_one(
        stack, vendor, staff, tmp_path):
    d = Device(stack, vendor, tmp_path / "rot", "e2e-smoke-rot", "smoke", HOME)
    first, old_link = d.identity, d.link
    second = d.rotate()
    _eventually_refused(d, old_link)
    old_link.stop()
    with pytest.raises(ConnectionError):
        d.connect(first, timeout=5, retry=False)
    # revoke the second, issue a third: neither old certificate comes back
    revoked = d.certificate_id
    r = _post(stack, f"/v1/vendor/devices/{d.device_id}/certificates/{revoked}/revoke", vendor, {"reason": "e2e: 丢失"})
    assert r.status_code == 200, r.text
    third = d.rotate()
    time.sleep(1)
    for old in (first, second):
        with pytest.raises(ConnectionError):
            d.connect(old, timeout=5, retry=False)
    time.sleep(2)
    assert not [a for a in _alerts(stack, staff["jinghu"]) if a["device_id"] == d.device_id]
    d.link = d.connect(third)
    try:
        assert d.send("event", {"alarm": 1}) == 0
        _wait_alert(stack, staff["jinghu"], d.device_id, "smoke.alarm")
    finally:
        d.link.stop()


def test_a_connected_device_whose_certificate_is_revoked_loses_its_connection(stack, devices, vendor, staff):
    d = devices["e2e-smoke-2"]
    r = _post(stack, f"/v1/vendor/devices/{d.device_id}/certificates/{d.certificate_id}/revoke", vendor,
              {"reason": "e2e: device stolen"})
    assert r.status_code == 200, r.text
    _eventually_refused(d, d.link)
    time.sleep(2)
    assert not [a for a in _alerts(stack, staff["jinghu"]) if a["device_id"] == d.device_id]


@pytest.fixture(scope="module")
def yinchuan_device(stack, tmp_path_factory) -> Any:
    d = Device(stack, token(stack, "yinchuan.vendor"), tmp_path_factory.mktemp("yc"), "e2e-yc-smoke-1", "smoke",
               {"community_id": "aolinpike", "household_id": "aolinpike-g1-b1-1-0101"}, tenant="yinchuan")
    yield d
    d.link.stop()


def test_a_device_can_connect_neither_as_another_thing_nor_as_the_bridge(stack, devices, staff, yinchuan_device):
    me, victim = devices["e2e-smoke-1"], devices["e2e-bin-1"]
    for _ in range(14):  # what took the bridge down before: repeated takeovers
        for client_id in (victim.thing, "local-bridge"):
            with pytest.raises(ConnectionError):
                me.connect(me.identity, client_id=client_id, timeout=5, retry=False)
    # the victim and the bridge kept their connections: the victim publishes, another city's events arrive
    assert victim.send("telemetry", {"battery": [80]}, ts=[int(time.time() * 1000)]) == 0
    assert yinchuan_device.send("event", {"alarm": 1}) == 0
    _wait_alert(stack, staff["yinchuan_admin"], yinchuan_device.device_id, "smoke.alarm", timeout=10)


def test_subscriptions_outside_the_devices_own_commands_are_refused(devices):
    me, other = devices["e2e-smoke-1"], devices["e2e-bin-1"]
    codes = me.link.subscribe(["#", "$SYS/#", "cc/yinchuan/#", "cc/zhengzhou/#", command("zhengzhou", other.thing),
                               command("zhengzhou", me.thing)])
    assert codes == [0x87] * 5 + [1]


def _raw_flood(device: Device, n: int, payload: bytes) -> float:
    """``n`` QoS 0 publishes on one raw MQTT 3.1.1 connection, as fast as the socket takes them — not
    through the device SDK, which would pace them to IoT Core's limit itself. Seconds it took."""
    ident = device.identity
    ctx = ssl.create_default_context(cafile=str(ident.ca))
    ctx.load_cert_chain(ident.cert, ident.key)
    cid, name = device.thing.encode(), topic(device.tenant, device.thing).encode()
    connect = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack(">H", len(cid)) + cid
    variable = struct.pack(">H", len(name)) + name
    size = len(variable) + len(payload)
    assert size < 128
    packet = bytes([0x30, size]) + variable + payload
    with (socket.create_connection((device.conn["endpoint"], device.conn["port"]), timeout=10) as raw,
          ctx.wrap_socket(raw, server_hostname=device.conn["endpoint"]) as tls):
        tls.sendall(bytes([0x10, len(connect)]) + connect)
        assert tls.recv(4) == b"\x20\x02\x00\x00"
        started = time.monotonic()
        tls.sendall(packet * n)
        took = time.monotonic() - started
        tls.sendall(b"\xe0\x00")  # DISCONNECT
    return took


def test_a_flood_from_one_device_is_throttled_and_another_city_still_arrives_within_2_s(
        stack, vendor, staff, yinchuan_device, tmp_path):
    flooder = Device(stack, vendor, tmp_path / "flood", "e2e-flood-1", "smart_bin", SPOT)
    flooder.link.stop()  # the flood comes on a connection of its own
    took = _raw_flood(flooder, 2000, orjson.dumps({"ts": int(time.time() * 1000), "metrics": {"battery": 80}}))
    started = time.monotonic()
    assert yinchuan_device.send("event", {"tamper": 1}) == 0
    _wait_alert(stack, staff["yinchuan_admin"], yinchuan_device.device_id, "smoke.tamper", timeout=2)
    print(f"\n2,000 messages sent in {took:.2f} s; 银川 event right after → alert readable: "
          f"{time.monotonic() - started:.2f} s")
    # operators see the throttling on 郑州's dashboard (bridge → EMF → CloudWatch, within seconds)
    deadline, throttled = time.monotonic() + 60, 0.0
    while time.monotonic() < deadline and throttled < 1000:
        dash = api(stack, "platform.admin", "GET", "/v1/platform/ops/dashboards/cc-city-zhengzhou?minutes=15")
        widget = next(w for w in dash["widgets"] if w["id"] == "device-gateway")
        throttled = sum(sum(s["values"]) for s in widget["series"] if s["label"]["en"] == "over the rate limit")
        time.sleep(2)
    assert 1000 <= throttled <= 1900, f"throttled {throttled} of 2,000 (100 at once, then 100/s, may pass)"


def test_a_message_that_cannot_be_forwarded_lands_in_the_dead_letter_queue_with_its_reason(stack, devices):
    me = devices["e2e-smoke-1"]
    name = topic("zhengzhou", me.thing, "telemetry")
    assert me.link.publish(name, b"{not json") == 0
    sqs = boto3.client("sqs", endpoint_url=stack["aws_endpoint"], region_name=stack["resources"]["region"],
                       aws_access_key_id="local", aws_secret_access_key="local")
    url = sqs.get_queue_url(QueueName="cc-telemetry-dlq")["QueueUrl"]
    deadline, found = time.monotonic() + 10, None
    while found is None and time.monotonic() < deadline:
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            doc = orjson.loads(m["Body"])
            if doc.get("topic") == name:
                found = doc
    assert found is not None, "nothing in the dead-letter queue"
    assert found["reason"] == "malformed" and found["clientId"] == me.thing
    assert found["payloadBytes"] == len(b"{not json")


def test_the_simulator_raises_alerts_on_its_own_within_a_minute(stack, staff):
    expected = {"smoke.alarm", "gas.lel_high", "smart_bin.overflow"}
    deadline = stack["started"] + 90  # the simulator's incidents come within a minute of the start
    while True:  # look at least once: the tests before this one may have taken longer than that
        seen = {a["rule_id"] for a in _alerts(stack, staff["jinghu"]) if a["device_id"].startswith("sim-")}
        if expected <= seen or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert expected <= seen, f"simulated alerts: {sorted(seen)}\n" + stack["output"].text()[-3000:]
