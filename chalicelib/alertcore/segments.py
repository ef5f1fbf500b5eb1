"""Segmented array helpers. A batch is laid out as contiguous groups (one per series);
``starts``/``lengths`` describe them and ``seg`` maps each element to its group.
Every function is O(n) array code: no Python loop over elements or groups."""

from __future__ import annotations

import numpy as np


def layout(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, seg) for groups of the given lengths (zero-length groups allowed)."""
    ends = np.cumsum(lengths)
    starts = ends - lengths
    seg = np.repeat(np.arange(len(lengths)), lengths)
    return starts, seg


def gather_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indices of the concatenated ranges [start, start + length) in order."""
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    new_starts = np.cumsum(lengths) - lengths
    offsets = np.repeat(starts - new_starts, lengths)
    return np.arange(total, dtype=np.int64) + offsets


def last_marked(mask: np.ndarray) -> np.ndarray:
    """For each i, the largest j <= i with mask[j], else -1 (across groups: check against starts)."""
    marker = np.where(mask, np.arange(len(mask)), -1)
    return np.maximum.accumulate(marker) if len(marker) else marker


def previous_in_group(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                      seed: np.ndarray) -> np.ndarray:
    """values shifted by one inside each group; the first element of a group gets its seed."""
    out = np.empty_like(values)
    if len(values):
        out[1:] = values[:-1]
        nonempty = lengths > 0
        out[starts[nonempty]] = seed[nonempty]
    return out


def last_of_group(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """The last element of each group, or the seed for empty groups."""
    out = seed.copy()
    nonempty = lengths > 0
    out[nonempty] = values[(starts + lengths - 1)[nonempty]]
    return out


def exclusive_cummax(values: np.ndarray, seg: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """max(seed[group], values before i in its group), for int64 values (timestamps)."""
    if len(values) == 0:
        return values.copy()
    lo = int(values.min())
    span = int(values.max()) - lo + 1
    lifted = (values - lo) + seg.astype(np.int64) * span  # groups become increasing bands
    running = np.maximum.accumulate(lifted)
    before = np.empty_like(running)
    before[0] = -1
    before[1:] = running[:-1]
    band = seg.astype(np.int64) * span
    prev = np.where(before >= band, before - band + lo, np.iinfo(np.int64).min)
    return np.maximum(prev, seed[seg])


def strictly_after(ts: np.ndarray, starts: np.ndarray, lengths: np.ndarray, seg: np.ndarray,
                   seed: np.ndarray) -> np.ndarray | None:
    """Mask of samples later than every earlier sample of their series and than the seed.

    None when all are (the common case: one cheap pass, no mask to apply)."""
    if len(ts) == 0:
        return None
    up = np.empty(len(ts), bool)
    up[0] = True
    np.greater(ts[1:], ts[:-1], out=up[1:])
    nonempty = lengths > 0
    first = starts[nonempty]
    up[first] = ts[first] > seed[nonempty]
    if up.all():
        return None
    # Only series with some step back need the running maximum.
    groups = np.flatnonzero(any_per_group(~up, seg, len(lengths)))
    idx = gather_ranges(starts[groups], lengths[groups])
    _, sub_seg = layout(lengths[groups])
    accepted = np.ones(len(ts), bool)
    accepted[idx] = ts[idx] > exclusive_cummax(ts[idx], sub_seg, seed[groups])
    return accepted


def any_per_group(mask: np.ndarray, seg: np.ndarray, groups: int) -> np.ndarray:
    """Whether each group has any True in ``mask``."""
    return np.bincount(seg[mask], minlength=groups) > 0


def within_hours(minute: np.ndarray, start: int, end: int) -> np.ndarray:
    """Minute of the day inside [start, end), the window wrapping midnight when ``start >= end``."""
    return (minute >= start) & (minute < end) if start < end else (minute >= start) | (minute < end)
