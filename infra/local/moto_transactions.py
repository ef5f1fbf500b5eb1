"""Give moto's DynamoDB transactions a rollback of the items they touch, not of the whole table.

moto 5.2 backs up a table before a ``TransactWriteItems`` by deep-copying all of it — once per item
of the transaction — and restores the copy if any item fails. The cost grows with the table, not
with the transaction: one copy took 16.7 ms at 276 items, and the local stack holds both demo cities
and everything a session adds (the end-to-end tests took ~1,080 s with the copies, ~890 s without).

This keeps moto's own code for the transaction (its checks, its order, its errors) and changes
only the backup: before the call, a copy of each item the transaction names (or the fact that it
is absent); after a failed call, those items put back as they were. A transaction writes only
the items it names, so the table ends as moto's whole-table restore would leave it (the unit test
runs both on the same transactions). Calls stay atomic where several threads write at once
(``moto_atomic.py``; the functional suites' ``atomic_dynamodb``).
"""

from __future__ import annotations

import copy
import functools
import types
from typing import Any

Touched = list[tuple[Any, Any, Any, Any]]  # table, hash key, range key (or None), the item before (or None)


def make_dynamodb_transactions_light() -> None:
    import moto.dynamodb.models as models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "_cc_light", False):
        return

    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table):  # the whole-table backup: kept as it is (restoring it is then a no-op)
            return value
        return copy.deepcopy(value, memo)

    # moto.dynamodb.models' own name ``copy``: its only copy of a Table is the transaction's backup
    models.copy = types.SimpleNamespace(**{**vars(copy), "deepcopy": deepcopy})  # type: ignore[assignment]

    def touched(backend: Any, transact_items: list[dict[str, Any]]) -> Touched:
        out: Touched = []
        for item in transact_items:
            op_type, op = next(iter(item.items()), ("", None))
            if not isinstance(op, dict) or op_type not in ("Put", "Delete", "Update"):
                continue
            table = backend.tables.get(str(op.get("TableName")))
            if table is None:
                continue
            key: Any = op.get("Item") if op_type == "Put" else op.get("Key")
            try:
                h = DynamoType(key[table.hash_key_attr])
                r = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
                before = table.get_item(h, r)
            except Exception:  # noqa: BLE001, S112 - a malformed key: moto refuses it before writing anything
                continue
            out.append((table, h, r, copy.deepcopy(before) if before is not None else None))
        return out

    def put_back(items: Touched) -> None:
        for table, h, r, before in reversed(items):  # the first copy of a key is its state before the call
            if before is None:
                (table.items[h].pop(r, None) if r is not None else table.items.pop(h, None))
            elif r is not None:
                table.items[h][r] = before
            else:
                table.items[h] = before

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        items = touched(self, transact_items)
        try:
            original(self, transact_items)
        except BaseException:
            put_back(items)
            raise

    transact_write_items._cc_light = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
