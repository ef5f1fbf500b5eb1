"""Step 1: validate a batch and lay it out as contiguous series.

A batch that arrives grouped (each message one device's samples, metric by metric) is
used as it is; otherwise one stable sort on the int64 series key groups it, keeping
arrival order inside each series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chalicelib.alertcore import policy as P
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


def prepare(r: Readings, devices: Devices, plan: Plan, now_ms: int) -> Prepared:
    n = len(r)
    rejected = dict.fromkeys(P.REJECT_REASONS, 0)
    known_dev = (r.dev >= 0) & (r.dev < len(devices.type_index))
    rejected["unknown_device"] = int(n - known_dev.sum())
    dtype = devices.type_index[np.where(known_dev, r.dev, 0)] if len(devices.type_index) else np.zeros(n, np.int32)
    m_ok = (r.met >= 0) & (r.met < len(plan.metrics))
    valid_metric = known_dev & m_ok
    valid_metric[valid_metric] = plan.valid[dtype[valid_metric], r.met[valid_metric]]
    rejected["unknown_metric"] = int(known_dev.sum() - valid_metric.sum())
    finite = np.isfinite(r.val)
    rejected["bad_value"] = int((valid_metric & ~finite).sum())
    in_time = (r.ts >= now_ms - P.MAX_AGE_MS) & (r.ts <= now_ms + P.MAX_FUTURE_MS)
    ok = valid_metric & finite
    rejected["bad_time"] = int((ok & ~in_time).sum())
    ok &= in_time
    position = np.flatnonzero(ok)
    dev, met, ts, val = r.dev[position], r.met[position], r.ts[position], r.val[position]
    key = dev.astype(np.int64) * len(plan.metrics) + met
    was_sorted = False
    if len(key) > 1:
        change = np.flatnonzero(key[1:] != key[:-1]) + 1
        run_keys = key[np.concatenate(([0], change))]
        if len(np.unique(run_keys)) != len(run_keys):  # some series is split: group by one stable sort
            order = np.argsort(key, kind="stable")
            dev, met, ts, val = dev[order], met[order], ts[order], val[order]
            position, key = position[order], key[order]
            was_sorted = True
    if len(key):
        starts = np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1))
        lengths = np.diff(np.concatenate((starts, [len(key)])))
    else:
        starts = lengths = np.empty(0, np.int64)
    return Prepared(dev, met, ts, val, position, lengths.astype(np.int64), dev[starts].astype(np.int32),
                    met[starts].astype(np.int32), rejected, was_sorted)
