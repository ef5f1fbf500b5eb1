"""Cold start of the API Lambda from the deployment bundle, in fresh interpreters with no site-packages
(what Lambda's runtime does): ``import app`` and then its first request, ``GET /v1/me`` as a resident,
against ``import boto3`` alone (the bundle's boto3), interleaved run by run so machine noise hits both
alike. Goal: import app + first request ≤ 2.5× import boto3.

The first request goes through the gateway that Chalice's test client wraps (``chalice.local.LocalGateway``:
the authorizer, then the route): the authorizer verifies the token against the pool's JWKS, the tenant's
role is assumed, the tenant and the resident are read from the table — all against a moto server in this
process (created as ``make run`` creates it, infra/local/bootstrap.py). ``chalice.test`` itself is not in the
bundle and imports Chalice's CLI, deployer and a botocore session, which would load ahead of the clock
what the first request needs; the probe imports only ``chalice.local`` and ``chalice.config`` from the
virtualenv, after ``import app`` and outside both timings, and checks that this loaded nothing from the bundle
(``harness preloaded``). Tracing is off in the probe (no ``LAMBDA_TASK_ROOT``), as everywhere but Lambda; the
``traced`` line measures the same with Lambda's tracing environment (``LAMBDA_TASK_ROOT``, a sampled trace id), where
the X-Ray SDK is loaded and the request's subsegment recorded (sent to a port nothing listens on).

Also: ``import app`` from the bundle as ``chalice package`` makes it (source only, no bytecode), and
``--baseline ZIP`` compares another bundle (e.g. one built before a change) in the same run.

    .venv/bin/python -m benchmarks.cold_start            # packages into a temp dir first
    .venv/bin/python -m benchmarks.cold_start --zip out/deployment.zip [--baseline old/deployment.zip]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import chalice

from infra.package import build

ROOT = Path(__file__).resolve().parent.parent
TENANT = "zhengzhou"
USERNAME = f"{TENANT}.resident.bench"
PASSWORD = "Bench2026xx"
TRACED = {"_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
          "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:9", "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR"}
CHALICE_DIR = str(Path(chalice.__file__).parent)
SITE = str(Path(chalice.__file__).parent.parent)

PROBE_BOTO3 = ("import json, sys, time; t = time.perf_counter(); import boto3; "
               "print(json.dumps({'import_ms': (time.perf_counter() - t) * 1000}))")

PROBE_IMPORT = ("import json, sys, time; t = time.perf_counter(); import app; "
                "print(json.dumps({'import_ms': (time.perf_counter() - t) * 1000, "
                "'numpy': 'numpy' in sys.modules, 'awscrt': 'awscrt' in sys.modules}))")

PROBE_REQUEST = """
import json, os, sys, time
token, chalice_dir, site = sys.argv[1:4]
t0 = time.perf_counter()
import app
t1 = time.perf_counter()
here = os.getcwd() + os.sep
before = set(sys.modules)
import chalice
chalice.__path__.append(chalice_dir)  # the bundle has chalice/app.py only
sys.path.append(site)                 # after the bundle: nothing the bundle holds comes from here
from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException
gateway = LocalGateway(app.app, Config.create(chalice_app=app.app, stage='api'))
preloaded = sorted(m for m in set(sys.modules) - before
                   if (getattr(sys.modules[m], '__file__', None) or '').startswith(here) and m != 'chalice.app')
t2 = time.perf_counter()
try:
    status = gateway.handle_request(method='GET', path='/v1/me', body=b'',
                                    headers={'Authorization': 'Bearer ' + token})['statusCode']
except LocalGatewayException as e:
    status = e.CODE
t3 = time.perf_counter()
print(json.dumps({'import_ms': (t1 - t0) * 1000, 'request_ms': (t3 - t2) * 1000, 'status': status,
                  'preloaded': preloaded, 'numpy': 'numpy' in sys.modules, 'awscrt': 'awscrt' in sys.modules,
                  'xray': 'aws_xray_sdk' in sys.modules}))
"""


@contextmanager
def local_aws() -> Iterator[dict[str, str]]:
    """A moto server with the platform's resources, a city and a resident; yields the probe's environment."""
    from moto.server import ThreadedMotoServer

    for k in [k for k in os.environ if k.startswith(("CC_", "AWS_ENDPOINT_URL"))]:
        del os.environ[k]
    creds = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_SESSION_TOKEN": "bench",
             "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
    os.environ.update({**creds, "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true"})
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    try:
        host, port = moto.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        from infra.local.bootstrap import bootstrap

        res = bootstrap(endpoint)
        os.environ.update(res.env(endpoint))
        from chalicelib.auth import users
        from chalicelib.auth.roles import Role
        from chalicelib.aws import client
        from chalicelib.config import get_settings, reset_settings
        from chalicelib.tenancy import manifest
        from chalicelib.tenancy.apply import apply_manifest

        reset_settings()
        apply_manifest(manifest.load((ROOT / "tenants" / f"{TENANT}.yaml").read_text(encoding="utf-8")))
        users.ensure_user(users.NewUser(USERNAME, TENANT, Role.RESIDENT, password=PASSWORD))
        client("cognito-idp").admin_set_user_password(UserPoolId=get_settings().user_pool_id, Username=USERNAME,
                                                      Password=PASSWORD, Permanent=True)
        token = users.sign_in(USERNAME, PASSWORD)["id_token"]
        yield {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", **creds, **res.env(endpoint),
               "CC_BENCH_TOKEN": token}
    finally:
        moto.stop()


def probe(code: str, code_dir: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-S", "-B", "-c", code, *args], cwd=code_dir, capture_output=True,
                         text=True, timeout=120, env=env)
    if out.returncode != 0:
        sys.exit(out.stderr)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])  # log and EMF lines come first
    return result


def extract(bundle: Path, into: Path, bytecode: bool = True) -> Path:
    zipfile.ZipFile(bundle).extractall(into)
    if not bytecode:
        for pyc in into.rglob("*.pyc"):
            pyc.unlink()
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zip", type=Path, help="a bundle from `python -m infra.package` (default: build one)")
    parser.add_argument("--baseline", type=Path, help="another bundle to measure in the same run")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        bundle = args.zip or build(tmp / "out") / "deployment.zip"
        shipped = extract(bundle, tmp / "shipped")
        source_only = extract(bundle, tmp / "source-only", bytecode=False)
        baseline = extract(args.baseline, tmp / "baseline") if args.baseline else None
        samples: dict[str, list[float]] = {}
        last: dict[str, dict[str, Any]] = {}

        def record(name: str, result: dict[str, Any]) -> None:
            last[name] = result
            for key in ("import_ms", "request_ms"):
                if key in result:
                    samples.setdefault(f"{name}.{key}", []).append(result[key])
            if "request_ms" in result:
                samples.setdefault(f"{name}.total", []).append(result["import_ms"] + result["request_ms"])

        with local_aws() as env:
            argv = (env.pop("CC_BENCH_TOKEN"), CHALICE_DIR, SITE)
            for _ in range(args.runs):
                record("boto3", probe(PROBE_BOTO3, shipped, env))
                record("app", probe(PROBE_REQUEST, shipped, env, *argv))
                record("traced", probe(PROBE_REQUEST, shipped, {**env, **TRACED, "LAMBDA_TASK_ROOT": str(shipped)},
                                       *argv))
                if baseline is not None:
                    record("baseline", probe(PROBE_REQUEST, baseline, env, *argv))
                    record("baseline-traced", probe(PROBE_REQUEST, baseline,
                                                    {**env, **TRACED, "LAMBDA_TASK_ROOT": str(baseline)}, *argv))
                record("source", probe(PROBE_IMPORT, source_only, env))

    def med(key: str) -> float:
        return statistics.median(samples[key])

    app, boto3_ms = last["app"], med("boto3.import_ms")
    print(f"bundle: {bundle.name}, {args.runs} fresh interpreters each (interleaved), median; boto3 from the bundle")
    print(f"  import boto3 alone:                     {boto3_ms:7.0f} ms")
    print(f"  import app, source only (as chalice packages it): {med('source.import_ms'):7.0f} ms")
    print(f"  import app:                             {med('app.import_ms'):7.0f} ms")
    print(f"  first request GET /v1/me ({app['status']}):         {med('app.request_ms'):7.0f} ms")
    print(f"  import app + first request:             {med('app.total'):7.0f} ms  = "
          f"{med('app.total') / boto3_ms:.2f}x import boto3 (goal ≤ 2.5x)")
    print(f"  traced (Lambda, X-Ray SDK loaded: {last['traced']['xray']}): import app {med('traced.import_ms'):.0f} ms"
          f" + first request ({last['traced']['status']}) {med('traced.request_ms'):.0f} ms = "
          f"{med('traced.total'):.0f} ms = {med('traced.total') / boto3_ms:.2f}x import boto3")
    if baseline is not None:
        for name in ("baseline", "baseline-traced"):
            print(f"  {name} ({args.baseline.name}): import app {med(name + '.import_ms'):.0f} ms + first request "
                  f"({last[name]['status']}) {med(name + '.request_ms'):.0f} ms = {med(name + '.total'):.0f} ms = "
                  f"{med(name + '.total') / boto3_ms:.2f}x import boto3")
    print(f"  numpy imported: {app['numpy']}, awscrt imported: {app['awscrt']}, "
          f"X-Ray SDK imported: {app['xray']}; harness preloaded from the bundle: {app['preloaded'] or 'nothing'}")
    bad = {name: r["status"] for name, r in last.items() if r.get("status", 200) != 200}
    if bad:
        sys.exit(f"a first request did not answer 200: {bad}")


if __name__ == "__main__":
    main()
