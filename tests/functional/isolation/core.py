"""Foundation, devices, vendor provisioning and alerts."""

from __future__ import annotations

from tests.functional.isolation import OTHER, Other, Samples
from tests.functional.places import T0, apply, transition
from tests.support import JSON_HEADERS, auth, jbody, manifest_text


def samples(other: Other) -> Samples:
    client = other.client
    body = {"community_id": "jinghu", "building_id": "jinghu-g1-b1", "unit": 1, "room": "0501",
            "name": "刘建华", "phone": "13700001111", "relation": "owner"}
    r = client.http.post("/v1/me/registration", headers={**auth(other.token("resident")), **JSON_HEADERS},
                         body=jbody(body))
    assert r.status_code == 201, r.body
    resident = r.json_body["resident_id"]
    device = {"device_id": "zz-smoke-iso", "type": "smoke", "serial": "SN-ISO", "community_id": "jinghu",
              "grid_id": "jinghu-g1", "building_id": "jinghu-g1-b1"}
    r = client.http.post("/v1/vendor/devices", headers={**auth(other.token("vendor")), **JSON_HEADERS},
                         body=jbody({**device, "credentials": "generate"}))
    assert r.status_code == 201, r.body
    certificate = r.json_body["certificate"]["certificate_id"]
    assert apply(transition("zz-smoke-iso", "smoke.alarm", T0.timestamp())).raised == 1
    r = client.http.get("/v1/alerts", headers=auth(other.token("city_admin")))
    alert = r.json_body["items"][0]["alert_id"]
    provisioned = {**device, "device_id": "zz-smoke-iso3", "serial": "SN-ISO3", "credentials": "generate"}
    return Samples(
        params={"tenant_id": OTHER, "community_id": "jinghu", "grid_id": "jinghu-g1", "resident_id": resident,
                "device_id": "zz-smoke-iso", "alert_id": alert, "certificate_id": certificate},
        bodies={
            ("POST", "/v1/me/registration"): (JSON_HEADERS, jbody(body)),
            ("POST", "/v1/residents/{resident_id}/verification"): (JSON_HEADERS, jbody({"decision": "approve"})),
            ("POST", "/v1/platform/tenants/{tenant_id}/status"): (
                JSON_HEADERS, jbody({"status": "suspended", "reason": "isolation test"})),
            ("POST", "/v1/platform/tenants"): ({"Content-Type": "application/yaml"}, manifest_text(OTHER).encode()),
            ("POST", "/v1/devices"): (JSON_HEADERS, jbody({**device, "device_id": "zz-smoke-iso2"})),
            ("POST", "/v1/alerts/{alert_id}/acknowledge"): (JSON_HEADERS, jbody({"note": "isolation test"})),
            ("POST", "/v1/alerts/{alert_id}/resolve"): (JSON_HEADERS, jbody({"note": "isolation test"})),
            ("POST", "/v1/alerts/{alert_id}/comments"): (JSON_HEADERS, jbody({"text": "isolation test"})),
            # 银川 gets an upload of its own: a key under t/yinchuan/alerts/, nothing of 郑州's
            ("POST", "/v1/alerts/photo-uploads"): (JSON_HEADERS, jbody({"content_type": "image/png"})),
            ("POST", "/v1/vendor/devices"): (JSON_HEADERS, jbody(provisioned)),
            ("POST", "/v1/vendor/devices/bulk"): (JSON_HEADERS, jbody({"devices": [provisioned]})),
            ("POST", "/v1/vendor/devices/{device_id}/certificates"): (JSON_HEADERS, jbody({"credentials": "generate"})),
            ("POST", "/v1/vendor/devices/{device_id}/certificates/{certificate_id}/revoke"): (
                JSON_HEADERS, jbody({"reason": "isolation test"})),
        },
        markers=[OTHER, "郑州", "jinghu", "荆胡", resident, "zz-smoke-iso", alert, certificate],
    )


def unchanged(other: Other) -> None:
    client, admin = other.client, auth(other.token("city_admin"))
    items = client.http.get("/v1/communities/jinghu/registrations", headers=admin).json_body["items"]
    resident = next(i for i in items if i["room"] == "0501")
    assert resident["status"] == "pending"
    assert client.http.get("/v1/tenant", headers=admin).json_body["tenant_id"] == OTHER
    alerts = client.http.get("/v1/alerts", headers=admin).json_body["items"]
    alert = client.http.get(f"/v1/alerts/{alerts[0]['alert_id']}", headers=admin).json_body
    assert alert["state"] == "open" and [e["action"] for e in alert["timeline"]] == ["raised"]
    for device_id in ("zz-smoke-iso2", "zz-smoke-iso3"):
        device = client.http.get(f"/v1/devices/{device_id}", headers=admin)
        assert device.status_code == 404  # no city's user could register one with the other city's places
    certs = client.http.get("/v1/vendor/devices/zz-smoke-iso/certificates", headers=admin).json_body["items"]
    assert [c["status"] for c in certs] == ["active"]
