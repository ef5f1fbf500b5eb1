"""Request and response models of resident registration."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from chalicelib.fields import Cursor
from chalicelib.model import Model
from chalicelib.tenancy.common import Code

Mobile = Annotated[str, Field(pattern=r"^1[3-9]\d{9}$", description="mainland mobile number, 11 digits")]


class Relation(StrEnum):
    OWNER = "owner"  # 业主
    TENANT = "tenant"  # 租户
    FAMILY = "family"  # 家庭成员


class Status(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    CLOSED = "closed"  # the resident closed the account: personal fields erased


class RegistrationIn(Model):
    """住户登记: the household a resident says they live in, checked by staff."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    community_id: Code
    building_id: Code
    unit: int = Field(ge=1, le=20, description="单元")
    room: str = Field(pattern=r"^\d{3,4}$", description="门牌号, e.g. 401 or 1203")
    name: str = Field(min_length=1, max_length=40)
    phone: Mobile
    relation: Relation


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class VerificationIn(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={
        "if": {"properties": {"decision": {"const": Decision.REJECT.value}}},
        "then": {"required": ["reason"], "properties": {"reason": {"type": "string", "minLength": 1}}},
    })

    decision: Decision
    reason: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _reject_needs_reason(self) -> VerificationIn:
        if self.decision is Decision.REJECT and not self.reason:
            raise ValueError("reason: a rejection must say why, so the resident can correct it")
        return self


class Registration(Model):
    """What residents and staff see; personal data masked, except for the resident's own registration
    (``GET /v1/me/registration``)."""

    resident_id: str
    username: str
    status: Status
    community_id: str
    building_id: str
    unit: int
    room: str
    household_id: str
    relation: Relation
    name: str = Field(description="masked, e.g. 张*兰; in full in the resident's own registration")
    phone: str = Field(description="masked, e.g. 139****5678; in full in the resident's own registration")
    submitted_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None


class RegistrationPage(Model):
    items: list[Registration]
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page")


class QueueQuery(Model):
    """Query string of the verification queue."""

    model_config = ConfigDict(extra="forbid")

    status: Status = Status.PENDING
    limit: int = Field(default=50, ge=1, le=200)
    cursor: Cursor | None = None
