"""The one place that turns errors into HTTP responses: JSON ``{code, message, field?}``."""

from __future__ import annotations

import json
from typing import Any

from chalice import Response
from pydantic import ValidationError

from chalicelib.errors import AppError, field_path
from chalicelib.observability import logger

JSON: dict[str, str | list[str]] = {"Content-Type": "application/json; charset=utf-8"}


def body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "message": message}
    if field:
        out["field"] = field
    out.update(extra)
    return out


def validation_details(exc: ValidationError) -> list[dict[str, str]]:
    return [{"field": field_path(tuple(e["loc"])) or "body", "message": e["msg"]} for e in exc.errors()]


def _json(payload: dict[str, Any], status: int) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False, default=str), status_code=status, headers=dict(JSON))


def error_response(exc: BaseException) -> Response:
    if isinstance(exc, ValidationError):
        details = validation_details(exc)
        first = details[0]
        return _json(body("invalid_input", f"{first['field']}: {first['message']}", first["field"], errors=details),
                     400)
    if isinstance(exc, AppError):
        extra: dict[str, Any] = dict(getattr(exc, "extra", {}))
        problems = getattr(exc, "problems", None)
        if problems:
            extra["errors"] = [p.as_dict() for p in problems]
        if exc.status >= 500:
            logger.error("request failed", extra={"code": exc.code}, exc_info=exc)
        response = _json(body(exc.code, exc.message, exc.field, **extra), exc.status)
        response.headers.update(getattr(exc, "headers", {}))
        return response
    logger.exception("unhandled error")
    return _json(body("internal_error", "an internal error occurred; it has been logged"), 500)


def normalize(response: Response) -> Response:
    """Reshape Chalice's own error bodies (``{"Code", "Message"}``: 405, 415, bad JSON…)."""
    b = response.body
    if response.status_code >= 400 and isinstance(b, dict) and "Code" in b and "code" not in b:
        code = {"BadRequestError": "invalid_input", "MethodNotAllowedError": "method_not_allowed",
                "UnsupportedMediaType": "unsupported_media_type", "NotFoundError": "not_found",
                "InternalServerError": "internal_error"}.get(str(b["Code"]), str(b["Code"]).lower())
        response.body = body(code, str(b.get("Message", "")))
        response.headers = {**response.headers, **JSON}
    return response
