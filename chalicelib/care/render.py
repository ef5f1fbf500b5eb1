"""Stored documents → what the routes show (masked names and phones only)."""

from __future__ import annotations

from typing import Any

from chalicelib.care.views import CareSubject, Contact, LinkStatus, Visit, VisitPlan, Watching

Doc = dict[str, Any]


def contact(link: Doc) -> Contact:
    return Contact(link_id=link["link_id"], kind=link["kind"], relation=link["relation"], status=link["status"],
                   name=link["name_masked"], phone=link.get("phone_masked"), username=link.get("username"),
                   added_by=link["added_by"], added_at=link["added_at"], accepted_at=link.get("accepted_at"))


def subject(doc: Doc, links: list[Doc], plan: VisitPlan | None = None) -> CareSubject:
    consent = dict(doc["consent"])
    guardian = consent.get("guardian")
    if guardian:
        consent["guardian"] = {"name": guardian["name_masked"], "relation": guardian["relation"],
                               "username": guardian.get("username")}
    shown = [contact(link) for link in links if link["status"] != LinkStatus.REMOVED.value]
    return CareSubject.model_validate({**doc, "name": doc["name_masked"], "consent": consent, "contacts": shown,
                                       "last_visit": visit(doc), "plan": plan})


def visit(doc: Doc) -> Visit | None:
    return Visit.model_validate(doc["last_visit"]) if doc.get("last_visit") else None


def watching(link: Doc, doc: Doc) -> Watching:
    return Watching(link_id=link["link_id"], subject_id=doc["subject_id"], name=doc["name_masked"],
                    relation=link["relation"], status=link["status"], consent_state=doc["consent_state"])
