"""infra/template.d/40-ops.json and the runbook of infra/ops/README.md are generated from chalicelib/ops:
both are current, every platform alarm notifies the operators' topic, and the dashboard body
names nothing CloudFormation cannot fill in."""

from __future__ import annotations

import json
import re

from chalicelib.ops import alarms, dashboards
from infra.ops.runbook import README, generated
from infra.ops.template import COMPOSITE, DASHBOARD, FRAGMENT, PLACEHOLDERS, TOPIC, alarm_logical_id, render
from infra.template_parts import merged

TOPIC_REF = {"Ref": TOPIC}


def test_the_committed_fragment_is_the_generated_one():
    assert FRAGMENT.read_text(encoding="utf-8") == render(), "run: .venv/bin/python -m infra.ops.template"


def test_the_readme_runbook_is_the_generated_one_and_names_every_alarm():
    text = README.read_text(encoding="utf-8")
    assert generated() in text, "run: .venv/bin/python -m infra.ops.template"
    for a in (*alarms.platform(), *alarms.city("<city>")):
        assert f"`{a.name}`" in text, f"{a.name} has no runbook entry"


def test_every_platform_alarm_is_in_the_template_and_notifies_the_operators_topic():
    res = merged()["Resources"]
    for a in alarms.platform():
        alarm = res[alarm_logical_id(a.id)]
        assert alarm["Type"] == "AWS::CloudWatch::Alarm" and alarm["Properties"]["AlarmName"] == a.name
        assert alarm["Properties"]["AlarmActions"] == [TOPIC_REF] == alarm["Properties"]["OKActions"]
    assert res[TOPIC]["Type"] == "AWS::SNS::Topic"


def test_the_composite_ors_exactly_the_alarms_that_degrade_the_platform():
    composite = merged()["Resources"][COMPOSITE]
    named = re.findall(r'ALARM\("([^"]+)"\)', composite["Properties"]["AlarmRule"])
    degrading = [a for a in alarms.platform() if a.degrades_platform]
    assert named == [a.name for a in degrading] and len(named) >= 4
    assert composite["DependsOn"] == [alarm_logical_id(a.id) for a in degrading]
    assert composite["Properties"]["AlarmActions"] == [TOPIC_REF]


def test_the_dashboard_body_substitutes_only_functions_the_table_and_the_region():
    res = merged()["Resources"]
    board = res[DASHBOARD]["Properties"]
    assert board["DashboardName"] == dashboards.platform().name == "cc-platform"
    body = board["DashboardBody"]["Fn::Sub"]
    used = set(re.findall(r"\$\{([^}]*)\}", body))
    assert used <= PLACEHOLDERS and {"HandleTelemetry", "AppTable", "AWS::Region"} <= used
    assert all(name in res or name.startswith("AWS::") or name in dashboards.FUNCTIONS for name in used)
    assert len(json.loads(body)["widgets"]) == len(dashboards.platform().widgets)


def test_lambda_alarm_dimensions_are_substituted_function_names():
    props = merged()["Resources"][alarm_logical_id("HandleTelemetryErrors")]["Properties"]
    assert props["Dimensions"] == [{"Name": "FunctionName", "Value": {"Fn::Sub": "${HandleTelemetry}"}}]


def test_the_api_and_the_health_job_know_the_topic_and_the_e_mail_subscription_is_optional():
    tpl = merged()
    res = tpl["Resources"]
    for fn in ("APIHandler", "CityHealth"):
        assert res[fn]["Properties"]["Environment"]["Variables"]["CC_OPS_TOPIC_ARN"] == TOPIC_REF
    assert tpl["Parameters"]["OpsAlarmEmail"]["Default"] == ""
    sub = res["OpsAlarmEmailSubscription"]
    assert sub["Condition"] == "HasOpsAlarmEmail" and sub["Properties"]["TopicArn"] == TOPIC_REF
    assert tpl["Outputs"]["OpsAlarmTopicArn"]["Value"] == TOPIC_REF


def test_cloudwatch_may_use_the_topics_key_and_the_lambda_role_writes_only_cc_dashboards_and_alarms():
    res = merged()["Resources"]
    key = res[res[TOPIC]["Properties"]["KmsMasterKeyId"]["Ref"]]
    grants = [s for s in key["Properties"]["KeyPolicy"]["Statement"]
              if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert grants and {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(grants[0]["Action"])
    statements = res["OpsCloudWatchAccess"]["Properties"]["PolicyDocument"]["Statement"]
    writes = {"cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards", "cloudwatch:PutMetricAlarm",
              "cloudwatch:DeleteAlarms"}
    for s in statements:
        if writes & set(s["Action"] if isinstance(s["Action"], list) else [s["Action"]]):
            assert s["Resource"]["Fn::Sub"].endswith(("dashboard/cc-*", "alarm:cc-*"))
    assert not any("sns:" in a for s in statements for a in (s["Action"] if isinstance(s["Action"], list)
                                                             else [s["Action"]]))
