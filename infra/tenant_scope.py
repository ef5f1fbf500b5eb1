"""``infra/template.d/50-tenant-scope.json``: the role a city's work runs as (``chalicelib/store/scope.py``).

    .venv/bin/python -m infra.tenant_scope        # rewrite the fragment (a test checks it is current)

``TenantDataRole`` may be assumed only by the functions' role, only with a session tag ``tenant_id``
(and no other tag); its policy allows DynamoDB only on items and index entries whose partition key
begins ``T#<that tenant_id>#`` (``dynamodb:LeadingKeys``; no Scan at all) and the data key only with
that city's encryption context. ``policy_document`` is also what ``tests/unit/test_tenant_scope_policy.py``
evaluates, so the document tested is the document deployed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FRAGMENT = Path(__file__).resolve().parent / "template.d" / "50-tenant-scope.json"
TAG = "tenant_id"  # chalicelib.store.scope.TAG (the API does not import infra)
TENANT = "${aws:PrincipalTag/tenant_id}"
ROLE_NAME = "community-cloud-tenant-data"
# What a city's requests do in the table: reads, conditional writes, batches and transactions; never Scan.
TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                 "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                 "dynamodb:ConditionCheckItem", "dynamodb:TransactWriteItems", "dynamodb:TransactGetItems"]
KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"]
# The functions whose work for one city runs in its scope.
SCOPED_FUNCTIONS = ["APIHandler", "JwtAuth", "HandleTelemetry", "HandleEvents", "EscalateAlerts", "SweepAbsence",
                    "CloseResolvedRequests"]


def policy_document(table_arn: Any, key_arn: Any) -> dict[str, Any]:
    """The role's permissions; ARNs as strings (evaluator) or CloudFormation expressions (template)."""
    index_arn = {"Fn::Sub": "${AppTable.Arn}/index/*"} if isinstance(table_arn, dict) else f"{table_arn}/index/*"
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "OwnCityKeysOnly", "Effect": "Allow", "Action": TABLE_ACTIONS, "Resource": [table_arn, index_arn],
         "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"T#{TENANT}#*"]}}},
        {"Sid": "OwnCityDataKeyOnly", "Effect": "Allow", "Action": KEY_ACTIONS, "Resource": key_arn,
         "Condition": {"StringEquals": {"kms:EncryptionContext:tenant_id": TENANT}}},
    ]}


def trust_document(principal_arn: Any) -> dict[str, Any]:
    """Who may assume the role: the functions' role, naming exactly one tag, ``tenant_id``, with a value."""
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": ["sts:AssumeRole", "sts:TagSession"],
         "Condition": {"StringLike": {f"aws:RequestTag/{TAG}": "?*"},
                       "ForAllValues:StringEquals": {"aws:TagKeys": [TAG]}}},
    ]}


def fragment() -> dict[str, Any]:
    role_arn = {"Fn::GetAtt": ["TenantDataRole", "Arn"]}
    resources: dict[str, Any] = {
        "TenantDataRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": {"Fn::Sub": f"{ROLE_NAME}-${{AWS::Region}}"},
            "Description": "One city's items and data key only",
            "MaxSessionDuration": 3600,
            "AssumeRolePolicyDocument": trust_document({"Fn::GetAtt": ["DefaultRole", "Arn"]}),
            "Policies": [{"PolicyName": "one-city-data",
                          "PolicyDocument": policy_document({"Fn::GetAtt": ["AppTable", "Arn"]},
                                                            {"Fn::GetAtt": ["DataKey", "Arn"]})}],
        }},
        "TenantScopeAccess": {"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyName": "community-cloud-tenant-scope",
            "Roles": [{"Ref": "DefaultRole"}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": role_arn}]},
        }},
    }
    for name in SCOPED_FUNCTIONS:
        resources[name] = {"Properties": {"Environment": {"Variables": {"CC_TENANT_ROLE_ARN": role_arn}}}}
    return {"Resources": resources}


def render() -> str:
    return json.dumps(fragment(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    FRAGMENT.write_text(render(), encoding="utf-8")
    print(f"wrote {FRAGMENT}")
