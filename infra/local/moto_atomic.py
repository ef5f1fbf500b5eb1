"""Give moto's DynamoDB the per-call atomicity of DynamoDB, for the local stack's moto server.

moto applies a transaction item by item and rolls a failed one back by restoring a deep copy
of the table. With the API, the bridge (critical events) and the queue poller writing at the
same time, that copy races with other threads' writes ("dictionary changed size during
iteration", a 500 the client retries) and a rollback could erase another thread's write. One
lock per call restores what DynamoDB guarantees; interleaving *between* calls, which the code
must survive in AWS too, is untouched. (tests/functional/conftest.py does the same per test.)
"""

from __future__ import annotations

import functools
import threading
from typing import Any

CALLS = ("get_item", "put_item", "update_item", "delete_item", "query", "scan", "batch_get_item",
         "batch_write_item", "transact_get_items", "transact_write_items", "execute_transaction")
_lock = threading.RLock()  # re-entrant: batch and transaction calls use the single-item ones


def make_dynamodb_atomic() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in CALLS:
        original = getattr(DynamoDBBackend, name, None)
        if original is None or getattr(original, "_cc_atomic", False):
            continue

        @functools.wraps(original)
        def atomic(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return _original(self, *args, **kwargs)

        atomic._cc_atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, atomic)
