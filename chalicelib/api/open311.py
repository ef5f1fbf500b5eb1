"""Open311 GeoReport v2 (public): ``/open311/v2/services.json``, ``requests.json``, ``requests/<id>.xml`` …

API Gateway cannot match a suffix inside a path segment, so the resource and its format are parsed
here; every answer, errors included, is in the format the client asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from chalice import Blueprint, Response

from chalicelib.errors import InvalidInput
from chalicelib.http.body import as_bytes, check_size, load_json
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route
from chalicelib.open311 import intake
from chalicelib.open311.formats import Open311Error, error, render, split
from chalicelib.open311.models import (
    Open311Created,
    Open311Definition,
    Open311Request,
    Open311Service,
    Problems,
)
from chalicelib.open311.service import Open311Reader, jurisdiction

bp = Blueprint(__name__)
FORMS = ["application/x-www-form-urlencoded", "application/json"]
MEDIA = ("application/json", "text/xml")  # ``<resource>.json`` or ``<resource>.xml``
# Every answer, errors included, is in GeoReport's own form, not the API's Error object.
ERRORS_400_404 = {400: Problems, 404: Problems}


def _answer(name: str, produce: Callable[[str], Response]) -> Response:
    fmt = "xml" if name.endswith(".xml") else "json"
    try:
        return produce(fmt)
    except Open311Error as exc:
        return error(exc, fmt)


def _params() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


def _form() -> dict[str, str]:
    raw = as_bytes(bp.current_request.raw_body)
    try:
        check_size(raw)
        if "json" in (bp.current_request.headers.get("content-type") or ""):
            data = load_json(raw or b"{}")  # accepted as well as the form encoding the spec names
            if not isinstance(data, dict):
                raise InvalidInput("body: an object of fields is expected", field="body")
            return {str(k): "" if v is None else str(v) for k, v in data.items()}
    except InvalidInput as exc:
        raise Open311Error(400, exc.message if exc.message.startswith("body") else f"body: {exc.message}") from exc
    return {**_params(), **dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))}


@route(bp, "/open311/v2/{resource}", public=True)
@documented(response=list[Open311Service] | list[Open311Request], media=MEDIA, errors=ERRORS_400_404)
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
@documented(response=list[Open311Created], media=MEDIA, errors={**ERRORS_400_404, 403: Problems, 409: Problems})
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
@documented(response=Open311Definition | list[Open311Request], media=MEDIA, errors=ERRORS_400_404)
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
