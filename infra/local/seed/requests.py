"""Demo service requests: filed by the demo residents (or staff for them) some hours ago, then worked by
the staff step by step at the times the file gives, so rates, overdue flags and timelines look lived-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.requests.inputs import AssignIn, LocationIn, RatingIn, RequestIn
from chalicelib.requests.repository import RequestRepository
from chalicelib.requests.service import RequestService
from chalicelib.requests.states import Action
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import now
from infra.local.seed import SeedContext


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["accept", "assign", "reassign", "start", "resolve", "reject", "duplicate", "return",
                    "rate", "reopen"]
    by: str
    at_hours: float = Field(ge=0, description="hours after filing")
    note: str | None = None
    assignee: str | None = None
    department: str | None = None
    duplicate_of: str | None = Field(default=None, description="key of an earlier demo request")
    value: Literal["satisfied", "unsatisfied"] | None = None
    reopen: bool = False


class DemoRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    by: str = Field(description="username of the filer (resident or staff)")
    on_behalf_of: str | None = Field(default=None, description="username of the resident it is for")
    hours_ago: float = Field(gt=0, le=24 * 60)
    category: str
    description: str
    location: LocationIn
    photos: list[str] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)


class RequestsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requests: list[DemoRequest]


def _do(service: RequestService, rid: str, s: Step, ids: dict[str, str]) -> None:
    action = Action(s.action)
    if action in (Action.ASSIGN, Action.REASSIGN):
        service.assign(rid, AssignIn(department=s.department, assignee=s.assignee, note=s.note), action)
    elif action is Action.DUPLICATE:
        service.duplicate(rid, ids[s.duplicate_of or ""], s.note)
    elif action is Action.RATE:
        service.rate(rid, RatingIn(value=s.value or "satisfied", comment=s.note, reopen=s.reopen))
    elif action is Action.REOPEN:
        service.reopen(rid, s.note)
    else:
        service.act(rid, action, s.note)


def _fixed(at: datetime) -> Callable[[], datetime]:
    return lambda: at


def apply(ctx: SeedContext, data: Any) -> int:
    spec = RequestsFile.model_validate(data)
    home = ResidentRepository(ctx.tenant).get(ctx.principal(spec.requests[0].by).user_id)
    pk = ctx.tenant.household_requests_pk(home[0]["household_id"]) if home else None
    if pk and RequestRepository(ctx.tenant).refs(pk, 1, None)[0]:
        return 0  # seeded by an earlier run against the same moto
    ids: dict[str, str] = {}
    start = now()
    for r in spec.requests:
        filed = start - timedelta(hours=r.hours_ago)
        body = RequestIn(category=r.category, description=r.description, location=r.location, photos=r.photos,
                         on_behalf_of=ctx.principal(r.on_behalf_of).user_id if r.on_behalf_of else None)
        service = RequestService(ctx.principal(r.by), clock=_fixed(filed))
        rid = ids[r.key] = service.file(body).request_id
        for s in r.steps:
            at: datetime = filed + timedelta(hours=s.at_hours)
            _do(RequestService(ctx.principal(s.by), clock=_fixed(at)), rid, s, ids)
    return len(spec.requests)
