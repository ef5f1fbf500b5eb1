"""``AWS::IoT::TopicRule`` resources generated from iot/rules.py — the same definitions the
local bridge routes with, so deployed and local routing cannot drift apart."""

from __future__ import annotations

from typing import Any

from iot.rules import RULES, RuleDef


def _actions(rule: RuleDef) -> list[dict[str, Any]]:
    if rule.target == "queue":
        return [{"Sqs": {"QueueUrl": {"Ref": "TelemetryQueue"}, "RoleArn": {"Fn::GetAtt": ["IotRulesRole", "Arn"]},
                         "UseBase64": False}}]
    return [{"Lambda": {"FunctionArn": {"Fn::GetAtt": ["HandleEvents", "Arn"]}}}]


def fragment() -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for rule in RULES:
        logical = "Rule" + "".join(part.title() for part in rule.name.split("_"))
        resources[logical] = {
            "Type": "AWS::IoT::TopicRule",
            "Properties": {
                "RuleName": rule.name,
                "TopicRulePayload": {
                    "Description": rule.description,
                    "Sql": rule.sql,
                    "AwsIotSqlVersion": "2016-03-23",
                    "RuleDisabled": False,
                    "Actions": _actions(rule),
                    # what a rule cannot deliver is kept, not lost
                    "ErrorAction": {"Sqs": {"QueueUrl": {"Ref": "TelemetryDeadLetters"},
                                            "RoleArn": {"Fn::GetAtt": ["IotRulesRole", "Arn"]},
                                            "UseBase64": False}},
                },
            },
        }
    return {"Resources": resources}
