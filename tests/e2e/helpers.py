"""Helpers of the end-to-end suites: the stack's output, tokens of demo users."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Any

import requests

from tests.support import ROOT


class Output:
    """The stack's stdout and stderr, read continuously (a full pipe would block the stack)."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self.thread.start()

    def _drain(self, stream) -> None:
        for line in stream:
            self.lines.append(line)

    def text(self) -> str:
        return "".join(self.lines)

    def wait_for(self, needle: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return True
            time.sleep(0.2)
        return False


_TOKENS: dict[tuple[str, str], str] = {}


def token(stack: dict, username: str) -> str:
    """An ID token of a demo user, as ``make token`` prints it (kept for the run: tokens last an hour)."""
    key = (stack["api_url"], username)
    if key not in _TOKENS:
        _TOKENS[key] = _fresh_token(stack, username)
    return _TOKENS[key]


def _fresh_token(stack: dict, username: str) -> str:
    out = subprocess.run([sys.executable, "-m", "infra.local.token", username], cwd=ROOT, env=stack["env"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def call(stack: dict, user: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """The stack's API as a demo user: the status and the JSON answer, errors included."""
    r = requests.request(method, stack["api_url"] + path, json=body, timeout=30,
                         headers={"Authorization": f"Bearer {token(stack, user)}"})
    return r.status_code, (r.json() if r.content else None)


def api(stack: dict, user: str, method: str, path: str, body: Any = None) -> Any:
    """As ``call``, for a call that must succeed."""
    status, out = call(stack, user, method, path, body)
    assert status < 400, f"{method} {path} as {user}: {status} {out}"
    return out
