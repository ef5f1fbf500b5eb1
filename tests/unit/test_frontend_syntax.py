"""Every script of the front end parses as the ES module the browser loads: a typo is caught here in
seconds, not as a blank page in every browser test."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
SCRIPTS = [*sorted((FRONTEND / "js").rglob("*.js")), FRONTEND / "sw.js"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_every_script_parses(tmp_path: Path) -> None:
    bad = []
    for n, script in enumerate(SCRIPTS):
        module = tmp_path / f"{n}-{script.stem}.mjs"  # .mjs: checked as a module, imports and all
        module.write_bytes(script.read_bytes())
        run = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True, timeout=60)
        if run.returncode:
            said = [line for line in run.stderr.splitlines() if "Error" in line] or ["?"]
            bad.append(f"{script.relative_to(FRONTEND)}: {said[0]}")
    assert not bad, "\n".join(bad)
    assert len(SCRIPTS) > 30
