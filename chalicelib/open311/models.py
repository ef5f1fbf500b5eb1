"""The GeoReport v2 answers as the OpenAPI document describes them (the answers themselves are built
as plain documents in ``mapping.py``; ``tests/functional/test_open311.py`` checks both agree)."""

from __future__ import annotations

from typing import Any, Literal

from chalicelib.model import Model


class Open311Problem(Model):
    """GeoReport's error form; the answer is a list of these. ``description`` starts with the field."""

    code: int
    description: str


class Open311Service(Model):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class Open311Definition(Model):
    service_code: str
    attributes: list[dict[str, Any]]


class Open311Request(Model):
    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str
    requested_datetime: str | None
    updated_datetime: str | None
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


class Open311Created(Model):
    service_request_id: str
    service_notice: str
    account_id: str | None


Problems = list[Open311Problem]
