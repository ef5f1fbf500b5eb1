"""Every route that takes a JSON body answers a bad one with a 400 that names the field — never a 500,
and before anything is read or written. Routes join automatically (``route(..., body=Model)``)."""

from __future__ import annotations

import re

import pytest

from app import app  # noqa: F401 - declares every route
from chalicelib.auth.roles import Role
from chalicelib.http.routing import ROUTES
from tests.support import JSON_HEADERS, auth

BODY_ROUTES = [s for s in ROUTES if s.body is not None and not s.public]
# Any id will do: the body is checked before the view looks anything up.
BAD = [(b"{not json", "body"), (b"[1, 2]", None), (b'{"zz_unknown": 1}', None), (b"", "body")]


def _caller(spec) -> tuple[str, str]:
    if Role.PLATFORM_ADMIN in spec.roles:
        return "platform_admin", "platform"
    for role in (Role.CITY_ADMIN, Role.STAFF, Role.RESIDENT, Role.VENDOR):
        if role in spec.roles:
            return role.value, "zhengzhou"
    raise AssertionError(f"no role to call {spec.path}")


def test_the_routes_with_bodies_are_found():
    assert len(BODY_ROUTES) >= 30


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=[f"{s.method} {s.path}" for s in BODY_ROUTES])
def test_a_bad_body_is_a_400_naming_the_field(client, aws, spec):
    aws.onboard("zhengzhou")
    headers = {**auth(aws.token_for(*_caller(spec))), **JSON_HEADERS}
    path = re.sub(r"{\w+}", "x-1", spec.path)
    for body, field in BAD:
        r = client.http.request(spec.method, path, headers=headers, body=body)
        assert r.status_code == 400, (body, r.status_code, r.body[:300])
        error = r.json_body
        assert error["code"] == "invalid_input" and error.get("field"), (body, error)
        if field:
            assert error["field"] == field, (body, error)
