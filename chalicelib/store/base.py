"""Shared repository plumbing: storage errors wrapped once, timestamps, pagination."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

from pynamodb.exceptions import PynamoDBException

from chalicelib.errors import AppError, StorageError
from chalicelib.store import models
from chalicelib.store.keys import TenantContext

T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


def condition_failed(exc: PynamoDBException) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


@contextmanager
def storage_errors(on_condition: AppError | None = None) -> Iterator[None]:
    """Wrap storage failures; a failed write condition becomes ``on_condition`` when given."""
    try:
        yield
    except PynamoDBException as exc:
        if on_condition is not None and condition_failed(exc):
            raise on_condition from exc
        raise StorageError(f"storage call failed: {type(exc).__name__}") from exc


class TenantRepository:
    """Base for every repository: built for one tenant, keys come from its context."""

    def __init__(self, tenant: TenantContext) -> None:
        models.bind()
        self.tenant = tenant

    def _guard(self, fn: Callable[[], T]) -> T:
        with storage_errors():
            return fn()
