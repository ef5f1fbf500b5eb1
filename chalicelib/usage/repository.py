"""Daily usage counters of a city: ``T#<t>#USAGE`` / ``YYYY-MM-DD`` (UTC), moved by atomic ``ADD``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from chalicelib.store.base import TenantRepository, now, storage_errors
from chalicelib.store.models import UsageItem

# What is counted per day (attributes of UsageItem); readers get 0 for a counter never moved.
COUNTED = ("api_requests", "api_throttled", "telemetry_messages", "telemetry_readings", "telemetry_dropped",
           "alerts_raised", "notifications", "broadcasts", "sms_sent", "voice_calls")


class UsageRepository(TenantRepository):
    def add(self, day: date, counts: Mapping[str, int]) -> None:
        """One UpdateItem: ``ADD`` every non-zero count to the day's item (created on first use)."""
        moved = {k: v for k, v in counts.items() if v and k in COUNTED}
        if not moved:
            return
        actions = [getattr(UsageItem, k).add(v) for k, v in moved.items()]
        actions += [UsageItem.kind.set(UsageItem), UsageItem.tenant_id.set(self.tenant.tenant_id),
                    UsageItem.updated_at.set(now())]
        with storage_errors():
            UsageItem(self.tenant.usage_pk(), day.isoformat()).update(actions=actions)

    def days(self, first: date, last: date) -> dict[str, dict[str, int]]:
        """Counters of each day in ``first..last`` that has any: one Query (366 items at most)."""
        def read() -> list[UsageItem]:
            return list(UsageItem.query(self.tenant.usage_pk(),
                                        UsageItem.sk.between(first.isoformat(), last.isoformat())))

        return {i.sk: {k: int(getattr(i, k) or 0) for k in COUNTED} for i in self._guard(read)}
