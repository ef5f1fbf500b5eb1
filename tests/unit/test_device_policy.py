"""The device policy document: moto does not evaluate policies, so the document is checked here,
statement by statement, and with a tiny evaluator (variables substituted, ARNs matched with fnmatch)."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

import pytest

from iot import topics
from iot.policy import IS_ATTACHED, TENANT, THING, cloudformation_document, document, publish_topics
from iot.rules import RULES
from iot.things import thing_name

ARN = "arn:aws:iot:cn-north-1:123456789012"
ME = thing_name("zhengzhou", "zz-smoke-0501")
NEIGHBOUR = thing_name("zhengzhou", "zz-gas-b4")


@dataclass(frozen=True)
class Connection:
    thing: str
    tenant_attribute: str
    attached: bool = True


def allowed(doc: dict, conn: Connection, action: str, resource: str) -> bool:
    """AWS IoT's evaluation, as far as this policy needs it: Allow statements only, Bool conditions."""
    values = {THING: conn.thing, TENANT: conn.tenant_attribute}
    for st in doc["Statement"]:
        if st["Effect"] != "Allow" or st["Action"] != action:
            continue
        conditions = st.get("Condition", {}).get("Bool", {})
        if any((v == "true") != {IS_ATTACHED: conn.attached}[k] for k, v in conditions.items()):
            continue
        patterns = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        for pattern in patterns:
            for var, value in values.items():
                pattern = pattern.replace(var, value)
            if fnmatchcase(resource, pattern):
                return True
    return False


@pytest.fixture
def doc() -> dict:
    return document(ARN)


def topic_arn(name: str) -> str:
    return f"{ARN}:topic/{name}"


def test_the_statements_name_each_action_once_with_the_thing_and_tenant_variables(doc):
    by_action = {st["Action"]: st for st in doc["Statement"]}
    assert sorted(by_action) == ["iot:Connect", "iot:Publish", "iot:Receive", "iot:Subscribe"]
    assert by_action["iot:Connect"]["Resource"] == f"{ARN}:client/${{iot:Connection.Thing.ThingName}}"
    assert by_action["iot:Connect"]["Condition"] == {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}
    own = "cc/${iot:Connection.Thing.Attributes[tenant]}/d/${iot:Connection.Thing.ThingName}"
    assert by_action["iot:Publish"]["Resource"] == [
        topic_arn(f"{own}/telemetry"), topic_arn(f"{own}/event"),
        *(topic_arn(f"$aws/rules/{r.name}/{own}/{r.kind}") for r in RULES)]
    assert by_action["iot:Subscribe"]["Resource"] == f"{ARN}:topicfilter/{own}/cmd"
    assert by_action["iot:Receive"]["Resource"] == topic_arn(f"{own}/cmd")
    resources = [r for st in doc["Statement"] for r in ([st["Resource"]] if isinstance(st["Resource"], str)
                                                         else st["Resource"])]
    assert all("*" not in r and "+" not in r and "#" not in r for r in resources), "no wildcard for a device"


def test_every_basic_ingest_rule_is_allowed_for_its_own_kind():
    assert {t.split("/")[2] for t in publish_topics() if t.startswith("$aws/rules/")} == {r.name for r in RULES}


def test_a_device_publishes_to_its_own_topics_directly_and_by_basic_ingest(doc):
    me = Connection(ME, "zhengzhou")
    for kind in topics.KINDS:
        assert allowed(doc, me, "iot:Publish", topic_arn(topics.topic("zhengzhou", ME, kind)))
    for rule in RULES:
        assert allowed(doc, me, "iot:Publish", topic_arn(topics.basic_ingest(rule.name, "zhengzhou", ME, rule.kind)))
    assert allowed(doc, me, "iot:Connect", f"{ARN}:client/{ME}")
    assert allowed(doc, me, "iot:Subscribe", f"{ARN}:topicfilter/{topics.command('zhengzhou', ME)}")
    assert allowed(doc, me, "iot:Receive", topic_arn(topics.command("zhengzhou", ME)))


def test_a_device_cannot_publish_as_another_device_or_into_another_city(doc):
    me = Connection(ME, "zhengzhou")
    refused = [topics.topic("zhengzhou", NEIGHBOUR), topics.topic("yinchuan", ME),
               topics.topic("yinchuan", thing_name("yinchuan", "yc-smoke-1")),
               topics.basic_ingest("cc_telemetry", "zhengzhou", NEIGHBOUR), topics.command("zhengzhou", ME),
               f"cc/zhengzhou/d/{ME}/telemetry/extra", "cc/zhengzhou/d/+/telemetry"]
    for name in refused:
        assert not allowed(doc, me, "iot:Publish", topic_arn(name)), name


def test_a_device_connects_only_as_its_own_attached_thing_and_hears_only_its_commands(doc):
    me = Connection(ME, "zhengzhou")
    assert not allowed(doc, me, "iot:Connect", f"{ARN}:client/{NEIGHBOUR}")
    assert not allowed(doc, Connection(ME, "zhengzhou", attached=False), "iot:Connect", f"{ARN}:client/{ME}")
    others = (topics.command("zhengzhou", NEIGHBOUR), "cc/zhengzhou/d/+/cmd", "cc/#", topics.command("yinchuan", ME))
    for name in others:
        assert not allowed(doc, me, "iot:Subscribe", f"{ARN}:topicfilter/{name}"), name
        assert not allowed(doc, me, "iot:Receive", topic_arn(name)), name


def test_a_thing_whose_tenant_attribute_is_another_city_stays_in_that_city(doc):
    """The tenant comes from the thing's attribute (set by the platform), not from the topic the device picks."""
    other = Connection(ME, "yinchuan")
    assert not allowed(doc, other, "iot:Publish", topic_arn(topics.topic("zhengzhou", ME)))
    assert allowed(doc, other, "iot:Publish", topic_arn(topics.topic("yinchuan", ME)))


def test_the_cloudformation_document_keeps_the_policy_variables_and_fills_in_the_account():
    cfn = cloudformation_document()
    publish = next(st for st in cfn["Statement"] if st["Action"] == "iot:Publish")
    first = publish["Resource"][0]["Fn::Sub"]
    assert first.startswith("arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:topic/cc/")
    assert "${!iot:Connection.Thing.Attributes[tenant]}" in first and "${iot:" not in first
