"""The API's routes registered from a table, each area's module imported on its first request.

Every route is on the app from the start — path, method, authorizer, content types, view name, all
that ``chalice package`` and API Gateway see — but the module that declares it (its models, its
services) is imported only when a request reaches one of its routes. A container's cold start
then pays for what its first request uses, not for all twenty areas' ~220 models.

The table (``route_table.py``) is generated from the modules themselves (``make routes``) and a
unit test keeps the two equal, so it cannot drift from the declarations.

    .venv/bin/python -m chalicelib.api.lazy --write   # regenerate route_table.py
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalice import Chalice, Response

from chalicelib.api import MODULES

TABLE_FILE = Path(__file__).with_name("route_table.py")
Entry = tuple[str, str, str, str, bool, tuple[str, ...]]  # module, view, path, method, public, content types


def load(module: str, app: Chalice | None = None) -> Any:
    """Import an area's module; with ``app``, its blueprint answers ``current_request`` from the app (what
    registering the blueprint would do — its routes are registered from the table instead)."""
    mod = importlib.import_module(f"chalicelib.api.{module}")
    if app is not None:
        mod.bp._current_app = app
    return mod


def load_all(app: Chalice | None = None) -> None:
    """Every area (the OpenAPI document, the tests that walk every route)."""
    for module in MODULES:
        load(module, app)


def routes() -> list[Any]:
    """Every route's declaration (``RouteSpec``), all areas loaded."""
    from chalicelib.http.routing import ROUTES

    load_all()
    return ROUTES


def register(app: Chalice, table: tuple[Entry, ...], authorizer: Any) -> None:
    for module, view, path, method, public, content_types in table:
        kwargs: dict[str, Any] = {"methods": [method], "cors": True}
        if not public:
            kwargs["authorizer"] = authorizer
        if content_types != ("application/json",):
            kwargs["content_types"] = list(content_types)
        app.route(path, **kwargs)(_proxy(app, module, view, path, method))


def _proxy(app: Chalice, module: str, view: str, path: str, method: str) -> Callable[..., Response]:
    resolved: list[Callable[..., Response]] = []

    def handler(**params: Any) -> Response:
        if not resolved:
            from chalicelib.http.routing import HANDLERS

            load(module, app)
            resolved.append(HANDLERS[(method, path)])
        return resolved[0](**params)

    handler.__name__ = handler.__qualname__ = view
    return handler


def table() -> tuple[Entry, ...]:
    """The routes as the modules declare them, in the order they are registered."""
    declared = routes()
    module_of = {(s.method, s.path): s.view.__module__.rsplit(".", 1)[-1] for s in declared if s.view is not None}
    rank = {m: n for n, m in enumerate(MODULES)}
    ordered = sorted(declared, key=lambda s: rank[module_of[(s.method, s.path)]])  # stable: declaration order within
    return tuple((module_of[(s.method, s.path)], s.view.__name__ if s.view else "", s.path, s.method, s.public,
                  s.content_types) for s in ordered)


def render(entries: tuple[Entry, ...]) -> str:
    lines = ['"""Every route of the API: module, view, path, method, public, content types.', "",
             "Generated from the modules' declarations by ``make routes`` (chalicelib/api/lazy.py); do not edit.",
             '"""', "", "TABLE = ("]
    lines += [f"    {entry!r}," for entry in entries]
    lines += [")", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"write {TABLE_FILE.name}; else check it")
    args = parser.parse_args()
    entries = table()
    text = render(entries)
    if args.write:
        TABLE_FILE.write_text(text, encoding="utf-8")
        print(f"{TABLE_FILE}: {len(entries)} routes")
    elif TABLE_FILE.read_text(encoding="utf-8") != text:
        sys.exit(f"{TABLE_FILE.name} is out of date: make routes")


if __name__ == "__main__":
    main()
