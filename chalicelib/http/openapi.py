"""The OpenAPI 3.1 document of the API, generated from the route declarations (``ROUTES``).

Per ``RouteSpec``: path parameters from the path, query parameters from the ``query`` model, the
request body from the ``body`` model, the success response from the view's return annotation,
summary and description from its docstring, the tag from its blueprint module. What a declaration
cannot show (a body the view reads itself, a ``Response`` built by hand) is added with
``@documented`` under ``@route``. Nothing is built before the document is first asked for.
"""

from __future__ import annotations

import inspect
import re
import sys
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import Field, TypeAdapter

from chalicelib.model import Model

if TYPE_CHECKING:
    from pydantic.json_schema import JsonSchemaMode

    from chalicelib.http.routing import RouteSpec

TITLE = "智慧社区云 Smart Community Cloud API"
VERSION = "1.0.0"
UNTYPED: Any = typing.Any  # a view without a usable return annotation
F = TypeVar("F", bound=Callable[..., Any])
ERRORS = {400: ("BadRequest", "输入无效 / invalid input: `field` names it"),
          401: ("Unauthorized", "缺少或无效的身份令牌 / no valid ID token"),
          403: ("Forbidden", "角色或辖区不允许 / the caller's role or places do not allow it"),
          404: ("NotFound", "调用者所在城市中没有此资源 / no such resource in the caller's city"),
          409: ("Conflict", "与当前状态冲突或配额已满 / conflicts with the current state, or a count quota of the "
                            "city is used up (`code: quota_exceeded`, `field` names the quota, with `limit` and "
                            "`used`)"),
          429: ("TooManyRequests", "城市请求频率超限 / the city's `api_requests_per_second` is used up for now "
                                   "(`code: rate_limited`, `limit`, `retry_after`); retry after `Retry-After` "
                                   "seconds")}
STATUSES = {200: "成功 / OK", 201: "已创建 / created", 202: "已受理 / accepted", 204: "无内容 / no content",
            207: "部分成功 / some items failed: see each item"}
DESCRIPTION = ("多租户智慧社区平台, 每个城市是一个租户, 城市来自身份令牌. Multi-tenant smart-community platform: each "
               "city is a tenant, taken from the caller's ID token, never from the path or body. `x-roles` lists "
               "the roles allowed; errors are JSON `{code, message, field?, errors?}`.")
BEARER = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
          "description": "Cognito ID token: the city from `custom:tenant_id`, the roles from its groups"}


class FieldError(Model):
    field: str
    message: str


class Error(Model):
    """Every error response: a stable ``code``, a readable ``message``, the input at fault in ``field``."""

    code: str = Field(examples=["invalid_input", "forbidden", "not_found"])
    message: str
    field: str | None = Field(default=None, description="e.g. `phone`, `devices[2].serial`, `cursor`")
    errors: list[FieldError] | None = Field(default=None, description="every problem found, when several")
    limit: int | None = Field(default=None, description="quota errors (409, 429): the city's limit")
    used: int | None = Field(default=None, description="`quota_exceeded`: what the city uses of it")
    retry_after: int | None = Field(default=None, description="`rate_limited`: seconds, as in `Retry-After`")


@dataclass(frozen=True)
class Hint:
    body: Any = None
    body_required: bool = True
    response: Any = None
    statuses: tuple[int, ...] = ()
    media: tuple[str, ...] = ("application/json",)
    raises: tuple[int, ...] = ()
    errors: tuple[tuple[int, Any], ...] = ()


def documented(*, body: Any = None, body_required: bool = True, response: Any = None,
               statuses: Iterable[int] = (), media: str | Iterable[str] = "application/json",
               raises: Iterable[int] = (), errors: dict[int, Any] | None = None) -> Callable[[F], F]:
    """Document what ``route()`` cannot see: a ``body`` the view parses itself (optional, or not JSON),
    the ``response`` type of a view that returns a ``Response`` and its ``media`` types (the first is
    described by the type, e.g. ``text/csv``; more, such as ``text/xml``, as text), more success
    ``statuses`` (e.g. 207), the error statuses it ``raises`` beyond those every route of its shape may
    answer (e.g. 409 on a read), and ``errors`` answered with another body than ``Error`` (status → type:
    Open311's list form, bulk per-item results)."""
    kinds = (media,) if isinstance(media, str) else tuple(media)

    def mark(view: F) -> F:
        view.__openapi__ = Hint(body, body_required, response, tuple(statuses), kinds,  # type: ignore[attr-defined]
                                tuple(raises), tuple((errors or {}).items()))
        return view
    return mark


def _hint(spec: RouteSpec) -> Hint:
    return getattr(spec.view, "__openapi__", None) or Hint()


def response_type(spec: RouteSpec) -> Any:
    """The documented success type (None: no content): ``@documented(response=)``, else the return annotation."""
    if _hint(spec).response is not None:
        return _hint(spec).response
    try:
        found = typing.get_type_hints(spec.view, include_extras=True).get("return", UNTYPED)
    except (NameError, TypeError):
        return UNTYPED
    return None if found is type(None) else found


def _adapter(t: Any) -> TypeAdapter[Any] | None:
    if t is None or t is UNTYPED:
        return None
    try:
        return TypeAdapter(t)
    except Exception:  # noqa: BLE001 - a type pydantic cannot describe (e.g. chalice.Response) stays untyped
        return None


def untyped(routes: Sequence[RouteSpec]) -> list[str]:
    """Routes whose success response has no schema of its own (``dict[str, Any]``, missing, ``Response``)."""
    loose: list[Any] = [{"type": "object", "additionalProperties": True}, {}]
    out = []
    for spec in routes:
        adapter = _adapter(t := response_type(spec))
        schema = adapter.json_schema() if adapter else {}
        if t is not None and (schema in loose or schema.get("items", 0) in loose):
            out.append(f"{spec.method} {spec.path}")
    return out


def _tag(spec: RouteSpec) -> str:
    return str(getattr(spec.view, "__module__", "api")).rsplit(".", 1)[-1]


def _doc(obj: Any) -> tuple[str, str]:
    """(first paragraph on one line, the rest) of a docstring, in Markdown."""
    summary, _, rest = (inspect.getdoc(obj) or "").replace("``", "`").partition("\n\n")
    return " ".join(summary.split()), rest.strip()


def _parameters(spec: RouteSpec, refs: dict[Any, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                                 for n in re.findall(r"{(\w+)}", spec.path)]
    model = defs[refs[(spec.query, "validation")]["$ref"].rsplit("/", 1)[-1]] if spec.query else {}
    for name, schema in model.get("properties", {}).items():
        schema = dict(schema)
        p = {"name": name, "in": "query", "required": name in model.get("required", ()), "schema": schema}
        if "description" in schema:
            p["description"] = schema.pop("description")
        out.append(p)
    return out


def _operation(spec: RouteSpec, refs: dict[Any, Any], defs: dict[str, Any]) -> dict[str, Any]:
    hint, name = _hint(spec), getattr(spec.view, "__name__", spec.method.lower())
    summary, description = _doc(spec.view)
    op: dict[str, Any] = {"tags": [_tag(spec)], "summary": summary or name.replace("_", " ").capitalize(),
                          "operationId": f"{_tag(spec)}.{name}"}
    if description:
        op["description"] = description
    if params := _parameters(spec, refs, defs):
        op["parameters"] = params
    body, required = (spec.body, True) if spec.body is not None else (hint.body, hint.body_required)
    if body is not None:
        schema = refs[(body, "validation")]
        op["requestBody"] = {"required": required, "content": {c: {"schema": schema} for c in spec.content_types}}
    t = response_type(spec)
    op["responses"] = {str(s): {"description": STATUSES.get(s, str(s))} for s in (spec.status, *hint.statuses)}
    if t is not None:
        for r in op["responses"].values():
            r["content"] = _content(hint.media, refs.get((t, "serialization"), {}))
    in_path = "{" in spec.path
    errors = [400] * bool(body is not None or spec.query or in_path) + [401, 403] * (not spec.public)
    errors += [404] * (in_path or body is not None) + [409] * (spec.method != "GET" and not spec.public)
    errors += [429] * (not spec.public)  # every city's authenticated request is rate limited
    special = dict(hint.errors)
    for e in sorted({*errors, *hint.raises, *special}):
        op["responses"][str(e)] = ({"description": ERRORS[e][1], "content": _content(
            hint.media, refs[(special[e], "serialization")])} if e in special
            else {"$ref": f"#/components/responses/{ERRORS[e][0]}"})
    op["security"] = [] if spec.public else [{"bearerAuth": []}]
    if not spec.public:
        op["x-roles"] = sorted(r.value for r in spec.roles)
    return op


def _content(media: tuple[str, ...], schema: dict[str, Any]) -> dict[str, Any]:
    """The first media type carries the schema; others (Open311's ``text/xml``) are text."""
    return {m: {"schema": schema if n == 0 else {"type": "string"}} for n, m in enumerate(media)}


def document(routes: Sequence[RouteSpec]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (every schema under ``components/schemas``)."""
    wanted: dict[tuple[Any, JsonSchemaMode], TypeAdapter[Any]] = {(Error, "serialization"): TypeAdapter(Error)}
    for spec in routes:
        for model in (spec.body, _hint(spec).body, spec.query):
            if model is not None:
                wanted[(model, "validation")] = TypeAdapter(model)
        if (adapter := _adapter(t := response_type(spec))) is not None:
            wanted[(t, "serialization")] = adapter
        for _, shape in _hint(spec).errors:
            wanted[(shape, "serialization")] = TypeAdapter(shape)
    refs, top = TypeAdapter.json_schemas([(t, mode, a) for (t, mode), a in wanted.items()],
                                         ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    tags: dict[str, str] = {}
    for spec in routes:
        op = _operation(spec, refs, top.get("$defs", {}))
        while any(o["operationId"] == op["operationId"] for p in paths.values() for o in p.values()):
            op["operationId"] += "_"
        paths.setdefault(spec.path, {})[spec.method.lower()] = op
        tags.setdefault(_tag(spec), _doc(sys.modules.get(getattr(spec.view, "__module__", "")))[0])
    error = {"application/json": {"schema": refs[(Error, "serialization")]}}
    return {"openapi": "3.1.0", "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
            "tags": [{"name": n, "description": d} for n, d in tags.items()], "paths": paths,
            "components": {"schemas": top.get("$defs", {}), "securitySchemes": {"bearerAuth": BEARER},
                           "responses": {n: {"description": d, "content": error, **_headers(n)}
                                         for n, d in ERRORS.values()}}}


def _headers(response: str) -> dict[str, Any]:
    if response != ERRORS[429][0]:
        return {}
    return {"headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}}


_built: dict[str, Any] | None = None


def cached(routes: Sequence[RouteSpec]) -> dict[str, Any]:
    """``document(routes)``, built on first use and kept for the life of the process."""
    global _built
    if _built is None:
        _built = document(routes)
    return _built
