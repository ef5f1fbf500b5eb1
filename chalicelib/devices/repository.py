"""Devices in the tenant's partitions.

A device lives at ``T#<t>#DEV#<device>`` / ``DEVICE`` (the locks of its active alerts sit in
the same partition) and is indexed (GSI1) by community, sorted by place path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from chalicelib.devices.models import DEVICE_ID_PATTERN, Device
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.store.base import TenantRepository, doc_of, now
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import DeviceItem
from chalicelib.usage.quotas import DEVICES, QuotaCounter

DEVICE = "DEVICE"
_ID = re.compile(DEVICE_ID_PATTERN)



def _sort_key(device: Device) -> str:
    return "/".join(device.path) + "/#" + device.device_id


def device_item(tenant: TenantContext, device: Device) -> DeviceItem:
    stamp = now()
    item = DeviceItem(tenant.device_pk(device.device_id), DEVICE, tenant_id=tenant.tenant_id,
                      data=device.model_dump(mode="json"), created_at=stamp, updated_at=stamp)
    item.gsi1pk, item.gsi1sk = tenant.devices_pk(device.community_id), _sort_key(device)
    return item


class DeviceRepository(TenantRepository):
    def put(self, device: Device) -> None:
        """Register once: a second device with the same id in the city is a conflict; the device
        quota is taken in the same transaction (409 ``quota_exceeded``, nothing written)."""
        item = device_item(self.tenant, device)
        QuotaCounter(self.tenant, DEVICES).write(
            1, lambda tx: tx.save(item, condition=DeviceItem.pk.does_not_exist()),
            lambda _: Conflict(f"device {device.device_id!r} is already registered", field="device_id"))

    def get(self, device_id: str) -> Device | None:
        if not _ID.match(device_id):
            return None

        item = self._get(DeviceItem, self.tenant.device_pk(device_id), DEVICE)
        return Device.model_validate(doc_of(item)) if item else None

    def get_many(self, device_ids: Iterable[str]) -> dict[str, Device]:
        """The known devices among ``device_ids`` (BatchGetItem, 100 keys a call); unknown ids are left out."""
        keys = {(self.tenant.device_pk(i), DEVICE) for i in set(device_ids) if _ID.match(i)}
        items = self._guard(lambda: list(DeviceItem.batch_get(keys)))
        devices = (Device.model_validate(doc_of(i)) for i in items)
        return {d.device_id: d for d in devices}

    def by_community(self, community_id: str, limit: int,
                     after: str | None = None) -> tuple[list[Device], str | None]:
        """One page of a community's devices in path order, and the sort key to continue after."""
        gsi1pk = self.tenant.devices_pk(community_id)
        start = None
        if after:
            device_id = after.rsplit("#", 1)[-1]
            if not _ID.match(device_id):
                raise InvalidInput("cursor is not one this API returned", field="cursor")
            start = {"pk": {"S": self.tenant.device_pk(device_id)}, "sk": {"S": DEVICE},
                     "gsi1pk": {"S": gsi1pk}, "gsi1sk": {"S": after}}

        def read() -> tuple[list[Any], Any]:
            result = DeviceItem.gsi1.query(gsi1pk, limit=limit, last_evaluated_key=start)
            return list(result), result.last_evaluated_key

        items, last = self._guard(read)
        return [Device.model_validate(doc_of(i)) for i in items], (last["gsi1sk"]["S"] if last else None)
