"""Alert-core state in DynamoDB: one item per device, read and written once per batch.

``T#<tenant>#DEV#<device>`` / ``STATE`` holds, as one compact document, the device's series
(last sample and EWMA baseline per metric) and rule states (latch, run, count ring,
last presence): one write unit for a device's batch, no index entry to rewrite with it.

The absence sweep finds what is due through lists, not an index on the state: each batch writes,
per minute in which some of its devices' next absence due dates fall, one item listing them
(``T#<tenant>#DUEAT#<day>`` / ``<minute>#<batch>``, gone by TTL a week later) — a few write units a
batch instead of rewriting an index entry (delete and put, the whole item projected) on every state
write. A listing may be early (the device sent again since, and its new due date is listed too): the
sweep reads the device's state and decides on that.

Writes are conditional on the version read (optimistic concurrency). The telemetry queue is
a standard queue, so two concurrent batches can carry the same device: the second write of
the device's state is refused, and the batch re-reads that device (strongly consistent) and
re-runs that device's readings on top (``telemetry.pipeline``); the engine drops what the
other batch already applied as late, so the re-run is idempotent. A FIFO queue with one
message group per device would avoid the conflicts instead, at FIFO's limits (300 API calls
per second per queue, 3,000 messages with batching, or high-throughput mode's per-group
ordering with at most one in-flight batch per device) — and with no batching across devices
of a message group.
"""

from __future__ import annotations

import contextvars
import threading
import uuid
from multiprocessing.pool import ThreadPool
from typing import Any

import numpy as np
import orjson
from pynamodb.attributes import BinaryAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.alertcore import policy as P
from chalicelib.alertcore.batch import Devices, Result, RuleState, SeriesState
from chalicelib.alertcore.engine import SeriesIndex
from chalicelib.alertcore.plan import Plan
from chalicelib.alertcore.prepare import Prepared
from chalicelib.errors import Conflict
from chalicelib.rules.models import AbsenceRule
from chalicelib.store import models
from chalicelib.store.base import storage_errors
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import Entity

SK = "STATE"
MINUTE_MS = 60_000
DAY_MS = 86_400_000
KEEP_LISTS_S = 8 * 86_400  # a week of sweeps to catch up on (readings older than that are refused)
WRITERS = 8  # concurrent conditional writes per batch (BatchWriteItem takes no conditions)
_writers: ThreadPool | None = None
_writers_made = threading.Lock()


def _pool() -> ThreadPool:
    """The container's writer threads, made once. Daemon threads: a process that is stopping does not
    wait for a batch's writes (a redelivered batch redoes them)."""
    global _writers
    with _writers_made:
        if _writers is None:
            _writers = ThreadPool(WRITERS)
        return _writers


Version = int | None  # the stored version read; None: the device has no state item yet


class DeviceStateItem(Entity, discriminator="device_state"):
    device_type = UnicodeAttribute()
    doc = BinaryAttribute(legacy_encoding=False)


class DueListItem(Entity, discriminator="due_list"):
    """Devices of one batch whose next absence due date falls in one minute, space-separated."""

    devices = UnicodeAttribute()
    expires_at = NumberAttribute(null=True)  # TTL (epoch seconds)


def due_list_pk(tenant: TenantContext, day: int) -> str:
    return tenant.key("DUEAT", str(day))


def index_dues(tenant: TenantContext, plan: Plan, docs: dict[str, dict[str, Any]], types: dict[str, str],
               now_ms: int) -> None:
    """List each device under the minute of its next absence due date (never a minute the sweep may
    already have done: not before the next one), one item per minute, written together."""
    by_minute: dict[int, list[str]] = {}
    soonest = now_ms // MINUTE_MS + 1
    for device_id, doc in docs.items():
        due = next_due(doc, plan, types[device_id])
        if due is not None:
            by_minute.setdefault(max(due // MINUTE_MS, soonest), []).append(device_id)
    if not by_minute:
        return
    models.bind()
    batch = uuid.uuid4().hex[:12]
    with storage_errors(), DueListItem.batch_write() as writer:
        for minute, ids in by_minute.items():
            writer.save(DueListItem(due_list_pk(tenant, minute * MINUTE_MS // DAY_MS), f"{minute:010d}#{batch}",
                                    tenant_id=tenant.tenant_id, devices=" ".join(ids),
                                    expires_at=minute * 60 + KEEP_LISTS_S))


def next_due(doc: dict[str, Any], plan: Plan, device_type: str) -> int | None:
    """The earliest due time of the device's absence rules that have not fired yet."""
    dues = []
    for r in plan.rules:
        rule = r.rule
        if isinstance(rule, AbsenceRule) and plan.types[r.type_index] == device_type:
            st = doc["r"].get(rule.id)
            if st and st[4] != P.NO_TS and not st[0]:
                dues.append(st[4] + round(rule.period_seconds * 1000))
    return min(dues) if dues else None


class DynamoStateStore:
    """The engine's state store (``alertcore.core.StateStore``) for one tenant and batch."""

    def __init__(self, tenant: TenantContext, plan: Plan, device_ids: list[str], device_types: list[str],
                 now_ms: int) -> None:
        models.bind()
        self.tenant, self.plan, self.ids, self.types, self.now_ms = tenant, plan, device_ids, device_types, now_ms
        self.docs: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, Version] = {}
        self.consistent = False  # a re-read after a conflict must see the write that won
        self.conflicts: list[int] = []  # batch devices whose last save lost to another batch
        self.prep: Prepared | None = None  # of the last save: which series belong to which device

    def forget(self, devices: list[int]) -> None:
        """Drop what was read of these batch devices, so the next ``load`` reads them again."""
        for d in devices:
            self.docs.pop(self.ids[d], None)
            self.versions.pop(self.ids[d], None)

    def _groups(self, prep: Prepared, devices: Devices) -> dict[int, np.ndarray]:
        series_type = devices.type_index[prep.series_dev] if len(prep.series_dev) else prep.series_dev
        index = SeriesIndex(self.plan, series_type, prep.series_met, prep.series_dev, devices)
        return {r.index: index.groups(r) for r in self.plan.rules}

    def load(self, prep: Prepared, devices: Devices, numbers: np.ndarray) -> tuple[SeriesState, dict[int, RuleState]]:
        wanted = [self.ids[d] for d in np.unique(prep.series_dev).tolist()]
        keys = [(self.tenant.device_pk(d), SK) for d in wanted]
        self.versions.update(dict.fromkeys(wanted))
        with storage_errors():
            for item in DeviceStateItem.batch_get(keys, consistent_read=self.consistent):
                device_id = item.pk.rsplit("#", 1)[-1]
                self.docs[device_id], self.versions[device_id] = orjson.loads(item.doc), int(item.version)
        series = SeriesState.fresh(len(prep.series_dev))
        for g, (d, m) in enumerate(zip(prep.series_dev.tolist(), prep.series_met.tolist(), strict=True)):
            row = self.docs.get(self.ids[d], {}).get("s", {}).get(self.plan.metrics[m])
            if row:
                series.last_ts[g], series.last_val[g], series.mean[g], series.var[g], series.n[g] = row
        rules: dict[int, RuleState] = {}
        for r, groups in self._groups(prep, devices).items():
            if not len(groups):
                continue
            rule = self.plan.rules[r].rule
            st = RuleState.fresh(len(groups), getattr(rule, "max_count", 0))
            for i, d in enumerate(prep.series_dev[groups].tolist()):
                row = self.docs.get(self.ids[d], {}).get("r", {}).get(rule.id)
                if row:
                    st.active[i], st.run[i], st.run_start[i], st.over[i], st.last_present[i] = row[:5]
                    if st.recent.shape[1]:
                        st.recent[i] = row[5][-st.recent.shape[1]:] if len(row[5]) else P.NO_TS
            rules[r] = st
        return series, rules

    def save(self, prep: Prepared, devices: Devices, numbers: np.ndarray, result: Result) -> None:
        s = result.series
        for g, (d, m) in enumerate(zip(prep.series_dev.tolist(), prep.series_met.tolist(), strict=True)):
            doc = self.docs.setdefault(self.ids[d], {"s": {}, "r": {}})
            doc["s"][self.plan.metrics[m]] = [int(s.last_ts[g]), float(s.last_val[g]), float(s.mean[g]),
                                               float(s.var[g]), int(s.n[g])]
        for r, groups in self._groups(prep, devices).items():
            st = result.rules.get(r)
            if st is None:
                continue
            rule_id = self.plan.rules[r].rule.id
            for i, d in enumerate(prep.series_dev[groups].tolist()):
                self.docs[self.ids[d]]["r"][rule_id] = [
                    bool(st.active[i]), int(st.run[i]), int(st.run_start[i]), bool(st.over[i]),
                    int(st.last_present[i]), st.recent[i].tolist()]
        touched = np.unique(prep.series_dev).tolist()
        docs = {self.ids[d]: self.docs[self.ids[d]] for d in touched}
        types = {self.ids[d]: self.types[d] for d in touched}
        index_dues(self.tenant, self.plan, docs, types, self.now_ms)  # listed before written: never late
        lost = write_docs(self.tenant, self.plan, docs, types, {self.ids[d]: self.versions.get(self.ids[d])
                                                                for d in touched})
        self.conflicts = [d for d in touched if self.ids[d] in lost]
        self.prep = prep


def write_docs(tenant: TenantContext, plan: Plan, docs: dict[str, dict[str, Any]], types: dict[str, str],
               versions: dict[str, Version]) -> set[str]:
    """One conditional write per device: it succeeds only while the stored version is still
    ``versions[device]``. Returns the devices whose write lost."""
    models.bind()

    def put(device_id: str) -> bool:
        version = versions[device_id]
        item = DeviceStateItem(tenant.device_pk(device_id), SK, tenant_id=tenant.tenant_id,
                               device_type=types[device_id], doc=orjson.dumps(docs[device_id]),
                               version=(version or 0) + 1)
        read = DeviceStateItem.pk.does_not_exist() if version is None else DeviceStateItem.version == version
        try:
            with storage_errors(on_condition=Conflict("device state changed", field="device")):
                item.save(condition=read)
        except Conflict:
            return False
        return True

    ids = list(docs)
    if len(ids) <= 1:
        done = [put(d) for d in ids]
    else:  # each write in a copy of this context: the city's credentials (store.scope) go along
        done = _pool().map(lambda d: contextvars.copy_context().run(put, d), ids, chunksize=1)
    return {d for d, ok in zip(ids, done, strict=True) if not ok}
