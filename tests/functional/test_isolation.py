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
from chalicelib.api.lazy import routes
from chalicelib.store import scope
from infra.local.gateway import ConfiguredGateway
from tests.functional.isolation import HOME, OTHER, Other, collect
from tests.iam import Calls, recording_calls
from tests.support import ROOT, World, auth, make_world

ROUTES = routes()  # every area's declarations (the app imports each on its first request)

ROLES = ["city_admin", "staff", "resident", "vendor", "visitor"]
# Writes of the caller's own record, naming nothing of any city: they succeed for the caller, and the
# other city's records stay as they were (the samples' ``unchanged`` checks).
OWN = {("PUT", "/v1/me/notification-settings"), ("POST", "/v1/requests/photo-uploads"),
       ("POST", "/v1/alerts/photo-uploads"), ("POST", "/v1/imports"),  # an upload key under the caller's own city
       ("POST", "/v1/me/push-subscriptions")}  # the caller's own records: a subscription of their own device
CASES = [(spec, role) for spec in ROUTES if not spec.public for role in ROLES]


class Matrix:
    """Every service's samples (tests/functional/isolation/*.py) merged."""

    def __init__(self, world: World, client: Client) -> None:
        self.world, self.client = world, client
        self.other = Other(world, client)
        found, self.checks = collect(self.other)
        self.params, self.bodies, self.markers = found.params, found.bodies, found.markers


@pytest.fixture(scope="module")
def calls() -> Iterator[Calls]:
    with recording_calls() as recorded:
        yield recorded


@pytest.fixture(scope="module")
def matrix(calls: Calls) -> Iterator[Matrix]:
    with mock_aws():
        world = make_world()
        world.onboard(HOME)
        world.onboard(OTHER)
        with Client(app, stage_name="test", project_dir=str(ROOT)) as client:
            client.http._local_gateway = ConfiguredGateway(app, client.http._config)
            yield Matrix(world, client)


@pytest.mark.parametrize(("spec", "role"), CASES, ids=[f"{s.method} {s.path} as {r}" for s, r in CASES])
def test_a_user_of_one_city_cannot_reach_another_citys_data(matrix, calls, spec, role):
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
    calls.seen.clear()
    r = matrix.client.http.request(spec.method, path, headers=headers, body=body)
    calls.check_scoped(HOME, f"{spec.method} {path} as {role}")  # even what the code tries for the other city
    if names or (spec.method != "GET" and (spec.method, spec.path) not in OWN):
        assert r.status_code in (403, 404), f"{spec.method} {path} as {role}: {r.status_code} {r.body[:200]!r}"
    else:
        assert r.status_code in (200, 201, 403, 404)
    text = r.body.decode("utf-8", "replace")
    sent = path + body.decode("utf-8")
    leaked = [m for m in matrix.markers if m in text and m not in sent]  # echoing the caller's input is no leak
    assert not leaked, f"{spec.method} {path} as {role} shows the other city's data: {leaked}"


def test_a_citys_requests_reach_the_table_with_its_own_credentials(matrix, calls):
    scope.forget()  # the first request of a city in a container assumes the role
    calls.seen.clear()
    r = matrix.client.http.get("/v1/communities", headers=auth(matrix.world.token_for("city_admin", HOME)))
    assert r.status_code == 200
    signers = {scope.tenant_of(key) for service, key, _, _ in calls.seen if service == "dynamodb"}
    assert signers == {HOME} and len(calls.seen) >= 1
    calls.check_scoped(HOME, "GET /v1/communities")


def test_nothing_of_the_other_city_changed(matrix):
    for check in matrix.checks:
        check(matrix.other)


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
