"""Rendering GeoReport v2 answers as JSON or XML, and its error format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from chalice import Response

FORMATS = ("json", "xml")
TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The element names GeoReport v2 uses for a list and its items.
ROOTS = {"services": ("services", "service"), "requests": ("service_requests", "request"),
         "errors": ("errors", "error"), "definition": ("service_definition", "")}


class Open311Error(Exception):
    """An answer in the GeoReport error format; ``description`` starts with the field it is about."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def split(name: str) -> tuple[str, str]:
    """``services.json`` → (``services``, ``json``); an unknown format is a 404 (answered in JSON)."""
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in FORMATS or not stem:
        raise Open311Error(404, f"{name}: unknown resource; use <resource>.json or <resource>.xml")
    return stem, fmt


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _element(tag: str, value: Any) -> ET.Element:
    el = ET.Element(tag)
    if isinstance(value, dict):
        el.extend(_element(k, v) for k, v in value.items())
    elif isinstance(value, list):
        singular = tag[:-1] if tag.endswith("s") else "value"
        el.extend(_element(singular, v) for v in value)
    else:
        el.text = _text(value)
    return el


def to_xml(kind: str, payload: list[dict[str, Any]] | dict[str, Any]) -> str:
    root_tag, item_tag = ROOTS[kind]
    root = _element(root_tag, payload) if isinstance(payload, dict) else ET.Element(root_tag)
    if isinstance(payload, list):
        root.extend(_element(item_tag, item) for item in payload)
    return '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="unicode")


def render(kind: str, payload: list[dict[str, Any]] | dict[str, Any], fmt: str, status: int = 200) -> Response:
    body = to_xml(kind, payload) if fmt == "xml" else json.dumps(payload, ensure_ascii=False)
    return Response(body, status_code=status, headers={"Content-Type": TYPES[fmt]})


def error(exc: Open311Error, fmt: str) -> Response:
    return render("errors", [{"code": exc.status, "description": exc.description}], fmt, exc.status)
