"""The tumbling-window tally of entrance passages equals a per-passage loop over local dates."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.alertcore import tally

ZONE = ZoneInfo("Asia/Shanghai")
START = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp() * 1000)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 40 * 86_400_000)), min_size=0, max_size=300),
       st.integers(0, 1439), st.integers(0, 1439))
def test_layout_and_groups_match_local_calendar_dates(passages, night_start, night_end):
    keys = np.array([k for k, _ in passages], np.int64)
    ts = np.array([START + dt for _, dt in passages], np.int64)
    lay = tally.layout(ts, 480, night_start, night_end)
    groups = tally.by_key_and_week(keys, lay.week)
    expected: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, (key, dt) in enumerate(passages):
        local = datetime.fromtimestamp((START + dt) / 1000, ZONE)
        monday = local.date() - timedelta(days=local.weekday())
        expected[(key, monday.isoformat())].append(i)
        assert lay.weekday[i] == local.weekday()
        minute = local.hour * 60 + local.minute
        inside = night_start <= minute < night_end if night_start < night_end else (
            minute >= night_start or minute < night_end)
        assert bool(lay.night[i]) == inside
    got = {(int(k), (datetime(1970, 1, 1) + timedelta(days=tally.monday(int(w)))).date().isoformat()):
           groups.members(g).tolist() for g, (k, w) in enumerate(groups.keys)}
    assert got == dict(expected)  # same groups, arrival order inside each


def test_judge_names_each_reason_by_the_citys_thresholds():
    t = tally.Thresholds(daily_entries=12, busy_days=2, weekly_cards=4, weekly_night_entries=6)
    entries = np.array([[13, 13, 0, 0, 0, 0, 0],  # two busy days
                        [30, 12, 12, 0, 0, 0, 0],  # one busy day; 12 is not more than 12
                        [0] * 7, [0] * 7])
    over = tally.judge(entries, np.array([1, 4, 5, 1]), np.array([0, 6, 0, 7]), t)
    assert over.tolist() == [[True, False, False], [False, False, False], [False, True, False],
                             [False, False, True]]
