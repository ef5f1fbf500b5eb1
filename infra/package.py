"""Build the deployable artefact: ``chalice package`` merged with ``infra/template.json``,
then the Lambda bundle precompiled.

    .venv/bin/python -m infra.package out/          # → out/sam.json, out/deployment.zip

Lambda's code directory is read-only, so without bytecode in the zip every cold start
compiles every imported module again. The bundle ships ``__pycache__/*.pyc`` compiled by
the same Python as the runtime, with hash-based ("unchecked") invalidation because zip
timestamps are not preserved.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import py_compile
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from infra.template_parts import write_merged

ROOT = Path(__file__).resolve().parent.parent


class PackagingError(RuntimeError):
    pass


def chalice_package(out_dir: Path, stage: str = "prod") -> None:
    chalice = Path(sys.executable).parent / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1")}
    with tempfile.TemporaryDirectory() as tmp:
        template = write_merged(Path(tmp) / "merge.json")  # template.json + template.d/*.json
        run = subprocess.run([str(chalice), "package", "--stage", stage, "--pkg-format", "cloudformation",
                              "--merge-template", str(template), str(out_dir)],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    said = run.stdout + run.stderr
    # chalice exits 0 even when it could not bundle a dependency: read what it said.
    if run.returncode != 0 or "Could not install dependencies" in said:
        raise PackagingError(said)


def precompile(zip_path: Path) -> int:
    """Add bytecode for every module in the bundle; returns how many .py files it holds."""
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(zip_path) as z:
            z.extractall(tmp)
        ok = compileall.compile_dir(tmp, quiet=1, workers=0,
                                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        if not ok:
            raise PackagingError("some modules in the bundle do not compile")
        files = sorted(p for p in Path(tmp).rglob("*") if p.is_file())
        rebuilt = zip_path.with_suffix(".tmp")
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for p in files:
                info = zipfile.ZipInfo(str(p.relative_to(tmp)), date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = (p.stat().st_mode & 0o777 | 0o444) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, p.read_bytes())
        rebuilt.replace(zip_path)
        return sum(1 for p in files if p.suffix == ".py")


# The definitions in iot/ that the Lambda code imports (thing names, topics, rules) and the root CA it
# hands to devices; Chalice bundles only app.py and chalicelib/. Device-side tools in iot/ stay out.
IOT_RUNTIME = ("__init__.py", "topics.py", "rules.py", "things.py", "AmazonRootCA1.pem")


def add_iot_definitions(zip_path: Path) -> None:
    with zipfile.ZipFile(zip_path, "a", zipfile.ZIP_DEFLATED) as z:
        for name in IOT_RUNTIME:
            z.write(ROOT / "iot" / name, f"iot/{name}")


# The AWS services the bundle's code calls (chalicelib.aws.client / scoped_client, PynamoDB's dynamodb,
# the X-Ray SDK's xray); a unit test keeps this equal to what the code names. botocore ships the models of
# 400+ services (28 MB); the bundle keeps these, and endpoints.json (1.2 MB, parsed on the first client
# of a cold start) keeps every partition and region but only these services.
AWS_SERVICES = ("cloudwatch", "cognito-idp", "dynamodb", "iot", "kms", "pinpoint-sms-voice-v2", "s3",
                "secretsmanager", "sns", "sqs", "sts", "xray")
BOTOCORE_DATA = "botocore/data/"


def prune_botocore_data(zip_path: Path, services: tuple[str, ...] = AWS_SERVICES) -> tuple[int, int]:
    """The bundle without the models of services it does not call; returns its size before and after."""
    before = zip_path.stat().st_size
    rebuilt = zip_path.with_suffix(".pruned")
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        models = [n for n in src.namelist() if n.startswith(BOTOCORE_DATA) and n.count("/") == 4
                  and n.split("/")[2] in services and n.rsplit("/", 1)[1].startswith("service-2.json")]
        prefixes = {_endpoint_prefix(src.read(n), n) for n in models}  # endpoints.json's: cloudwatch's is "monitoring"
        for info in src.infolist():
            name = info.filename
            if name.startswith(BOTOCORE_DATA) and name.count("/") > 2 and name.split("/")[2] not in services:
                continue  # botocore/data/<service>/<version>/<model>.json
            data = src.read(info)
            if name == BOTOCORE_DATA + "endpoints.json":
                data = _endpoints_of(data, prefixes)
            out.writestr(info, data)
    rebuilt.replace(zip_path)
    return before, zip_path.stat().st_size


def _endpoint_prefix(raw: bytes, name: str) -> str:
    return str(json.loads(gzip.decompress(raw) if name.endswith(".gz") else raw)["metadata"]["endpointPrefix"])


def _endpoints_of(raw: bytes, prefixes: set[str]) -> bytes:
    doc = json.loads(raw)
    for partition in doc["partitions"]:
        partition["services"] = {k: v for k, v in partition["services"].items() if k in prefixes}
    return json.dumps(doc, separators=(",", ":")).encode()


def build(out_dir: Path, stage: str = "prod") -> Path:
    chalice_package(out_dir, stage)
    add_iot_definitions(out_dir / "deployment.zip")
    prune_botocore_data(out_dir / "deployment.zip")
    precompile(out_dir / "deployment.zip")
    return out_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--stage", default="prod")
    args = parser.parse_args()
    try:
        build(args.out_dir, args.stage)
    except PackagingError as exc:
        sys.exit(f"packaging failed:\n{exc}")
    print(f"{args.out_dir}/sam.json and {args.out_dir}/deployment.zip are ready")


if __name__ == "__main__":
    main()
