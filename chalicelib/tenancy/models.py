"""The tenant manifest (``tenants/<id>.yaml``) and the records derived from it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from chalicelib.rules.models import AlertRules, QuietHours
from chalicelib.tenancy.common import (
    Code,
    Email,
    GeoPoint,
    Name,
    Phone,
    Quotas,
    Strict,
    TenantId,
    Text,
    TierName,
    Username,
    WasteCategory,
)


class Tier(Strict):
    name: TierName
    quotas: Quotas


class Building(Strict):
    id: Code
    name: Name
    units: int = Field(default=1, ge=1, le=20, description="单元 (stairwells)")
    floors: int = Field(ge=1, le=120)
    households: int = Field(ge=1, le=2000, description="户数")


class Grid(Strict):
    id: Code
    name: Name
    buildings: list[Building] = Field(min_length=1)


class Community(Strict):
    id: Code
    name: Name
    address: str = Field(min_length=4, max_length=200)
    location: GeoPoint
    grids: list[Grid] = Field(min_length=1)


class Street(Strict):
    id: Code
    name: Name
    communities: list[Community] = Field(min_length=1)


class District(Strict):
    id: Code
    name: Name
    streets: list[Street] = Field(min_length=1)


class Department(Strict):
    id: Code
    name: Name
    phone: Phone | None = None


class Sla(Strict):
    respond_hours: float = Field(gt=0, le=720, description="time to first response")
    resolve_hours: float = Field(gt=0, le=2160, description="time to resolution")

    @model_validator(mode="after")
    def _respond_before_resolve(self) -> Sla:
        if self.respond_hours > self.resolve_hours:
            raise ValueError("respond_hours must not exceed resolve_hours")
        return self


class ServiceCategory(Strict):
    code: Code
    name: Name
    description: Text | None = None
    department: Code
    sla: Sla
    # 紧急类 (gas leak, fire, lift entrapment, flooding): call first; listed first; the shortest SLA.
    emergency: bool = False


class StaffRole(StrEnum):
    CITY_ADMIN = "city_admin"
    STAFF = "staff"
    VISITOR = "visitor"  # 巡访人员: sees and visits only the care subjects assigned to them


class VisitorKind(StrEnum):
    """Who a care visitor is (社工+邻里+志愿者+医生): the same names a recorded visit uses."""

    SOCIAL_WORKER = "social_worker"  # 社工
    VOLUNTEER = "volunteer"  # 志愿者
    DOCTOR = "doctor"  # 家庭医生


class User(Strict):
    username: Username
    name: str = Field(min_length=1, max_length=40)
    email: Email
    role: StaffRole
    department: Code | None = None
    # Community ids a staff member serves; empty for city admins (whole city).
    communities: list[Code] = Field(default_factory=list)
    # Grid ids (网格) a staff member owns within those communities: alerts there reach them
    # first. Staff with a community but no grid of it serve the whole community.
    grids: list[Code] = Field(default_factory=list)
    # Device alerts of those communities reach grid workers (网格员); department staff who only
    # handle the service requests of their department (物业, 市政 …) set this to false.
    receives_alerts: bool = True
    # The work phone (工作电话) alerts are texted and called to: a grid worker's number is posted
    # on the community's board (网格员公示), so it is kept as the manifest gives it.
    phone: Phone | None = None
    # Care visitors (role ``visitor``): what they are and whom they come from (e.g. 荆胡社区卫生服务站);
    # they visit the care subjects of ``communities`` that staff assign to them.
    visitor_kind: VisitorKind | None = None
    organisation: str | None = Field(default=None, min_length=1, max_length=40)

    @model_validator(mode="after")
    def _staff_has_scope(self) -> User:
        if self.role is not StaffRole.CITY_ADMIN and not self.communities:
            raise ValueError(f"{self.role.value} users need at least one community in 'communities'")
        if (self.role is StaffRole.VISITOR) != (self.visitor_kind is not None):
            raise ValueError("visitor_kind: set it for visitors (social_worker, volunteer, doctor) and only for them")
        if self.role is StaffRole.VISITOR and (self.grids or self.department):
            raise ValueError("visitors own no grid and belong to no department: they see only the care subjects "
                             "assigned to them")
        return self


SMS_FIELDS = ("sender", "severity", "place", "device", "rule", "time", "waited", "link")


class Notifications(Strict):
    """How the city's alerts are texted and called (chalicelib/notify)."""

    sms_sender: str = Field(default="智慧社区", min_length=2, max_length=12,
                            description="短信签名, shown as 【…】 at the start of every SMS")
    sms_template: str = Field(
        default="【{sender}】{severity}：{place}{device}{rule}，{time}。请尽快处理：{link}",
        min_length=10, max_length=140,
        description="zh-CN SMS text; fields: " + ", ".join("{" + f + "}" for f in SMS_FIELDS))
    voice_template: str = Field(
        default="您好，这里是{sender}。{place}的{device}{rule}，已{waited}无人确认，请立即处理。",
        min_length=10, max_length=200, description="what the voice call says (text to speech), same fields")

    @model_validator(mode="after")
    def _known_fields(self) -> Notifications:
        import string

        for name in ("sms_template", "voice_template"):
            for _, field, _, _ in string.Formatter().parse(getattr(self, name)):
                if field is not None and field not in SMS_FIELDS:
                    raise ValueError(f"{name}: unknown field {{{field}}}; known: {', '.join(SMS_FIELDS)}")
        return self


ServiceLine = Annotated[str, Field(pattern=r"^(0\d{2,3}-?)?9\d{4}$|^0\d{2,3}-?\d{7,8}$|^1[3-9]\d{9}$",
                                     description="a landline, a 5-digit service line (0371-96777) or a mobile")]


class PropertyLine(Strict):
    community: Code
    phone: ServiceLine = Field(description="物业24小时值班")


class Emergency(Strict):
    """The city's own emergency lines (the national 119 / 110 / 120 are the same everywhere)."""

    gas: ServiceLine | None = Field(default=None, description="燃气抢修")
    property: list[PropertyLine] = Field(default_factory=list, description="each community's 24-hour property line")


class PointRule(Strict):
    category: WasteCategory
    points_per_kg: float = Field(ge=0, le=1000, description="points credited per kilogram (rounded down)")
    min_weight_kg: float = Field(default=0.1, ge=0, le=50, description="lighter deposits are weighed, not credited")


class Goods(Strict):
    id: Code
    name: Name
    points: int = Field(ge=1, le=1_000_000, description="points one item costs")


class SortingPoints(Strict):
    """垃圾分类积分: what a deposit at a sorting bin earns and what points buy (chalicelib/points)."""

    rules: list[PointRule] = Field(default_factory=list, description="one per category; none: deposits earn nothing")
    daily_cap: int = Field(default=20, ge=0, le=100_000, description="points a household can earn a day")
    goods: list[Goods] = Field(default_factory=list, max_length=200, description="what service points redeem")

    @model_validator(mode="after")
    def _unique(self) -> SortingPoints:
        for name, ids in (("rules", [r.category for r in self.rules]), ("goods", [g.id for g in self.goods])):
            if len(ids) != len(set(ids)):
                raise ValueError(f"{name}: each {'category' if name == 'rules' else 'id'} once")
        return self

    def rule(self, category: str) -> PointRule | None:
        return next((r for r in self.rules if r.category == category), None)


class VisitLevel(Strict):
    """A level of 巡访关爱: how often a care subject is visited and how (普遍巡访 / 重点巡访)."""

    id: Code
    name: Name
    every_days: int = Field(ge=1, le=366, description="a visit is due this many days after the last one")
    mode: Literal["phone", "home"] = Field(description="电话问候 or 上门探访: how the visit is usually made")
    categories: list[Literal["living_alone", "empty_nest", "disabled", "other"]] = Field(
        default_factory=list, description="care subjects of these categories get this level when registered")


class CareVisits(Strict):
    """巡访关爱: the visit levels (chalicelib/care/visits.py); a subject gets the level of its category, or
    ``default_level``."""

    levels: list[VisitLevel] = Field(default_factory=lambda: [
        VisitLevel(id="general", name=Name(zh="普遍巡访", en="Regular visits"), every_days=30, mode="phone"),
        VisitLevel(id="focus", name=Name(zh="重点巡访", en="Close visits"), every_days=7, mode="home",
                   categories=["living_alone", "disabled"])], min_length=1, max_length=10)
    default_level: Code = "general"
    due_soon_days: int = Field(default=2, ge=0, le=30, description="a visit this close to its date is 即将到期")

    @model_validator(mode="after")
    def _consistent(self) -> CareVisits:
        ids = [lv.id for lv in self.levels]
        if len(ids) != len(set(ids)):
            raise ValueError("levels: each id once")
        if self.default_level not in ids:
            raise ValueError(f"default_level: {self.default_level!r} is not one of the levels")
        cats = [c for lv in self.levels for c in lv.categories]
        if len(cats) != len(set(cats)):
            raise ValueError("levels: a category belongs to one level")
        return self

    def level(self, level_id: str) -> VisitLevel | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)

    def level_for(self, category: str) -> VisitLevel:
        return next((lv for lv in self.levels if category in lv.categories), None) or self.levels[
            [lv.id for lv in self.levels].index(self.default_level)]


class RentalLeads(Strict):
    """门禁 / 群租: when a household's entrance passages make it a 疑似群租 lead (chalicelib/access). Counted per
    household per local week (Monday to Sunday); any one reason raises the lead."""

    daily_entries: int = Field(default=12, ge=2, le=500, description="entries a day above this make a busy day")
    busy_days: int = Field(default=2, ge=1, le=7, description="this many busy days in a week raise a lead")
    weekly_cards: int = Field(default=4, ge=1, le=50,
                              description="more distinct cards of the household than this in a week raise a lead")
    weekly_night_entries: int = Field(default=6, ge=1, le=500,
                                      description="more entries than this at night in a week raise a lead")
    night: QuietHours = Field(default_factory=lambda: QuietHours(start="00:00", end="05:00"),
                              description="the night hours, local time")
    dismissed_quiet_days: int = Field(default=30, ge=0, le=365,
                                      description="a dismissed lead opens again only after this many days")


class SharedFigure(Strict):
    id: str = Field(description="a figure of the platform's catalog (chalicelib/reporting/catalog.py)")
    definition: str | None = Field(default=None, min_length=2, max_length=200,
                                   description="the city's own definition, printed beside the figure")


class Reporting(Strict):
    """一表通: the city's 社区信息共享清单 — which figures the monthly community report carries, in this order,
    as the city defines them, and which level submits the report (chalicelib/reporting)."""

    figures: list[SharedFigure] = Field(default_factory=lambda: [SharedFigure(id=f) for f in _catalog_ids()],
                                        min_length=1, max_length=100)
    submitted_by: Literal["community"] = Field(default="community", description="the community's staff submit "
                                               "it; the street sees which have")

    @model_validator(mode="after")
    def _known(self) -> Reporting:
        known = _catalog_ids()
        ids = [f.id for f in self.figures]
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(f"figures: {unknown} are not figures the platform computes ({', '.join(known)})")
        if len(ids) != len(set(ids)):
            raise ValueError("figures: each id once")
        return self


def _catalog_ids() -> list[str]:
    from chalicelib.reporting.catalog import FIGURES

    return [f.id for f in FIGURES]


class Hierarchy(Strict):
    districts: list[District] = Field(min_length=1)


class TenantManifest(Strict):
    """The onboarding input for one city. Applying it is idempotent."""

    tenant_id: TenantId
    name: Name
    province: Name
    timezone: Literal["Asia/Shanghai", "Asia/Urumqi"] = "Asia/Shanghai"
    tier: Tier
    departments: list[Department] = Field(min_length=1)
    service_catalog: list[ServiceCategory] = Field(min_length=1)
    hierarchy: Hierarchy
    users: list[User] = Field(default_factory=list)
    # The city's changes to the default device rules (chalicelib/rules/profiles.yaml).
    alert_rules: AlertRules = Field(default_factory=AlertRules)
    notifications: Notifications = Field(default_factory=Notifications)
    emergency: Emergency = Field(default_factory=Emergency)
    sorting_points: SortingPoints = Field(default_factory=SortingPoints)
    care_visits: CareVisits = Field(default_factory=CareVisits)
    rental_leads: RentalLeads = Field(default_factory=RentalLeads)
    reporting: Reporting = Field(default_factory=Reporting)
