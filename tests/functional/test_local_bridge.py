"""The local rules engine (infra/local/bridge.py) with the real publish check against devices
provisioned through vendor provisioning (moto), the real queue, and a stand-in for the
critical-event function."""

from __future__ import annotations

import base64
import json

import boto3
import pytest

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.config import reset_settings
from chalicelib.devices.gate import is_publish_allowed
from chalicelib.devices.iot_models import RevokeIn, VendorDeviceIn
from chalicelib.devices.provisioning import ProvisioningService
from infra.local.bridge import RuleBridge, record_for
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


def test_telemetry_reaches_the_queue_shaped_as_the_rules_sql_shapes_it(bridge, sqs):
    spoof = {**PAYLOAD, "device": "someone-else", "tenant": "yinchuan"}  # identity comes from the topic
    assert bridge.handle(topic("zhengzhou", ZZ_BIN), json.dumps(spoof).encode(), RECEIVED) == "routed"
    assert _queued(sqs) == [{**PAYLOAD, "tenant": "zhengzhou", "device": ZZ_BIN, "received_at": RECEIVED}]
    assert bridge.critical.events == []


def test_an_event_goes_straight_to_the_critical_function(bridge, sqs):
    alarm = {"ts": 1_800_000_000_000, "metrics": {"alarm": 1}}
    assert bridge.handle(topic("zhengzhou", ZZ_SMOKE, "event"), json.dumps(alarm).encode(), RECEIVED) == "routed"
    assert bridge.critical.events == [record_for(alarm, "zhengzhou", ZZ_SMOKE, RECEIVED)]
    assert _queued(sqs) == []
    assert bridge.stats.routed == {"cc_events": 1}


@pytest.mark.parametrize("name", [
    topic("yinchuan", ZZ_SMOKE, "event"),  # a 郑州 thing under 银川's topic
    topic("zhengzhou", YC_GAS),  # a 银川 thing under 郑州's topic
    topic("zhengzhou", "zhengzhou_never-provisioned"),  # no such device
])
def test_a_thing_outside_its_own_city_or_unknown_is_refused(bridge, sqs, name):
    assert bridge.handle(name, json.dumps(PAYLOAD).encode()) == "refused"
    assert _queued(sqs) == [] and bridge.critical.events == []
    assert bridge.stats.snapshot()["refused"] == 1


def test_a_device_whose_certificate_was_revoked_is_refused(bridge, sqs, devices):
    name = topic("zhengzhou", ZZ_SMOKE)
    assert bridge.handle(name, json.dumps(PAYLOAD).encode()) == "routed"
    cert = devices["zz-smoke-1"].certificate
    _vendor("zhengzhou").revoke("zz-smoke-1", cert.certificate_id, RevokeIn(reason="stolen"))
    assert not is_publish_allowed("zhengzhou", ZZ_SMOKE)
    assert bridge.handle(name, json.dumps(PAYLOAD).encode()) == "refused"
    assert len(_queued(sqs)) == 1


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b"42", b""])
def test_a_payload_that_is_not_a_json_object_is_dropped_and_counted(bridge, sqs, payload):
    assert bridge.handle(topic("zhengzhou", ZZ_BIN), payload) == "malformed"
    assert _queued(sqs) == [] and bridge.stats.snapshot()["malformed"] == 1


def test_basic_ingest_goes_to_the_named_rule_only(bridge, sqs):
    ok = basic_ingest("cc_telemetry", "zhengzhou", ZZ_BIN, "telemetry")
    assert bridge.handle(ok, json.dumps(PAYLOAD).encode(), RECEIVED) == "routed"
    assert [m["device"] for m in _queued(sqs)] == [ZZ_BIN]
    wrong_rule = basic_ingest("cc_events", "zhengzhou", ZZ_BIN, "telemetry")  # that rule selects events only
    assert bridge.handle(wrong_rule, json.dumps(PAYLOAD).encode()) == "unmatched"


def test_the_bridge_subscribes_to_every_rule_plain_and_through_basic_ingest():
    subs = RuleBridge(lambda t, d: True, {}).subscriptions()
    assert "cc/+/d/+/telemetry" in subs and "cc/+/d/+/event" in subs
    assert {f"$aws/rules/{r.name}/cc/+/d/+/{r.kind}" for r in RULES} <= set(subs)


def test_a_queue_that_cannot_be_reached_sends_the_message_to_the_error_action(devices):
    kept: list[dict] = []

    def unreachable(record: dict) -> None:
        raise ConnectionError("queue down")

    b = RuleBridge(is_publish_allowed, {"queue": unreachable, "critical": Critical()}, error_action=kept.append)
    raw = json.dumps(PAYLOAD).encode()
    assert b.handle(topic("zhengzhou", ZZ_BIN), raw) == "failed"
    (msg,) = kept
    assert msg["ruleName"] == "cc_telemetry" and base64.b64decode(msg["base64OriginalPayload"]) == raw
    assert msg["failures"][0]["errorMessage"] == "queue down"

