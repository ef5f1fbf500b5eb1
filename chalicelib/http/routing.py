"""``route``: the one way a view is declared.

It checks the caller's role, resolves the principal, maps any error to the JSON error body,
and serializes pydantic results. Each declaration is recorded in ``ROUTES`` (roles, whether
public; what the OpenAPI document is made from) and its handler in ``HANDLERS``, which the
app's routes call (chalicelib/api/lazy.py registers them, with the authorizer, from the
generated route table).
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
from chalicelib.http import cursors
from chalicelib.http.body import load_json
from chalicelib.http.errors import JSON, error_response
from chalicelib.store.scope import tenant_scope
from chalicelib.usage import gate

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    roles: frozenset[Role]
    public: bool
    # What the OpenAPI document is generated from (chalicelib/http/openapi.py).
    view: Callable[..., Any] | None = None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    content_types: tuple[str, ...] = ("application/json",)


ROUTES: list[RouteSpec] = []
HANDLERS: dict[tuple[str, str], Callable[..., Response]] = {}  # (method, path) → the view as Chalice calls it


def _serialize(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    elif isinstance(result, list):
        result = [r.model_dump(mode="json") if isinstance(r, BaseModel) else r for r in result]
    return Response(json.dumps(result, ensure_ascii=False, default=str), status_code=status, headers=JSON)


def route(bp: Blueprint, path: str, *, method: str = "GET", roles: Iterable[Role] = (), public: bool = False,
          status: int = 200, content_types: list[str] | None = None, body: type[BaseModel] | None = None,
          query: type[BaseModel] | None = None) -> Callable[[Callable[..., Any]], Any]:
    """Declare a view. Authenticated views get the ``Principal`` as first argument.

    With ``body`` (JSON) or ``query`` (query string) the view receives the validated model as the
    keyword argument of that name; both, with the view's return annotation and docstring, go into
    the OpenAPI document.
    """
    allowed = frozenset(roles)
    if not public and not allowed:
        raise ValueError(f"{method} {path}: name the roles allowed, or mark it public")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def handler(**params: Any) -> Response:
            try:
                args: tuple[Principal, ...] = ()
                city = None
                if not public:
                    principal = Principal.from_context(bp.current_request.context.get("authorizer"))
                    args = (principal,)
                    city = None if principal.is_platform_admin else principal.tenant_id
                with tenant_scope(city):  # a city's request touches DynamoDB and KMS as that city only
                    if not public:
                        gate.admit(principal)  # the city's rate limit (429) and usage count
                        principal.require(allowed)
                    return _serialize(_run(bp.current_request, view, args, params), status)
            except Exception as exc:  # noqa: BLE001 - the single error mapping
                return error_response(exc)
            finally:
                if not public:
                    gate.done()

        def _run(request: Request, view: Callable[..., Any], args: tuple[Principal, ...],
                 params: dict[str, Any]) -> Any:
            """The view with its validated body and query; cursors opened on the way in, signed on the way out."""
            bound = ""
            if body is not None:
                params["body"] = parse_body(request, body)
            if query is not None:
                q = parse_query(request, query)
                bound = cursors.binding(method, path, {k: v for k, v in params.items() if k != "body"}, q)
                signed = getattr(q, "cursor", None)
                if signed and args:  # cursors are signed for a city: routes with a principal
                    q = q.model_copy(update={"cursor": cursors.open_signed(args[0].tenant_id, bound, signed)})
                params["query"] = q
            result = view(*args, **params)
            following = getattr(result, "next_cursor", None) if isinstance(result, BaseModel) else None
            if following and args:
                result = result.model_copy(update={"next_cursor": cursors.sign(args[0].tenant_id, bound, following)})
            return result

        ROUTES.append(RouteSpec(path, method, allowed, public, view, body, query, status,
                                tuple(content_types or ("application/json",))))
        HANDLERS[(method, path)] = handler  # registered on the app from chalicelib/api/route_table.py
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
    return model.model_validate(load_json(raw))  # ValidationError → 400 naming the field, in http.errors


def parse_query(request: Request, model: type[M]) -> M:
    """Validate the query string with ``model``; a 400 naming the parameter otherwise."""
    return model.model_validate(dict(request.query_params or {}))


def query(request: Request, name: str, default: str | None = None) -> str | None:
    params = request.query_params
    return params.get(name, default) if params else default
