"""Alert SMS and calls: a person's channels are their own; a city's outbox, its SMS links and its
delivery records are its own."""

from __future__ import annotations

from tests.functional.isolation import Other, Samples
from tests.support import JSON_HEADERS, auth, jbody

QUIET = {"sms": False, "voice": True, "quiet_hours": {"start": "21:30", "end": "06:30"}}


def samples(other: Other) -> Samples:
    r = other.client.http.put("/v1/me/notification-settings", headers={**auth(other.token("staff")), **JSON_HEADERS},
                              body=jbody(QUIET))
    assert r.status_code == 200, r.body
    return Samples(bodies={("PUT", "/v1/me/notification-settings"): (JSON_HEADERS, jbody(
        {"sms": True, "voice": False, "quiet_hours": None}))}, markers=["21:30"])


def unchanged(other: Other) -> None:
    r = other.client.http.get("/v1/me/notification-settings", headers=auth(other.token("staff")))
    assert r.status_code == 200 and r.json_body == QUIET
