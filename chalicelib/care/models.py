"""Request bodies of the care routes (pydantic); what they return is in ``views.py``."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from chalicelib.devices.models import DeviceId
from chalicelib.fields import Distinct
from chalicelib.model import Model
from chalicelib.residents.models import Mobile
from chalicelib.tenancy.common import Code, Username

ResidentId = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,64}$", description="a resident's id (registration)")]
MAX_DEVICES = 20


class Category(StrEnum):
    LIVING_ALONE = "living_alone"  # 独居
    EMPTY_NEST = "empty_nest"  # 空巢
    DISABLED = "disabled"  # 失能 / 半失能
    OTHER = "other"  # 其他


class Relation(StrEnum):
    CHILD = "child"  # 子女
    SPOUSE = "spouse"  # 配偶
    RELATIVE = "relative"  # 亲属
    NEIGHBOUR = "neighbour"  # 邻居 / 志愿者


class Giver(StrEnum):
    SELF = "self"  # 本人
    GUARDIAN = "guardian"  # 监护人


class ConsentMethod(StrEnum):
    PAPER_FORM = "paper_form"  # 书面签字
    IN_APP = "in_app"  # 应用内确认
    VERBAL_WITNESSED = "verbal_witnessed"  # 口头同意，工作人员见证


class Monitor(StrEnum):
    """What a consent allows to be watched, and the device types each covers."""

    DOOR = "door"  # 门磁
    POWER = "power"  # 用电
    WRISTBAND = "wristband"  # 手环
    SMOKE_GAS = "smoke_gas"  # 烟感 / 燃气
    WATER_LEAK = "water_leak"  # 漏水


COVERS: dict[Monitor, frozenset[str]] = {
    Monitor.DOOR: frozenset({"door"}), Monitor.POWER: frozenset({"power_meter"}),
    Monitor.WRISTBAND: frozenset({"wristband"}), Monitor.SMOKE_GAS: frozenset({"smoke", "gas"}),
    Monitor.WATER_LEAK: frozenset({"water_leak"}),
}


class Strict(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class GuardianIn(Strict):
    name: str = Field(min_length=1, max_length=40)
    relation: Relation
    username: Username | None = Field(default=None, description="the guardian's resident account, if any: "
                                      "they may then withdraw the consent themselves")


class ConsentIn(Strict):
    """知情同意: recorded before any monitoring starts."""

    model_config = ConfigDict(json_schema_extra={
        "if": {"properties": {"given_by": {"const": Giver.GUARDIAN.value}}},
        "then": {"required": ["guardian"], "properties": {"guardian": {"type": "object"}}},
        "else": {"properties": {"guardian": {"type": "null"}}},
    })

    given_by: Giver
    guardian: GuardianIn | None = None
    given_at: AwareDatetime = Field(description="when it was given, with its time zone (not in the future)")
    method: ConsentMethod
    monitors: Annotated[list[Monitor], Distinct] = Field(min_length=1, max_length=len(Monitor))

    @model_validator(mode="after")
    def _guardian_when_needed(self) -> ConsentIn:
        if (self.given_by is Giver.GUARDIAN) != (self.guardian is not None):
            raise ValueError("guardian: name the guardian exactly when a guardian gave the consent")
        return self


class SubjectIn(Strict):
    """登记关爱对象: a verified resident, with their recorded consent and their household's devices."""

    resident_id: ResidentId
    category: Category
    consent: ConsentIn
    device_ids: list[DeviceId] = Field(default_factory=list, max_length=MAX_DEVICES)


class ReconsentIn(Strict):
    consent: ConsentIn
    device_ids: list[DeviceId] = Field(default_factory=list, max_length=MAX_DEVICES)


class WithdrawIn(Strict):
    reason: str = Field(min_length=1, max_length=200)


class ContactIn(Strict):
    """A resident of the city (``username`` or ``resident_id``), or a phone contact (``name`` + ``phone``);
    which one is checked by the service, so the error names the field."""

    relation: Relation
    username: Username | None = None
    resident_id: ResidentId | None = None
    name: str | None = Field(default=None, min_length=1, max_length=40)
    phone: Mobile | None = None


class VisitMode(StrEnum):
    PHONE = "phone"  # 电话问候
    HOME = "home"  # 上门探访


class Visitor(StrEnum):
    """Who made the visit (社工+邻里+志愿者+医生): the staff member recording it, or someone they record it for."""

    GRID_WORKER = "grid_worker"  # 网格员 (the one recording it)
    SOCIAL_WORKER = "social_worker"  # 社工
    VOLUNTEER = "volunteer"  # 志愿者
    DOCTOR = "doctor"  # 家庭医生
    NEIGHBOUR = "neighbour"  # 邻居


class Outcome(StrEnum):
    WELL = "well"  # 情况良好
    NEEDS_HELP = "needs_help"  # 发现需求
    NOT_REACHED = "not_reached"  # 未联系上: the visit is still to be made


class NeedIn(Strict):
    """A need found on the visit, filed at once as a service request (接诉即办) for the subject's home."""

    category: Code = Field(description="a service_catalog code of the city")
    description: str = Field(min_length=5, max_length=500)


class VisitIn(Strict):
    """巡访关爱: a caring visit — how it was made, how she is, what she needs, when to come back."""

    visited_on: date
    note: str = Field(min_length=1, max_length=300)
    mode: VisitMode | None = Field(default=None, description="the level's usual mode when left out")
    visitor: Visitor = Field(default=Visitor.GRID_WORKER, description="who made it; the staff member recording "
                             "it when left out")
    visitor_name: str | None = Field(default=None, min_length=1, max_length=40,
                                     description="the visitor's name when not the one recording it (shown masked)")
    outcome: Outcome = Outcome.WELL
    need: NeedIn | None = Field(default=None, description="filed as a service request in the same step")
    follow_up_on: date | None = Field(default=None, description="come back by then (sooner than the level's "
                                      "interval); after the visit, within 90 days of it")


class PlanIn(Strict):
    """A care subject's visit level (普遍巡访 / 重点巡访, the city's levels)."""

    level: Code


MAX_VISITORS = 5


class VisitorsIn(Strict):
    """The care visitors (社工、志愿者、家庭医生 — the city's users of role ``visitor``) who visit her: each sees
    her record, her status and her visit task, and records visits, and nothing else. Replaces the list."""

    visitors: Annotated[list[Username], Distinct] = Field(
        max_length=MAX_VISITORS, description="usernames of visitors serving her community; [] to assign none")
