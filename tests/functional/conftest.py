"""Fixtures of the functional suites (the shared ones are in tests/conftest.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def atomic_dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """DynamoDB applies each call atomically. moto applies a transaction item by item and rolls a
    failed one back by restoring a snapshot of the table, so calls from concurrent threads would
    interleave (and a rollback could erase another thread's write). One lock per call gives moto
    DynamoDB's guarantee back; the interleaving *between* calls, which is what the code under
    test has to survive, is untouched."""
    from moto.dynamodb.models import DynamoDBBackend

    from infra.local.moto_atomic import CALLS

    lock = threading.RLock()
    for name in CALLS:
        original = getattr(DynamoDBBackend, name, None)
        if original is None:
            continue

        def atomic(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return _original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, atomic)
    yield


@pytest.fixture
def city(aws: Any, client: Any) -> Any:
    """郑州 onboarded with the devices of tests/functional/places.py (a suite may define its own ``city``)."""
    from tests.functional.places import register_all

    aws.onboard("zhengzhou")
    register_all(client, aws.token_for("city_admin", "zhengzhou"))
    return aws
