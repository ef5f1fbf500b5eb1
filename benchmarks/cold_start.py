"""Cold start of the API Lambda: median time to ``import app`` from the deployment bundle in
a fresh interpreter with no site-packages (what Lambda's runtime does), for the bundle as
``chalice package`` makes it (source only) and as ``infra.package`` ships it (precompiled).

    .venv/bin/python -m benchmarks.cold_start            # packages into a temp dir first
    .venv/bin/python -m benchmarks.cold_start --zip out/deployment.zip
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from infra.package import build

PROBE = ("import json, sys, time; t = time.perf_counter(); import app; "
         "print(json.dumps({'ms': (time.perf_counter() - t) * 1000, "
         "'numpy': 'numpy' in sys.modules, 'awscrt': 'awscrt' in sys.modules}))")


def measure(code_dir: Path, runs: int) -> tuple[float, dict[str, bool]]:
    samples, last = [], {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-S", "-B", "-c", PROBE], cwd=code_dir, capture_output=True,
                             text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"})
        if out.returncode != 0:
            sys.exit(out.stderr)
        last = json.loads(out.stdout)
        samples.append(last.pop("ms"))
    return statistics.median(samples), last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zip", type=Path, help="a bundle from `python -m infra.package` (default: build one)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bundle = args.zip or build(Path(tmp) / "out") / "deployment.zip"
        shipped, source_only = Path(tmp) / "shipped", Path(tmp) / "source-only"
        for d in (shipped, source_only):
            zipfile.ZipFile(bundle).extractall(d)
        for pyc in source_only.rglob("*.pyc"):
            pyc.unlink()
        source_ms, _ = measure(source_only, args.runs)
        shipped_ms, flags = measure(shipped, args.runs)
    print(f"bundle: {bundle.name}, {args.runs} fresh interpreters each, median")
    print(f"  import app, source only (as chalice packages it): {source_ms:7.0f} ms")
    print(f"  import app, precompiled (as infra.package ships): {shipped_ms:7.0f} ms")
    print(f"  ratio: {source_ms / shipped_ms:.2f}x faster")
    print(f"  numpy imported: {flags['numpy']}, awscrt imported: {flags['awscrt']}")


if __name__ == "__main__":
    main()
