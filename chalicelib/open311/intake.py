"""POST requests: a GeoReport v2 client files a request with the city's API key (or a user's ID token)."""

from __future__ import annotations

import importlib
from typing import Any

from pydantic import ConfigDict, Field, ValidationError

from chalicelib import privacy
from chalicelib.auth import tokens
from chalicelib.errors import AppError, field_path
from chalicelib.model import Model
from chalicelib.open311 import mapping
from chalicelib.open311.formats import Open311Error
from chalicelib.requests.filing import Filer, file_request
from chalicelib.requests.inputs import RequestIn
from chalicelib.requests.repository import RequestRepository
from chalicelib.requests.service import RequestService
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import now
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.service import TenantService

# Our names of a field → GeoReport's, so an error names the field the client sent.
FIELDS = {"category": "service_code", "location.point.lat": "lat", "location.point.lng": "long",
          "location.point": "lat", "location.address": "address_string", "location": "lat",
          "photos[0]": "media_url"}
CONTACT = ("first_name", "last_name", "phone", "email")


class Open311In(Model):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    service_code: str = Field(min_length=1, max_length=64)
    lat: float | None = None
    long: float | None = None
    address_string: str | None = Field(default=None, max_length=200)
    description: str = Field(default="", max_length=2000)
    media_url: str | None = Field(default=None, max_length=500)
    first_name: str | None = Field(default=None, max_length=40)
    last_name: str | None = Field(default=None, max_length=40)
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=120)


def _verify_key(tenant: TenantContext, raw_key: str) -> Any:
    # Resolved at call time: the key service is a separate package the API may be deployed without.
    return importlib.import_module("chalicelib.apikeys.service").verify(tenant, raw_key, "open311")


def _as_open311(exc: Exception, status: int = 400) -> Open311Error:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        name = field_path(tuple(first["loc"])) or "body"
        return Open311Error(400, f"{FIELDS.get(name, name)}: {first['msg']}")
    assert isinstance(exc, AppError)
    name = exc.field or "request"
    return Open311Error(exc.status if exc.status in (400, 403, 404) else status,
                        f"{FIELDS.get(name, name)}: {exc.message}")


def create(tenant: TenantContext, form: dict[str, str], authorization: str | None) -> list[dict[str, Any]]:
    try:
        data = Open311In.model_validate(form)
        if data.lat is None or data.long is None:
            raise Open311Error(400, "lat: lat and long are required; requests are routed by their place")
        body = RequestIn.model_validate({
            "category": data.service_code, "description": data.description,
            "location": {"point": {"lat": data.lat, "lng": data.long},
                         "address": data.address_string or f"{data.lat:.6f},{data.long:.6f}"},
            "photos": [data.media_url] if data.media_url else []})
        contact = {k: privacy.seal(tenant, k, v) for k in CONTACT if (v := getattr(data, k))}
        extra = {"contact_sealed": contact}
        if form.get("api_key"):
            key = _verify_key(tenant, form["api_key"])
            filer = Filer(f"apikey:{key.key_id}", key.name, "open311",
                          served=frozenset(key.communities) or None)
            doc = file_request(TenantService(tenant), RequestRepository(tenant), ResidentRepository(tenant),
                               filer, body, now(), extra)
            request_id, sla = doc["request_id"], doc["sla"]
        else:
            principal = tokens.from_header(authorization) if authorization else None
            if principal is None:
                raise Open311Error(403, "api_key: an API key of this jurisdiction (or a Bearer ID token) is required")
            if principal.tenant_id != tenant.tenant_id:
                raise Open311Error(403, "api_key: this token belongs to another jurisdiction")
            view = RequestService(principal).file(body, channel="open311", extra=extra)
            request_id, sla = view.request_id, doc_sla(tenant, view.category)
    except (ValidationError, AppError) as exc:
        raise _as_open311(exc, 403) from exc
    return [{"service_request_id": request_id, "service_notice": mapping.notice(sla), "account_id": None}]


def doc_sla(tenant: TenantContext, code: str) -> dict[str, Any]:
    return next(c["sla"] for c in TenantService(tenant).catalog() if c["code"] == code)
