"""State kept between batches, in memory, looked up with array code.

Series are keyed ``device * n_metrics + metric`` and rule states ``device`` per rule,
where ``device`` is a stable int64 number of the device (not the batch-local index).
Lookups are one ``searchsorted`` per table; new keys are merged in with one sort.
The DynamoDB-backed store (``chalicelib.telemetry``) packs the same arrays per device.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from chalicelib.alertcore.batch import Devices, Result, RuleState, SeriesState
from chalicelib.alertcore.engine import SeriesIndex
from chalicelib.alertcore.plan import Plan
from chalicelib.alertcore.policy import NO_TS
from chalicelib.alertcore.prepare import Prepared


class _Table:
    """Sorted int64 keys with column arrays (any trailing shape)."""

    def __init__(self, template: object) -> None:
        self.keys = np.empty(0, np.int64)
        self.columns = {f.name: getattr(template, f.name)[:0].copy() for f in fields(template)}  # type: ignore[arg-type]

    def load(self, keys: np.ndarray, fresh: object) -> None:
        """Fill ``fresh`` (a state dataclass aligned to ``keys``) with stored rows where present."""
        if len(self.keys) == 0 or len(keys) == 0:
            return
        at = np.clip(np.searchsorted(self.keys, keys), 0, len(self.keys) - 1)
        found = self.keys[at] == keys
        for name, col in self.columns.items():
            getattr(fresh, name)[found] = col[at[found]]

    def save(self, keys: np.ndarray, state: object) -> None:
        at = np.clip(np.searchsorted(self.keys, keys), 0, max(len(self.keys) - 1, 0))
        found = (self.keys[at] == keys) if len(self.keys) else np.zeros(len(keys), bool)
        for name, col in self.columns.items():
            col[at[found]] = getattr(state, name)[found]
        new = ~found
        if new.any():
            keys_all = np.concatenate((self.keys, keys[new]))
            order = np.argsort(keys_all, kind="stable")
            self.keys = keys_all[order]
            for name in self.columns:
                self.columns[name] = np.concatenate((self.columns[name], getattr(state, name)[new]))[order]


class MemoryStateStore:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.series = _Table(SeriesState.fresh(0))
        self.rules = {r.index: _Table(RuleState.fresh(0, getattr(r.rule, "max_count", 0))) for r in plan.rules}

    def _series_keys(self, prep: Prepared, numbers: np.ndarray) -> np.ndarray:
        return numbers[prep.series_dev].astype(np.int64) * len(self.plan.metrics) + prep.series_met

    def _groups(self, prep: Prepared, devices: Devices) -> dict[int, np.ndarray]:
        series_type = devices.type_index[prep.series_dev] if len(prep.series_dev) else prep.series_dev
        index = SeriesIndex(self.plan, series_type, prep.series_met, prep.series_dev, devices)
        return {r.index: index.groups(r) for r in self.plan.rules}

    def load(self, prep: Prepared, devices: Devices, numbers: np.ndarray) -> tuple[SeriesState, dict[int, RuleState]]:
        """State for the series of ``prep``; ``numbers[d]`` is the stable number of batch device d."""
        series = SeriesState.fresh(len(prep.series_dev))
        self.series.load(self._series_keys(prep, numbers), series)
        rules: dict[int, RuleState] = {}
        for r, groups in self._groups(prep, devices).items():
            if len(groups):
                st = RuleState.fresh(len(groups), getattr(self.plan.rules[r].rule, "max_count", 0))
                self.rules[r].load(numbers[prep.series_dev[groups]].astype(np.int64), st)
                rules[r] = st
        return series, rules

    def save(self, prep: Prepared, devices: Devices, numbers: np.ndarray, result: Result) -> None:
        self.series.save(self._series_keys(prep, numbers), result.series)
        for r, groups in self._groups(prep, devices).items():
            if r in result.rules:
                self.rules[r].save(numbers[prep.series_dev[groups]].astype(np.int64), result.rules[r])

    def sweep(self, now_ms: int) -> list[tuple[int, int, int]]:
        """Absence rules past their due date raise once: (device number, rule index, due ms)."""
        out: list[tuple[int, int, int]] = []
        for r in self.plan.rules:
            if r.kind != "absence":
                continue
            table = self.rules[r.index]
            last, fired = table.columns["last_present"], table.columns["active"]
            due = last + round(r.rule.period_seconds * 1000)  # type: ignore[union-attr]
            hit = np.flatnonzero((last != NO_TS) & ~fired & (due <= now_ms))
            fired[hit] = True
            out += [(int(k), r.index, int(d)) for k, d in zip(table.keys[hit], due[hit], strict=True)]
        return sorted(out)
