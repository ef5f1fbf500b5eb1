"""Entrance access: the passage a controller reports, and what staff read and send about leads."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from chalicelib.model import Model
from chalicelib.points.models import Card
from chalicelib.tenancy.common import Code


class Passage(BaseModel):
    """One card read at a building entrance, as the controller reports it on its telemetry topic; the topic
    rule adds ``tenant``, ``device`` and ``received_at``. No photo, no face: the product stores none."""

    model_config = ConfigDict(extra="ignore")

    device: str
    ts: StrictInt = Field(description="epoch milliseconds of the passage")
    passage: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="the controller's own id of it")]
    door: str = Field(min_length=1, max_length=40, description="which door of the entrance, e.g. 1单元正门")
    direction: Literal["in", "out"]
    card: Card


class Reason(StrEnum):
    """Why a household became a lead (any one is enough; thresholds in the manifest's ``rental_leads``)."""

    BUSY_DAYS = "busy_days"  # 一天出入十几次, on several days of a week
    MANY_CARDS = "many_cards"  # more of the household's cards in use than a family needs
    NIGHT_ENTRIES = "night_entries"  # many entries in the small hours


class LeadStatus(StrEnum):
    OPEN = "open"  # 待核实
    CONFIRMED = "confirmed"  # 核实为群租
    DISMISSED = "dismissed"  # 排除


class DismissReason(StrEnum):
    FAMILY = "family"  # 家庭成员多 / 亲属来访
    CAREGIVER = "caregiver"  # 保姆、护工
    CARDS_SHARED = "cards_shared"  # 家人共用或代刷
    DEVICE_FAULT = "device_fault"  # 门禁故障或误读
    OTHER = "other"


class WeekEvidence(Model):
    """One local week of a household's passages: counts only — never who, never a picture."""

    week: date = Field(description="the Monday of the week")
    entries: list[int] = Field(description="entries on each day, Monday first")
    exits: int = Field(description="exits in the week")
    busy_days: int = Field(description="days with more entries than the city's daily threshold")
    cards: int = Field(description="distinct cards of the household used in the week")
    night_entries: int = Field(description="entries in the night hours")


class Decision(Model):
    action: Literal["raised", "merged", "reopened", "confirmed", "dismissed"]
    at: datetime
    by: str | None = None
    reasons: list[Reason] = Field(default_factory=list)
    note: str | None = None
    dismiss_reason: DismissReason | None = None
    visited_on: date | None = None
    occupants: int | None = None


class Lead(Model):
    """疑似群租: one per household; evidence of later weeks merges into it."""

    household_id: str
    household: str = Field(description="building, unit and door, e.g. 8号楼 4单元 201")
    community_id: str
    building_id: str | None = None
    status: LeadStatus
    reasons: list[Reason] = Field(description="every reason seen, first first")
    weeks: list[WeekEvidence] = Field(description="the weeks that raised or fed the lead, newest first")
    first_raised_at: datetime
    updated_at: datetime
    history: list[Decision] = Field(description="raised, merged, reopened, confirmed, dismissed: oldest first")


class LeadPage(Model):
    items: list[Lead]
    counts: dict[LeadStatus, int] = Field(description="the community's leads by status")
    thresholds: dict[str, int | str] = Field(description="the city's thresholds (manifest rental_leads)")


class LeadDetail(Lead):
    recent: list[WeekEvidence] = Field(description="the household's last weeks of passages, newest first, "
                                       "whether they raised the lead or not")


class LeadQuery(Model):
    model_config = ConfigDict(extra="forbid")

    community_id: Code | None = Field(default=None, description="one community; without it, every community of "
                                      "the caller's area that has leads")
    status: Literal["open", "confirmed", "dismissed", "all"] = "open"


class ConfirmIn(Model):
    """核实: the grid worker visited and found a group rental."""

    visited_on: date = Field(description="the day of the visit (not in the future)")
    occupants: int | None = Field(default=None, ge=1, le=200, description="people found living there")
    note: str = Field(min_length=2, max_length=500, description="what was found and what was done")


class DismissIn(Model):
    """排除: the passages have another explanation."""

    reason: DismissReason
    note: str = Field(min_length=2, max_length=500)
