"""Stored consultation documents: building one, its phase at a moment, and what each caller sees."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from chalicelib.consultations.inputs import ConsultationIn, Per
from chalicelib.consultations.models import Comment, Consultation, Phase, Proposal, State
from chalicelib.tenancy.scope import Place

Doc = dict[str, Any]
OPEN = frozenset({Phase.PROPOSALS, Phase.VOTING})


def new_id(prefix: str, at: datetime) -> str:
    """Ids that sort by time (``c20260301083015123456-9f3a``), so a partition reads oldest first."""
    return f"{prefix}{at:%Y%m%d%H%M%S%f}-{secrets.token_hex(2)}"


def receipt() -> str:
    """A random receipt code (``7F3A-9C21-B04E``): unrelated to the voter and to the option."""
    code = secrets.token_hex(6).upper()
    return "-".join(code[i:i + 4] for i in range(0, 12, 4))


def new_consultation(body: ConsultationIn, place: Place, eligible: int, by: str, at: datetime) -> Doc:
    doc: Doc = body.model_dump(mode="json")
    doc.update(consultation_id=f"cs-{at:%Y%m%d}-{secrets.token_hex(4)}", path=list(place.path),
               communities=list(place.communities), scope_name=place.name, eligible=eligible,
               state=State.ACTIVE.value, created_by=by, created_at=at.isoformat(), roll_at=at.isoformat())
    return doc


def roll(members: list[Doc], per: Per, owners_only: bool) -> int:
    """Voters on the roll: verified residents (owners only, if so) or their distinct households."""
    pool = [m for m in members if not owners_only or m.get("relation") == "owner"]
    return len({m["household_id"] for m in pool}) if per is Per.HOUSEHOLD else len(pool)


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def phase(doc: Doc, at: datetime) -> Phase:
    if doc["state"] == State.CANCELLED.value:
        return Phase.CANCELLED
    if doc["state"] == State.CLOSED.value or at >= datetime.fromisoformat(doc["voting_close"]):
        return Phase.CLOSED
    if at >= datetime.fromisoformat(doc["voting_open"]):
        return Phase.VOTING
    opens, closes = _at(doc.get("proposals_open")), _at(doc.get("proposals_close"))
    if opens and closes and opens <= at < closes:
        return Phase.PROPOSALS
    return Phase.SCHEDULED


def view(doc: Doc, at: datetime) -> Consultation:
    return Consultation.model_validate({**doc, "phase": phase(doc, at)}, strict=False)


def comment_view(doc: Doc, staff: bool) -> Comment:
    hidden = bool(doc.get("hidden_at"))
    return Comment(comment_id=doc["comment_id"], proposal_id=doc.get("proposal_id"), author=doc["author"],
                   text=doc["text"] if staff or not hidden else None, created_at=doc["created_at"],
                   hidden=hidden, hidden_reason=doc.get("hidden_reason"))


def proposal_view(doc: Doc, comments: list[Comment]) -> Proposal:
    return Proposal(proposal_id=doc["proposal_id"], title=doc["title"], text=doc["text"], author=doc["author"],
                    created_at=doc["created_at"], comments=[c for c in comments if c.proposal_id == doc["proposal_id"]])
