"""Request and response models of the nearby services directory."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from chalicelib.directory.hours import OpeningHours
from chalicelib.fields import Cursor, Distinct
from chalicelib.model import Model
from chalicelib.tenancy.common import GeoPoint, Name, Text

MAX_RADIUS_M = 2000  # what one geohash-5 cell and its neighbours are sure to cover (see README)
CIRCLE_M = 1200  # 一刻钟: 15 minutes on foot at 80 m/min
# A business phone is public: mobile, landline, 400/800 or a five-digit service number (95338, 12345).
BusinessPhone = Annotated[str, Field(pattern=r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|[48]00-?\d{3}-?\d{4}|9\d{4}|12345)$")]
Tag = Annotated[str, Field(min_length=1, max_length=12, description="e.g. 助老, 上门服务")]


class Category(StrEnum):
    PROPERTY = "property"  # 物业
    REPAIR = "repair"  # 维修
    HOUSEKEEPING = "housekeeping"  # 家政
    ELDERLY_CARE = "elderly_care"  # 养老驿站 / 日间照料
    CANTEEN = "canteen"  # 长者食堂 / 社区食堂
    CLINIC = "clinic"  # 社区卫生服务站
    PHARMACY = "pharmacy"  # 药店
    SUPERMARKET = "supermarket"  # 超市 / 便利店
    EXPRESS_LOCKER = "express_locker"  # 快递柜 / 驿站
    LAUNDRY = "laundry"  # 洗衣
    BARBER = "barber"  # 理发
    CHARGING = "charging"  # 电动车充电
    GARBAGE_POINT = "garbage_point"  # 垃圾分类投放点


class ServicePointIn(Model):
    """A service point as staff enter it; PUT replaces the whole point."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: Category
    name: Name
    address: str = Field(min_length=4, max_length=200)
    location: GeoPoint
    opening_hours: OpeningHours
    phone: BusinessPhone | None = None
    tags: Annotated[list[Tag], Distinct] = Field(default_factory=list, max_length=8)
    elderly_friendly: bool = Field(default=False, description="适老化: step-free, seating, staff who help")
    description: Text | None = None


class ServicePoint(ServicePointIn):
    service_point_id: str
    community_id: str
    status: Literal["active", "retired"]
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class ServicePage(Model):
    items: list[ServicePoint]
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page")


class ListQuery(Model):
    """Query string of a community's directory."""

    model_config = ConfigDict(extra="forbid")

    category: Category | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: Cursor | None = None


class NearbyQuery(Model):
    """Query string of the nearby search; without lat/lng it starts from the caller's verified home."""

    model_config = ConfigDict(extra="forbid")

    category: Category | None = None
    radius_m: int = Field(default=CIRCLE_M, ge=50, le=MAX_RADIUS_M)
    lat: float | None = Field(default=None, ge=3.0, le=54.0, description="with lng: both or neither")
    lng: float | None = Field(default=None, ge=73.0, le=136.0, description="with lat: both or neither")
    open_now: bool = False
    elderly_friendly: bool = False
    limit: int = Field(default=20, ge=1, le=50)


class NearbyService(ServicePoint):
    distance_m: int = Field(description="geodesic distance on the WGS-84 ellipsoid, metres")
    walk_minutes: int = Field(description="on foot at 80 m/min, rounded up")
    open_now: bool


class Origin(GeoPoint):
    source: Literal["home", "given"] = Field(description="the caller's community, or the lat/lng given")


class NearbyPage(Model):
    origin: Origin
    radius_m: int
    items: list[NearbyService]
