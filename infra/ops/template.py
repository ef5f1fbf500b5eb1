"""``infra/template.d/40-ops.json``, generated from the definitions in chalicelib/ops:

    .venv/bin/python -m infra.ops.template     # rewrite the fragment and the runbook part of infra/ops/README.md

(tests/infra/test_ops_template.py checks both are current). It declares the operators' SNS topic
(encrypted with its own key: CloudWatch cannot publish to a topic under the AWS-managed
``alias/aws/sns`` key, whose policy cannot be changed), the optional e-mail subscription, the
platform dashboard ``cc-platform``, one alarm per ``alarms.platform()`` and the composite
``cc-platform-degraded``, the topic's ARN in the environment of the functions that put a city's
alarms, and what the Lambda role may do in CloudWatch.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from chalicelib.ops import alarms, dashboards
from chalicelib.ops.render import alarm_properties, dashboard_body

FRAGMENT = Path(__file__).resolve().parents[1] / "template.d" / "40-ops.json"
TOPIC, TOPIC_NAME, KEY, KEY_ALIAS = "OpsAlarmTopic", "cc-ops-alarms", "OpsAlarmKey", "alias/cc-ops-alarms"
EMAIL, HAS_EMAIL = "OpsAlarmEmail", "HasOpsAlarmEmail"
DASHBOARD, COMPOSITE, COMPOSITE_NAME = "PlatformDashboard", "PlatformDegraded", "cc-platform-degraded"
# The API puts a city's dashboard and alarm at onboarding; the city health job runs beside it.
TOPIC_USERS = ("APIHandler", "CityHealth")
# What a ``${...}`` in a definition may name: the functions, the table, and the region (pseudo parameter).
PLACEHOLDERS = frozenset({*dashboards.FUNCTIONS, "AppTable", "AWS::Region"})
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
CW = "arn:${AWS::Partition}:cloudwatch"


def alarm_logical_id(alarm_id: str) -> str:
    return f"Alarm{alarm_id}"


def _ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def _checked(text: str) -> str:
    unknown = set(_PLACEHOLDER.findall(text)) - PLACEHOLDERS
    if unknown:
        raise ValueError(f"unresolvable placeholders {sorted(unknown)} in {text[:80]!r}")
    return text


def _sub(value: Any) -> Any:
    """Every string holding a ``${...}`` becomes an ``Fn::Sub`` (and must name a known resource)."""
    if isinstance(value, str) and "${" in value:
        return {"Fn::Sub": _checked(value)}
    if isinstance(value, dict):
        return {k: _sub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sub(v) for v in value]
    return value


def _topic() -> dict[str, Any]:
    key_policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdmin", "Effect": "Allow",
         "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudWatchAlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"},
    ]}
    return {
        KEY: {"Type": "AWS::KMS::Key", "Properties": {
            "Description": "Encrypts the operators' alarm topic (cc-ops-alarms); CloudWatch may use it to publish",
            "EnableKeyRotation": True, "KeyPolicy": key_policy}},
        "OpsAlarmKeyAlias": {"Type": "AWS::KMS::Alias", "Properties": {
            "AliasName": KEY_ALIAS, "TargetKeyId": _ref(KEY)}},
        TOPIC: {"Type": "AWS::SNS::Topic", "Properties": {
            "TopicName": TOPIC_NAME, "DisplayName": "智慧社区云告警 / Smart Community Cloud alarms",
            "KmsMasterKeyId": _ref(KEY)}},
        "OpsAlarmEmailSubscription": {"Type": "AWS::SNS::Subscription", "Condition": HAS_EMAIL, "Properties": {
            "Protocol": "email", "Endpoint": _ref(EMAIL), "TopicArn": _ref(TOPIC)}},
    }


def _alarms() -> dict[str, Any]:
    actions = [_ref(TOPIC)]
    out: dict[str, Any] = {}
    for a in alarms.platform():
        props = _sub(alarm_properties(a, None, None))
        props["AlarmActions"] = actions
        props["OKActions"] = actions
        out[alarm_logical_id(a.id)] = {"Type": "AWS::CloudWatch::Alarm", "Properties": props}
    degrading = [a for a in alarms.platform() if a.degrades_platform]
    out[COMPOSITE] = {
        "Type": "AWS::CloudWatch::CompositeAlarm",
        # The rule names alarms as strings: CloudFormation must create them first.
        "DependsOn": [alarm_logical_id(a.id) for a in degrading],
        "Properties": {
            "AlarmName": COMPOSITE_NAME,
            "AlarmDescription": "平台服务降级 / platform degraded: one of the alarms on the path of a device's alarm "
                                "to a person is in ALARM. Open cc-platform and the runbook (infra/ops/README.md).",
            "AlarmRule": " OR ".join(f'ALARM("{a.name}")' for a in degrading),
            "AlarmActions": actions, "OKActions": actions}}
    return out


def _dashboard() -> dict[str, Any]:
    body = dashboard_body(dashboards.platform(), "${AWS::Region}")
    return {DASHBOARD: {"Type": "AWS::CloudWatch::Dashboard", "Properties": {
        "DashboardName": dashboards.platform().name,
        "DashboardBody": {"Fn::Sub": _checked(json.dumps(body, ensure_ascii=False, separators=(",", ":")))}}}}


def _access() -> dict[str, Any]:
    return {"OpsCloudWatchAccess": {"Type": "AWS::IAM::Policy", "Properties": {
        "PolicyName": "ops-cloudwatch",
        "Roles": [_ref("DefaultRole")],
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Sid": "PlatformDashboards", "Effect": "Allow",
             "Action": ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards", "cloudwatch:GetDashboard"],
             "Resource": {"Fn::Sub": f"{CW}::${{AWS::AccountId}}:dashboard/cc-*"}},
            {"Sid": "PlatformAlarms", "Effect": "Allow",
             "Action": ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
             "Resource": {"Fn::Sub": f"{CW}:${{AWS::Region}}:${{AWS::AccountId}}:alarm:cc-*"}},
            # A listing filtered by prefix is authorised against every alarm, not the ones it returns.
            {"Sid": "ReadAlarms", "Effect": "Allow", "Action": "cloudwatch:DescribeAlarms",
             "Resource": {"Fn::Sub": f"{CW}:${{AWS::Region}}:${{AWS::AccountId}}:alarm:*"}},
            {"Sid": "ReadMetrics", "Effect": "Allow", "Resource": "*",
             "Action": ["cloudwatch:ListDashboards", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics"]},
        ]}}}}


def _functions() -> dict[str, Any]:
    env: dict[str, Any] = {fn: {"Properties": {"Environment": {"Variables": {"CC_OPS_TOPIC_ARN": _ref(TOPIC)}}}}
                           for fn in TOPIC_USERS}
    # The city health job reads each city's devices, alerts and requests.
    env["CityHealth"]["Properties"]["Environment"]["Variables"]["CC_TABLE_NAME"] = _ref("AppTable")
    # The ops view reads the Lambda widgets by the names CloudFormation gives the functions.
    env["APIHandler"]["Properties"]["Environment"]["Variables"]["CC_FUNCTION_NAMES"] = {"Fn::Sub": ",".join(
        f"{fn}=${{{fn}}}" for fn in dashboards.FUNCTIONS if fn != "APIHandler")}
    return env


def fragment() -> dict[str, Any]:
    return {
        "Parameters": {EMAIL: {
            "Type": "String", "Default": "",
            "Description": "E-mail address subscribed to the operators' alarm topic (empty: no subscription)",
            "AllowedPattern": r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$"}},
        "Conditions": {HAS_EMAIL: {"Fn::Not": [{"Fn::Equals": [_ref(EMAIL), ""]}]}},
        "Resources": {**_topic(), **_dashboard(), **_alarms(), **_access(), **_functions()},
        "Outputs": {"OpsAlarmTopicArn": {"Description": "SNS topic of the platform's and the cities' alarms",
                                         "Value": _ref(TOPIC)}},
    }


def render() -> str:
    return json.dumps(fragment(), ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    from infra.ops.runbook import README, updated_readme

    FRAGMENT.write_text(render(), encoding="utf-8")
    README.write_text(updated_readme(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {FRAGMENT} and the runbook of {README}")


if __name__ == "__main__":
    main()
