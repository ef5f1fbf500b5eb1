"""The Lambda handlers of the telemetry side, invoked as Lambda invokes them."""

from __future__ import annotations

import time

import orjson
import pytest
from chalice.test import Client

from app import app
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.devices.models import DeviceIn
from chalicelib.devices.service import DeviceService
from chalicelib.store import scope
from tests.iam import recording_calls
from tests.support import ROOT

NOW = int(time.time() * 1000)


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    aws.onboard("yinchuan")
    admin = Principal("u-admin", "zz.admin", "zhengzhou", frozenset({Role.CITY_ADMIN}))
    DeviceService(admin).register(DeviceIn(device_id="SMK-0001", type="smoke", serial="SN1", community_id="jinghu"))
    DeviceService(admin).register(DeviceIn(device_id="BAND-001", type="wristband", serial="SN2",
                                           community_id="jinghu"))
    return aws


@pytest.fixture
def lam():
    with Client(app, stage_name="test", project_dir=str(ROOT)) as c:
        yield c


def _record(tenant: str, device: str, **payload) -> str:
    """What the topic rule puts on the queue: the payload, the topic's tenant and thing, the receive time."""
    return orjson.dumps({**payload, "tenant": tenant, "device": f"{tenant}_{device}", "received_at": NOW}).decode()


def _invoke(lam, bodies: list[str]) -> dict:
    event = lam.events.generate_sqs_event(message_bodies=bodies, queue_name="cc-telemetry")
    for n, rec in enumerate(event["Records"]):
        rec["messageId"] = f"m-{n}"  # chalice gives every generated record the same id
    return lam.lambda_.invoke("handle_telemetry", event).payload


def test_a_poison_message_fails_alone_and_the_rest_is_processed(city, lam):
    out = _invoke(lam, [_record("zhengzhou", "SMK-0001", ts=NOW - 5000, metrics={"alarm": 1}),
                        "{not json",
                        _record("zhengzhou", "SMK-0001", ts="yesterday", metrics={"alarm": 1}),
                        _record("zhengzhou", "SMK-0001", ts=NOW - 1000, metrics={"battery": 80})])
    assert out == {"batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-2"}]}


def test_redelivering_a_batch_raises_no_second_alert(city, lam):
    from chalicelib.alerts.service import AlertService  # noqa: F401 - imported for the repository below
    from chalicelib.store.keys import TenantContext
    from chalicelib.telemetry.pipeline import process_batch

    body = _record("zhengzhou", "SMK-0001", ts=NOW - 5000, metrics={"alarm": 1})
    assert _invoke(lam, [body]) == {"batchItemFailures": []}
    assert _invoke(lam, [body]) == {"batchItemFailures": []}
    again = process_batch(TenantContext("zhengzhou"), [{**orjson.loads(body), "device": "SMK-0001"}], NOW)
    assert again.transitions == 0 and again.rejected["late"] == 1


def test_records_of_two_cities_are_processed_each_in_its_own_city(city, lam):
    out = _invoke(lam, [_record("zhengzhou", "SMK-0001", ts=NOW - 5000, metrics={"alarm": 1}),
                        _record("yinchuan", "SMK-0001", ts=NOW - 5000, metrics={"alarm": 1}),
                        _record("Bad Tenant", "SMK-0001", ts=NOW - 5000, metrics={"alarm": 1})])
    # yinchuan has no SMK-0001: counted as an unknown device there, never matched to zhengzhou's
    assert out == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}


def test_each_citys_records_reach_the_table_as_that_city(city, lam):
    with recording_calls() as calls:
        out = _invoke(lam, [_record("zhengzhou", "SMK-0001", ts=NOW - 5000, metrics={"alarm": 1}),
                            _record("yinchuan", "SMK-0001", ts=NOW - 5000, metrics={"alarm": 1})])
    assert out == {"batchItemFailures": []}
    signers = {scope.tenant_of(key) for service, key, _, _ in calls.seen if service == "dynamodb"}
    assert signers == {"zhengzhou", "yinchuan"}  # and nothing signed by the function's own role
    calls.check_scoped("zhengzhou", "handle_telemetry", others=("yinchuan",))


def test_a_record_whose_thing_is_not_of_its_tenant_is_refused(city, lam):
    spoof = orjson.dumps({"tenant": "zhengzhou", "device": "yinchuan_SMK-0001", "ts": NOW - 5000,
                          "metrics": {"alarm": 1}, "received_at": NOW}).decode()
    out = _invoke(lam, [spoof, _record("zhengzhou", "SMK-0001", ts=NOW - 4000, metrics={"alarm": 1})])
    assert out == {"batchItemFailures": [{"itemIdentifier": "m-0"}]}


def test_a_critical_event_becomes_an_alert_directly(city, lam, client, token_for):
    out = lam.lambda_.invoke("handle_events", {"tenant": "zhengzhou", "device": "zhengzhou_BAND-001", "ts": NOW - 100,
                                               "metrics": {"sos": 1}, "received_at": NOW}).payload
    assert out == {"transitions": 1, "raised": 1, "bad": 0}
    alerts = client.http.get("/v1/alerts?severity=critical",
                             headers={"Authorization": f"Bearer {token_for('city_admin', 'zhengzhou')}"}).json_body
    assert [a["rule_id"] for a in alerts["items"]] == ["wristband.sos"]
