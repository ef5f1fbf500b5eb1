"""The deployable artefact: ``chalice package`` merged with infra/template.json lints clean,
the bundle holds what the API needs, and the API imports neither numpy nor awscrt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

from infra.package import AWS_SERVICES, IOT_RUNTIME, build, prune_botocore_data
from tests.support import ROOT

BIN = Path(sys.executable).parent


def _registry_reachable() -> bool:
    """chalice package downloads Lambda wheels from the package registry."""
    out = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest",
                          os.devnull + "-pkgcheck", "six==1.16.0"], capture_output=True, text=True, timeout=120)
    return out.returncode == 0


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    if not _registry_reachable():
        msg = "PACKAGE REGISTRY UNREACHABLE: chalice package + cfn-lint NOT checked"
        warnings.warn(msg, stacklevel=1)
        print(f"\n*** {msg} ***", file=sys.stderr)
        pytest.skip(msg)
    return build(tmp_path_factory.mktemp("pkg") / "out")


@pytest.mark.slow
def test_packaged_template_passes_cfn_lint(package):
    lint = subprocess.run([str(BIN / "cfn-lint"), str(package / "sam.json")], capture_output=True, text=True,
                          timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.slow
def test_template_wires_table_pool_key_gateway_answers_and_the_escalation_schedule(package):
    tpl = json.loads((package / "sam.json").read_text(encoding="utf-8"))
    res = tpl["Resources"]
    assert res["AppTable"]["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
    env = res["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["CC_TABLE_NAME"] == {"Ref": "AppTable"} and env["CC_USER_POOL_ID"] == {"Ref": "UserPool"}
    assert res["JwtAuth"]["Properties"]["Environment"]["Variables"]["CC_USER_POOL_CLIENT_ID"] == {
        "Ref": "UserPoolClient"}
    sweep = res["EscalateAlerts"]["Properties"]
    assert sweep["Environment"]["Variables"]["CC_TABLE_NAME"] == {"Ref": "AppTable"}
    assert sweep["Events"]["EscalateAlertsEvent"]["Properties"]["Schedule"] == "rate(1 minute)"
    absence = res["SweepAbsence"]["Properties"]
    assert absence["Environment"]["Variables"]["CC_TABLE_NAME"] == {"Ref": "AppTable"}
    assert absence["Events"]["SweepAbsenceEvent"]["Properties"]["Schedule"] == "rate(1 minute)"
    kinds = {r["Properties"]["ResponseType"] for r in res.values() if r["Type"] == "AWS::ApiGateway::GatewayResponse"}
    assert {"UNAUTHORIZED", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN"} <= kinds


@pytest.mark.slow
def test_template_holds_the_ops_dashboard_alarms_notifying_the_topic_and_the_composite(package):
    res = json.loads((package / "sam.json").read_text(encoding="utf-8"))["Resources"]

    def of(kind: str) -> dict:
        return {k: r for k, r in res.items() if r["Type"] == kind}

    assert len(of("AWS::CloudWatch::Dashboard")) >= 1
    topic = {"Ref": "OpsAlarmTopic"}
    notifying = [a for a in of("AWS::CloudWatch::Alarm").values() if a["Properties"].get("AlarmActions") == [topic]]
    assert len(notifying) == len(of("AWS::CloudWatch::Alarm")) >= 8
    (composite,) = of("AWS::CloudWatch::CompositeAlarm").values()
    assert composite["Properties"]["AlarmActions"] == [topic] and " OR " in composite["Properties"]["AlarmRule"]
    for fn in ("APIHandler", "CityHealth"):
        assert res[fn]["Properties"]["Environment"]["Variables"]["CC_OPS_TOPIC_ARN"] == topic


@pytest.mark.slow
def test_bundle_has_the_runtime_dependencies_and_no_device_side_ones(package):
    names = zipfile.ZipFile(package / "deployment.zip").namelist()
    tops = {n.split("/")[0] for n in names}
    for needed in ("app.py", "chalicelib", "pydantic_core", "jwt", "pynamodb", "aws_lambda_powertools", "yaml",
                   "cryptography", "numpy", "orjson"):
        assert needed in tops, f"{needed} missing from the Lambda bundle"
    for unwanted in ("awscrt", "awsiot", "moto", "tests", "infra"):
        assert unwanted not in tops, f"{unwanted} must not be in the Lambda bundle"
    iot = sorted(n for n in names if n.startswith("iot/") and "__pycache__" not in n)
    assert iot == sorted(f"iot/{name}" for name in IOT_RUNTIME), "only iot/'s shared definitions"


_PROBE = "import json, sys, time; t = time.perf_counter(); import app; " \
         "print(json.dumps({'ms': (time.perf_counter() - t) * 1000, 'modules': sorted(sys.modules)}))"


def _import_app(*args: str, cwd: Path = ROOT) -> dict:
    out = subprocess.run([sys.executable, *args, "-c", _PROBE], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_api_imports_no_numpy_and_no_awscrt():
    modules = {m.split(".")[0] for m in _import_app()["modules"]}
    assert {"chalice", "pydantic", "pynamodb"} <= modules  # the probe saw the real app
    assert "numpy" not in modules
    # botocore imports awscrt whenever it is installed (the dev venv has it for the simulator);
    # the bundle test below proves the Lambda's own import is free of it.
    assert "awsiot" not in modules


@pytest.mark.slow
def test_lambda_bundle_imports_on_its_own_without_numpy(package, tmp_path):
    """Import app.py from the unzipped bundle with no site-packages: what Lambda will do."""
    zipfile.ZipFile(package / "deployment.zip").extractall(tmp_path)
    assert (tmp_path / "chalicelib" / "__pycache__").is_dir(), "the bundle ships bytecode"
    result = _import_app("-S", "-B", cwd=tmp_path)
    modules = {m.split(".")[0] for m in result["modules"]}
    assert "numpy" not in modules and "awscrt" not in modules
    print(f"\ncold import of app from the Lambda bundle: {result['ms']:.0f} ms")


def test_the_bundle_keeps_the_models_of_every_aws_service_the_code_calls():
    """The bundle ships botocore's models of AWS_SERVICES only: every service the code names is among
    them (a missing one would fail in AWS only), and none is kept that nothing calls."""
    import re

    named = set()
    for path in [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]:
        named |= set(re.findall(r"""(?:client|scoped_client)\(\s*["']([a-z0-9-]+)["']""", path.read_text("utf-8")))
    assert named, "the scan found the code's clients"
    assert named | {"dynamodb", "xray"} == set(AWS_SERVICES)  # PynamoDB's tables, the X-Ray SDK's sampler


def test_pruning_keeps_the_named_services_and_their_endpoints(tmp_path):
    import gzip

    bundle = tmp_path / "deployment.zip"
    model = {"metadata": {"endpointPrefix": "monitoring"}, "operations": {}}
    endpoints = {"partitions": [{"partition": "aws", "services": {"monitoring": {"x": 1}, "ec2": {"y": 2}}}]}
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("app.py", "")
        z.writestr("botocore/data/endpoints.json", json.dumps(endpoints))
        z.writestr("botocore/data/cloudwatch/2010-08-01/service-2.json.gz", gzip.compress(json.dumps(model).encode()))
        z.writestr("botocore/data/ec2/2016-11-15/service-2.json", json.dumps(model))
    before, after = prune_botocore_data(bundle, ("cloudwatch",))
    with zipfile.ZipFile(bundle) as z:
        assert sorted(z.namelist()) == ["app.py", "botocore/data/cloudwatch/2010-08-01/service-2.json.gz",
                                        "botocore/data/endpoints.json"]
        kept = json.loads(z.read("botocore/data/endpoints.json"))
    assert kept["partitions"][0]["services"] == {"monitoring": {"x": 1}}  # by endpoint prefix, not by name
    assert after < before
