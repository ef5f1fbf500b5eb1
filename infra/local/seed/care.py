"""Demo care subjects (居家养老): registered by their grid worker with recorded consent, their
household's devices linked (registered first as the city admin when the household has none yet),
family contacts invited and accepted, care visitors assigned, and caring visits some days back (so the
visit plans show one overdue; a visitor records theirs) — as the people involved would have."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.care.contacts import ContactService
from chalicelib.care.models import Category, ConsentIn, ContactIn, SubjectIn, VisitIn, VisitorsIn
from chalicelib.care.repository import CareRepository
from chalicelib.care.service import CareService
from chalicelib.devices.models import DeviceIn
from infra.local.seed import SeedContext


class DemoContact(ContactIn):
    accepted: bool = Field(default=False, description="the invited resident accepts (resident contacts)")


class DemoVisit(VisitIn):
    """A visit ``days_ago`` days before the seeding (the visit plans' dates follow from it)."""

    visited_on: date | None = None  # type: ignore[assignment]
    days_ago: int = Field(ge=0, le=365)
    by: str | None = Field(default=None, description="a care visitor of hers recording it; her staff otherwise")


class DemoSubject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str
    staff: str
    category: Category
    consent: ConsentIn
    device_ids: list[str] = Field(default_factory=list)
    contacts: list[DemoContact] = Field(default_factory=list)
    visitors: list[str] = Field(default_factory=list)
    visits: list[DemoVisit] = Field(default_factory=list)


class CareFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    devices: list[DeviceIn] = Field(default_factory=list)
    subjects: list[DemoSubject]


def apply(ctx: SeedContext, data: Any) -> int:
    spec = CareFile.model_validate(data)
    ctx.devices(spec.devices)
    written = 0
    for s in spec.subjects:
        subject_id = ctx.residents.get(s.username) or ctx.principal(s.username).user_id
        if CareRepository(ctx.tenant).get(subject_id) is not None:
            continue  # seeded by an earlier run against the same moto
        staff = CareService(ctx.principal(s.staff))
        staff.register(SubjectIn.model_validate({"resident_id": subject_id, "category": s.category,
                                                 "consent": s.consent, "device_ids": s.device_ids}))
        for c in s.contacts:
            link = ContactService(ctx.principal(s.staff)).add(subject_id, ContactIn.model_validate(
                c.model_dump(exclude={"accepted"})))
            if c.accepted and c.username:
                ContactService(ctx.principal(c.username)).accept(link.link_id)
        if s.visitors:
            staff.set_visitors(subject_id, VisitorsIn(visitors=s.visitors))
        today = datetime.now(ZoneInfo(ctx.manifest.timezone)).date()
        for v in sorted(s.visits, key=lambda v: -v.days_ago):
            by = CareService(ctx.principal(v.by)) if v.by else staff
            by.visit(subject_id, VisitIn.model_validate({**v.model_dump(exclude={"days_ago", "by"}),
                                                         "visited_on": today - timedelta(days=v.days_ago)}))
        written += 1
    return written
