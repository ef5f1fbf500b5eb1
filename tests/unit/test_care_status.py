"""The safety verdict in words: one reason, the most urgent, and never two that contradict."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.care.activity import Activity
from chalicelib.care.status import assess
from chalicelib.care.status_models import Summary

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in 郑州


def test_no_door_record_yet_says_so_instead_of_an_absence_it_cannot_know():
    summary, message = assess([], Activity(last=NOW - timedelta(minutes=5), door=None), True, NOW, TZ)
    assert summary is Summary.ATTENTION and message.zh == "还没有收到门磁的开门记录，请确认老人是否安好"


def test_a_door_quiet_for_over_a_day_names_the_last_opening():
    door = NOW - timedelta(hours=26)  # 昨天 08:00 in 郑州
    summary, message = assess([], Activity(last=door, door=door), True, NOW, TZ)
    assert summary is Summary.ATTENTION and message.zh == "超过24小时未检测到开门（最近一次：昨天 08:00）"


def test_an_open_critical_alert_outranks_everything_and_a_recent_door_is_ok():
    alert = {"severity": "critical", "rule_id": "wristband.sos", "rule_name": {"zh": "一键呼救", "en": "SOS"}}
    assert assess([alert], Activity(last=None, door=None), True, NOW, TZ)[0] is Summary.ALERT
    door = NOW - timedelta(hours=2)
    summary, message = assess([], Activity(last=door, door=door), True, NOW, TZ)
    assert summary is Summary.OK and message.zh == "今天 08:00 有开门活动"
