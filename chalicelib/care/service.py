"""Use cases of care subjects: staff register a verified resident with recorded consent and the
household's devices; consent is withdrawn (monitoring stops, history kept) and given again; staff
and her care visitors record caring visits; staff assign the care visitors."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chalicelib import privacy
from chalicelib.auth.principal import Principal
from chalicelib.care import consent, render, visits
from chalicelib.care.access import CareAccess
from chalicelib.care.models import (
    Outcome,
    PlanIn,
    ReconsentIn,
    SubjectIn,
    VisitIn,
    VisitMode,
    Visitor,
    VisitorsIn,
    WithdrawIn,
)
from chalicelib.care.repository import CareRepository
from chalicelib.care.status import Clock, zone
from chalicelib.care.views import CareSubject, ConsentState
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.observability import emit
from chalicelib.residents.models import Status
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import now
from chalicelib.tenancy.service import TenantService

if TYPE_CHECKING:
    from chalicelib.tenancy.models import CareVisits

Doc = dict[str, Any]
FOLLOW_UP_DAYS = 90


class CareService:
    def __init__(self, principal: Principal, *, repo: CareRepository | None = None,
                 tenancy: TenantService | None = None, clock: Clock = now) -> None:
        self.principal, self.tenant, self.clock = principal, principal.tenant, clock
        self.repo = repo or CareRepository(self.tenant)
        self.tenancy = tenancy or TenantService(self.tenant)
        self.access = CareAccess(principal, self.repo, self.tenancy)

    def register(self, body: SubjectIn) -> CareSubject:
        found = ResidentRepository(self.tenant).get(body.resident_id)
        if found is None:
            raise NotFound("no registered resident with this id", field="resident_id")
        reg = found[0]
        self.access.require_community(reg["community_id"])
        if reg["status"] != Status.VERIFIED.value:
            raise InvalidInput("only a verified resident can become a care subject", field="resident_id")
        if self.repo.get(body.resident_id) is not None:
            raise Conflict("this resident is a care subject already", field="resident_id")
        at = self.clock()
        given = consent.consent_doc(self.tenant, body.consent, self.principal.username, at)
        types = consent.devices(self.tenant, body.device_ids, reg["household_id"], given["monitors"])
        doc: Doc = {
            "subject_id": body.resident_id, "username": reg["username"], "name_sealed": reg["name_sealed"],
            "name_masked": reg["name_masked"], "category": body.category.value,
            "community_id": reg["community_id"], "grid_id": reg["path"][3] if len(reg["path"]) > 3 else None,
            "household_id": reg["household_id"], "path": list(reg["path"]), "consent": given,
            "consent_state": ConsentState.ACTIVE.value, "history": [self._event("given", at)],
            "device_ids": list(types), "device_types": types, "last_visit": None,
            "registered_by": self.principal.username, "registered_at": at.isoformat()}
        level = self.visits.level_for(doc["category"])
        doc.update(visit_level=level.id, next_visit_on=visits.next_on(level, self._today(at)).isoformat())
        self.repo.save(doc, None, link=types)
        return self._view(doc, [])

    def get(self, subject_id: str) -> CareSubject:
        stored, links, relation = self.access.load(subject_id)
        if relation == "family":
            raise Forbidden("family members see the status: GET /v1/care/{subject_id}/status", field="subject_id")
        return self._view(stored.doc, links, relation)

    def withdraw(self, subject_id: str, body: WithdrawIn) -> CareSubject:
        """By the subject, the guardian who consented, or staff recording it: monitoring stops."""
        stored, links, relation = self.access.load(subject_id)
        if relation in ("family", "visitor"):
            raise Forbidden("only the subject, their guardian or staff may withdraw consent", field="subject_id")
        doc = stored.doc
        if doc["consent_state"] != ConsentState.ACTIVE.value:
            raise Conflict("consent has already been withdrawn", field="consent")
        at, devices = self.clock(), list(doc["device_ids"])
        still = {d for d in devices if set(self.repo.subjects_of(d)) - {subject_id}}  # watched for someone else
        changed = {**doc, "consent_state": ConsentState.WITHDRAWN.value, "device_ids": [], "device_types": {},
                   "history": [*doc["history"], self._event("withdrawn", at, body.reason)]}
        self.repo.save(changed, stored.version, unlink=devices, flag_off=[d for d in devices if d not in still])
        return self._view(changed, links)

    def reconsent(self, subject_id: str, body: ReconsentIn) -> CareSubject:
        stored, links, _ = self.access.manage(subject_id)
        doc = stored.doc
        if doc["consent_state"] == ConsentState.ACTIVE.value:
            raise Conflict("consent is active; withdraw it first to record a new one", field="consent")
        at = self.clock()
        given = consent.consent_doc(self.tenant, body.consent, self.principal.username, at)
        types = consent.devices(self.tenant, body.device_ids, doc["household_id"], given["monitors"])
        changed = {**doc, "consent": given, "consent_state": ConsentState.ACTIVE.value, "device_ids": list(types),
                   "device_types": types, "history": [*doc["history"], self._event("given", at)]}
        self.repo.save(changed, stored.version, link=types)
        return self._view(changed, links)

    def visit(self, subject_id: str, body: VisitIn) -> CareSubject:
        """Record a visit; the newest one sets when the next is due. A need found is filed as a service
        request for her home in the same step (before the visit is written: a refused request records
        nothing)."""
        stored, links, relation = self.access.manage(subject_id, visitor_too=True)
        if body.visited_on > self._today(self.clock()):
            raise InvalidInput("a visit cannot be recorded before it happens", field="visited_on")
        if body.follow_up_on is not None and not 0 < (body.follow_up_on - body.visited_on).days <= FOLLOW_UP_DAYS:
            raise InvalidInput(f"a follow-up comes after the visit, within {FOLLOW_UP_DAYS} days", field="follow_up_on")
        visitor, visitor_name = self._visitor(body, relation)
        if body.outcome is Outcome.NEEDS_HELP and body.need is None:
            raise InvalidInput("name the need found (category and description)", field="need")
        doc = stored.doc
        level = visits.level_of(self.visits, doc)
        visit: Doc = {"visit_id": uuid.uuid4().hex, "visited_on": body.visited_on.isoformat(), "note": body.note,
                      "by": self.principal.username, "recorded_at": self.clock().isoformat(),
                      "visitor": visitor.value, "visitor_name": visitor_name,
                      "mode": VisitMode(body.mode or level.mode).value,
                      "outcome": body.outcome.value,
                      "follow_up_on": body.follow_up_on.isoformat() if body.follow_up_on else None}
        if body.need is not None:
            visit["need"] = body.need.description
            visit["request_id"] = self._file(doc, body)
        due = visits.plan(self.visits, doc).next_on
        self.repo.add_visit(subject_id, visit, doc["community_id"], on_time=body.visited_on <= due)
        emit(self.tenant.tenant_id, {"CareVisits": 1, "CareVisitsNotReached": int(body.outcome is Outcome.NOT_REACHED),
                                     "CareVisitNeedsFiled": int(body.need is not None),
                                     "CareVisitsByVisitors": int(relation == "visitor")})
        self._close_overdue_alert(subject_id, visit)
        last = doc.get("last_visit")
        if not last or last["visited_on"] <= visit["visited_on"]:
            after = visits.next_on(level, body.visited_on, body.outcome.value, body.follow_up_on)
            doc = {**doc, "last_visit": visit, "next_visit_on": after.isoformat()}
            self.repo.save(doc, stored.version)
        return self._view(doc, links, relation)

    def _visitor(self, body: VisitIn, relation: str) -> tuple[Visitor, str | None]:
        """Who made the visit: a care visitor records their own (as what the city made them); staff record
        theirs, or name the social worker, volunteer, doctor or neighbour they record it for."""
        if relation == "visitor":
            me = self.tenancy.staff_record(self.principal.username)
            kind = Visitor(me["visitor_kind"])
            if body.visitor not in (Visitor.GRID_WORKER, kind) or body.visitor_name is not None:
                raise InvalidInput(f"you record your own visits, as {kind.value}", field="visitor")
            return kind, privacy.mask_name(me.get("name") or self.principal.username)
        if (body.visitor is Visitor.GRID_WORKER) == (body.visitor_name is not None):
            raise InvalidInput("name the visitor exactly when someone else made the visit", field="visitor_name")
        return body.visitor, privacy.mask_name(body.visitor_name) if body.visitor_name else None

    def set_visitors(self, subject_id: str, body: VisitorsIn) -> CareSubject:
        """Assign her care visitors (staff): each must be a visitor of the city serving her community."""
        stored, links, _ = self.access.manage(subject_id)
        doc = stored.doc
        refs = []
        for i, username in enumerate(body.visitors):
            record = self.tenancy.staff_record(username)
            if record.get("role") != "visitor":
                raise InvalidInput(f"{username!r} is not a care visitor of this city", field=f"visitors[{i}]")
            if doc["community_id"] not in record.get("communities", []):
                raise InvalidInput(f"{username!r} does not serve her community", field=f"visitors[{i}]")
            refs.append(visits.visitor_ref(record))
        before = {v["username"] for v in doc.get("visitors", [])}
        doc = {**doc, "visitors": refs}
        self.repo.save(doc, stored.version)
        emit(self.tenant.tenant_id, {"CareVisitorsAssigned": len({r["username"] for r in refs} - before)})
        return self._view(doc, links)

    def set_plan(self, subject_id: str, body: PlanIn) -> CareSubject:
        """Move a subject to another visit level; the next visit is due by the new level's interval."""
        stored, links, _ = self.access.manage(subject_id)
        level = self.visits.level(body.level)
        if level is None:
            raise InvalidInput(f"no visit level {body.level!r} in this city", field="level")
        doc = stored.doc
        last = doc.get("last_visit")
        since = (date.fromisoformat(last["visited_on"]) if last and last.get("outcome") != Outcome.NOT_REACHED.value
                 else self._today(datetime.fromisoformat(doc["registered_at"])))
        doc = {**doc, "visit_level": level.id, "next_visit_on": visits.next_on(level, since).isoformat()}
        self.repo.save(doc, stored.version)
        return self._view(doc, links)

    @cached_property
    def visits(self) -> CareVisits:
        return self.tenancy.care_visits()

    def _close_overdue_alert(self, subject_id: str, visit: Doc) -> None:
        """The visit an overdue-visit alert waited for is here: close the alert (``care/jobs.py``)."""
        from chalicelib.alerts.service import AlertService

        AlertService(self.tenant, tenancy=self.tenancy).close_visit_overdue(
            subject_id, f"巡访已完成（{visit['visited_on']}）/ visit made", self.principal.username, self.clock())

    def _today(self, at: datetime) -> date:
        return at.astimezone(zone(self.tenancy)).date()

    def _view(self, doc: Doc, links: list[Doc], relation: str = "staff") -> CareSubject:
        """Her record; a care visitor sees it without her family contacts and the consent's history."""
        if relation == "visitor":
            return render.subject({**doc, "history": []}, [], visits.plan(self.visits, doc))
        return render.subject(doc, links, visits.plan(self.visits, doc))

    def _file(self, doc: Doc, body: VisitIn) -> str:
        from chalicelib.requests.inputs import LocationIn, RequestIn
        from chalicelib.requests.service import RequestService

        assert body.need is not None
        try:
            filed = RequestService(self.principal).file(RequestIn(
                category=body.need.category, description=body.need.description,
                location=LocationIn(household=True), on_behalf_of=doc["subject_id"]), channel="visit")
        except (InvalidInput, NotFound) as exc:
            raise type(exc)(exc.message, field=f"need.{exc.field}" if exc.field else "need") from exc
        return filed.request_id

    def _event(self, action: str, at: datetime, reason: str | None = None) -> Doc:
        return {"action": action, "by": self.principal.username, "at": at.isoformat(), "reason": reason}
