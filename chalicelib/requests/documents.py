"""Pure changes to a request document, and how it is shown. No storage here."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from chalicelib import photos
from chalicelib.requests.models import ServiceRequest
from chalicelib.requests.states import OPEN, REOPEN_WINDOW, RESPONSES, Action, State

Doc = dict[str, Any]
# Both timezones a manifest may name have had fixed offsets for decades; no tz database needed.
_OFFSETS = {"Asia/Shanghai": 8, "Asia/Urumqi": 6}


def city_zone(name: str | None) -> timezone:
    return timezone(timedelta(hours=_OFFSETS.get(name or "", 8)))


def iso(at: datetime) -> str:
    return at.isoformat()


def step(action: Action, state: State, by: str, by_name: str | None, at: datetime, note: str | None = None,
         **extra: str | None) -> Doc:
    entry: Doc = {"action": action.value, "state": state.value, "by": by, "by_name": by_name, "at": iso(at),
                  "note": note}
    entry.update({k: v for k, v in extra.items() if v is not None})
    return entry


def moved(doc: Doc, action: Action, to: State, by: str, by_name: str | None, at: datetime,
          note: str | None = None, **changes: Any) -> Doc:
    """The document after ``action``: new state, the changes, one more timeline step."""
    new = {**doc, **changes, "state": to.value, "updated_at": iso(at)}
    if action in RESPONSES and not doc.get("responded_at"):
        new["responded_at"] = iso(at)
    if action is Action.RESOLVE:
        new["resolved_at"] = iso(at)
    if to is State.CLOSED:
        new["closed_at"] = iso(at)
    if to is State.REOPENED:  # a second round: the resolve SLA starts again
        hours = float(doc["sla"]["resolve_hours"])
        new["due_resolve_at"] = iso(at + timedelta(hours=hours))
        new["resolved_at"] = None
    extra = {k: changes.get(k) for k in ("department", "assignee") if k in changes}
    new["timeline"] = [*doc["timeline"], step(action, to, by, by_name, at, note, **extra)]
    return new


def next_due(doc: Doc) -> str:
    """The next deadline: answer by ``due_respond_at`` until responded, then resolve by ``due_resolve_at``."""
    return str(doc["due_resolve_at"] if doc.get("responded_at") else doc["due_respond_at"])


def overdue(doc: Doc, now: datetime) -> bool:
    if State(doc["state"]) not in OPEN:
        return False
    return datetime.fromisoformat(next_due(doc)) < now or datetime.fromisoformat(doc["due_resolve_at"]) < now


def reopen_until(doc: Doc) -> datetime | None:
    resolved = doc.get("resolved_at")
    if State(doc["state"]) is not State.RESOLVED or not resolved:
        return None
    return datetime.fromisoformat(resolved) + REOPEN_WINDOW


def urgent_first(items: list[ServiceRequest]) -> list[ServiceRequest]:
    """A queue's page with its emergency requests first, otherwise in the queue's order."""
    return sorted(items, key=lambda r: not r.emergency)


def view(doc: Doc, now: datetime) -> ServiceRequest:
    timeline = [{k: v for k, v in s.items() if v is not None} for s in doc["timeline"]]
    return ServiceRequest.model_validate({
        **{k: v for k, v in doc.items() if k in ServiceRequest.model_fields and v is not None},
        "overdue": overdue(doc, now), "reopen_until": reopen_until(doc), "timeline": timeline,
        "filed_by": doc["filed_by_display"], "on_behalf_of": doc.get("on_behalf_of_display"),
        "photo_files": photos.views(doc.get("photo_files")),
    })
