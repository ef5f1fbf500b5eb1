"""Shared repository plumbing: storage errors wrapped once, timestamps, pagination."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.errors import AppError, InvalidInput, StorageError
from chalicelib.store import models
from chalicelib.store.keys import TenantContext

T = TypeVar("T")
M = TypeVar("M", bound=Model)
Doc = dict[str, Any]


def doc_of(item: Any) -> Doc:
    """An item's ``data`` map as a plain dict."""
    return item.data.as_dict() if hasattr(item.data, "as_dict") else dict(item.data)


@dataclass(frozen=True)
class Stored:
    """A document and the version its next conditional write must match."""

    doc: Doc
    version: int


def now() -> datetime:
    return datetime.now(UTC)


def condition_failed(exc: PynamoDBException) -> bool:
    """A write refused by its condition; for a transaction, by any of its items' conditions."""
    code = getattr(exc, "cause_response_code", None)
    if isinstance(exc, TransactWriteError) and code == "TransactionCanceledException":
        return any(r is not None and r.code in ("ConditionalCheckFailed", "TransactionConflict")
                   for r in exc.cancellation_reasons)
    return code == "ConditionalCheckFailedException"


def transaction() -> TransactWrite:
    """A TransactWriteItems on the table (all-or-nothing, conditions checked together)."""
    models.bind()
    return TransactWrite(connection=models.Entity._get_connection().connection)


@contextmanager
def storage_errors(on_condition: AppError | None = None) -> Iterator[None]:
    """Wrap storage failures; a failed write condition becomes ``on_condition`` when given."""
    try:
        yield
    except PynamoDBException as exc:
        if on_condition is not None and condition_failed(exc):
            raise on_condition from exc
        raise StorageError(f"storage call failed: {type(exc).__name__}") from exc


def encode_cursor(sort_key: str | None) -> str | None:
    return base64.urlsafe_b64encode(sort_key.encode()).decode() if sort_key else None


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        key = base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("cursor is not one this API returned", field="cursor") from exc
    if "#" not in key:
        raise InvalidInput("cursor is not one this API returned", field="cursor")
    return key


class TenantRepository:
    """Base for every repository: built for one tenant, keys come from its context."""

    def __init__(self, tenant: TenantContext) -> None:
        models.bind()
        self.tenant = tenant

    def _guard(self, fn: Callable[[], T]) -> T:
        with storage_errors():
            return fn()

    def _get(self, model: type[M], pk: str, sk: str) -> M | None:
        """One item by its keys, or None when there is none."""
        def read() -> M | None:
            try:
                return model.get(pk, sk)
            except model.DoesNotExist:
                return None

        return self._guard(read)

    def _written(self, fn: Callable[[], object]) -> bool:
        """Run a conditional write: False when its condition refused it, storage errors wrapped."""
        try:
            fn()
        except PynamoDBException as exc:
            if condition_failed(exc):
                return False
            raise StorageError(f"storage call failed: {type(exc).__name__}") from exc
        return True
