"""What a request's people find in their inbox (``/v1/me/notifications``): staff when it is assigned to
them; the residents it concerns when it is resolved (and may be rated), rejected or marked a duplicate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.alerts.inbox import tell
from chalicelib.requests.access import owners
from chalicelib.requests.states import Action, State
from chalicelib.residents.repository import ResidentRepository

Doc = dict[str, Any]
_RESIDENT_NEWS = {
    State.RESOLVED.value: ("您的诉求 {id}（{zh}）已办结，请评价。",
                           "Your request {id} ({en}) is resolved; please rate it."),
    State.REJECTED.value: ("您的诉求 {id}（{zh}）未予受理，原因见办理记录。",
                           "Your request {id} ({en}) was not accepted; the reason is in its timeline."),
    State.DUPLICATE.value: ("您的诉求 {id}（{zh}）与已有诉求重复，将合并办理。",
                            "Your request {id} ({en}) duplicates an earlier one and is handled with it."),
}


def after_move(residents: ResidentRepository, before: Doc, after: Doc, action: Action, at: datetime) -> None:
    rid, name = after["request_id"], after.get("category_name") or {}
    words = {"id": rid, "zh": name.get("zh", after["category"]), "en": name.get("en", after["category"])}
    common = {"community_id": after.get("community_id")}
    if action in (Action.ASSIGN, Action.REASSIGN) and after.get("assignee") and after["assignee"] != before.get(
            "assignee"):
        text = {"zh": "诉求 {id}（{zh}）已派给您办理。".format(**words),
                "en": "Request {id} ({en}) has been assigned to you.".format(**words)}
        tell(residents.tenant, [after["assignee"]], "request", rid, text, at, **common)
    news = _RESIDENT_NEWS.get(after["state"]) if after["state"] != before.get("state") else None
    if news:
        usernames = [found[0]["username"] for u in sorted(owners(after)) if (found := residents.get(u))]
        text = {"zh": news[0].format(**words), "en": news[1].format(**words)}
        tell(residents.tenant, usernames, "request", rid, text, at, **common)
