"""Notice documents as stored (``data``), pure changes to them, and the views shown."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from chalicelib.notices.inputs import NoticeEdit, NoticeIn
from chalicelib.notices.models import Bilingual, Notice, NoticeScope, State, Stats
from chalicelib.tenancy.scope import Place, ScopeLevel

Doc = dict[str, Any]
OPEN_ENDED = "9999-12-31T23:59:59.999999+00:00"  # sorts after every real time
WITHIN_COMMUNITY = (ScopeLevel.COMMUNITY, ScopeLevel.GRID, ScopeLevel.BUILDING)


def iso(at: datetime) -> str:
    """UTC, fixed width: stored times compare correctly as strings."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    return "nt-" + secrets.token_hex(6)


def scope_path(path: list[str] | tuple[str, ...]) -> str:
    """``/erqi/renhelu/jinghu/``; ``/`` for the city. The closing ``/`` keeps grid 1 apart from grid 10."""
    return "/".join(("", *path, ""))


def _content(body: NoticeIn | NoticeEdit, valid_from: datetime) -> Doc:
    return {"title": body.title.model_dump(), "body": body.body.model_dump(),
            "severity": body.severity.value if body.severity else None, "attachments": list(body.attachments),
            "valid_from": iso(valid_from), "valid_until": iso(body.valid_until) if body.valid_until else None,
            "pinned": body.pinned}


def published(body: NoticeIn, place: Place, by: str, at: datetime, by_name: str | None = None) -> Doc:
    community = place.communities[0] if body.scope.level in WITHIN_COMMUNITY else None
    return {"notice_id": new_id(), "category": body.category.value,
            "scope": {"level": body.scope.level.value, "id": body.scope.id, "name": place.name,
                      "path": list(place.path)},
            "communities": list(place.communities), "area": community,
            **_content(body, body.valid_from or at), "status": "active", "revision": 1,
            "published_at": iso(at), "published_by": by, "published_by_name": by_name, "updated_at": iso(at),
            "updated_by": by}


def edited(doc: Doc, body: NoticeEdit, by: str, at: datetime) -> Doc:
    start = body.valid_from or datetime.fromisoformat(doc["valid_from"])
    return {**doc, **_content(body, start), "revision": int(doc["revision"]) + 1, "updated_at": iso(at),
            "updated_by": by}


def withdrawn(doc: Doc, reason: str, by: str, at: datetime, by_name: str | None = None) -> Doc:
    return {**doc, "status": "withdrawn", "withdrawn_at": iso(at), "withdrawn_by": by, "withdrawn_by_name": by_name,
            "withdrawal_reason": reason, "updated_at": iso(at), "updated_by": by}


def state(doc: Doc, now: datetime) -> State:
    if doc["status"] == "withdrawn":
        return State.WITHDRAWN
    at = iso(now)
    if doc["valid_from"] > at:
        return State.SCHEDULED
    return State.EXPIRED if doc.get("valid_until") and doc["valid_until"] <= at else State.LIVE


def _text(value: dict[str, Any]) -> Bilingual:
    return Bilingual(zh=value["zh"], en=value.get("en") or value["zh"])


def view(doc: Doc, now: datetime, *, stats: Stats | None = None, read_at: str | None = None,
         resident: bool = False) -> Notice:
    """Residents get their read flag; staff the statistics and the withdrawal details."""
    staff = not resident
    return Notice(
        notice_id=doc["notice_id"], category=doc["category"], severity=doc.get("severity"),
        title=_text(doc["title"]), body=_text(doc["body"]), attachments=list(doc.get("attachments") or []),
        scope=NoticeScope(**doc["scope"]), pinned=bool(doc["pinned"]), state=state(doc, now),
        valid_from=doc["valid_from"], valid_until=doc.get("valid_until"), published_at=doc["published_at"],
        published_by=doc["published_by"], published_by_name=doc.get("published_by_name"),
        revision=int(doc["revision"]), updated_at=doc["updated_at"],
        updated_by=doc["updated_by"], withdrawn_at=doc.get("withdrawn_at") if staff else None,
        withdrawn_by=doc.get("withdrawn_by") if staff else None,
        withdrawn_by_name=doc.get("withdrawn_by_name") if staff else None,
        withdrawal_reason=doc.get("withdrawal_reason") if staff else None,
        read=(read_at is not None) if resident else None,
        read_at=datetime.fromisoformat(read_at) if read_at else None, stats=stats if staff else None)
