"""What the manifest shares with the rest of the platform — ids, names, points, the tier's quotas —
apart from the manifest's own models (``models.py``): the quotas are read on every request (the
authorizer's cache, the rate limiter) and the field types by every area's models, which then load
only these."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field

from chalicelib.model import Model
from chalicelib.store.keys import TENANT_ID_PATTERN


class Strict(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)


TenantId = Annotated[str, Field(pattern=TENANT_ID_PATTERN, description="lower-case city id, e.g. yinchuan")]
Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$", description="lower-case id")]
Username = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$")]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", max_length=120)]
Phone = Annotated[str, Field(pattern=r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|12345)$")]


class Name(Strict):
    zh: str = Field(min_length=1, max_length=80)
    en: str = Field(min_length=1, max_length=120)


class Text(Strict):
    zh: str = Field(min_length=1, max_length=500)
    en: str = Field(min_length=1, max_length=800)


class GeoPoint(Strict):
    lat: float = Field(ge=3.0, le=54.0, description="WGS-84 latitude (China's extent)")
    lng: float = Field(ge=73.0, le=136.0, description="WGS-84 longitude (China's extent)")


class TierName(StrEnum):
    BASIC = "basic"
    STANDARD = "standard"
    PREMIUM = "premium"


class WasteCategory(StrEnum):
    """The four categories of GB/T 19095-2019 (生活垃圾分类标志)."""

    RECYCLABLE = "recyclable"  # 可回收物
    FOOD = "food"  # 厨余垃圾
    HAZARDOUS = "hazardous"  # 有害垃圾
    RESIDUAL = "residual"  # 其他垃圾


# Without ``telemetry_messages_per_minute``, each device may send this many messages a minute on average.
MESSAGES_PER_DEVICE_MINUTE = 6


class Quotas(Strict):
    """Enforced where they are used (chalicelib/usage/README.md): counts with a 409, rates with a 429
    (API) or by dropping what is over (telemetry)."""

    residents: int = Field(gt=0, le=20_000_000)
    devices: int = Field(gt=0, le=5_000_000)
    api_requests_per_second: int = Field(gt=0, le=10_000)
    staff_users: int = Field(gt=0, le=100_000)
    telemetry_messages_per_minute: int | None = Field(
        default=None, gt=0, le=100_000_000,
        description=f"messages a minute from the city's devices; default devices × {MESSAGES_PER_DEVICE_MINUTE}")
    sms_per_month: int = Field(default=2000, ge=0, le=10_000_000,
                               description="alert SMS a calendar month (Asia/Shanghai); beyond it push and inbox only")
    voice_calls_per_month: int = Field(default=200, ge=0, le=1_000_000,
                                       description="alert voice calls a calendar month; beyond it SMS, push and inbox")

    @property
    def telemetry_per_minute(self) -> int:
        return self.telemetry_messages_per_minute or self.devices * MESSAGES_PER_DEVICE_MINUTE
