"""Use cases of care subjects: staff register a verified resident with recorded consent and the
household's devices; consent is withdrawn (monitoring stops, history kept) and given again; staff
record caring visits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.care import consent, render
from chalicelib.care.access import CareAccess
from chalicelib.care.models import ReconsentIn, SubjectIn, VisitIn, WithdrawIn
from chalicelib.care.repository import CareRepository
from chalicelib.care.status import Clock
from chalicelib.care.views import CareSubject, ConsentState
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.residents.models import Status
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import now
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]


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
        self.repo.save(doc, None, link=types)
        return render.subject(doc, [])

    def get(self, subject_id: str) -> CareSubject:
        stored, links, relation = self.access.load(subject_id)
        if relation == "family":
            raise Forbidden("family members see the status: GET /v1/care/{subject_id}/status", field="subject_id")
        return render.subject(stored.doc, links)

    def withdraw(self, subject_id: str, body: WithdrawIn) -> CareSubject:
        """By the subject, the guardian who consented, or staff recording it: monitoring stops."""
        stored, links, relation = self.access.load(subject_id)
        if relation == "family":
            raise Forbidden("only the subject, their guardian or staff may withdraw consent", field="subject_id")
        doc = stored.doc
        if doc["consent_state"] != ConsentState.ACTIVE.value:
            raise Conflict("consent has already been withdrawn", field="consent")
        at, devices = self.clock(), list(doc["device_ids"])
        still = {d for d in devices if set(self.repo.subjects_of(d)) - {subject_id}}  # watched for someone else
        changed = {**doc, "consent_state": ConsentState.WITHDRAWN.value, "device_ids": [], "device_types": {},
                   "history": [*doc["history"], self._event("withdrawn", at, body.reason)]}
        self.repo.save(changed, stored.version, unlink=devices, flag_off=[d for d in devices if d not in still])
        return render.subject(changed, links)

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
        return render.subject(changed, links)

    def visit(self, subject_id: str, body: VisitIn) -> CareSubject:
        stored, links, _ = self.access.manage(subject_id)
        if body.visited_on > self.clock().date():
            raise InvalidInput("a visit cannot be recorded before it happens", field="visited_on")
        visit = {"visit_id": uuid.uuid4().hex, "visited_on": body.visited_on.isoformat(), "note": body.note,
                 "by": self.principal.username}
        self.repo.add_visit(subject_id, visit)
        last = stored.doc.get("last_visit")
        doc = stored.doc
        if not last or last["visited_on"] <= visit["visited_on"]:
            doc = {**doc, "last_visit": visit}
            self.repo.save(doc, stored.version)
        return render.subject(doc, links)

    def _event(self, action: str, at: datetime, reason: str | None = None) -> Doc:
        return {"action": action, "by": self.principal.username, "at": at.isoformat(), "reason": reason}
