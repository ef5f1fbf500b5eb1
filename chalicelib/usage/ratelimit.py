"""The API rate limit per city (``api_requests_per_second``): a token bucket per container and city,
refilled by leasing tokens in chunks from a shared per-city, per-second counter in DynamoDB.

A request finds a token in its container's bucket for the current second (no network call), or
leases a chunk: one conditional ``UpdateItem`` ``ADD used :chunk`` on ``T#<t>#RATE#api#<epoch s>``
with ``used <= limit - chunk``; if the chunk does not fit, a single token is tried; if that fails
too, the city is over its rate for the rest of the second in this container (no more calls) and
the request gets 429 with ``Retry-After``. Leased tokens die with their second, so the city-wide
rate holds across containers (a fixed one-second window: at most ``limit`` admitted per second).
If DynamoDB cannot be reached the request is admitted: the limiter must not take the API down.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from pynamodb.exceptions import PynamoDBException

from chalicelib.errors import RateLimited
from chalicelib.observability import logger
from chalicelib.store import models
from chalicelib.store.base import condition_failed
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import RateItem
from chalicelib.tenancy.service import tenant_quotas
from chalicelib.usage.signals import api_throttled

QUOTA = "api_requests_per_second"
CHUNKS_PER_SECOND = 10  # a container at the city's full rate leases about this many times a second
MAX_CHUNK = 100
KEEP_SECONDS = 120  # the window item's TTL after its second


def chunk_for(limit: int) -> int:
    """Tokens leased at once: a tenth of the rate (1 for rates under 20), at most 100."""
    return max(1, min(MAX_CHUNK, limit // CHUNKS_PER_SECOND))


@dataclass
class Bucket:
    second: int
    tokens: int = 0
    exhausted: bool = False


class RateLimiter:
    def __init__(self, clock: Callable[[], float] = time.time,
                 quota_of: Callable[[str], int | None] | None = None) -> None:
        self.clock = clock
        self.quota_of = quota_of or api_rate
        self._buckets: dict[str, Bucket] = {}

    def reset(self) -> None:
        self._buckets.clear()

    def admit(self, tenant_id: str) -> None:
        """Let one request of the city through, or raise RateLimited (429, ``Retry-After``)."""
        limit = self.quota_of(tenant_id)
        if limit is None:
            return
        second = int(self.clock())
        bucket = self._buckets.get(tenant_id)
        if bucket is None or bucket.second != second:
            bucket = self._buckets[tenant_id] = Bucket(second)
        if bucket.tokens > 0:
            bucket.tokens -= 1
            return
        if not bucket.exhausted:
            chunk = chunk_for(limit)
            got = self._lease(tenant_id, second, limit, chunk) or (chunk > 1 and self._lease(tenant_id, second,
                                                                                              limit, 1))
            if got:
                bucket.tokens = int(got) - 1
                return
            bucket.exhausted = True
        api_throttled(tenant_id)
        raise RateLimited(f"请求过于频繁, 请稍后再试 / this city's API rate limit ({limit}/s) is reached; "
                          "retry after the time in Retry-After", quota=QUOTA, limit=limit, retry_after=1)

    def _lease(self, tenant_id: str, second: int, limit: int, chunk: int) -> int:
        """``chunk`` tokens from the city's counter of ``second``, or 0 when they would pass the limit."""
        models.bind()
        tenant = TenantContext(tenant_id)
        item = RateItem(tenant.rate_pk("api", str(second)), "api")
        try:
            item.update(actions=[RateItem.used.add(chunk), RateItem.kind.set(RateItem),
                                 RateItem.tenant_id.set(tenant_id), RateItem.expires_at.set(second + KEEP_SECONDS)],
                        condition=RateItem.used.does_not_exist() | (RateItem.used <= limit - chunk))
        except PynamoDBException as exc:
            if condition_failed(exc):
                return 0
            logger.warning("rate limiter cannot reach storage; request admitted", extra={"error": str(exc)})
            return chunk
        return chunk


def api_rate(tenant_id: str) -> int | None:
    """The city's ``api_requests_per_second`` (None: not onboarded, no limit), from the profile cache."""
    quotas = tenant_quotas(tenant_id)
    return quotas.api_requests_per_second if quotas else None


_limiter: RateLimiter | None = None


def limiter() -> RateLimiter:
    """The container's limiter (built on first use; ``models.bind`` points it at the table)."""
    global _limiter
    if _limiter is None:
        models.bind()
        _limiter = RateLimiter()
    return _limiter
