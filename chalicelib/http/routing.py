"""``route``: the one way a view is declared.

It attaches the authorizer, checks the caller's role, resolves the principal, maps any
error to the JSON error body, and serializes pydantic results. Each declaration is
recorded in ``ROUTES`` (roles, whether public) so tests can walk every route.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from chalice import Blueprint, Response
from chalice.app import Request
from pydantic import BaseModel

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import InvalidInput
from chalicelib.http.authorizer import jwt_auth
from chalicelib.http.errors import JSON, error_response

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    roles: frozenset[Role]
    public: bool


ROUTES: list[RouteSpec] = []


def _serialize(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    elif isinstance(result, list):
        result = [r.model_dump(mode="json") if isinstance(r, BaseModel) else r for r in result]
    return Response(json.dumps(result, ensure_ascii=False, default=str), status_code=status, headers=JSON)


def route(bp: Blueprint, path: str, *, method: str = "GET", roles: Iterable[Role] = (), public: bool = False,
          status: int = 200, content_types: list[str] | None = None) -> Callable[[Callable[..., Any]], Any]:
    """Declare a view. Authenticated views get the ``Principal`` as first argument."""
    allowed = frozenset(roles)
    if not public and not allowed:
        raise ValueError(f"{method} {path}: name the roles allowed, or mark it public")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def handler(**params: str) -> Response:
            try:
                if public:
                    return _serialize(view(**params), status)
                principal = Principal.from_context(bp.current_request.context.get("authorizer"))
                principal.require(allowed)
                return _serialize(view(principal, **params), status)
            except Exception as exc:  # noqa: BLE001 - the single error mapping
                return error_response(exc)

        ROUTES.append(RouteSpec(path, method, allowed, public))
        kwargs: dict[str, Any] = {"methods": [method], "cors": True}
        if not public:
            kwargs["authorizer"] = jwt_auth
        if content_types:
            kwargs["content_types"] = content_types
        bp.route(path, **kwargs)(handler)
        return handler

    return decorate


def parse_body(request: Request, model: type[M], *, optional: bool = False) -> M:
    """Validate the JSON body with ``model``; a 400 naming the field otherwise.

    With ``optional``, a missing body is validated as ``{}`` (so a required field is named).
    """
    raw = request.raw_body
    if not raw and optional:
        return model.model_validate({})
    if not raw:
        raise InvalidInput("a JSON body is required", field="body")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"body is not valid JSON: {exc}", field="body") from exc
    return model.model_validate(data)  # ValidationError → 400 naming the field, in http.errors


def parse_query(request: Request, model: type[M]) -> M:
    """Validate the query string with ``model``; a 400 naming the parameter otherwise."""
    return model.model_validate(dict(request.query_params or {}))


def query(request: Request, name: str, default: str | None = None) -> str | None:
    params = request.query_params
    return params.get(name, default) if params else default
