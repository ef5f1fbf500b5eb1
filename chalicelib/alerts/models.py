"""What the alert engine hands over (``Transition``), and the alert as stored and shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, model_validator

from chalicelib.model import Model
from chalicelib.notify.models import Delivery
from chalicelib.photos import Photo


@dataclass(frozen=True)
class Transition:
    device_id: str
    rule_id: str          # e.g. "smoke.alarm", "door.no_exit_24h"
    kind: Literal["raise", "clear"]
    ts: float             # epoch seconds of the sample (or due time for absence rules)
    value: float          # the value that caused it (NaN for absence)
    severity: str         # "info" | "warning" | "critical"
    metric: str
    name_zh: str | None = None  # the rule's names, shown on the alert and in notifications
    name_en: str | None = None


Outcome = Literal["raised", "attached", "cleared", "ignored"]


@dataclass
class ApplyResult:
    raised: int = 0
    attached: int = 0
    cleared: int = 0
    ignored: int = 0
    raised_by_severity: dict[str, int] = field(default_factory=dict, compare=False)

    def count(self, outcome: Outcome, severity: str | None = None) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome == "raised" and severity:
            self.raised_by_severity[severity] = self.raised_by_severity.get(severity, 0) + 1


class AlertState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    AUTO_CLEARED = "auto_cleared"


ACTIVE = frozenset({AlertState.OPEN, AlertState.ACKNOWLEDGED})


class CloseOutcome(StrEnum):
    """What a person found when closing an alert (结案结论): the false-alarm rate is counted from it."""

    HANDLED = "handled"  # 已处置
    VERIFIED_ON_SITE = "verified_on_site"  # 已上门核实，无异常
    FALSE_ALARM = "false_alarm"  # 误报
    DEVICE_TEST = "device_test"  # 设备测试
    OTHER = "other"  # 其他


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class TimelineEntry(Model):
    action: Literal["raised", "acknowledged", "resolved", "auto_cleared", "escalated", "comment", "recovered",
                    "retriggered"]
    by: str = Field(description="username, or 'system'")
    by_name: str | None = Field(default=None, description="a staff member's name, when staff acted")
    at: datetime = Field(description="when the platform did it (processing time)")
    sample_at: datetime | None = Field(default=None, description="the device sample it is about (raised, "
                                                                  "recovered, retriggered, auto_cleared)")
    note: str | None = None
    level: int | None = Field(default=None, description="escalation level reached: 1 grid, 2 community, 3 city")
    to: list[str] = Field(default_factory=list, description="staff notified")
    photo_files: list[Photo] = Field(default_factory=list, description="photos taken on site with this step")


class Bilingual(Model):
    zh: str
    en: str


class AlertContact(Model):
    """Someone to call about an alert (staff reading one alert)."""

    kind: Literal["household", "family", "staff"] = Field(
        description="household: a verified resident of the alert's household; family: a care subject's "
                    "family contact; staff: the grid's staff")
    name: str = Field(description="masked for residents and family; staff by name")
    relation: str | None = Field(default=None, description="household: owner / tenant / family; family: "
                                                           "child / spouse / relative / neighbour")
    resident_id: str | None = Field(default=None, description="a resident's id: their full number through "
                                    "POST /v1/residents/{resident_id}/reveal (audited)")
    phone: str | None = Field(default=None, description="staff: the work phone, in full")
    phone_masked: str | None = Field(default=None, description="residents and family: masked, e.g. 139****5678")
    subject: bool = Field(default=False, description="the care subject the device watches")


class Alert(Model):
    alert_id: str
    state: AlertState
    severity: Severity
    rule_id: str
    rule_name: Bilingual | None = None
    metric: str
    device_id: str
    device_type: str
    device_name: str | None = Field(default=None, description="the device's name in the registry when it was "
                                    "raised (厨房烟感 …)")
    spot: str | None = Field(default=None, description="the public spot of the community the device is at (北门 …); "
                             "a reported emergency: the address the resident gave")
    request_id: str | None = Field(default=None, description="an emergency a resident reported (device_type "
                                   "report): its service request, the case file")
    community_id: str
    grid_id: str | None = None
    building_id: str | None = None
    household_id: str | None = None
    path: list[str]
    care_subject: bool = False
    opened_at: datetime
    last_seen: datetime = Field(description="time of the latest sample that raised it")
    first_value: float | None = Field(default=None, description="the value that raised it")
    peak_value: float | None = Field(default=None, description="the highest value while it was active")
    peak_at: datetime | None = Field(default=None, description="the sample time of the peak")
    last_value: float | None = None
    recovered_at: datetime | None = Field(
        default=None, description="the device said normal while nobody had confirmed it: still open "
                                  "(已恢复待确认) until a person acknowledges or closes it")
    outcome: CloseOutcome | None = Field(default=None, description="what the person who closed it found")
    duration_s: float | None = Field(default=None, description="from the first sample to the recovery or "
                                                               "close; none while it is still going on")
    occurrences: int
    level: int
    escalate_at: datetime | None = None
    closed_at: datetime | None = None
    timeline: list[TimelineEntry]

    deliveries: list[Delivery] = Field(default_factory=list,
                                       description="SMS and calls of this alert, by level (one alert's detail only)")
    contacts: list[AlertContact] = Field(default_factory=list,
                                         description="who to call (staff reading one alert only): the household's "
                                                     "residents, a care subject's family, the grid's staff")

    @model_validator(mode="before")
    @classmethod
    def _duration(cls, doc: Any) -> Any:
        """From the stored document: its first sample and its end (recovery, clear or close), in seconds."""
        if isinstance(doc, dict) and doc.get("ended_ts") is not None and doc.get("first_ts") is not None:
            return {**doc, "duration_s": round(max(0.0, float(doc["ended_ts"]) - float(doc["first_ts"])), 3)}
        return doc


class AlertPage(Model):
    items: list[Alert]
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page")


class Notification(Model):
    """One inbox entry: an alert (raised or escalated), an emergency broadcast, or a service request's news."""

    kind: Literal["alert", "notice", "request"] = "alert"
    alert_id: str | None = None
    notice_id: str | None = None
    request_id: str | None = None
    severity: str | None = Field(default=None, description="alert: critical|warning|info; broadcast: blue…red")
    level: int = Field(default=1, description="alerts: the escalation level that was told")
    device_id: str | None = None
    rule_id: str | None = None
    community_id: str | None = None
    text: Bilingual
    sent_at: datetime


class NotificationPage(Model):
    items: list[Notification]
    next_cursor: str | None = None
