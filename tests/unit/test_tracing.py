"""Tracing: the X-Ray SDK is loaded only where traces are recorded (in Lambda), and there the
request's subsegment carries the tenant annotation."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, sys
from chalicelib import observability
out = {"xray": "aws_xray_sdk" in sys.modules, "tracer": observability.tracer is not None}
with observability.traced("GET /v1/me", "zhengzhou"):
    if observability.tracer is not None:
        sub = observability.tracer.provider.current_subsegment()
        out.update(name=sub.name, annotations=sub.annotations)
print(json.dumps(out))
"""


def _run(**env: str) -> dict[str, object]:
    base = {k: v for k, v in os.environ.items()
            if k not in ("LAMBDA_TASK_ROOT", "POWERTOOLS_TRACE_DISABLED", "AWS_SAM_LOCAL", "AWS_CHALICE_CLI_MODE")}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={**base, **env}, capture_output=True,
                          text=True, timeout=60, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_outside_lambda_the_xray_sdk_is_not_imported() -> None:
    assert _run() == {"xray": False, "tracer": False}


def test_disabled_in_lambda_the_xray_sdk_is_not_imported() -> None:
    assert _run(LAMBDA_TASK_ROOT="/var/task", POWERTOOLS_TRACE_DISABLED="true") == {"xray": False, "tracer": False}


def test_in_lambda_the_request_subsegment_is_annotated_with_the_tenant() -> None:
    out = _run(LAMBDA_TASK_ROOT="/var/task", AWS_XRAY_CONTEXT_MISSING="IGNORE_ERROR",
               AWS_XRAY_DAEMON_ADDRESS="127.0.0.1:9",  # nothing listens: the emitter's UDP datagrams go nowhere
               _X_AMZN_TRACE_ID="Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
    assert out == {"xray": True, "tracer": True, "name": "## GET /v1/me", "annotations": {"tenant_id": "zhengzhou"}}
