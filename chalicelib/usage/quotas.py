"""Count quotas (devices, residents) kept as counters moved in the same transaction as what they count.

``T#<t>#QUOTA`` / ``<quota>`` holds ``used``. Adding a device (or a registration) is one
TransactWriteItems: the device item, conditioned on not existing, and ``ADD used 1`` on the counter,
conditioned on ``used < limit``; removing one moves the counter by ``-1`` the same way. So the count
is exact and a refusal writes nothing. A city onboarded before the counters existed has none: the
first write that finds it missing counts what is there (a few Queries on the indexes, once), seeds
the counter, and tries again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.errors import AppError, QuotaExceeded, StorageError
from chalicelib.store.base import TenantRepository, condition_failed, now, transaction
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import DeviceItem, QuotaItem, ResidentItem
from chalicelib.tenancy.repository import TenantConfigRepository
from chalicelib.tenancy.service import TenantService, tenant_quotas
from chalicelib.usage.signals import quota_refused

DEVICES, RESIDENTS, STAFF_USERS = "devices", "residents", "staff_users"
TZ = "Asia/Shanghai"
MESSAGES = {DEVICES: "设备数已达上限 / device quota reached",
            RESIDENTS: "居民登记数已达上限 / resident quota reached"}
# Registrations that hold a place in the residents quota (a rejected one gives its place back).
COUNTED_REGISTRATIONS = ("pending", "verified")


def _communities(tenant: TenantContext) -> list[str]:
    return [n["id"] for n in TenantConfigRepository(tenant).list_nodes("community")]


def count_devices(tenant: TenantContext) -> int:
    """Devices in the city: one Select=COUNT Query per community on the devices index."""
    return sum(DeviceItem.gsi1.count(tenant.devices_pk(c)) for c in _communities(tenant))  # type: ignore[arg-type]


def count_residents(tenant: TenantContext) -> int:
    """Pending and verified registrations: one COUNT Query per community and status."""
    return sum(ResidentItem.gsi1.count(tenant.registrations_pk(c, s))  # type: ignore[arg-type]
               for c in _communities(tenant) for s in COUNTED_REGISTRATIONS)


COUNTERS: dict[str, Callable[[TenantContext], int]] = {DEVICES: count_devices, RESIDENTS: count_residents}


class QuotaCounter(TenantRepository):
    """One count quota of one city, and the transactions that move it."""

    def __init__(self, tenant: TenantContext, quota: str, limit: int | None = None) -> None:
        super().__init__(tenant)
        self.quota = quota
        quotas = tenant_quotas(tenant.tenant_id) if limit is None else None
        self.limit = limit if limit is not None else int(getattr(quotas, quota)) if quotas else None

    def _item(self) -> QuotaItem:
        return QuotaItem(self.tenant.quota_pk(), self.quota)

    def used(self) -> int | None:
        item = self._get(QuotaItem, self.tenant.quota_pk(), self.quota)
        return int(item.used) if item else None

    def seed(self) -> int:
        """Count what the quota counts and store it, unless a counter appeared meanwhile."""
        used = self._guard(lambda: COUNTERS[self.quota](self.tenant))
        stamp = now()
        item = QuotaItem(self.tenant.quota_pk(), self.quota, tenant_id=self.tenant.tenant_id, used=used,
                         created_at=stamp, updated_at=stamp)
        self._written(lambda: item.save(condition=QuotaItem.pk.does_not_exist()))
        return used

    def write(self, delta: int, writes: Callable[[TransactWrite], None],
              refused: Callable[[TransactWriteError], AppError]) -> None:
        """``writes`` and the counter moved by ``delta``, in one transaction (the counter last).

        ``refused`` makes the error for a condition of ``writes`` that failed; when the counter's
        condition fails, QuotaExceeded (409) — or, the counter missing, it is seeded and tried once more.
        """
        for attempt in (1, 2):
            try:
                with transaction() as tx:
                    writes(tx)
                    self._move(tx, delta)
                return
            except PynamoDBException as exc:
                if not condition_failed(exc):
                    raise StorageError(f"storage call failed: {type(exc).__name__}") from exc
                if not isinstance(exc, TransactWriteError):
                    raise StorageError(f"storage call failed: {type(exc).__name__}") from exc
                failed = first_failed(exc)
                if failed is None or failed < len(exc.cancellation_reasons) - 1:
                    raise refused(exc) from exc
                used = self.used()
                if used is None and attempt == 1:
                    self.seed()
                    continue
                raise self.exceeded(used or 0) from exc

    def _move(self, tx: TransactWrite, delta: int) -> None:
        item = self._item()
        actions: list[Action] = [QuotaItem.used.add(delta), QuotaItem.updated_at.set(now())]
        if delta > 0 and self.limit is not None:
            tx.update(item, actions=actions, condition=QuotaItem.used < self.limit - delta + 1)
        else:
            tx.update(item, actions=actions, condition=QuotaItem.used.exists())

    def exceeded(self, used: int) -> QuotaExceeded:
        quota_refused(self.tenant.tenant_id, self.quota)
        return QuotaExceeded(MESSAGES.get(self.quota, f"{self.quota} quota reached"), quota=self.quota,
                             limit=self.limit or 0, used=used)


def first_failed(exc: TransactWriteError) -> int | None:
    """The position of the first transaction item whose condition failed."""
    return next((n for n, r in enumerate(exc.cancellation_reasons)
                 if r is not None and r.code == "ConditionalCheckFailed"), None)


def quota_use(tenant: TenantContext) -> dict[str, dict[str, int]]:
    """Each quota of the city: its ``limit`` and, for counts, what is ``used`` (ops screen, usage report).

    Two GetItems and one Query of the config partition; a counter never written yet is counted.
    """
    quotas = tenant_quotas(tenant.tenant_id)
    if quotas is None:
        return {}
    out: dict[str, dict[str, int]] = {}
    for quota in (DEVICES, RESIDENTS):
        counter = QuotaCounter(tenant, quota, getattr(quotas, quota))
        used = counter.used()
        out[quota] = {"limit": getattr(quotas, quota), "used": used if used is not None else counter.seed()}
    staff: list[Any] = TenantConfigRepository(tenant).list_type("user")
    out[STAFF_USERS] = {"limit": quotas.staff_users, "used": len(staff)}
    out["api_requests_per_second"] = {"limit": quotas.api_requests_per_second}
    out["telemetry_messages_per_minute"] = {"limit": quotas.telemetry_per_minute}
    from chalicelib.notify.repository import NotifyRepository, this_month  # the usage page only: not per request

    sent = NotifyRepository(tenant).sent(this_month(str(TenantService(tenant).profile().get("timezone", TZ))))
    out["sms_per_month"] = {"limit": quotas.sms_per_month, "used": sent["sms"]}
    out["voice_calls_per_month"] = {"limit": quotas.voice_calls_per_month, "used": sent["voice"]}
    return out
