"""What the care routes return. Names and phone numbers of people are always masked."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from chalicelib.care.models import Category, ConsentMethod, Giver, Monitor, Outcome, Relation, VisitMode, Visitor
from chalicelib.model import Model
from chalicelib.tenancy.common import Name


class ConsentState(StrEnum):
    ACTIVE = "active"  # monitoring allowed
    WITHDRAWN = "withdrawn"  # monitoring stopped; history kept


class LinkStatus(StrEnum):
    PENDING = "pending"  # invited, not yet accepted
    ACTIVE = "active"
    REMOVED = "removed"


class VisitorRef(Model):
    """A care visitor of the city (manifest user of role ``visitor``)."""

    username: str
    name: str = Field(description="masked")
    kind: Visitor
    organisation: str | None = None


class Guardian(Model):
    name: str = Field(description="masked")
    relation: Relation
    username: str | None = None


class Consent(Model):
    given_by: Giver
    guardian: Guardian | None = None
    given_at: datetime
    method: ConsentMethod
    monitors: list[Monitor]
    recorded_by: str
    recorded_at: datetime


class ConsentEvent(Model):
    action: Literal["given", "withdrawn"]
    by: str
    at: datetime
    reason: str | None = None


class Contact(Model):
    link_id: str
    kind: Literal["resident", "phone"]
    relation: Relation
    status: LinkStatus
    name: str = Field(description="masked")
    phone: str | None = Field(default=None, description="masked; phone contacts only (staff call them)")
    username: str | None = None
    added_by: str
    added_at: datetime
    accepted_at: datetime | None = None


class Visit(Model):
    visit_id: str
    visited_on: date
    note: str
    by: str
    mode: VisitMode | None = None
    visitor: Visitor = Visitor.GRID_WORKER
    visitor_name: str | None = Field(default=None, description="masked; when someone else than `by` made it")
    outcome: Outcome = Outcome.WELL
    need: str | None = Field(default=None, description="the need found, as filed")
    request_id: str | None = Field(default=None, description="the service request the need was filed as")
    follow_up_on: date | None = None
    recorded_at: datetime | None = Field(default=None, description="when it was recorded (an alert raised before "
                                         "it is answered by it)")


class VisitLevelView(Model):
    """One of the city's visit levels (manifest ``care_visits``)."""

    level: str
    name: Name
    every_days: int
    mode: VisitMode


class VisitPlan(VisitLevelView):
    """The subject's visit level and when the next visit is due (the city's date)."""

    next_on: date


class CareSubject(Model):
    """A care subject as the subject, their community's staff and city admins see it."""

    subject_id: str = Field(description="the subject's resident id")
    name: str = Field(description="masked")
    category: Category
    community_id: str
    grid_id: str | None = None
    household_id: str
    consent_state: ConsentState
    consent: Consent
    history: list[ConsentEvent]
    device_ids: list[str]
    contacts: list[Contact]
    last_visit: Visit | None = None
    plan: VisitPlan | None = None
    visitors: list[VisitorRef] = Field(default_factory=list, description="the care visitors assigned to her")
    registered_by: str
    registered_at: datetime


class Watching(Model):
    link_id: str
    subject_id: str
    name: str = Field(description="the subject's name, masked")
    relation: Relation
    status: LinkStatus
    consent_state: ConsentState


class MyCare(Model):
    """``subject``: my own record if I am a care subject; ``watching``: the people I watch or am invited to."""

    subject: CareSubject | None = None
    watching: list[Watching]


class VisitState(StrEnum):
    URGENT = "urgent"  # 紧急巡访: an SOS, a fall or a day without activity, not visited since
    OVERDUE = "overdue"  # 已逾期
    DUE_SOON = "due_soon"  # 即将到期
    PLANNED = "planned"  # 按计划


class VisitDue(Model):
    """One care subject in the visit queue."""

    subject_id: str
    name: str = Field(description="masked")
    category: Category
    household_id: str
    place: str | None = Field(default=None, description="where she lives, e.g. 2号楼 2单元 1203")
    grid_id: str | None = None
    plan: VisitPlan
    state: VisitState
    days_overdue: int = Field(description="0 unless overdue")
    escalated: bool = Field(description="overdue by the level's interval or more: the community's head sees it too")
    last_visit: Visit | None = None
    alert: AlertRef | None = Field(default=None, description="urgent: the open alert that calls for a visit now")
    visitors: list[VisitorRef] = Field(default_factory=list, description="the care visitors assigned to her")


class AlertRef(Model):
    alert_id: str
    rule_id: str
    rule_name: Name | None = None
    opened_at: datetime


class VisitQueue(Model):
    community_id: str
    levels: list[VisitLevelView] = Field(description="the city's visit levels, to move a subject to")
    urgent: int
    overdue: int
    due_soon: int
    items: list[VisitDue] = Field(description="urgent first, then overdue (longest first), then by due date")
    visitors: list[VisitorRef] = Field(default_factory=list, description="the city's care visitors serving the "
                                       "community, to assign")


class MyVisits(Model):
    """A care visitor's own tasks: the care subjects assigned to them, urgent and overdue first."""

    levels: list[VisitLevelView]
    urgent: int
    overdue: int
    due_soon: int
    items: list[VisitDue]


class CommunityVisits(Model):
    community_id: str
    name: Name | None = None
    visits: int = Field(description="visits made in the month (she was reached)")
    on_time: int = Field(description="of them, made by the date they were due")
    on_time_rate: float | None = Field(description="on_time / visits; none without visits")
    not_reached: int
    needs: int = Field(description="needs found on visits, filed as service requests")


class VisitFigures(Model):
    """巡访关爱 in a month, per community, and their totals."""

    month: str
    communities: list[CommunityVisits]
    totals: CommunityVisits
