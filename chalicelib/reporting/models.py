"""一表通: the monthly report as the API answers it, and what staff send."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.model import Model
from chalicelib.requests.inputs import Month
from chalicelib.requests.models import Bilingual


class FigureView(Model):
    id: str
    section: str
    name: Bilingual
    unit: str
    definition: str
    rate: bool = Field(description="a share (0–1), recomputed from its counts at every level")


class Submission(Model):
    by: str
    at: datetime


class CategoryFigures(Model):
    """Requests of one service category filed in the month (接诉即办 by category)."""

    category: str
    name: Bilingual | None = None
    filed: int
    resolved: int
    resolved_on_time: int
    resolution_rate: float | None = Field(description="resolved / filed")
    on_time_rate: float | None = Field(description="resolved on time / resolved")
    satisfaction_rate: float | None = Field(description="satisfied / rated")


class TypeFigures(Model):
    """Alerts of one device type closed by a person in the month, and the false alarms among them."""

    device_type: str
    name: Bilingual
    resolved: int
    false_alarms: int
    false_alarm_rate: float | None


class ReportRow(Model):
    level: Literal["community", "street", "district", "city"]
    id: str
    name: Bilingual | None = None
    parent: str | None = Field(default=None, description="the street of a community, the district of a street")
    values: dict[str, float | None] = Field(description="figure id → value (a rate 0–1, None when nothing to divide)")
    submitted: Submission | None = Field(default=None, description="a community's report once submitted: locked")
    communities: int | None = Field(default=None, description="a street's or district's communities in the report")
    communities_submitted: int | None = None
    requests_by_category: list[CategoryFigures] = Field(default_factory=list, description="most filed first")
    alerts_by_type: list[TypeFigures] = Field(default_factory=list, description="most closed first")


class Report(Model):
    """The month's report of the caller's communities: one row per community (locked when submitted), then
    their streets and districts (sums; rates from the summed counts) and the total."""

    month: str
    generated_at: datetime
    figures: list[FigureView]
    communities: list[ReportRow]
    streets: list[ReportRow]
    districts: list[ReportRow]
    total: ReportRow


class ReportQuery(Model):
    model_config = ConfigDict(extra="forbid")

    month: Month | None = Field(default=None, description="YYYY-MM, city time; default: last month")


class FileQuery(ReportQuery):
    format: Literal["xlsx", "csv"] = "xlsx"


class ReportFile(Model):
    url: str = Field(description="a short-lived download link")
    filename: str
    format: Literal["xlsx", "csv"]
    expires_at: datetime


class SubmitIn(Model):
    model_config = ConfigDict(extra="forbid")

    month: Month
