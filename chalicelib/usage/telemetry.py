"""The telemetry allowance per city (``telemetry_messages_per_minute``), and the batch's usage count.

One ``UpdateItem`` per city per batch: ``ADD used :n`` on ``T#<t>#RATE#telemetry#<epoch minute>``
(TTL), returning the new total. What the minute had left is admitted; the rest of the batch is
dropped — acknowledged, not retried, not dead-lettered — counted (``TelemetryDropped``, usage
``telemetry_dropped``). The counter counts dropped messages too: a city that keeps sending over
its allowance stays over it for the rest of the minute. No numpy here: the API imports this package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pynamodb.exceptions import PynamoDBException

from chalicelib.observability import logger
from chalicelib.store import models
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import RateItem
from chalicelib.tenancy.service import tenant_quotas
from chalicelib.usage.meter import meter
from chalicelib.usage.signals import telemetry_dropped

T = TypeVar("T")
KEEP_SECONDS = 600


def admit_batch(tenant: TenantContext, items: Sequence[T], now_ms: int) -> list[T]:
    """The first messages of ``items`` that fit in the city's allowance for this minute; the rest are
    counted as dropped. If storage cannot be reached the whole batch is admitted."""
    quotas = tenant_quotas(tenant.tenant_id)
    if quotas is None or not items:
        return list(items)
    limit, minute = quotas.telemetry_per_minute, now_ms // 60_000
    models.bind()
    item = RateItem(tenant.rate_pk("telemetry", str(minute)), "telemetry")
    try:
        out = item.update(actions=[RateItem.used.add(len(items)), RateItem.kind.set(RateItem),
                                   RateItem.tenant_id.set(tenant.tenant_id),
                                   RateItem.expires_at.set(minute * 60 + KEEP_SECONDS)])
    except PynamoDBException as exc:
        logger.warning("telemetry allowance unknown; batch admitted", extra={"error": str(exc)})
        return list(items)
    used = int(out["Attributes"]["used"]["N"])
    allowed = max(0, min(len(items), limit - (used - len(items))))
    dropped = len(items) - allowed
    if dropped:
        telemetry_dropped(tenant.tenant_id, dropped)
        meter.count(tenant.tenant_id, telemetry_dropped=dropped)
    return list(items[:allowed])


def count_batch(tenant_id: str, messages: int, readings: int, alerts_raised: int) -> None:
    """The batch in the city's usage (written by ``meter.flush()`` at the end of the invocation)."""
    meter.count(tenant_id, telemetry_messages=messages, telemetry_readings=readings, alerts_raised=alerts_raised)
