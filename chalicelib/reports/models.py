"""The dashboard's query string and what it returns."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.care.views import VisitFigures
from chalicelib.model import Model
from chalicelib.points.models import Diversion
from chalicelib.requests.inputs import Month
from chalicelib.requests.models import Bilingual, StatsRow


class DashboardQuery(Model):
    model_config = ConfigDict(extra="forbid")

    month: Month | None = Field(default=None, description="the requests' month of filing, city time; "
                                "default: the current month")


class Count(Model):
    id: str = Field(description="state, department, device type, severity or community id")
    name: Bilingual | None = None
    count: int


class MonthCount(Model):
    month: str
    filed: int
    resolved: int = Field(description="filed in that month and resolved since (resolved or closed)")


class DayCount(Model):
    date: str = Field(description="city date, e.g. 2026-11-26")
    count: int


class RequestFigures(Model):
    total: StatsRow = Field(description="the month's counts and rates (response, resolution, satisfaction)")
    by_state: list[Count] = Field(description="the month's requests by current state; `rejected_or_duplicate` "
                                  "counts both outcomes")
    by_department: list[StatsRow] = Field(description="city admins: every department; staff: their own")
    overdue: int = Field(description="requests filed in the month, still open and past their due time now")
    overdue_all: int = Field(description="open requests past their due time now, whatever their month")
    trend: list[MonthCount] = Field(description="the six months up to the month asked for, oldest first")


class AlertFigures(Model):
    open: int = Field(description="open and acknowledged alerts (not yet resolved or cleared)")
    unacknowledged: int
    by_severity: list[Count]
    by_type: list[Count] = Field(description="by device type")
    by_community: list[Count]
    raised_per_day: list[DayCount] = Field(description="the alerts still open, by the city date they were raised, "
                                           "the last 14 days (closed alerts are not counted)")


class DeviceFigures(Model):
    total: int
    online: int = Field(description="devices whose newest sample is at most three heartbeats of their type old "
                        "(the window of the type's offline rule)")
    by_type: list[Count] = Field(description="devices by type, with the type's name")
    as_of: datetime = Field(description="when they were counted: by the city health job every 5 minutes (at most "
                            "10 minutes ago), or now when its count is older or misses a community")


class Location(Model):
    lat: float
    lng: float


class CommunityFigures(Model):
    id: str
    name: Bilingual
    location: Location | None = None
    requests_filed: int = Field(description="in the month")
    open_alerts: int
    devices: int
    devices_online: int


class Dashboard(Model):
    month: str
    generated_at: datetime
    scope: Literal["city", "communities"] = Field(description="city admins see the city; staff their communities")
    requests: RequestFigures
    alerts: AlertFigures
    devices: DeviceFigures
    communities: list[CommunityFigures] = Field(description="for the map: each community with its location")
    sorting: Diversion = Field(description="垃圾分类: the month's kg by category, deposits and points per community")
    care_visits: VisitFigures = Field(description="巡访关爱: the month's visits per community, how many on time")
