"""What the status routes return: a care subject's safety status and the staff's list."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from chalicelib.alerts.models import Bilingual
from chalicelib.care.models import Category
from chalicelib.care.views import ConsentState, Visit, VisitPlan
from chalicelib.model import Model


class Summary(StrEnum):
    OK = "ok"
    ATTENTION = "attention"
    ALERT = "alert"


class AlertBrief(Model):
    alert_id: str
    state: str
    severity: str
    rule_id: str
    rule_name: Bilingual | None = None
    device_id: str
    opened_at: datetime


class CallAction(Model):
    kind: Literal["subject", "grid_worker", "community", "emergency"] = Field(
        description="subject: the care subject herself, shown only to her family contacts")
    label: Bilingual
    name: str | None = None
    phone: str | None = None


class CareStatus(Model):
    """安全状态: what family members, staff and the subject see."""

    subject_id: str
    name: str = Field(description="masked")
    summary: Summary
    message: Bilingual
    last_activity: datetime | None = Field(default=None, description="newest data from the linked devices")
    last_door_activity: datetime | None = None
    open_alerts: list[AlertBrief]
    actions: list[CallAction] = Field(description="who to call, most urgent first")
    last_visit: Visit | None = None
    next_visit: VisitPlan | None = Field(default=None, description="the visit level and when the next visit is due")
    checked_at: datetime


class SubjectRow(Model):
    subject_id: str
    name: str
    category: Category
    household_id: str
    grid_id: str | None = None
    consent_state: ConsentState
    summary: Summary | None = Field(default=None, description="none once consent is withdrawn")
    message: Bilingual | None = None
    open_alerts: int
    last_activity: datetime | None = None


class SubjectPage(Model):
    items: list[SubjectRow]
