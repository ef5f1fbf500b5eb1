"""Family contacts (家属联系人). A resident contact added by staff is an invitation that becomes
active when that resident accepts it; one the subject adds themself is active at once (the
subject's own choice). Phone contacts (no login) are called by staff and active at once."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib import privacy
from chalicelib.auth import users
from chalicelib.auth.principal import Principal
from chalicelib.care import render
from chalicelib.care.access import ID, CareAccess
from chalicelib.care.models import ContactIn
from chalicelib.care.repository import CareRepository
from chalicelib.care.status import Clock
from chalicelib.care.views import Contact, LinkStatus, MyCare, Watching
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.residents.models import Status
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import now
from chalicelib.tenancy.service import TenantService

MAX_CONTACTS = 10
Doc = dict[str, Any]


class ContactService:
    def __init__(self, principal: Principal, *, repo: CareRepository | None = None,
                 tenancy: TenantService | None = None, clock: Clock = now) -> None:
        self.principal, self.tenant, self.clock = principal, principal.tenant, clock
        self.repo = repo or CareRepository(self.tenant)
        self.access = CareAccess(principal, self.repo, tenancy or TenantService(self.tenant))

    def add(self, subject_id: str, body: ContactIn) -> Contact:
        _, links, relation = self.access.manage(subject_id, subject_too=True)
        live = [link for link in links if link["status"] != LinkStatus.REMOVED.value]
        if len(live) >= MAX_CONTACTS:
            raise Conflict(f"a care subject has at most {MAX_CONTACTS} contacts", field="contacts")
        at = self.clock().isoformat()
        doc: Doc = {"link_id": uuid.uuid4().hex, "subject_id": subject_id, "relation": body.relation.value,
                    "added_by": self.principal.username, "added_at": at, "accepted_at": None}
        if body.username is not None or body.resident_id is not None:
            doc.update(self._resident(body, subject_id, live))
            active = relation == "subject"
            doc.update(status=(LinkStatus.ACTIVE if active else LinkStatus.PENDING).value,
                       accepted_at=at if active else None)
        else:
            if body.name is None or body.phone is None:
                field = "phone" if body.name is not None else "name"
                raise InvalidInput("give a resident (username or resident_id), or a name and a phone", field=field)
            doc.update(kind="phone", status=LinkStatus.ACTIVE.value, user_id=None, username=None,
                       name_sealed=privacy.seal(self.tenant, "name", body.name),
                       name_masked=privacy.mask_name(body.name),
                       phone_sealed=privacy.seal(self.tenant, "phone", body.phone),
                       phone_masked=privacy.mask_phone(body.phone))
        self.repo.add_link(doc)
        return render.contact(doc)

    def accept(self, link_id: str) -> Watching:
        found = self.repo.watched_by(self.principal.user_id, link_id) if ID.match(link_id) else []
        if not found or found[0]["status"] == LinkStatus.REMOVED.value:
            raise NotFound("no such invitation", field="link_id")
        link = found[0]
        if link["status"] == LinkStatus.ACTIVE.value:
            raise Conflict("this invitation was accepted already", field="link_id")
        changed = {**link, "status": LinkStatus.ACTIVE.value, "accepted_at": self.clock().isoformat()}
        self.repo.set_link(changed, LinkStatus.PENDING.value)
        stored = self.repo.get(link["subject_id"])
        if stored is None:
            raise NotFound("no such invitation", field="link_id")
        return render.watching(changed, stored.doc)

    def mine(self) -> MyCare:
        """Whether I am a care subject, and whom I watch or am invited to watch."""
        own, links = self.repo.load(self.principal.user_id)
        watching = []
        for link in self.repo.watched_by(self.principal.user_id):
            stored = self.repo.get(link["subject_id"]) if link["status"] != LinkStatus.REMOVED.value else None
            if stored is not None:
                watching.append(render.watching(link, stored.doc))
        return MyCare(subject=render.subject(own.doc, links) if own else None, watching=watching)

    def _resident(self, body: ContactIn, subject_id: str, live: list[Doc]) -> Doc:
        field = "username" if body.username is not None else "resident_id"
        if body.name is not None or body.phone is not None:
            raise InvalidInput("a resident contact is reached in the app; give no name or phone", field=field)
        user_id = body.resident_id
        if body.username is not None:
            info = users.lookup(body.username)
            user_id = info.user_id if info and info.tenant_id == self.tenant.tenant_id else None
        found = ResidentRepository(self.tenant).get(user_id) if user_id else None
        if found is None or found[0]["status"] != Status.VERIFIED.value:
            raise InvalidInput("not a verified resident of this city", field=field)
        if user_id == subject_id:
            raise InvalidInput("the care subject cannot be their own contact", field=field)
        if any(link.get("user_id") == user_id for link in live):
            raise Conflict("this resident is a contact already", field=field)
        reg = found[0]
        return {"kind": "resident", "user_id": user_id, "username": reg["username"],
                "name_masked": reg["name_masked"], "phone_masked": None}
