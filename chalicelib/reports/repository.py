"""The dashboard's reads: every list a Query on a key or an index, known keys a BatchGetItem.

- request counters ``T#<t>#REQSTAT#<month>`` / ``department#<id>``, ``community#<id>``: one BatchGetItem
  for every (month, dimension) the dashboard shows (100 keys a call);
- open requests: the departments' queues (gsi2 ``T#<t>#REQD#<department>``), one Query each — the rates
  need them too; resolved ones waiting for their reopen window: gsi2 ``T#<t>#REQCLOSE``, one Query;
- active alerts: gsi1 ``T#<t>#ALERTS#<open|acknowledged>#<severity>``, one Query per partition and place
  prefix the caller may see;
- devices: the census the city health job writes every 5 minutes (``T#<t>#DEVCENSUS`` / community: total,
  online, by type), one Query; when it is older than two runs or misses a community (a city just onboarded,
  a local stack between runs) and for the job itself, counted live: gsi1 ``T#<t>#DEVICES#<community>``, one
  Query per community, and their newest sample times from the alert-core state items
  (``T#<t>#DEV#<device>`` / ``STATE``), one BatchGetItem per 100 devices.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.alerts.models import ACTIVE, Severity
from chalicelib.care.activity import STATE, DeviceActivityView
from chalicelib.requests.stats import CATEGORY, COUNTERS
from chalicelib.store.base import TenantRepository, doc_of, storage_errors
from chalicelib.store.models import AlertItem, DeviceCensusItem, DeviceItem, RequestItem, RequestStatsItem

Doc = dict[str, Any]


class DashboardReader(TenantRepository):
    def counters(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
        """Counters by (month, ``<dimension>#<id>``); keys never written are simply absent."""
        wanted = {(self.tenant.request_stats_pk(month), sk) for month, sk in keys}
        if not wanted:
            return {}
        items = self._guard(lambda: list(RequestStatsItem.batch_get(wanted)))
        return {(str(i.pk).rsplit("#", 1)[-1], str(i.sk)): {k: int(getattr(i, k)) for k in COUNTERS} for i in items}

    def by_category(self, month: str) -> dict[tuple[str, str], dict[str, int]]:
        """The month's counters per (community, category): one Query."""
        pk = self.tenant.request_stats_pk(month)
        items = self._guard(lambda: list(RequestStatsItem.query(pk, RequestStatsItem.sk.startswith(CATEGORY))))
        out = {}
        for i in items:
            community, category = str(i.sk)[len(CATEGORY):].split("#", 1)
            out[(community, category)] = {k: int(getattr(i, k)) for k in COUNTERS}
        return out

    def open_requests(self, department_id: str) -> list[Doc]:
        """A department's requests still to be handled (any month)."""
        pk = self.tenant.department_requests_pk(department_id)
        return [doc_of(i) for i in self._guard(lambda: list(RequestItem.gsi2.query(pk)))]  # type: ignore[arg-type]

    def resolved_requests(self) -> list[Doc]:
        """Resolved requests still inside their reopen window (any month)."""
        pk = self.tenant.closing_requests_pk()
        return [doc_of(i) for i in self._guard(lambda: list(RequestItem.gsi2.query(pk)))]  # type: ignore[arg-type]

    def active_alerts(self, prefixes: list[str]) -> list[Doc]:
        """Open and acknowledged alerts under the place prefixes (``""``: the whole city)."""
        out: list[Doc] = []
        for state in sorted(ACTIVE):
            for severity in Severity:
                for prefix in prefixes:
                    out += self._alerts(self.tenant.alerts_pk(state.value, severity.value), prefix)
        return out

    def _alerts(self, pk: str, prefix: str) -> list[Doc]:
        cond = AlertItem.gsi1sk.startswith(prefix) if prefix else None
        return [doc_of(i) for i in self._guard(lambda: list(AlertItem.gsi1.query(pk, cond)))]  # type: ignore[arg-type]

    def devices(self, community_id: str) -> list[Doc]:
        pk = self.tenant.devices_pk(community_id)
        return [doc_of(i) for i in self._guard(lambda: list(DeviceItem.gsi1.query(pk)))]  # type: ignore[arg-type]

    def last_samples(self, device_ids: Iterable[str]) -> dict[str, float]:
        """The newest sample time (epoch ms, any metric) per device that has reported."""
        keys = {(self.tenant.device_pk(d), STATE) for d in device_ids}
        if not keys:
            return {}
        items = self._guard(lambda: list(DeviceActivityView.batch_get(keys, attributes_to_get=["pk", "doc"])))
        out: dict[str, float] = {}
        for item in items:
            series = json.loads(item.doc).get("s", {}) if item.doc else {}
            times = [float(row[0]) for row in series.values() if row]
            if times:
                out[str(item.pk).rsplit("#", 1)[-1]] = max(times)
        return out

    def census(self) -> dict[str, CommunityDevices]:
        """The last census of the city's devices, by community: one Query."""
        items = self._guard(lambda: list(DeviceCensusItem.query(self.tenant.device_census_pk())))
        return {str(i.sk): CommunityDevices(int(i.total), int(i.online),
                                            Counter({k: int(v) for k, v in i.by_type.as_dict().items()}),
                                            i.counted_at) for i in items}

    def save_census(self, rows: dict[str, CommunityDevices]) -> None:
        """Every community's row of a census, put whole (a community with no devices has a row too)."""
        pk = self.tenant.device_census_pk()
        with storage_errors(), DeviceCensusItem.batch_write() as batch:
            for community, row in rows.items():
                batch.save(DeviceCensusItem(pk, community, tenant_id=self.tenant.tenant_id, total=row.total,
                                            online=row.online, by_type=dict(row.by_type), counted_at=row.at))


@dataclass
class CommunityDevices:
    """A community's devices as counted at ``at``."""

    total: int
    online: int
    by_type: Counter[str]
    at: datetime
