"""Last activity of a care subject's devices, from their alert-core state items.

The telemetry pipeline keeps one state item per device (``T#<t>#DEV#<device>`` / ``STATE``, see
``telemetry/state.py``) whose ``doc`` holds, per metric, the newest sample (epoch ms first). That
module needs numpy, which the API never imports, so the items are read here through a read-only
view: only ``pk`` and ``doc`` are fetched, so the stored ``kind`` does not pick the class.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.attributes import BinaryAttribute

from chalicelib.store.base import TenantRepository
from chalicelib.store.models import Entity

STATE = "STATE"
# Samples that show the device is alive, not that anyone did anything.
_NOT_ACTIVITY = frozenset({"battery"})
_DOOR = "opened"


class DeviceActivityView(Entity, discriminator="device_state_view"):
    """Never written: a projection of ``telemetry.state.DeviceStateItem``."""

    doc = BinaryAttribute(legacy_encoding=False, null=True)


@dataclass(frozen=True)
class Activity:
    last: datetime | None = None  # newest sample of any activity metric
    last_device: str | None = None
    door: datetime | None = None  # newest door open/close


def _at(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000.0, UTC)


class ActivityReader(TenantRepository):
    def of(self, device_ids: Iterable[str]) -> dict[str, dict[str, float]]:
        """Newest sample time (ms) per activity metric, per device that has reported (BatchGetItem)."""
        keys = {(self.tenant.device_pk(d), STATE) for d in device_ids}
        if not keys:
            return {}
        items = self._guard(lambda: list(DeviceActivityView.batch_get(keys, attributes_to_get=["pk", "doc"])))
        out: dict[str, dict[str, float]] = {}
        for item in items:
            series = json.loads(item.doc).get("s", {}) if item.doc else {}
            out[item.pk.rsplit("#", 1)[-1]] = {m: float(row[0]) for m, row in series.items()
                                               if m not in _NOT_ACTIVITY and row and row[0] > 0}
        return out


def summarize(times: dict[str, dict[str, float]], device_ids: Iterable[str]) -> Activity:
    """The newest activity among ``device_ids``, and the newest door activity."""
    last, device, door = 0.0, None, 0.0
    for d in device_ids:
        for metric, ms in times.get(d, {}).items():
            if ms > last:
                last, device = ms, d
            if metric == _DOOR:
                door = max(door, ms)
    return Activity(_at(last) if last else None, device, _at(door) if door else None)
