"""Open311 GeoReport v2 (public): ``/open311/v2/services.json``, ``requests.json``, ``requests/<id>.xml`` …

API Gateway cannot match a suffix inside a path segment, so the resource and its format are parsed
here; every answer, errors included, is in the format the client asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl

from chalice import Blueprint, Response

from chalicelib.http.routing import route
from chalicelib.open311 import intake
from chalicelib.open311.formats import Open311Error, error, render, split
from chalicelib.open311.service import Open311Reader, jurisdiction

bp = Blueprint(__name__)
FORMS = ["application/x-www-form-urlencoded", "application/json"]


def _answer(name: str, produce: Callable[[str], Response]) -> Response:
    fmt = "xml" if name.endswith(".xml") else "json"
    try:
        return produce(fmt)
    except Open311Error as exc:
        return error(exc, fmt)


def _params() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


def _form() -> dict[str, str]:
    body = bp.current_request.raw_body or b""
    raw = body.encode() if isinstance(body, str) else body
    if "json" in (bp.current_request.headers.get("content-type") or ""):
        try:
            data = _json_object(raw)
        except ValueError as exc:
            raise Open311Error(400, f"body: not valid JSON ({exc})") from exc
        return {str(k): "" if v is None else str(v) for k, v in data.items()}
    return {**_params(), **dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))}


def _json_object(raw: bytes) -> dict[str, object]:
    """A JSON body, accepted as well as the form encoding the spec names."""
    data = json.loads(raw or b"{}")
    if not isinstance(data, dict):
        raise ValueError("an object of fields is expected")
    return data


@route(bp, "/open311/v2/{resource}", public=True)
def collection(resource: str) -> Response:
    """``services.json|xml`` or ``requests.json|xml?service_request_id=&service_code=&status=&start_date=&end_date=``"""
    def produce(fmt: str) -> Response:
        stem, fmt = split(resource)
        reader = Open311Reader(jurisdiction(_params().get("jurisdiction_id")))
        if stem == "services":
            return render("services", reader.services(), fmt)
        if stem == "requests":
            return render("requests", reader.search(_params()), fmt)
        raise Open311Error(404, f"{resource}: unknown resource")

    return _answer(resource, produce)


@route(bp, "/open311/v2/{resource}", method="POST", public=True, status=201, content_types=FORMS)
def post_request(resource: str) -> Response:
    """``requests.json``: file a request (form-encoded, GeoReport v2) with ``api_key`` or a Bearer ID token."""
    def produce(fmt: str) -> Response:
        stem, fmt = split(resource)
        if stem != "requests":
            raise Open311Error(404, f"{resource}: only requests can be posted")
        form = _form()
        tenant = jurisdiction(form.get("jurisdiction_id"))
        created = intake.create(tenant, form, bp.current_request.headers.get("authorization"))
        return render("requests", created, fmt, 201)

    return _answer(resource, produce)


@route(bp, "/open311/v2/{resource_type}/{resource_file}", public=True)
def member(resource_type: str, resource_file: str) -> Response:
    """``services/<service_code>.json`` (its definition) or ``requests/<service_request_id>.json``"""
    def produce(fmt: str) -> Response:
        stem, fmt = split(resource_file)
        reader = Open311Reader(jurisdiction(_params().get("jurisdiction_id")))
        if resource_type == "services":
            return render("definition", reader.definition(stem), fmt)
        if resource_type == "requests":
            return render("requests", reader.one(stem), fmt)
        raise Open311Error(404, f"{resource_type}: unknown resource")

    return _answer(resource_file, produce)
