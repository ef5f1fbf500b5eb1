"""The OpenAPI document tells the truth: schemathesis generates requests from it and sends them to the
running API as a city admin and as a resident, and every answer must be documented — status, media type
and body schema — and none may be a 5xx.

In ``make test`` the run is short and reproducible (examples and a few generated cases per operation, a
fixed seed); ``make fuzz`` runs the coverage phase too with more cases and a random seed. The platform's
own routes are left out: neither user may call them (each is a 403 the isolation matrix covers); so is
closing one's own account, which a generated body can do (the user's name is in /v1/me) and which would
leave the rest of the run signed out — tests/functional/test_personal_data.py covers it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.helpers import token

MAX_TIME = int(os.environ.get("FUZZ_MAX_TIME", "120"))
# the run's own bound plus the stack's start and the report; pytest's default per-test limit is shorter
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(MAX_TIME + 400)]

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
USERS = {"city_admin": "zz.admin", "resident": "zz.zhang.guilan"}


@pytest.mark.parametrize("role", sorted(USERS))
def test_every_answer_is_the_one_the_document_states(stack, role, tmp_path):
    st = Path(sys.executable).with_name("st")
    command = [
        str(st), "run", f"{stack['api_url']}/v1/openapi.json",
        "--header", f"Authorization: Bearer {token(stack, USERS[role])}",
        "--checks", CHECKS, "--mode", "positive", "--no-color",
        "--phases", os.environ.get("FUZZ_PHASES", "examples,fuzzing"),
        "--max-examples", os.environ.get("FUZZ_MAX_EXAMPLES", "3"),
        "--max-time", str(MAX_TIME),
        "--exclude-path-regex", "^/v1/platform/", "--exclude-path", "/v1/me/closure",
        "--report", "junit", "--report-dir", str(tmp_path),
    ]
    if seed := os.environ.get("FUZZ_SEED", "20261205"):
        command += ["--seed", seed]
    out = subprocess.run(command, capture_output=True, text=True, timeout=MAX_TIME + 120)
    report = out.stdout + out.stderr
    print(report[-3000:])
    assert out.returncode == 0, f"schemathesis as {role} ({USERS[role]}):\n{report[-12000:]}"
