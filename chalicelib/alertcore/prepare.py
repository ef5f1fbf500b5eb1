"""Step 1: validate a batch and lay it out as contiguous series.

A batch that arrives grouped (each message one device's samples, metric by metric) is
used as it is. Otherwise its runs (maximal stretches of one series) are put in series
order with one stable sort of the run keys — a sort of runs, not of readings — which
keeps arrival order inside each series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chalicelib.alertcore import policy as P
from chalicelib.alertcore import segments as S
from chalicelib.alertcore.batch import Devices, Readings
from chalicelib.alertcore.plan import Plan


@dataclass
class Prepared:
    dev: np.ndarray  # int32 (n,) valid readings, grouped by series
    met: np.ndarray
    ts: np.ndarray
    val: np.ndarray
    position: np.ndarray  # int64 (n,) index in the original batch
    lengths: np.ndarray  # int64 (G,) readings per series
    series_dev: np.ndarray  # int32 (G,)
    series_met: np.ndarray  # int32 (G,)
    rejected: dict[str, int]
    sorted: bool  # whether a sort was needed to group the batch


def _fast_valid(r: Readings, devices: Devices, plan: Plan, now_ms: int) -> bool:
    """Cheap reductions that prove every reading valid (the usual batch): no masks to build."""
    n_devices = len(devices.type_index)
    if n_devices == 0 or not len(r):
        return not len(r)
    if r.dev.min() < 0 or r.dev.max() >= n_devices or r.met.min() < 0 or r.met.max() >= len(plan.metrics):
        return False
    if r.ts.min() < now_ms - P.MAX_AGE_MS or r.ts.max() > now_ms + P.MAX_FUTURE_MS:
        return False
    if not np.isfinite(r.val).all():
        return False
    present = np.unique(devices.type_index)
    if plan.valid[present].all():
        return True
    return bool(plan.valid.ravel()[devices.type_index[r.dev].astype(np.int64) * len(plan.metrics) + r.met].all())


def prepare(r: Readings, devices: Devices, plan: Plan, now_ms: int) -> Prepared:
    n, n_metrics, n_devices = len(r), len(plan.metrics), len(devices.type_index)
    rejected = dict.fromkeys(P.REJECT_REASONS, 0)
    if _fast_valid(r, devices, plan, now_ms):
        position: np.ndarray = np.arange(n, dtype=np.int64)
        dev, met, ts, val = r.dev, r.met, r.ts, r.val
    else:
        known = (r.dev >= 0) & (r.dev < n_devices)
        both = known & (r.met >= 0) & (r.met < n_metrics)
        dtype = devices.type_index[np.where(known, r.dev, 0)] if n_devices else np.zeros(n, np.int32)
        fits = both & plan.valid.ravel()[np.where(both, dtype.astype(np.int64) * n_metrics + r.met, 0)]
        finite = np.isfinite(r.val)
        in_time = (r.ts >= now_ms - P.MAX_AGE_MS) & (r.ts <= now_ms + P.MAX_FUTURE_MS)
        rejected["unknown_device"] = int(n - known.sum())
        rejected["unknown_metric"] = int(known.sum() - fits.sum())
        rejected["bad_value"] = int((fits & ~finite).sum())
        rejected["bad_time"] = int((fits & finite & ~in_time).sum())
        position = np.flatnonzero(fits & finite & in_time)
        dev, met, ts, val = r.dev[position], r.met[position], r.ts[position], r.val[position]
    key = dev.astype(np.int64) * n_metrics + met
    starts = _run_starts(key)
    was_sorted = False
    if len(starts) and np.bincount(key[starts]).max() > 1:
        # Some series arrives in more than one run (a device sent two messages): order the runs
        # by series, keeping arrival order inside each. Runs, not readings, are sorted.
        lengths = np.diff(np.append(starts, len(key)))
        order = np.argsort(key[starts], kind="stable")
        idx = S.gather_ranges(starts[order], lengths[order])
        dev, met, ts, val, position, key = dev[idx], met[idx], ts[idx], val[idx], position[idx], key[idx]
        starts = _run_starts(key)
        was_sorted = True
    lengths = np.diff(np.append(starts, len(key))).astype(np.int64)
    return Prepared(dev, met, ts, val, position, lengths, dev[starts].astype(np.int32),
                    met[starts].astype(np.int32), rejected, was_sorted)


def _run_starts(key: np.ndarray) -> np.ndarray:
    if len(key) == 0:
        return np.empty(0, np.int64)
    return np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1))
