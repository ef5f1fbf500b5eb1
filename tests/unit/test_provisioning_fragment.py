"""infra/template.d/30-provisioning.json is generated from iot/ and declares what fleet provisioning needs."""

from __future__ import annotations

import json

from infra.local.iot_bootstrap import resolve
from infra.provisioning import FRAGMENT, render
from infra.template_parts import merged
from iot.policy import document
from iot.things import PARENT_GROUP, POLICY_NAME, PROVISIONING_TEMPLATE, THING_TYPE, tenant_group


def test_the_committed_fragment_is_the_generated_one():
    assert FRAGMENT.read_text(encoding="utf-8") == render(), "run: .venv/bin/python -m infra.provisioning"


def test_the_merged_template_declares_policy_type_group_and_the_provisioning_template():
    res = merged()["Resources"]
    assert res["DevicePolicy"]["Properties"]["PolicyName"] == POLICY_NAME
    assert res["DeviceThingType"]["Properties"]["ThingTypeName"] == THING_TYPE
    assert res["DeviceGroups"]["Properties"]["ThingGroupName"] == PARENT_GROUP
    fleet = res["FleetProvisioning"]["Properties"]
    assert fleet["TemplateName"] == PROVISIONING_TEMPLATE and fleet["Enabled"] is True
    assert fleet["PreProvisioningHook"]["TargetArn"] == {"Fn::GetAtt": ["PreprovisionHook", "Arn"]}
    assert fleet["ProvisioningRoleArn"] == {"Fn::GetAtt": ["FleetProvisioningRole", "Arn"]}
    assert res["PreprovisionHookInvokedByIot"]["Properties"]["Principal"] == "iot.amazonaws.com"
    assert res["PreprovisionHook"]["Properties"]["Environment"]["Variables"]["CC_TABLE_NAME"] == {"Ref": "AppTable"}


def test_the_provisioning_template_puts_the_hooks_thing_in_the_tenants_group_with_the_device_policy():
    body = json.loads(merged()["Resources"]["FleetProvisioning"]["Properties"]["TemplateBody"])
    assert {"tenant", "serial", "AWS::IoT::Certificate::Id"} <= set(body["Parameters"])
    thing = body["Resources"]["thing"]["Properties"]
    assert thing["ThingName"] == {"Ref": "thing_name"} and thing["ThingTypeName"] == THING_TYPE
    assert set(thing["AttributePayload"]) == {"tenant", "type", "serial", "device_id"}
    prefix, ref = thing["ThingGroups"][0]["Fn::Join"][1]
    assert prefix + "zhengzhou" == tenant_group("zhengzhou") and ref == {"Ref": "tenant"}
    assert body["Resources"]["policy"]["Properties"]["PolicyName"] == POLICY_NAME
    assert body["Resources"]["certificate"]["Properties"]["Status"] == "ACTIVE"


def test_the_deployed_policy_is_the_iot_policy_document():
    doc = merged()["Resources"]["DevicePolicy"]["Properties"]["PolicyDocument"]
    params = {"AWS::Partition": "aws", "AWS::Region": "cn-north-1", "AWS::AccountId": "123456789012"}
    assert resolve(doc, params) == document("arn:aws:iot:cn-north-1:123456789012")
