"""One ``make run`` stack for the end-to-end suites: a subprocess on free ports (moto, API, front
end, mosquitto, bridge, poller, simulator), its output drained and kept for the tests to read.
The test that stops it (Ctrl-C) runs last."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.e2e.helpers import Output
from tests.support import ROOT

STOPS_THE_STACK = "test_ctrl_c_stops_everything"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The test that stops the stack goes after the last end-to-end test (the hook sees every suite).
    The end-to-end tests share one stack in one process: ``make test`` runs them beside the other
    tests (scripts/test-suite.sh), never split across workers."""
    here = os.path.dirname(__file__)
    stop = next((i for i in items if i.name == STOPS_THE_STACK), None)
    if stop is None:
        return
    items.remove(stop)
    last = max((n for n, i in enumerate(items) if str(i.path).startswith(here)), default=len(items) - 1)
    items.insert(last + 1, stop)


@pytest.fixture(scope="package")
def stack(tmp_path_factory) -> Iterator[dict]:
    state = tmp_path_factory.mktemp("stack") / "stack.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CC_", "AWS_"))}
    env["CC_LOCAL_STATE"] = str(state)
    proc = subprocess.Popen([sys.executable, "-m", "infra.local.stack", "--moto-port", "0", "--api-port", "0",
                             "--web-port", "0", "--mqtt-port", "0"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    assert proc.stdout is not None
    output = Output(proc.stdout)
    up = output.wait_for("Ctrl-C stops everything", timeout=180)
    if not up or not state.exists():
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the stack did not come up:\n" + output.text())
    info = json.loads(state.read_text(encoding="utf-8"))
    info.update(banner=output.text(), env=env, proc=proc, output=output, started=time.monotonic())
    yield info
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
