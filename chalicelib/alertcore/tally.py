"""Tallies over tumbling local-time windows, with array code: what happened per key per day and per
week (the entrance passages of ``chalicelib/access``: per household, entries each day, night entries,
distinct cards), and which keys cross a city's thresholds.

Unlike the streaming rules of ``kinds.py`` these windows are calendar days and weeks, and the running
totals live in storage as sets (a passage delivered twice counts once, concurrent batches add without
losing each other): a batch is laid out here — local day, weekday, week, night — grouped per
(key, week) with one stable sort, and the totals read back are judged for every group at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chalicelib.alertcore.segments import within_hours

MINUTES_A_DAY = 1440
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday: (day + 3) // 7 counts Monday-to-Sunday weeks


@dataclass(frozen=True)
class Layout:
    day: np.ndarray  # local days since 1970-01-01
    weekday: np.ndarray  # 0 = Monday
    week: np.ndarray  # local Monday-to-Sunday weeks since the one of 1970-01-01
    night: np.ndarray  # bool: inside the night hours


def layout(ts_ms: np.ndarray, offset_minutes: int, night_start: int, night_end: int) -> Layout:
    """Where each epoch-ms time falls in local time (a fixed UTC offset: China keeps no summer time)."""
    local = ts_ms.astype(np.int64) // 60_000 + offset_minutes
    day = local // MINUTES_A_DAY
    return Layout(day, (day + EPOCH_WEEKDAY) % 7, (day + EPOCH_WEEKDAY) // 7,
                  within_hours(local % MINUTES_A_DAY, night_start, night_end))


def monday(week: int) -> int:
    """The local day number of a week's Monday."""
    return week * 7 - EPOCH_WEEKDAY


@dataclass(frozen=True)
class Groups:
    keys: np.ndarray  # (G, 2): key, week — sorted
    order: np.ndarray  # element indexes, group by group, arrival order inside each
    starts: np.ndarray  # (G,) where each group begins in ``order``
    lengths: np.ndarray  # (G,)

    def members(self, g: int) -> np.ndarray:
        return self.order[self.starts[g]:self.starts[g] + self.lengths[g]]


def by_key_and_week(key: np.ndarray, week: np.ndarray) -> Groups:
    """Elements grouped per (key, week): one stable sort of the combined codes."""
    if len(key) == 0:
        empty = np.empty(0, np.int64)
        return Groups(np.empty((0, 2), np.int64), empty, empty, empty)
    code = key.astype(np.int64) * (1 << 32) + week.astype(np.int64)
    order = np.argsort(code, kind="stable")
    uniq, starts, lengths = np.unique(code[order], return_index=True, return_counts=True)
    return Groups(np.stack([uniq >> 32, uniq & 0xFFFFFFFF], axis=1), order, starts, lengths)


@dataclass(frozen=True)
class Thresholds:
    daily_entries: int
    busy_days: int
    weekly_cards: int
    weekly_night_entries: int


def judge(entries: np.ndarray, cards: np.ndarray, night: np.ndarray, t: Thresholds) -> np.ndarray:
    """(G, 3) booleans for the week totals of G keys — ``entries`` (G, 7), ``cards`` and ``night`` (G,):
    busy days (more than ``daily_entries`` on at least ``busy_days`` days), too many distinct cards, too
    many night entries."""
    busy = (entries > t.daily_entries).sum(axis=1) >= t.busy_days
    return np.stack([busy, cards > t.weekly_cards, night > t.weekly_night_entries], axis=1)
