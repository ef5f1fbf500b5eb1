"""Every route that takes a JSON body answers a bad one with a 400 that names the field — never a 500,
and before anything is read or written. Routes join automatically (``route(..., body=Model)``)."""

from __future__ import annotations

import re

import pytest

from app import app  # noqa: F401 - declares every route
from chalicelib.api.lazy import routes
from chalicelib.auth.roles import Role
from tests.support import JSON_HEADERS, auth

BODY_ROUTES = [s for s in routes() if s.body is not None and not s.public]
# Any id will do: the body is checked before the view looks anything up.
BAD = [(b"{not json", "body"), (b"[1, 2]", None), (b'{"zz_unknown": 1}', None), (b"", "body")]
# Hostile bodies: each refused before any model sees it, as a 400 naming ``body``.
DEEP = b'{"a":' * 5000 + b"1" + b"}" * 5000  # a RecursionError in the JSON parser, unless guarded
HOSTILE = [
    (DEEP, "nested too deeply"),
    (b"[" * 40 + b"]" * 40, "nested too deeply"),  # parses, but deeper than any document of ours
    (b'{"note": "' + "长".encode() * 90_000 + b'"}', "too large"),  # 270 KB
    (b'{"lat": NaN, "note": 1}', "NaN is not a JSON number"),
    (b'{"lat": Infinity}', "Infinity is not a JSON number"),
    (b'{"a": [-Infinity]}', "-Infinity is not a JSON number"),
]


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
def test_a_bad_or_hostile_body_is_a_400_naming_the_field(client, aws, spec):
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
    for body, why in HOSTILE:
        r = client.http.request(spec.method, path, headers=headers, body=body)
        assert r.status_code == 400, (why, r.status_code, r.body[:300])
        assert r.json_body["field"] == "body" and why in r.json_body["message"], (why, r.json_body)


def test_open311_refuses_hostile_bodies_in_its_own_error_format(client, aws):
    aws.onboard("zhengzhou")
    for content_type, body, why in [("application/json", DEEP, "nested too deeply"),
                                    ("application/json", b'{"lat": NaN}', "NaN"),
                                    ("application/x-www-form-urlencoded", b"description=" + b"x" * 300_000,
                                     "too large")]:
        r = client.http.post("/open311/v2/requests.json", headers={"Content-Type": content_type}, body=body)
        assert r.status_code == 400, (why, r.body[:300])
        [problem] = r.json_body
        assert problem["description"].startswith("body") and why in problem["description"], problem


def test_a_hostile_manifest_is_a_400_naming_body(client, aws):
    headers = {**auth(aws.token_for("platform_admin", "platform")), "Content-Type": "application/yaml"}
    deep = "tenant_id: x\nhierarchy: " + "[" * 3000 + "]" * 3000
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"
    for body, why in [(deep, "nested too deeply"), (laughs, "anchors and aliases"),
                      ("tenant_id: x\nlat: .nan\n", "not a finite number"),
                      ("tenant_id: x\nnote: " + "x" * (5 * 1024 * 1024), "too large")]:
        r = client.http.post("/v1/platform/tenants", headers=headers, body=body.encode())
        assert r.status_code == 400, (why, r.body[:300])
        assert r.json_body["field"] == "body" and why in r.json_body["message"], (why, r.json_body)
