"""Helpers of the end-to-end suites: the stack's output, tokens of demo users."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

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


def token(stack: dict, username: str) -> str:
    out = subprocess.run([sys.executable, "-m", "infra.local.token", username], cwd=ROOT, env=stack["env"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()
