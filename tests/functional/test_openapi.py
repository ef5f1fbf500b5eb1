"""The OpenAPI document: generated from every route declaration (later routes join by themselves),
valid OpenAPI 3.1, served without a token, the same for every city."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from pydantic import BaseModel

from app import app
from chalicelib.api.lazy import routes
from chalicelib.http.openapi import document, response_type, untyped
from chalicelib.http.routing import RouteSpec
from chalicelib.residents.models import RegistrationIn
from tests.support import JSON_HEADERS, auth, jbody

ROUTES = routes()  # every area's declarations (the app imports each on its first request)

TAGS = {"meta", "tenancy", "residents", "devices", "vendor", "alerts", "platform", "requests", "open311", "notices",
        "consultations", "directory", "care", "apikeys", "reports", "ops", "usage", "personal", "notify", "emergency",
        "points", "access", "reporting", "imports"}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document(ROUTES)


def op(doc: dict[str, Any], spec: RouteSpec) -> dict[str, Any]:
    return doc["paths"][spec.path][spec.method.lower()]


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def conforms(doc: dict[str, Any], instance: Any, schema: dict[str, Any]) -> None:
    """Validate ``instance`` against ``schema`` (JSON Schema 2020-12), ``$ref``s resolved in the document."""
    jsonschema.Draft202012Validator({**doc, **schema}).validate(instance)


def required_fields(model: type[BaseModel]) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items() if f.is_required()}


def test_the_document_is_valid_openapi_3_1_with_unique_operation_ids(doc):
    validate(doc, cls=OpenAPIV31SpecValidator)
    ids = [o["operationId"] for methods in doc["paths"].values() for o in methods.values()]
    assert len(ids) == len(set(ids)) == len(ROUTES)
    assert doc["openapi"] == "3.1.0" and doc["info"]["title"] == "智慧社区云 Smart Community Cloud API"


def test_every_declared_route_appears_with_its_method_tag_and_summary(doc):
    declared = {(m, p) for p, methods in app.routes.items() for m in methods}
    assert declared == {(s.method, s.path) for s in ROUTES}
    for spec in ROUTES:
        operation = op(doc, spec)
        assert operation["tags"][0] in TAGS, spec.path
        assert operation["summary"], f"{spec.method} {spec.path}"
    assert {t["name"] for t in doc["tags"]} == {op(doc, s)["tags"][0] for s in ROUTES}


def test_path_parameters_are_declared_as_required_strings(doc):
    for spec in ROUTES:
        declared = {p["name"] for p in op(doc, spec).get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", spec.path)), spec.path
    alert = next(s for s in ROUTES if s.path == "/v1/alerts/{alert_id}" and s.method == "GET")
    assert op(doc, alert)["parameters"][0] == {"name": "alert_id", "in": "path", "required": True,
                                               "schema": {"type": "string"}}


def test_a_query_model_becomes_one_query_parameter_per_field(doc):
    with_query = [s for s in ROUTES if s.query is not None]
    assert with_query
    for spec in with_query:
        params = {p["name"]: p for p in op(doc, spec)["parameters"] if p["in"] == "query"}
        assert set(params) == set(spec.query.model_fields), spec.path
        assert {n for n, p in params.items() if p["required"]} == required_fields(spec.query)
    alerts = next(s for s in ROUTES if s.path == "/v1/alerts")
    params = {p["name"]: p for p in op(doc, alerts)["parameters"]}
    assert set(params) == {"state", "severity", "scope", "limit", "cursor"}
    assert params["limit"]["schema"]["maximum"] == 200 and params["limit"]["schema"]["default"] == 50
    assert "street, community, grid" in params["scope"]["description"]


def test_a_body_models_required_fields_appear_in_the_request_schema(doc):
    with_body = [s for s in ROUTES if s.body is not None]
    assert with_body
    for spec in with_body:
        body = op(doc, spec)["requestBody"]
        assert body["required"] is True
        schema = resolve(doc, next(iter(body["content"].values()))["schema"])
        assert set(schema.get("required", [])) == required_fields(spec.body), spec.path
    registration = next(s for s in ROUTES if s.path == "/v1/me/registration" and s.method == "POST")
    schema = resolve(doc, op(doc, registration)["requestBody"]["content"]["application/json"]["schema"])
    assert set(schema["required"]) == {"community_id", "building_id", "unit", "room", "name", "phone", "relation"}
    assert schema["properties"]["phone"]["pattern"] == r"^1[3-9]\d{9}$"
    assert schema["additionalProperties"] is False
    assert required_fields(RegistrationIn) == set(schema["required"])


def test_bodies_the_view_reads_itself_are_documented_too(doc):
    by = {(s.method, s.path): op(doc, s) for s in ROUTES}
    ack = by[("POST", "/v1/alerts/{alert_id}/acknowledge")]["requestBody"]
    assert ack["required"] is False
    onboard = by[("POST", "/v1/platform/tenants")]
    assert {"application/json", "application/yaml"} <= set(onboard["requestBody"]["content"])
    manifest = resolve(doc, onboard["requestBody"]["content"]["application/yaml"]["schema"])
    assert {"tenant_id", "hierarchy"} <= set(manifest["required"])
    assert onboard["parameters"][0]["name"] == "dry_run"
    bulk = by[("POST", "/v1/vendor/devices/bulk")]["responses"]
    assert set(bulk) >= {"201", "207"}
    assert "failed" in resolve(doc, bulk["207"]["content"]["application/json"]["schema"])["properties"]


def test_responses_follow_the_views_return_annotation(doc):
    for spec in ROUTES:
        t = response_type(spec)
        success = op(doc, spec)["responses"][str(spec.status)]
        if isinstance(t, type) and issubclass(t, BaseModel):
            schema = resolve(doc, success["content"]["application/json"]["schema"])
            assert set(schema.get("properties", {})) == {f.alias or n for n, f in t.model_fields.items()}, spec.path
    by = {(s.method, s.path): op(doc, s) for s in ROUTES}
    registered = by[("POST", "/v1/me/registration")]["responses"]
    assert "200" not in registered and "masked" in str(resolve(doc, registered["201"]["content"]
                                                                  ["application/json"]["schema"]))
    catalog = by[("GET", "/v1/catalog")]["responses"]["200"]["content"]["application/json"]["schema"]
    assert catalog["type"] == "array"


def test_authenticated_routes_need_a_bearer_token_and_list_their_roles(doc):
    assert doc["components"]["securitySchemes"]["bearerAuth"]["bearerFormat"] == "JWT"
    for spec in ROUTES:
        operation = op(doc, spec)
        if spec.public:
            assert operation["security"] == [] and "401" not in operation["responses"]
        else:
            assert operation["security"] == [{"bearerAuth": []}]
            assert operation["x-roles"] == sorted(r.value for r in spec.roles)
            assert {"401", "403"} <= set(operation["responses"])


def test_a_real_error_and_a_real_answer_match_the_document(client, aws, doc):
    aws.onboard("zhengzhou")
    token = aws.token_for("resident", "zhengzhou")
    headers = {**auth(token), **JSON_HEADERS}
    bad = client.http.post("/v1/me/registration", headers=headers, body=jbody({"community_id": "jinghu"}))
    assert bad.status_code == 400 and bad.json_body["field"] == "building_id"
    conforms(doc, bad.json_body, doc["components"]["responses"]["BadRequest"]["content"]["application/json"]
             ["schema"])
    r = client.http.post("/v1/me/registration", headers=headers, body=jbody({
        "community_id": "jinghu", "building_id": "jinghu-g1-b1", "unit": 1, "room": "0501", "name": "刘建华",
        "phone": "13700001111", "relation": "owner"}))
    assert r.status_code == 201
    registration = next(s for s in ROUTES if s.path == "/v1/me/registration" and s.method == "POST")
    conforms(doc, r.json_body, op(doc, registration)["responses"]["201"]["content"]["application/json"]["schema"])
    with pytest.raises(jsonschema.ValidationError):
        conforms(doc, {**r.json_body, "status": "lost"}, {"$ref": "#/components/schemas/Registration"})


def test_the_document_is_served_without_a_token_and_is_the_same_for_every_city(client, aws):
    for tenant in ("zhengzhou", "yinchuan"):
        aws.onboard(tenant)
    r = client.http.get("/v1/openapi.json")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    assert r.json_body == document(ROUTES)
    for token in (aws.token_for("city_admin", "zhengzhou"), aws.token_for("resident", "yinchuan")):
        assert client.http.get("/v1/openapi.json", headers=auth(token)).json_body == r.json_body
    text = r.body.decode("utf-8")
    for m in aws.manifests.values():
        communities = [c for d in m.hierarchy.districts for s in d.streets for c in s.communities]
        # Ids are left out: a format example may use one ("lower-case city id, e.g. …"); names, people and
        # addresses exist only in a city's own data.
        markers = [m.name.zh, m.name.en, *(u.username for u in m.users), *(u.name for u in m.users),
                   *(c.name.zh for c in communities), *(c.address for c in communities)]
        leaked = [x for x in markers if x in text]
        assert not leaked, f"the document names {m.tenant_id}'s data: {leaked}"


def test_routes_without_a_response_schema_are_reported():
    def loose(principal: Any) -> dict[str, Any]:
        return {}

    def bare(principal):  # type: ignore[no-untyped-def]
        return {}

    def typed(principal: Any) -> RegistrationIn:
        raise NotImplementedError

    specs = [RouteSpec(f"/x/{f.__name__}", "GET", frozenset(), True, f) for f in (loose, bare, typed)]
    assert untyped(specs) == ["GET /x/loose", "GET /x/bare"]
