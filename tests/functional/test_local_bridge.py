"""The local rules engine (infra/local/bridge.py) with the real publish check against devices
provisioned through vendor provisioning (moto), the real queue, and a stand-in for the
critical-event function. The certificate that sent a message is what the broker's gateway
plugin says (tests/e2e/test_broker.py shows it does)."""

from __future__ import annotations

import base64
import json

import boto3
import pytest

from chalicelib import observability
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.config import reset_settings
from chalicelib.devices.gate import is_publish_allowed
from chalicelib.devices.iot_models import CredentialsIn, RevokeIn, VendorDeviceIn
from chalicelib.devices.provisioning import ProvisioningService
from infra.local.bridge import RateLimit, RuleBridge, record_for
from infra.local.broker import MAX_PAYLOAD
from iot.rules import RULES
from iot.topics import basic_ingest, topic

ZZ_SMOKE, ZZ_BIN, YC_GAS = "zhengzhou_zz-smoke-1", "zhengzhou_zz-bin-1", "yinchuan_yc-gas-1"
RECEIVED = 1_800_000_000_123


def _vendor(tenant: str) -> ProvisioningService:
    return ProvisioningService(Principal(f"u-{tenant}", f"{tenant}.vendor", tenant, frozenset({Role.VENDOR})))


@pytest.fixture
def devices(aws, tmp_path, monkeypatch):
    """Two devices of 郑州 and one of 银川, provisioned with the local CA as the stack does."""
    aws.onboard("zhengzhou")
    aws.onboard("yinchuan")
    monkeypatch.setenv("CC_LOCAL_CA_DIR", str(tmp_path / "ca"))
    monkeypatch.setenv("CC_IOT_ENDPOINT", "127.0.0.1:18883")
    reset_settings()
    made = {}
    for tenant, device_id, kind, place in (
            ("zhengzhou", "zz-smoke-1", "smoke", {"community_id": "jinghu", "household_id": "jinghu-g1-b1-1-0501"}),
            ("zhengzhou", "zz-bin-1", "smart_bin", {"community_id": "jinghu", "spot": "北门"}),
            ("yinchuan", "yc-gas-1", "gas", {"community_id": "aolinpike"})):
        made[device_id] = _vendor(tenant).provision(VendorDeviceIn(
            device_id=device_id, type=kind, serial=f"SN-{device_id}", credentials="generate", **place))
    yield made
    monkeypatch.undo()
    reset_settings()


class Critical:
    def __init__(self) -> None:
        self.events: list[dict] = []

    def __call__(self, record: dict) -> None:
        self.events.append(record)


@pytest.fixture
def sqs(devices):
    client = boto3.client("sqs", region_name="us-east-1")
    urls = {q: client.get_queue_url(QueueName=q)["QueueUrl"] for q in ("cc-telemetry", "cc-telemetry-dlq")}
    return client, urls


def _queued(sqs, name: str = "cc-telemetry") -> list[dict]:
    client, urls = sqs
    got = client.receive_message(QueueUrl=urls[name], MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in got]


@pytest.fixture
def bridge(sqs):
    client, urls = sqs
    critical = Critical()
    b = RuleBridge(is_publish_allowed, {
        "queue": lambda r: client.send_message(QueueUrl=urls["cc-telemetry"], MessageBody=json.dumps(r)),
        "critical": critical})
    b.critical = critical  # type: ignore[attr-defined]
    return b


PAYLOAD = {"ts": [1_800_000_000_000, 1_800_000_060_000], "metrics": {"fillingLevel": [0.5, 0.6]}}
CERT: dict[str, str] = {}  # thing → its certificate id, per test (the ``devices`` fixture's)


@pytest.fixture(autouse=True)
def _certificates(request):
    if "devices" in request.fixturenames:
        made = request.getfixturevalue("devices")
        CERT.update({ZZ_SMOKE: made["zz-smoke-1"].certificate.certificate_id,
                     ZZ_BIN: made["zz-bin-1"].certificate.certificate_id,
                     YC_GAS: made["yc-gas-1"].certificate.certificate_id})
    yield
    CERT.clear()


def send(bridge: RuleBridge, name: str, payload: bytes, received_at: int | None = None,
         certificate_id: str | None = None) -> str:
    """As the broker hands a message over: with the certificate of the thing named in the topic."""
    thing = name.split("/")[-2]
    return bridge.handle(name, payload, received_at, certificate_id or CERT.get(thing))


def test_telemetry_reaches_the_queue_shaped_as_the_rules_sql_shapes_it(bridge, sqs):
    spoof = {**PAYLOAD, "device": "someone-else", "tenant": "yinchuan"}  # identity comes from the topic
    assert send(bridge, topic("zhengzhou", ZZ_BIN), json.dumps(spoof).encode(), RECEIVED) == "routed"
    assert _queued(sqs) == [{**PAYLOAD, "tenant": "zhengzhou", "device": ZZ_BIN, "received_at": RECEIVED}]
    assert bridge.critical.events == []


def test_an_event_goes_straight_to_the_critical_function(bridge, sqs):
    alarm = {"ts": 1_800_000_000_000, "metrics": {"alarm": 1}}
    assert send(bridge, topic("zhengzhou", ZZ_SMOKE, "event"), json.dumps(alarm).encode(), RECEIVED) == "routed"
    assert bridge.critical.events == [record_for(alarm, "zhengzhou", ZZ_SMOKE, RECEIVED)]
    assert _queued(sqs) == []
    assert bridge.stats.routed == {"cc_events": 1}


@pytest.mark.parametrize("name", [
    topic("yinchuan", ZZ_SMOKE, "event"),  # a 郑州 thing under 银川's topic
    topic("zhengzhou", YC_GAS),  # a 银川 thing under 郑州's topic
    topic("zhengzhou", "zhengzhou_never-provisioned"),  # no such device
])
def test_a_thing_outside_its_own_city_or_unknown_is_refused(bridge, sqs, name):
    assert send(bridge, name, json.dumps(PAYLOAD).encode()) == "refused"
    assert _queued(sqs) == [] and bridge.critical.events == []
    assert bridge.stats.snapshot()["refused"] == 1


def test_a_device_whose_certificate_was_revoked_is_refused(bridge, sqs, devices):
    name = topic("zhengzhou", ZZ_SMOKE)
    assert send(bridge, name, json.dumps(PAYLOAD).encode()) == "routed"
    cert = devices["zz-smoke-1"].certificate
    _vendor("zhengzhou").revoke("zz-smoke-1", cert.certificate_id, RevokeIn(reason="stolen"))
    assert not is_publish_allowed("zhengzhou", ZZ_SMOKE, cert.certificate_id)
    assert send(bridge, name, json.dumps(PAYLOAD).encode()) == "refused"
    assert len(_queued(sqs)) == 1


def test_only_the_certificate_that_is_active_gets_through_after_rotation_and_revocation(bridge, sqs, devices):
    """A rotated-out or revoked certificate stays refused although the device has an active one."""
    name, body = topic("zhengzhou", ZZ_SMOKE), json.dumps(PAYLOAD).encode()
    first = devices["zz-smoke-1"].certificate.certificate_id
    second = _vendor("zhengzhou").rotate("zz-smoke-1", CredentialsIn(credentials="generate")).certificate
    assert second is not None
    assert send(bridge, name, body, certificate_id=first) == "refused"  # rotated out
    assert send(bridge, name, body, certificate_id=second.certificate_id) == "routed"
    _vendor("zhengzhou").revoke("zz-smoke-1", second.certificate_id, RevokeIn(reason="stolen"))
    third = _vendor("zhengzhou").rotate("zz-smoke-1", CredentialsIn(credentials="generate")).certificate
    assert third is not None
    for old in (first, second.certificate_id):  # a new certificate revives none of the old ones
        assert send(bridge, name, body, certificate_id=old) == "refused"
    assert send(bridge, name, body, certificate_id=third.certificate_id) == "routed"
    # another device's active certificate is not this device's
    assert send(bridge, name, body, certificate_id=CERT[ZZ_BIN]) == "refused"
    assert bridge.handle(name, body, None, None) == "refused"  # no certificate named: the broker always names one
    assert len(_queued(sqs)) == 2


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b"42", b""])
def test_a_payload_that_is_not_a_json_object_is_dead_lettered_with_its_reason(devices, sqs, payload):
    kept: list[dict] = []
    b = RuleBridge(is_publish_allowed, {"queue": lambda r: None, "critical": Critical()}, error_action=kept.append)
    assert send(b, topic("zhengzhou", ZZ_BIN), payload) == "malformed"
    (msg,) = kept
    assert msg["reason"] == "malformed" and base64.b64decode(msg["base64OriginalPayload"]) == payload
    assert b.stats.snapshot()["malformed"] == 1 and b.stats.snapshot()["dead_lettered"] == 1


def test_a_message_over_128_kib_is_dead_lettered_with_its_head_size_and_digest(devices):
    kept: list[dict] = []
    delivered: list[dict] = []
    b = RuleBridge(is_publish_allowed, {"queue": delivered.append, "critical": Critical()}, error_action=kept.append)
    huge = json.dumps({"ts": 1, "metrics": {"x": "a" * (MAX_PAYLOAD + 1)}}).encode()
    assert send(b, topic("zhengzhou", ZZ_BIN), huge) == "too_large"
    (msg,) = kept
    assert delivered == [] and msg["reason"] == "too_large" and msg["payloadBytes"] == len(huge)
    assert msg["payloadTruncated"] and huge.startswith(base64.b64decode(msg["base64OriginalPayload"]))
    assert len(json.dumps(msg)) < 256 * 1024  # it fits in an SQS message
    at_limit = json.dumps({"ts": 1, "metrics": {"x": "a" * (MAX_PAYLOAD - 40)}}).encode()
    assert len(at_limit) <= MAX_PAYLOAD and send(b, topic("zhengzhou", ZZ_BIN), at_limit) == "routed"


def test_when_the_dead_letter_queue_fails_too_the_message_is_kept_in_a_file(devices, tmp_path):
    def down(_: dict) -> None:
        raise ConnectionError("sqs down")

    spool = tmp_path / "undeliverable.jsonl"
    b = RuleBridge(is_publish_allowed, {"queue": down, "critical": Critical()}, error_action=down, spool=spool)
    raw = json.dumps(PAYLOAD).encode()
    assert send(b, topic("zhengzhou", ZZ_BIN), raw) == "failed"
    (line,) = spool.read_text().splitlines()
    msg = json.loads(line)
    assert msg["reason"] == "delivery_failed" and base64.b64decode(msg["base64OriginalPayload"]) == raw


def test_the_rate_limit_is_100_messages_a_second_per_thing():
    now = [0.0]
    limit = RateLimit(clock=lambda: now[0])
    assert sum(limit.allow("zhengzhou_a") for _ in range(2000)) == 100  # a flood in one instant
    assert limit.allow("yinchuan_b")  # another thing has its own allowance
    now[0] = 0.5
    assert sum(limit.allow("zhengzhou_a") for _ in range(2000)) == 50
    now[0] = 60.0
    assert sum(limit.allow("zhengzhou_a") for _ in range(2000)) == 100  # the burst never exceeds 100


def test_refusals_throttling_and_dead_letters_are_published_per_city(devices):
    b = RuleBridge(is_publish_allowed, {"queue": lambda r: None, "critical": Critical()}, error_action=lambda m: None)
    send(b, topic("zhengzhou", ZZ_BIN), b"not json")
    send(b, topic("zhengzhou", ZZ_BIN), json.dumps(PAYLOAD).encode(), certificate_id="0" * 64)
    b.throttled(topic("yinchuan", YC_GAS))
    b.throttled(topic("yinchuan", YC_GAS))
    blobs: list[dict] = []
    observability.set_sink(blobs.append)
    try:
        b.stats.flush()
        b.stats.flush()  # nothing new: nothing published
    finally:
        observability.set_sink(None)
    got = {(blob["tenant"], name): blob[name] for blob in blobs
           for name in ("DeviceMessagesThrottled", "DeviceMessagesRefused", "DeviceMessagesDeadLettered")
           if name in blob}
    assert got == {("zhengzhou", "DeviceMessagesRefused"): [1.0], ("zhengzhou", "DeviceMessagesDeadLettered"): [1.0],
                   ("yinchuan", "DeviceMessagesThrottled"): [2.0]}


def test_basic_ingest_goes_to_the_named_rule_only(bridge, sqs):
    ok = basic_ingest("cc_telemetry", "zhengzhou", ZZ_BIN, "telemetry")
    assert send(bridge, ok, json.dumps(PAYLOAD).encode(), RECEIVED) == "routed"
    assert [m["device"] for m in _queued(sqs)] == [ZZ_BIN]
    wrong_rule = basic_ingest("cc_events", "zhengzhou", ZZ_BIN, "telemetry")  # that rule selects events only
    assert send(bridge, wrong_rule, json.dumps(PAYLOAD).encode()) == "unmatched"


def test_the_bridge_subscribes_to_every_rule_plain_and_through_basic_ingest():
    subs = RuleBridge(lambda t, d, c: True, {}).subscriptions()
    assert "cc/+/d/+/telemetry" in subs and "cc/+/d/+/event" in subs
    assert {f"$aws/rules/{r.name}/cc/+/d/+/{r.kind}" for r in RULES} <= set(subs)


def test_a_queue_that_cannot_be_reached_sends_the_message_to_the_error_action(devices):
    kept: list[dict] = []

    def unreachable(record: dict) -> None:
        raise ConnectionError("queue down")

    b = RuleBridge(is_publish_allowed, {"queue": unreachable, "critical": Critical()}, error_action=kept.append)
    raw = json.dumps(PAYLOAD).encode()
    assert send(b, topic("zhengzhou", ZZ_BIN), raw) == "failed"
    (msg,) = kept
    assert msg["ruleName"] == "cc_telemetry" and base64.b64decode(msg["base64OriginalPayload"]) == raw
    assert msg["reason"] == "delivery_failed"
    assert msg["failures"][0]["errorMessage"] == "queue down"

