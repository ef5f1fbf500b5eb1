"""Platform operators suspend a city: its users are refused, its data kept; re-activating restores it."""

from __future__ import annotations

from tests.support import JSON_HEADERS, auth, jbody


def _status(client, token, tenant, status, reason="合同到期 / contract ended"):
    return client.http.post(f"/v1/platform/tenants/{tenant}/status", headers={**auth(token), **JSON_HEADERS},
                            body=jbody({"status": status, "reason": reason}))


def test_suspended_city_is_refused_and_comes_back_when_reactivated(client, aws, token_for):
    aws.onboard("zhengzhou")
    aws.onboard("yinchuan")
    platform = token_for("platform_admin", "platform")
    zz, yc = token_for("city_admin", "zhengzhou"), token_for("city_admin", "yinchuan")
    assert client.http.get("/v1/me", headers=auth(zz)).status_code == 200

    r = _status(client, platform, "zhengzhou", "suspended")
    assert r.status_code == 200 and r.json_body["status"] == "suspended"
    assert r.json_body["status_history"][-1]["by"] == aws.username_for("platform_admin", "platform")
    denied = client.http.get("/v1/me", headers=auth(zz))
    assert denied.status_code == 403 and denied.json_body["code"] == "forbidden"
    assert client.http.get("/v1/me", headers=auth(yc)).status_code == 200  # other cities unaffected

    assert _status(client, platform, "zhengzhou", "active", "续约 / renewed").status_code == 200
    assert client.http.get("/v1/me", headers=auth(zz)).status_code == 200


def test_reapplying_the_manifest_does_not_lift_a_suspension(client, aws, token_for):
    aws.onboard("zhengzhou")
    _status(client, token_for("platform_admin", "platform"), "zhengzhou", "suspended")
    report = aws.onboard("zhengzhou")
    assert not report.changed
    assert client.http.get("/v1/me", headers=auth(token_for("city_admin", "zhengzhou"))).status_code == 403


def test_status_change_needs_a_known_status_a_reason_and_an_onboarded_city(client, aws, token_for):
    aws.onboard("zhengzhou")
    platform = token_for("platform_admin", "platform")
    assert _status(client, platform, "zhengzhou", "paused").json_body["field"] == "status"
    assert _status(client, platform, "zhengzhou", "suspended", reason="").json_body["field"] == "reason"
    assert _status(client, platform, "taiyuan", "suspended").status_code == 404


def test_a_token_for_a_city_never_onboarded_is_refused(client, token_for):
    assert client.http.get("/v1/me", headers=auth(token_for("city_admin", "nanjing"))).status_code == 403
