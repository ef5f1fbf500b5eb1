"""Who may do what with a care subject. Staff of the subject's community and city admins manage
it; the subject sees and manages their own contacts; active family members see the status while
consent is active; a care visitor (社工、志愿者、家庭医生) assigned to her sees her record without her
family, her status, and records visits. Anyone else is told there is no such subject (404)."""

from __future__ import annotations

import re
from typing import Any, Literal

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.care.repository import CareRepository, Stored
from chalicelib.care.views import ConsentState, LinkStatus
from chalicelib.errors import Forbidden, NotFound
from chalicelib.tenancy.scope import served_communities
from chalicelib.tenancy.service import TenantService

Relation = Literal["staff", "subject", "guardian", "family", "visitor"]
ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")  # subject (resident) ids and link ids; anything else is no key part
Doc = dict[str, Any]


class CareAccess:
    def __init__(self, principal: Principal, repo: CareRepository, tenancy: TenantService) -> None:
        self.principal, self.repo, self.tenancy = principal, repo, tenancy

    def serves(self, community_id: str) -> bool:
        served = served_communities(self.principal, self.tenancy)
        return served is None or community_id in served

    def require_community(self, community_id: str) -> None:
        if not self.serves(community_id):
            raise Forbidden("this community is outside your area", field="community_id")

    def load(self, subject_id: str) -> tuple[Stored, list[Doc], Relation]:
        """The subject, its links and how the caller relates to it; 404 for strangers."""
        stored, links = self.repo.load(subject_id) if ID.match(subject_id) else (None, [])
        relation = self.relation(stored.doc, links) if stored else None
        if stored is None or relation is None:
            raise NotFound("care subject not found", field="subject_id")
        return stored, links, relation

    def relation(self, doc: Doc, links: list[Doc]) -> Relation | None:
        p = self.principal
        if p.has_any({Role.CITY_ADMIN, Role.STAFF}):
            return "staff" if self.serves(doc["community_id"]) else None
        if Role.VISITOR in p.roles:
            return "visitor" if self.visits(doc) else None
        if p.user_id == doc["subject_id"]:
            return "subject"
        if p.user_id == (doc["consent"].get("guardian") or {}).get("user_id"):
            return "guardian"
        if any(link.get("user_id") == p.user_id and link["status"] == LinkStatus.ACTIVE.value for link in links):
            return "family"
        return None

    def visits(self, doc: Doc) -> bool:
        """Whether the caller is a care visitor assigned to her, still serving her community (a visitor the
        city has since moved or removed sees her no more)."""
        assigned = {v["username"] for v in doc.get("visitors", [])}
        return self.principal.username in assigned and doc["community_id"] in self.tenancy.staff_scope(
            self.principal.username)

    def manage(self, subject_id: str, *, subject_too: bool = False,
               visitor_too: bool = False) -> tuple[Stored, list[Doc], Relation]:
        """Changing a subject: staff (with ``subject_too`` the subject themself, with ``visitor_too`` her care
        visitors)."""
        stored, links, relation = self.load(subject_id)
        if relation != "staff" and not (subject_too and relation == "subject") and not (
                visitor_too and relation == "visitor"):
            raise Forbidden("only the community's staff may change this", field="subject_id")
        return stored, links, relation

    def watch(self, subject_id: str) -> tuple[Stored, list[Doc], Relation]:
        """Seeing the status: everyone related, while consent is active."""
        stored, links, relation = self.load(subject_id)
        if stored.doc["consent_state"] != ConsentState.ACTIVE.value:
            raise Forbidden("consent to monitoring was withdrawn; the status is no longer shown", field="consent")
        return stored, links, relation
