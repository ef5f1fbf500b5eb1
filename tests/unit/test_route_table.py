"""The app's routes come from a generated table, each area imported on its first request: the table
says what the modules declare, and the app serves every route with the authorizer it declares."""

from __future__ import annotations

import subprocess
import sys

from chalicelib.api import lazy
from chalicelib.api.route_table import TABLE
from tests.support import ROOT


def test_the_table_is_what_the_modules_declare():
    assert lazy.render(lazy.table()) == lazy.TABLE_FILE.read_text(encoding="utf-8"), "out of date: make routes"


def test_every_declared_route_is_on_the_app_with_its_authorizer():
    from app import app

    on_app = {(method, path): entry for path, methods in app.routes.items() for method, entry in methods.items()}
    assert {(s.method, s.path) for s in lazy.routes()} == set(on_app) and len(on_app) == len(TABLE)
    for spec in lazy.routes():
        entry = on_app[(spec.method, spec.path)]
        assert (entry.authorizer is None) == spec.public, (spec.method, spec.path)
        assert entry.view_name == spec.view.__name__ and tuple(entry.content_types) == spec.content_types


def test_importing_the_app_loads_no_area_until_a_request_reaches_it():
    probe = ("import sys, app; print(sorted(m for m in sys.modules if m.startswith('chalicelib.api.')"
             " and m not in ('chalicelib.api.lazy', 'chalicelib.api.route_table')))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
