"""Alert SMS, calls and pushes: a person's channels and push devices are their own; a city's outbox,
its SMS links and its delivery records are its own."""

from __future__ import annotations

from tests.functional.isolation import Other, Samples
from tests.support import JSON_HEADERS, auth, jbody

QUIET = {"sms": False, "voice": True, "push": True, "quiet_hours": {"start": "21:30", "end": "06:30"}}
DEVICE = {"endpoint": "https://fcm.googleapis.com/fcm/send/zz-isolation-device",
          "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22}, "device": "郑州的手机"}


def samples(other: Other) -> Samples:
    r = other.client.http.put("/v1/me/notification-settings", headers={**auth(other.token("staff")), **JSON_HEADERS},
                              body=jbody(QUIET))
    assert r.status_code == 200, r.body
    r = other.client.http.post("/v1/me/push-subscriptions", headers={**auth(other.token("staff")), **JSON_HEADERS},
                               body=jbody(DEVICE))
    assert r.status_code == 201, r.body
    return Samples(params={"sub_id": r.json_body["id"]}, bodies={
        ("PUT", "/v1/me/notification-settings"): (JSON_HEADERS, jbody({"sms": True, "voice": False,
                                                                       "quiet_hours": None})),
        ("POST", "/v1/me/push-subscriptions"): (JSON_HEADERS, jbody(DEVICE))},
        markers=['"21:30"', "zz-isolation-device", "郑州的手机"])  # quoted: a time of day, not a timestamp's "18:21:30"


def unchanged(other: Other) -> None:
    r = other.client.http.get("/v1/me/notification-settings", headers=auth(other.token("staff")))
    assert r.status_code == 200 and r.json_body == QUIET
    r = other.client.http.get("/v1/me/push-subscriptions", headers=auth(other.token("staff")))
    assert [d["device"] for d in r.json_body["items"]] == ["郑州的手机"]
