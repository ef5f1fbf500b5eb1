"""moto's DynamoDB transactions with the item-level rollback of the local stack and the suites leave
the table exactly as moto's own whole-table rollback does: the same transactions, one by one, the
same outcome each time and the same items after each."""

from __future__ import annotations

import copy
import random

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb import models
from moto.dynamodb.models import DynamoDBBackend

from infra.local.moto_transactions import make_dynamodb_transactions_light

TABLE = "t"


def _table(ddb) -> None:
    ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "g")],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}],
                     GlobalSecondaryIndexes=[{"IndexName": "gsi1", "Projection": {"ProjectionType": "ALL"},
                                              "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}])


def _key(rng: random.Random) -> dict:
    return {"pk": {"S": f"T#zz#{rng.randrange(4)}"}, "sk": {"S": f"R#{rng.randrange(6)}"}}


def _op(rng: random.Random) -> dict:
    key = _key(rng)
    kind = rng.choice(["Put", "PutNew", "Update", "Delete", "Check"])
    if kind == "Put":
        return {"Put": {"TableName": TABLE, "Item": {**key, "n": {"N": str(rng.randrange(9))},
                                                     "g": {"S": rng.choice("ab")}}}}
    if kind == "PutNew":
        return {"Put": {"TableName": TABLE, "Item": {**key, "n": {"N": "0"}},
                        "ConditionExpression": "attribute_not_exists(pk)"}}
    if kind == "Update":
        return {"Update": {"TableName": TABLE, "Key": key, "UpdateExpression": "ADD n :one",
                           "ExpressionAttributeValues": {":one": {"N": "1"}, ":cap": {"N": "5"}},
                           "ConditionExpression": "attribute_not_exists(n) OR n < :cap"}}
    if kind == "Delete":
        return {"Delete": {"TableName": TABLE, "Key": key}}
    return {"ConditionCheck": {"TableName": TABLE, "Key": key, "ConditionExpression": "attribute_exists(pk)"}}


def _run(seed: int) -> list[tuple[str, list, list]]:
    """Outcome of each of 120 random transactions and the table (and its index) after it."""
    rng = random.Random(seed)
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        _table(ddb)
        trail = []
        for _ in range(120):
            ops, keys = [], set()
            for _ in range(rng.randrange(1, 5)):
                op = _op(rng)
                body = next(iter(op.values()))
                k = str(body.get("Key") or {a: body["Item"][a] for a in ("pk", "sk")})
                if k not in keys:
                    keys.add(k)
                    ops.append(op)
            try:
                ddb.transact_write_items(TransactItems=ops)
                outcome = "ok"
            except ClientError as e:
                outcome = e.response["Error"]["Code"]
            items = sorted(str(sorted(i.items())) for i in ddb.scan(TableName=TABLE)["Items"])
            by_g = sorted(str(sorted(i.items())) for i in ddb.query(
                TableName=TABLE, IndexName="gsi1", KeyConditionExpression="g = :a",
                ExpressionAttributeValues={":a": {"S": "a"}})["Items"])
            trail.append((outcome, items, by_g))
        return trail


@pytest.fixture
def light(monkeypatch):
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", DynamoDBBackend.transact_write_items)
    monkeypatch.setattr(models, "copy", models.copy)  # both undone after the test
    make_dynamodb_transactions_light()
    return DynamoDBBackend.transact_write_items


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_table_after_each_transaction_is_the_one_motos_own_rollback_leaves(light, monkeypatch, seed):
    ours = _run(seed)
    assert {o for o, _, _ in ours} >= {"ok", "TransactionCanceledException"}  # both roads were taken
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", light.__wrapped__)
    monkeypatch.setattr(models, "copy", copy)
    assert ours == _run(seed)
