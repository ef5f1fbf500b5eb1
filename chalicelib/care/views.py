"""What the care routes return. Names and phone numbers of people are always masked."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from chalicelib.care.models import Category, ConsentMethod, Giver, Monitor, Relation
from chalicelib.model import Model


class ConsentState(StrEnum):
    ACTIVE = "active"  # monitoring allowed
    WITHDRAWN = "withdrawn"  # monitoring stopped; history kept


class LinkStatus(StrEnum):
    PENDING = "pending"  # invited, not yet accepted
    ACTIVE = "active"
    REMOVED = "removed"


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
