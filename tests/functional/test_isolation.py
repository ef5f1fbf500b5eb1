"""Tenant isolation matrix: every user of 银川 (yinchuan), in every role, against every
route the API has, pointed at 郑州 (zhengzhou)'s resources. Routes join automatically:
a route with a path parameter or body this file cannot fill fails the suite, so a new
feature must say how to address another city's resources."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from chalice.test import Client
from moto import mock_aws

from app import app
from chalicelib.http.routing import ROUTES
from infra.local.gateway import ConfiguredGateway
from tests.functional.places import T0, apply, transition
from tests.support import JSON_HEADERS, ROOT, World, auth, jbody, make_world, manifest_text

HOME, OTHER = "yinchuan", "zhengzhou"
ROLES = ["city_admin", "staff", "resident", "vendor"]
CASES = [(spec, role) for spec in ROUTES if not spec.public for role in ROLES]


class Matrix:
    def __init__(self, world: World, client: Client) -> None:
        self.world, self.client = world, client
        resident = world.token_for("resident", OTHER)
        body = {"community_id": "jinghu", "building_id": "jinghu-g1-b1", "unit": 1, "room": "0501",
                "name": "刘建华", "phone": "13700001111", "relation": "owner"}
        r = client.http.post("/v1/me/registration", headers={**auth(resident), **JSON_HEADERS}, body=jbody(body))
        assert r.status_code == 201, r.body
        self.other_resident = r.json_body["resident_id"]
        device = {"device_id": "zz-smoke-iso", "type": "smoke", "serial": "SN-ISO", "community_id": "jinghu",
                  "grid_id": "jinghu-g1", "building_id": "jinghu-g1-b1"}
        r = client.http.post("/v1/vendor/devices", headers={**auth(world.token_for("vendor", OTHER)), **JSON_HEADERS},
                             body=jbody({**device, "credentials": "generate"}))
        assert r.status_code == 201, r.body
        self.other_certificate = r.json_body["certificate"]["certificate_id"]
        assert apply(transition("zz-smoke-iso", "smoke.alarm", T0.timestamp())).raised == 1
        r = client.http.get("/v1/alerts", headers=auth(world.token_for("city_admin", OTHER)))
        self.other_alert = r.json_body["items"][0]["alert_id"]
        # How to name the other city's resources in a path …
        self.params = {"tenant_id": OTHER, "community_id": "jinghu", "grid_id": "jinghu-g1",
                       "resident_id": self.other_resident, "device_id": "zz-smoke-iso", "alert_id": self.other_alert,
                       "certificate_id": self.other_certificate}
        # … and in a body.
        provisioned = {**device, "device_id": "zz-smoke-iso3", "serial": "SN-ISO3", "credentials": "generate"}
        self.bodies = {
            ("POST", "/v1/me/registration"): (JSON_HEADERS, jbody(body)),
            ("POST", "/v1/residents/{resident_id}/verification"): (JSON_HEADERS, jbody({"decision": "approve"})),
            ("POST", "/v1/platform/tenants/{tenant_id}/status"): (
                JSON_HEADERS, jbody({"status": "suspended", "reason": "isolation test"})),
            ("POST", "/v1/platform/tenants"): ({"Content-Type": "application/yaml"},
                                               manifest_text(OTHER).encode()),
            ("POST", "/v1/devices"): (JSON_HEADERS, jbody({**device, "device_id": "zz-smoke-iso2"})),
            ("POST", "/v1/alerts/{alert_id}/acknowledge"): (JSON_HEADERS, jbody({"note": "isolation test"})),
            ("POST", "/v1/alerts/{alert_id}/resolve"): (JSON_HEADERS, jbody({"note": "isolation test"})),
            ("POST", "/v1/alerts/{alert_id}/comments"): (JSON_HEADERS, jbody({"text": "isolation test"})),
            ("POST", "/v1/vendor/devices"): (JSON_HEADERS, jbody(provisioned)),
            ("POST", "/v1/vendor/devices/bulk"): (JSON_HEADERS, jbody({"devices": [provisioned]})),
            ("POST", "/v1/vendor/devices/{device_id}/certificates"): (JSON_HEADERS,
                                                                       jbody({"credentials": "generate"})),
            ("POST", "/v1/vendor/devices/{device_id}/certificates/{certificate_id}/revoke"): (
                JSON_HEADERS, jbody({"reason": "isolation test"})),
        }
        self.markers = [OTHER, "郑州", "jinghu", "荆胡", self.other_resident, "zz-smoke-iso", self.other_alert,
                        self.other_certificate]


@pytest.fixture(scope="module")
def matrix() -> Iterator[Matrix]:
    with mock_aws():
        world = make_world()
        world.onboard(HOME)
        world.onboard(OTHER)
        with Client(app, stage_name="test", project_dir=str(ROOT)) as client:
            client.http._local_gateway = ConfiguredGateway(app, client.http._config)
            yield Matrix(world, client)


@pytest.mark.parametrize(("spec", "role"), CASES, ids=[f"{s.method} {s.path} as {r}" for s, r in CASES])
def test_a_user_of_one_city_cannot_reach_another_citys_data(matrix, spec, role):
    names = re.findall(r"{(\w+)}", spec.path)
    unknown = [n for n in names if n not in matrix.params]
    assert not unknown, f"add a sample for {unknown} to the isolation matrix"
    path = spec.path.format(**{n: matrix.params[n] for n in names})
    headers = auth(matrix.world.token_for(role, HOME))
    body = b""
    if spec.method in ("POST", "PUT", "PATCH"):
        assert (spec.method, spec.path) in matrix.bodies, f"add a body for {spec.method} {spec.path}"
        extra, body = matrix.bodies[(spec.method, spec.path)]
        headers.update(extra)
    r = matrix.client.http.request(spec.method, path, headers=headers, body=body)
    if names or spec.method != "GET":
        assert r.status_code in (403, 404), f"{spec.method} {path} as {role}: {r.status_code} {r.body[:200]!r}"
    else:
        assert r.status_code in (200, 403, 404)
    text = r.body.decode("utf-8", "replace")
    sent = path + body.decode("utf-8")
    leaked = [m for m in matrix.markers if m in text and m not in sent]  # echoing the caller's input is no leak
    assert not leaked, f"{spec.method} {path} as {role} shows the other city's data: {leaked}"


def test_nothing_of_the_other_city_changed(matrix):
    admin = auth(matrix.world.token_for("city_admin", OTHER))
    r = matrix.client.http.get(f"/v1/residents/{matrix.other_resident}", headers=admin)
    assert r.status_code == 200 and r.json_body["status"] == "pending"
    assert matrix.client.http.get("/v1/tenant", headers=admin).json_body["tenant_id"] == OTHER
    alert = matrix.client.http.get(f"/v1/alerts/{matrix.other_alert}", headers=admin).json_body
    assert alert["state"] == "open" and [e["action"] for e in alert["timeline"]] == ["raised"]
    for device_id in ("zz-smoke-iso2", "zz-smoke-iso3"):
        device = matrix.client.http.get(f"/v1/devices/{device_id}", headers=admin)
        assert device.status_code == 404  # no city's user could register one with the other city's places
    certs = matrix.client.http.get("/v1/vendor/devices/zz-smoke-iso/certificates", headers=admin).json_body["items"]
    assert [(c["certificate_id"], c["status"]) for c in certs] == [(matrix.other_certificate, "active")]


def test_platform_admin_may_read_any_city_by_path(matrix):
    token = auth(matrix.world.token_for("platform_admin", "platform"))
    r = matrix.client.http.get(f"/v1/tenants/{OTHER}/hierarchy", headers=token)
    assert r.status_code == 200 and r.json_body["tenant_id"] == OTHER
    # but has no implicit city of its own
    assert matrix.client.http.get("/v1/communities", headers=token).status_code == 403


def test_the_matrix_covers_every_authenticated_route():
    declared = {(m, p) for p, methods in app.routes.items() for m in methods}
    covered = {(s.method, s.path) for s in ROUTES}
    assert declared == covered, "every route must be declared with chalicelib.http.routing.route"
    assert len(CASES) >= 4 * 15
