"""Notice categories, warning levels and the views the routes return."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from chalicelib.model import Model


class Category(StrEnum):
    AFFAIRS = "affairs"  # 村务/居务公开
    POLICY = "policy"  # 政策
    ACTIVITY = "activity"  # 活动
    EMERGENCY = "emergency"  # 应急广播


class Severity(StrEnum):
    """China's four warning levels, lowest first."""

    BLUE = "blue"  # 蓝色预警
    YELLOW = "yellow"  # 黄色预警
    ORANGE = "orange"  # 橙色预警
    RED = "red"  # 红色预警


class FollowupMethod(StrEnum):
    PHONE = "phone"  # 电话
    VISIT = "visit"  # 上门
    NEIGHBOUR = "neighbour"  # 邻里转告


class State(StrEnum):
    SCHEDULED = "scheduled"  # valid_from still ahead
    LIVE = "live"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Bilingual(Model):
    zh: str
    en: str = Field(description="the Chinese text when no English was given")


class NoticeScope(Model):
    level: str
    id: str | None = None
    name: dict[str, str] | None = None
    path: list[str] = Field(description="district → … of the place; empty for the whole city")


class Stats(Model):
    """Staff only. Households: emergency broadcasts, counted once per household."""

    readers: int = Field(description="residents who marked it read")
    households: int = 0
    households_read: int = 0


class Notice(Model):
    notice_id: str
    category: Category
    severity: Severity | None = None
    title: Bilingual
    body: Bilingual
    attachments: list[str] = Field(default_factory=list)
    scope: NoticeScope
    pinned: bool
    state: State
    valid_from: datetime
    valid_until: datetime | None = None
    published_at: datetime
    published_by: str
    published_by_name: str | None = Field(default=None, description="the publisher's name (staff), as the city's "
                                                                    "records give it")
    revision: int = Field(description="1 when published, +1 per edit")
    updated_at: datetime
    updated_by: str
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawn_by_name: str | None = Field(default=None, description="who withdrew it, by name (staff)")
    withdrawal_reason: str | None = None
    read: bool | None = Field(default=None, description="residents: whether they marked it read")
    read_at: datetime | None = None
    stats: Stats | None = None


class NoticePage(Model):
    items: list[Notice]
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page")


class MyNotices(Model):
    """Every live notice for the resident's home: pinned first, then newest first."""

    items: list[Notice]
    unread: int


class Followup(Model):
    method: FollowupMethod
    note: str
    by: str
    at: datetime


class HouseholdReceipt(Model):
    household_id: str
    building_id: str
    building_name: dict[str, str] | None = Field(default=None, description="the building's name, e.g. 6号楼")
    unit: int
    room: str
    members: list[str] = Field(description="names of the household's residents, masked")
    delivered_at: datetime
    read_at: datetime | None = None
    read_by: str | None = Field(default=None, description="a member (masked) or the staff who followed up")
    read_via: str | None = Field(default=None, description="app, phone, visit or neighbour")
    followups: list[Followup] = Field(default_factory=list)


class Receipts(Model):
    notice_id: str
    households: int
    read: int
    unread: int
    read_rate: float = Field(description="read / households, 0 when there are none")
    state: str = Field(description="which households ``items`` lists: unread or read")
    items: list[HouseholdReceipt]
    next_cursor: str | None = None
