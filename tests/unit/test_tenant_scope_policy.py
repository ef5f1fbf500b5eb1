"""The tenant role's documents (infra/tenant_scope.py, deployed as template.d/50-tenant-scope.json) under a
small IAM evaluator: a session tagged for 郑州 reads and writes 郑州's items and index entries, and nothing of
银川's — not by key, not by index, not hidden in a batch or a transaction — and opens only 郑州's data key."""

from __future__ import annotations

import json

import pytest

from infra.tenant_scope import FRAGMENT, fragment, policy_document, render, trust_document
from tests.iam import Request, allowed, dynamodb_requests, kms_request

TABLE = "arn:aws:dynamodb:cn-north-1:123456789012:table/community-cloud"
KEY = "arn:aws:kms:cn-north-1:123456789012:key/0b1c"
ZZ = {"tenant_id": "zhengzhou"}
DOC = policy_document(TABLE, KEY)


def _ok(operation: str, params: dict, tags: dict = ZZ) -> bool:
    return all(allowed(DOC, tags, r) for r in dynamodb_requests(operation, params, TABLE))


def _key(pk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": "PROFILE"}}


def _query(pk: str, index: str | None = None) -> dict:
    name = {"gsi1": "gsi1pk", "gsi2": "gsi2pk"}.get(index or "", "pk")
    out = {"KeyConditionExpression": "#0 = :0", "ExpressionAttributeNames": {"#0": name},
           "ExpressionAttributeValues": {":0": {"S": pk}}}
    return {**out, "IndexName": index} if index else out


def test_the_committed_fragment_is_the_generated_one():
    assert FRAGMENT.read_text(encoding="utf-8") == render(), "run: .venv/bin/python -m infra.tenant_scope"


def test_a_city_session_reads_and_writes_its_own_items_and_index_entries():
    assert _ok("GetItem", {"Key": _key("T#zhengzhou#RES#u-1")})
    assert _ok("PutItem", {"Item": _key("T#zhengzhou#ALERT#a-1")})
    assert _ok("Query", _query("T#zhengzhou#ALERTS#open#critical", "gsi1"))
    assert _ok("Query", _query("T#zhengzhou#ESC", "gsi2"))
    both = [_key("T#zhengzhou#DEV#a"), _key("T#zhengzhou#DEV#b")]
    assert _ok("BatchGetItem", {"RequestItems": {"t": {"Keys": both}}})
    assert _ok("TransactWriteItems", {"TransactItems": [{"Put": {"Item": _key("T#zhengzhou#REQ#1")}},
                                                        {"Update": {"Key": _key("T#zhengzhou#STATS#m")}}]})


@pytest.mark.parametrize("operation,params", [
    ("GetItem", {"Key": _key("T#yinchuan#RES#u-1")}),
    ("DeleteItem", {"Key": _key("T#yinchuan#DEV#d")}),
    ("Query", _query("T#yinchuan#ALERTS#open#critical", "gsi1")),
    ("Query", _query("T#zhengzhou-west#CONF")),  # a city whose id begins with this one's
    ("Query", _query("PLATFORM#TENANTS", "gsi1")),  # the platform's list of cities
    ("BatchGetItem", {"RequestItems": {"t": {"Keys": [_key("T#zhengzhou#DEV#a"), _key("T#yinchuan#DEV#b")]}}}),
    ("BatchWriteItem", {"RequestItems": {"t": [{"PutRequest": {"Item": _key("T#zhengzhou#X#1")}},
                                               {"DeleteRequest": {"Key": _key("T#yinchuan#X#2")}}]}}),
    ("TransactWriteItems", {"TransactItems": [{"Put": {"Item": _key("T#zhengzhou#REQ#1")}},
                                              {"ConditionCheck": {"Key": _key("T#yinchuan#REQ#1")}}]}),
    ("Scan", {}),
])
def test_a_zhengzhou_session_cannot_touch_anything_else(operation, params):
    assert not _ok(operation, params)


def test_without_the_tag_nothing_is_allowed():
    assert not _ok("GetItem", {"Key": _key("T#zhengzhou#RES#u-1")}, tags={})
    assert not _ok("GetItem", {"Key": _key("T#zhengzhou#RES#u-1")}, tags={"tenant_id": "yinchuan"})


def test_the_data_key_opens_only_with_the_citys_encryption_context():
    def ok(ctx: dict) -> bool:
        return allowed(DOC, ZZ, kms_request("Decrypt", {"EncryptionContext": ctx}, KEY))
    assert ok({"tenant_id": "zhengzhou"})
    assert not ok({"tenant_id": "yinchuan"}) and not ok({})
    assert not allowed(DOC, ZZ, kms_request("Encrypt", {"EncryptionContext": ZZ}, KEY))


def test_only_the_functions_role_may_assume_it_and_only_tagged_with_one_city():
    trust = trust_document("arn:aws:iam::123456789012:role/functions")["Statement"][0]
    assert trust["Principal"] == {"AWS": "arn:aws:iam::123456789012:role/functions"}
    assert sorted(trust["Action"]) == ["sts:AssumeRole", "sts:TagSession"]

    def may(tags: dict) -> bool:
        ctx = {f"aws:RequestTag/{k}": [v] for k, v in tags.items()} | {"aws:TagKeys": list(tags)}
        return allowed({"Statement": [{**trust, "Resource": "*"}]}, {}, Request("sts:AssumeRole", "r", ctx))
    assert may({"tenant_id": "zhengzhou"})
    assert not may({}) and not may({"tenant_id": ""}) and not may({"tenant_id": "zhengzhou", "role": "admin"})


def test_every_function_that_works_for_one_city_knows_the_role():
    res = fragment()["Resources"]
    role = res["TenantDataRole"]["Properties"]
    assert role["MaxSessionDuration"] == 3600
    assert json.dumps(role["Policies"][0]["PolicyDocument"]).count("${aws:PrincipalTag/tenant_id}") == 2
    for name in ("APIHandler", "JwtAuth", "HandleTelemetry", "EscalateAlerts"):
        assert res[name]["Properties"]["Environment"]["Variables"]["CC_TENANT_ROLE_ARN"] == {
            "Fn::GetAtt": ["TenantDataRole", "Arn"]}
