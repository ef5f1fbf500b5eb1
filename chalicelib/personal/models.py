"""What the personal-data routes take and answer."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.fields import Cursor
from chalicelib.model import Model
from chalicelib.requests.inputs import Month


class In(Model):
    model_config = ConfigDict(extra="forbid")


class RevealField(StrEnum):
    NAME = "name"
    PHONE = "phone"


class RevealReason(StrEnum):
    CALL_BACK = "call_back"
    VERIFY_REGISTRATION = "verify_registration"
    EMERGENCY = "emergency"
    CARE_VISIT = "care_visit"  # a phone visit (巡访关爱) to a care subject


REASONS_ZH = {RevealReason.CALL_BACK: "回电联系", RevealReason.VERIFY_REGISTRATION: "核实登记",
              RevealReason.EMERGENCY: "紧急情况", RevealReason.CARE_VISIT: "巡访关爱"}
FIELDS_ZH = {RevealField.NAME: "姓名", RevealField.PHONE: "手机号"}
CLOSURE_CONFIRMATION = "注销账号"


class RevealIn(In):
    """Why the full value is needed; recorded with who, whose, which field and when."""

    field: RevealField
    reason: RevealReason = Field(description="call_back 回电联系 · verify_registration 核实登记 · emergency 紧急情况 · "
                                 "care_visit 巡访关爱")
    note: str | None = Field(default=None, min_length=1, max_length=200, description="e.g. the request it is about")


class Revealed(Model):
    resident_id: str
    field: RevealField
    value: str = Field(description="the full value: shown once, not kept by the client")
    audit_id: str
    at: datetime
    left_today: int = Field(description="reveals this staff member may still make today")


class AccessRecord(Model):
    """One reveal, as the city admin's access log shows it."""

    audit_id: str
    at: datetime
    viewer: str = Field(description="staff username")
    viewer_name: str
    resident_id: str
    resident_name: str = Field(description="masked")
    community_id: str
    field: RevealField
    reason: RevealReason
    reason_zh: str
    note: str | None = None
    request_id: str = Field(description="the API request that revealed it")


class AccessPage(Model):
    month: str
    items: list[AccessRecord]
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page")


class AuditQuery(In):
    month: Month | None = Field(default=None, description="YYYY-MM in the city's time (default: this month)")
    limit: int = Field(default=50, ge=1, le=200)
    cursor: Cursor | None = None


class ExportQuery(In):
    month: Month | None = Field(default=None, description="YYYY-MM in the city's time (default: this month)")


class MyAccess(Model):
    """谁查看了我的信息: one time staff saw a resident's full name or phone."""

    at: datetime
    viewer_name: str = Field(description="the staff member's name as the city lists it")
    viewer_role: Literal["staff", "city_admin", "visitor"]
    viewer_role_zh: str = Field(description="社区工作人员 / 城市管理员 / 巡访人员")
    field: RevealField
    field_zh: str
    reason: RevealReason
    reason_zh: str


class MyAccessList(Model):
    items: list[MyAccess]


class ClosureIn(In):
    """Closing is final: type the confirmation exactly, and name the account being closed."""

    confirm: Literal["注销账号"] = Field(description="must be 注销账号")
    username: str = Field(min_length=1, max_length=128, description="the caller's own username")


class ClosureReport(Model):
    closed_at: datetime
    erased: list[str] = Field(description="what was erased, e.g. name, phone, household membership, sign-in")
    kept: list[str] = Field(description="what is kept, anonymised, and why")


class DataExport(Model):
    """Everything held about the caller, in one document (their own household only)."""

    exported_at: datetime
    account: dict[str, Any]
    registration: dict[str, Any] | None
    household: dict[str, Any] | None
    requests: list[dict[str, Any]]
    notifications: list[dict[str, Any]]
    data_access: list[MyAccess]
