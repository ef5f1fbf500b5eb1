"""Use cases of service requests: file, read, act (staff), rate and reopen (residents)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib import photos
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.privacy import mask_name
from chalicelib.requests import access, documents, news, stats
from chalicelib.requests.filing import Filer, file_request
from chalicelib.requests.inputs import AssignIn, RatingIn, RequestIn
from chalicelib.requests.models import ServiceRequest
from chalicelib.requests.repository import RequestRepository, Stored
from chalicelib.requests.states import MOVES, Action, State
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store import base
from chalicelib.tenancy.scope import verified_household
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]
_ID = r"^[A-Z]{2}-\d{8}-\d{4,6}$"


def _now() -> datetime:
    return base.now()


class RequestService:
    def __init__(self, principal: Principal, repo: RequestRepository | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.principal, self.tenant = principal, principal.tenant
        self.repo = repo or RequestRepository(self.tenant)
        self.tenancy = TenantService(self.tenant)
        self.residents = ResidentRepository(self.tenant)
        self.clock = clock or _now

    @property
    def is_resident(self) -> bool:
        return not self.principal.has_any((Role.CITY_ADMIN, Role.STAFF))

    # -- filing and reading ------------------------------------------------------------
    def file(self, body: RequestIn, channel: str | None = None, extra: Doc | None = None) -> ServiceRequest:
        if Role.VISITOR in self.principal.roles:  # a need a care visitor found on a visit, in their communities
            served = frozenset(self.tenancy.staff_scope(self.principal.username))
            filer = Filer(self.principal.user_id, self.principal.username, "visit", served=served)
        elif self.is_resident:
            home = verified_household(self.principal, self.residents)
            filer = Filer(self.principal.user_id, home["name_masked"], channel or "resident", home=home)
        else:
            who = access.staff(self.principal, self.tenancy)
            filer = Filer(self.principal.user_id, who.username, channel or "staff", served=who.communities)
        at = self.clock()
        return documents.view(file_request(self.tenancy, self.repo, self.residents, filer, body, at, extra), at)

    def photo_upload(self, body: photos.PhotoUploadIn) -> photos.PhotoUpload:
        return photos.presign(self.tenant.tenant_id, body.content_type, self.clock())

    def get(self, request_id: str) -> ServiceRequest:
        return documents.view(self._visible(request_id).doc, self.clock())

    def _load(self, request_id: str) -> Stored:
        stored = self.repo.get(request_id) if re.match(_ID, request_id) else None
        if stored is None:
            raise NotFound(f"no request {request_id!r} in this city", field="request_id")
        return stored

    def _visible(self, request_id: str) -> Stored:
        stored = self._load(request_id)
        if self.is_resident:
            if not access.resident_sees(self.principal, self.residents, stored.doc):
                raise NotFound(f"no request {request_id!r} in this city", field="request_id")
        else:
            access.require_handler(access.staff(self.principal, self.tenancy), stored.doc)
        return stored

    # -- staff -------------------------------------------------------------------------
    def act(self, request_id: str, action: Action, note: str | None = None, **changes: Any) -> ServiceRequest:
        stored = self._visible(request_id)
        who = access.staff(self.principal, self.tenancy)
        return self._move(stored, action, who.username, who.name, note, **changes)

    def assign(self, request_id: str, body: AssignIn, action: Action) -> ServiceRequest:
        changes: Doc = {"assignee": body.assignee}
        if body.assignee is not None:
            try:
                user = self.tenancy.repo.get("user", body.assignee)
            except NotFound as exc:
                raise InvalidInput(f"no staff user {body.assignee!r} in this city", field="assignee") from exc
            if user.get("role") == Role.VISITOR.value:
                raise InvalidInput(f"{body.assignee!r} is a care visitor, who handles no requests", field="assignee")
            changes["department"] = body.department or user.get("department")
        if body.department is not None:
            if body.department not in {d["id"] for d in self.tenancy.departments()}:
                raise InvalidInput(f"no department {body.department!r} in this city", field="department")
            changes["department"] = body.department
        if changes.get("department") is None:
            changes.pop("department", None)
        return self.act(request_id, action, body.note, **changes)

    def duplicate(self, request_id: str, of: str, note: str | None) -> ServiceRequest:
        stored = self._visible(request_id)
        if of == request_id:
            raise InvalidInput("a request cannot duplicate itself", field="duplicate_of")
        if self.repo.get(of) is None:
            raise NotFound(f"no request {of!r} in this city", field="duplicate_of")
        who = access.staff(self.principal, self.tenancy)
        return self._move(stored, Action.DUPLICATE, who.username, who.name, note, duplicate_of=of)

    # -- residents ---------------------------------------------------------------------
    def rate(self, request_id: str, body: RatingIn) -> ServiceRequest:
        stored = self._owned(request_id)
        if stored.doc.get("rating"):
            raise Conflict("this request has already been rated", field="rating")
        if stored.doc["state"] != State.RESOLVED.value:
            raise Conflict(f"only a resolved request can be rated; it is {stored.doc['state']}", field="state")
        at = self.clock()
        rating = {"value": body.value, "comment": body.comment, "at": documents.iso(at)}
        action, to = (Action.RATE, State.CLOSED) if body.value == "satisfied" else (Action.RATE, State.RESOLVED)
        if body.reopen:
            self._within_window(stored.doc, at)
            action, to = Action.REOPEN, State.REOPENED
        return self._move(stored, action, self._me(stored.doc), None, body.comment, rating=rating, to=to)

    def reopen(self, request_id: str, note: str | None) -> ServiceRequest:
        stored = self._owned(request_id)
        self._check(stored.doc, Action.REOPEN)
        self._within_window(stored.doc, self.clock())
        return self._move(stored, Action.REOPEN, self._me(stored.doc), None, note)

    def _owned(self, request_id: str) -> Stored:
        stored = self._visible(request_id)
        if self.principal.user_id not in access.owners(stored.doc):
            raise Forbidden("only the resident who filed it, or it was filed for, can do this", field="request_id")
        return stored

    def _me(self, doc: Doc) -> str:
        if self.principal.user_id == doc.get("filer_resident"):
            return str(doc["filed_by_display"])
        return str(doc.get("on_behalf_of_display") or mask_name(self.principal.username))

    def _within_window(self, doc: Doc, at: datetime) -> None:
        until = documents.reopen_until(doc)
        if until is None or at > until:
            raise Conflict("the reopen window (7 days after resolution) has passed", field="resolved_at")

    # -- the one write path --------------------------------------------------------------
    def _check(self, doc: Doc, action: Action) -> State:
        allowed, to = MOVES[action]
        if State(doc["state"]) not in allowed:
            raise Conflict(f"cannot {action.value} a request that is {doc['state']}", field="state")
        return to

    def _move(self, stored: Stored, action: Action, by: str, by_name: str | None, note: str | None,
              to: State | None = None, **changes: Any) -> ServiceRequest:
        target = to or self._check(stored.doc, action)
        at = self.clock()
        doc = documents.moved(stored.doc, action, target, by, by_name, at, note, **changes)
        self.repo.replace(stored, doc, stats.deltas(stored.doc, doc))
        news.after_move(self.residents, stored.doc, doc, action, at)
        return documents.view(doc, at)
