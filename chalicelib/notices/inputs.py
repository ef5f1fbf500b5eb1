"""Bodies and query strings of the notice routes (pydantic, ``extra="forbid"``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, ValidationInfo, field_validator

from chalicelib.fields import Cursor
from chalicelib.model import Model
from chalicelib.notices.models import Category, FollowupMethod, Severity
from chalicelib.tenancy.common import Code
from chalicelib.tenancy.scope import Scope, ScopeLevel

Url = Annotated[str, Field(pattern=r"^https://[A-Za-z0-9.-]+(:\d{1,5})?(/\S*)?$", max_length=500,
                           description="an https link, e.g. a scanned document")]
HouseholdId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,80}[a-z0-9]$",
                                   description="<building>-<unit>-<room>")]
Limit = Annotated[int, Field(ge=1, le=100)]


class Strict(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Title(Strict):
    zh: str = Field(min_length=1, max_length=100)
    en: str | None = Field(default=None, min_length=1, max_length=200, description="shown as zh when omitted")


class Body(Strict):
    zh: str = Field(min_length=1, max_length=5000)
    en: str | None = Field(default=None, min_length=1, max_length=10000, description="shown as zh when omitted")


def _after_from(until: datetime | None, info: ValidationInfo) -> datetime | None:
    start = info.data.get("valid_from")
    if until is not None and start is not None and until <= start:
        raise ValueError("valid_until must be after valid_from")
    return until


class NoticeEdit(Strict):
    """PUT: the whole editable content. Scope and category are fixed once published."""

    title: Title
    body: Body
    severity: Severity | None = Field(default=None, description="required for emergency broadcasts only")
    attachments: list[Url] = Field(default_factory=list, max_length=10)
    valid_from: AwareDatetime | None = Field(default=None, description="kept as published when omitted")
    valid_until: AwareDatetime | None = Field(default=None, description="open-ended when omitted")
    pinned: bool = False

    _until = field_validator("valid_until")(_after_from)


class NoticeIn(Strict):
    """POST: publish a notice to a place."""

    model_config = ConfigDict(json_schema_extra={
        "if": {"properties": {"category": {"const": Category.EMERGENCY.value}}},
        "then": {"required": ["severity"], "properties": {"severity": {"type": "string"}}},
        "else": {"properties": {"severity": {"type": "null"}}},
    })

    scope: Scope
    category: Category
    title: Title
    body: Body
    severity: Severity | None = Field(default=None, validate_default=True,
                                      description="蓝/黄/橙/红: required for, and only for, emergency broadcasts")
    attachments: list[Url] = Field(default_factory=list, max_length=10)
    valid_from: AwareDatetime | None = Field(default=None, description="now when omitted")
    valid_until: AwareDatetime | None = Field(default=None, description="open-ended when omitted")
    pinned: bool = False

    @field_validator("severity")
    @classmethod
    def _severity_for_emergency(cls, severity: Severity | None, info: ValidationInfo) -> Severity | None:
        category = info.data.get("category")
        if category is Category.EMERGENCY and severity is None:
            raise ValueError("an emergency broadcast needs a severity: blue, yellow, orange or red")
        if category is not None and category is not Category.EMERGENCY and severity is not None:
            raise ValueError("only emergency broadcasts have a severity")
        return severity

    _until = field_validator("valid_until")(_after_from)


class WithdrawIn(Strict):
    reason: str = Field(min_length=2, max_length=200, description="why it is withdrawn (kept for staff)")


class FollowupIn(Strict):
    """保留线下渠道: staff reached a household another way; this also counts as read."""

    household_id: HouseholdId
    method: FollowupMethod
    note: str = Field(min_length=1, max_length=500)


class NoticeQuery(Strict):
    category: Category | None = None
    scope_level: ScopeLevel | None = Field(default=None, description="notices published to this place or inside it")
    scope_id: Code | None = Field(default=None, validate_default=True)
    limit: Limit = 20
    cursor: Cursor | None = None

    @field_validator("scope_id")
    @classmethod
    def _id_with_level(cls, scope_id: str | None, info: ValidationInfo) -> str | None:
        level: Any = info.data.get("scope_level")
        if scope_id is not None and level is None and "scope_level" in info.data:
            raise ValueError("give scope_level with scope_id")
        if scope_id is None and level not in (None, ScopeLevel.CITY):
            raise ValueError(f"a {level.value} scope needs scope_id")
        if scope_id is not None and level is ScopeLevel.CITY:
            raise ValueError("the city scope takes no scope_id")
        return scope_id

    def scope(self) -> Scope | None:
        return Scope(level=self.scope_level, id=self.scope_id) if self.scope_level else None


class MyNoticeQuery(Strict):
    category: Category | None = None


class ReceiptQuery(Strict):
    state: Literal["unread", "read"] = "unread"
    limit: Limit = 50
    cursor: Cursor | None = None
