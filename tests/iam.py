"""A small IAM evaluator for the tenant role's documents (moto keeps IAM documents but does not evaluate
them): Allow statements, actions and resources matched with wildcards, ``${aws:PrincipalTag/…}``
substituted, and the condition operators the documents use. Plus what a DynamoDB or KMS request
presents to IAM: its action, resource and ``dynamodb:LeadingKeys``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any
from unittest.mock import patch

from botocore.client import BaseClient

from chalicelib.store import scope
from infra.tenant_scope import policy_document


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: dict[str, list[str]] = field(default_factory=dict)  # condition key → values


def _sub(value: str, tags: dict[str, str]) -> str:
    return re.sub(r"\$\{aws:PrincipalTag/([\w-]+)\}", lambda m: tags.get(m.group(1), "\0missing"), value)


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _condition_holds(op: str, key: str, expected: list[str], ctx: dict[str, list[str]]) -> bool:
    present = ctx.get(key)
    if op == "ForAllValues:StringLike":
        return all(any(fnmatchcase(v, e) for e in expected) for v in (present or []))
    if op == "ForAllValues:StringEquals":
        return all(v in expected for v in (present or []))
    if op == "StringEquals":
        return present is not None and len(present) == 1 and present[0] in expected
    if op == "StringLike":
        return present is not None and len(present) == 1 and any(fnmatchcase(present[0], e) for e in expected)
    raise AssertionError(f"the evaluator does not know {op}")


def allowed(doc: dict[str, Any], tags: dict[str, str], req: Request) -> bool:
    """True when some Allow statement matches (the documents have no Deny)."""
    for st in doc["Statement"]:
        assert st["Effect"] == "Allow"
        if not any(fnmatchcase(req.action, a) for a in _as_list(st["Action"])):
            continue
        if not any(fnmatchcase(req.resource, _sub(r, tags)) for r in _as_list(st["Resource"])):
            continue
        conditions = st.get("Condition", {})
        if all(_condition_holds(op, key, [_sub(e, tags) for e in _as_list(exp)], req.context)
               for op, pairs in conditions.items() for key, exp in pairs.items()):
            return True
    return False


HASH_KEYS = ("pk", "gsi1pk", "gsi2pk")


def _key_of(item: dict[str, Any]) -> str:
    return str(item["pk"]["S"])


def _query_key(params: dict[str, Any]) -> str:
    names, values = params.get("ExpressionAttributeNames", {}), params["ExpressionAttributeValues"]
    for name, placeholder in re.findall(r"(#\w+) = (:\w+)", params["KeyConditionExpression"]):
        if names.get(name, name) in HASH_KEYS:
            return str(values[placeholder]["S"])
    raise AssertionError(f"no partition key in {params['KeyConditionExpression']}")


def dynamodb_requests(operation: str, params: dict[str, Any], table_arn: str) -> list[Request]:
    """What IAM sees of one DynamoDB call (one request per table for batch and transaction calls)."""
    action = f"dynamodb:{operation}"
    if operation in ("GetItem", "DeleteItem", "UpdateItem", "PutItem"):
        key = _key_of(params.get("Key") or params["Item"])
        return [Request(action, table_arn, {"dynamodb:LeadingKeys": [key]})]
    if operation in ("Query", "Scan"):
        resource = f"{table_arn}/index/{params['IndexName']}" if params.get("IndexName") else table_arn
        keys = [_query_key(params)] if operation == "Query" else []
        return [Request(action, resource, {"dynamodb:LeadingKeys": keys} if keys else {})]
    if operation == "BatchGetItem":
        keys = [_key_of(k) for t in params["RequestItems"].values() for k in t["Keys"]]
    elif operation == "BatchWriteItem":
        keys = [_key_of(w.get("PutRequest", {}).get("Item") or w["DeleteRequest"]["Key"])
                for t in params["RequestItems"].values() for w in t]
    elif operation in ("TransactWriteItems", "TransactGetItems"):
        keys = [_key_of(body.get("Key") or body["Item"]) for t in params["TransactItems"] for body in t.values()]
    else:
        raise AssertionError(f"the evaluator does not know dynamodb:{operation}")
    return [Request(action, table_arn, {"dynamodb:LeadingKeys": keys})]


def kms_request(operation: str, params: dict[str, Any], key_arn: str) -> Request:
    context = {f"kms:EncryptionContext:{k}": [v] for k, v in params.get("EncryptionContext", {}).items()}
    return Request(f"kms:{operation}", key_arn, context)


class Calls:
    """Every DynamoDB and KMS call the code makes, with the access key that signed it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str, dict]] = []

    def check_scoped(self, tenant: str, what: str, others: tuple[str, ...] = ()) -> None:
        """Each call was signed with a city's scoped credentials and its role's policy allows it; the only
        calls for a city other than ``tenant`` (and ``others``) are the usage meter's writes of counts kept
        from before."""
        doc = policy_document(TABLE_ARN, KEY_ARN)
        for service, access_key, operation, params in self.seen:
            signer = scope.tenant_of(access_key)
            assert signer is not None, f"{what}: {service}:{operation} made outside any city's scope"
            asked = (dynamodb_requests(operation, params, TABLE_ARN) if service == "dynamodb"
                     else [kms_request(operation, params, KEY_ARN)])
            for request in asked:
                assert allowed(doc, {"tenant_id": signer}, request), f"{what}: IAM would refuse {request}"
            if signer != tenant and signer not in others:
                assert operation == "UpdateItem" and params["Key"]["pk"]["S"] == f"T#{signer}#USAGE", (what, params)


TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/community-cloud"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/k"


@contextmanager
def recording_calls() -> Iterator[Calls]:
    """Record every DynamoDB and KMS call made in the block (botocore's one entry point for API calls)."""
    recorded = Calls()
    original = BaseClient._make_api_call

    def recording(client, operation, params):
        service = client.meta.service_model.service_name
        if service in ("dynamodb", "kms"):
            creds = client._request_signer._credentials
            recorded.seen.append((service, creds.access_key if creds else "", operation, params))
        return original(client, operation, params)

    with patch.object(BaseClient, "_make_api_call", recording):
        yield recorded
