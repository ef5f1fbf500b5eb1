"""``infra/template.d/30-provisioning.json``, generated from iot/ so names and the device policy
have one definition:

    .venv/bin/python -m infra.provisioning        # rewrite the fragment (a test checks it is current)

It declares the device policy, the thing type, the group the tenants' thing groups hang from,
the fleet-provisioning template with its IoT role and pre-provisioning hook (the Chalice
function ``PreprovisionHook``, code in chalicelib/devices/preprovision.py), and what the API may
do in IoT to provision devices.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from iot.policy import cloudformation_document
from iot.things import PARENT_GROUP, POLICY_NAME, PROVISIONING_TEMPLATE, TENANT_GROUP_PREFIX, THING_TYPE

FRAGMENT = Path(__file__).resolve().parent / "template.d" / "30-provisioning.json"
ARN = "arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}"
SEARCHABLE = ["tenant", "type", "serial"]


def _ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def template_body() -> dict[str, Any]:
    """The fleet-provisioning template: thing ``<tenant>_<device_id>`` in the tenant's group, the
    certificate made active, the device policy. ``thing_name``, ``device_id`` and ``type`` come from the hook."""
    params = ["tenant", "serial", "thing_name", "device_id", "type"]
    return {
        "Parameters": {**{p: {"Type": "String"} for p in params}, "AWS::IoT::Certificate::Id": {"Type": "String"}},
        "Resources": {
            "thing": {
                "Type": "AWS::IoT::Thing",
                "OverrideSettings": {"AttributePayload": "REPLACE", "ThingTypeName": "REPLACE",
                                     "ThingGroups": "DO_NOTHING"},
                "Properties": {
                    "ThingName": _ref("thing_name"),
                    "ThingTypeName": THING_TYPE,
                    "AttributePayload": {p: _ref(p) for p in ("tenant", "type", "serial", "device_id")},
                    "ThingGroups": [{"Fn::Join": ["", [TENANT_GROUP_PREFIX, _ref("tenant")]]}],
                },
            },
            "certificate": {"Type": "AWS::IoT::Certificate",
                            "Properties": {"CertificateId": _ref("AWS::IoT::Certificate::Id"), "Status": "ACTIVE"}},
            "policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyName": POLICY_NAME}},
        },
    }


def _api_access() -> dict[str, Any]:
    scoped = ["iot:CreateThing", "iot:DescribeThing", "iot:UpdateThing", "iot:DeleteThing", "iot:CreateThingGroup",
              "iot:AddThingToThingGroup", "iot:AttachThingPrincipal", "iot:DetachThingPrincipal",
              "iot:ListThingPrincipals",
              "iot:UpdateCertificate", "iot:DeleteCertificate", "iot:AttachPolicy", "iot:DetachPolicy"]
    resources = [f"{ARN}:thing/*", f"{ARN}:thinggroup/*", f"{ARN}:cert/*", f"{ARN}:policy/{POLICY_NAME}",
                 f"{ARN}:thingtype/{THING_TYPE}"]
    return {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "device-provisioning",
            "Roles": [_ref("DefaultRole")],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Sid": "ThingsAndCertificates", "Effect": "Allow", "Action": scoped,
                 "Resource": [{"Fn::Sub": r} for r in resources]},
                {"Sid": "IssueAndEndpoint", "Effect": "Allow", "Resource": "*",
                 "Action": ["iot:CreateCertificateFromCsr", "iot:CreateKeysAndCertificate", "iot:DescribeEndpoint"]},
            ]},
        },
    }


def fragment() -> dict[str, Any]:
    resources: dict[str, Any] = {
        "DevicePolicy": {"Type": "AWS::IoT::Policy",
                         "Properties": {"PolicyName": POLICY_NAME, "PolicyDocument": cloudformation_document()}},
        "DeviceThingType": {"Type": "AWS::IoT::ThingType", "Properties": {
            "ThingTypeName": THING_TYPE,
            "ThingTypeProperties": {"SearchableAttributes": SEARCHABLE,
                                    "ThingTypeDescription": "智慧社区设备 / smart-community device"}}},
        "DeviceGroups": {"Type": "AWS::IoT::ThingGroup", "Properties": {
            "ThingGroupName": PARENT_GROUP,
            "ThingGroupProperties": {"ThingGroupDescription": "各城市设备分组的上级 / parent of the cities' groups"}}},
        "FleetProvisioningRole": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "iot.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                                              "AWSIoTThingsRegistration"}]}},
        "PreprovisionHookInvokedByIot": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": _ref("PreprovisionHook"),
            "Principal": "iot.amazonaws.com", "SourceAccount": _ref("AWS::AccountId"),
            "SourceArn": {"Fn::Sub": f"{ARN}:provisioningtemplate/{PROVISIONING_TEMPLATE}"}}},
        "FleetProvisioning": {
            "Type": "AWS::IoT::ProvisioningTemplate",
            "DependsOn": ["DevicePolicy", "DeviceThingType", "DeviceGroups", "PreprovisionHookInvokedByIot"],
            "Properties": {
                "TemplateName": PROVISIONING_TEMPLATE,
                "Description": "工厂批量开通: 序列号须先由厂商登记 / factory provisioning of registered serials",
                "Enabled": True,
                "ProvisioningRoleArn": {"Fn::GetAtt": ["FleetProvisioningRole", "Arn"]},
                "TemplateBody": json.dumps(template_body(), ensure_ascii=False, separators=(",", ":")),
                "PreProvisioningHook": {"TargetArn": {"Fn::GetAtt": ["PreprovisionHook", "Arn"]},
                                        "PayloadVersion": "2020-04-01"},
            },
        },
        "DeviceProvisioningAccess": _api_access(),
        "PreprovisionHook": {"Properties": {"Environment": {"Variables": {"CC_TABLE_NAME": _ref("AppTable")}}}},
    }
    return {"Resources": resources}


def render() -> str:
    return json.dumps(fragment(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    FRAGMENT.write_text(render(), encoding="utf-8")
    print(f"wrote {FRAGMENT}")
