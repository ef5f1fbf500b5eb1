"""Onboarding from the command line.

    python -m chalicelib.tenancy check tenants/*.yaml          # validate, no AWS needed
    python -m chalicelib.tenancy apply tenants/zhengzhou.yaml  # create / update the tenant
    python -m chalicelib.tenancy apply --dry-run tenants/zhengzhou.yaml

``apply`` uses the configured AWS endpoint and resources (CC_* settings), the same as the API.
Exit status: 0 applied or valid, 1 a manifest has problems (each printed with its line).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chalicelib.tenancy import manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.tenancy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "apply"])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="report what apply would change, write nothing")
    args = parser.parse_args(argv)
    failed = False
    for path in args.files:
        try:
            m = manifest.load(path.read_text(encoding="utf-8"))
        except manifest.ManifestError as exc:
            failed = True
            for p in exc.problems:
                print(f"{path}:{p.line or '?'}: {p.field}: {p.message}", file=sys.stderr)
            continue
        if args.command == "check":
            print(f"{path}: ok ({m.tenant_id})")
            continue
        from chalicelib.tenancy.apply import apply_manifest

        try:
            report = apply_manifest(m, dry_run=args.dry_run)
        except manifest.ManifestError as exc:
            failed = True
            for p in exc.problems:
                print(f"{path}: {p.field}: {p.message}", file=sys.stderr)
            continue
        print(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
