"""What the request routes return. Residents' personal data never appears unmasked."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chalicelib.model import Model
from chalicelib.photos import Photo
from chalicelib.requests.states import State


class Bilingual(Model):
    zh: str
    en: str


class Point(Model):
    lat: float
    lng: float


class Location(Model):
    kind: str = Field(description="household | building | community | point")
    community_id: str
    grid_id: str | None = None
    building_id: str | None = None
    household_id: str | None = None
    point: Point | None = None
    address: str | None = None
    distance_km: float | None = Field(default=None, description="from the point to the community's centre")


class Step(Model):
    action: str
    state: State
    by: str = Field(description="staff username, or the resident's masked name")
    by_name: str | None = Field(default=None, description="staff member's name")
    at: datetime
    note: str | None = None
    department: str | None = None
    assignee: str | None = None


class Rating(Model):
    value: str
    comment: str | None = None
    at: datetime


class ServiceRequest(Model):
    request_id: str
    category: str
    category_name: Bilingual
    department: str
    emergency: bool = Field(default=False, description="an emergency category (燃气泄漏, 电梯困人): the shortest SLA, "
                            "listed first in a page of a queue")
    alert_id: str | None = Field(default=None, description="an emergency's alert: the grid's staff told at once "
                                 "(push, SMS), escalating until someone acknowledges it")
    description: str
    location: Location
    photos: list[str] = Field(description="links to photos kept elsewhere (Open311 media_url, older data)")
    photo_files: list[Photo] = Field(default_factory=list, description="photos uploaded with the request")
    channel: str = Field(description="resident | proxy (family) | staff (phone call, walk-in) | visit (a need found "
                         "on a caring visit) | open311")
    filed_by: str = Field(description="staff username, the resident's masked name, or the Open311 client")
    filer_resident: str | None = Field(default=None, description="the resident who filed it (their id), if one did: "
                                       "staff may reveal their phone to call back")
    on_behalf_of: str | None = Field(default=None, description="masked name of the resident it was filed for")
    state: State
    assignee: str | None = None
    overdue: bool
    due_respond_at: datetime
    due_resolve_at: datetime
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    reopen_until: datetime | None = None
    rating: Rating | None = None
    duplicate_of: str | None = None
    created_at: datetime
    updated_at: datetime
    timeline: list[Step]


class RequestPage(Model):
    items: list[ServiceRequest]
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page")


class StatsRow(Model):
    id: str
    name: Bilingual | None = None
    filed: int = 0
    responded: int = 0
    responded_on_time: int = 0
    waiting_past_due: int = Field(default=0, description="not responded to, past the respond SLA")
    response_rate: float | None = Field(default=None, description="responded_on_time / (responded + waiting_past_due)")
    resolved: int = 0
    resolved_on_time: int = 0
    open_past_due: int = Field(default=0, description="still open, past the resolve SLA")
    resolution_rate: float | None = Field(default=None, description="resolved_on_time / (resolved + open_past_due)")
    rated: int = 0
    satisfied: int = 0
    satisfaction_rate: float | None = Field(default=None, description="satisfied / rated")


class StatsReport(Model):
    month: str
    by: str
    rows: list[StatsRow]
    total: StatsRow
