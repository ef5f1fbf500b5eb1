"""Create on the local AWS (moto) what ``infra/template.d/40-ops.json`` declares, read from the merged
template like the rest of the bootstrap: the operators' topic (with its key), the platform
dashboard ``cc-platform`` and the platform alarms. ``${HandleTelemetry}``-style placeholders become
the names the deployed stage would have (``chalicelib.ops.cloudwatch.deployed_names``: stage
``local`` → ``community-cloud-local``, ``community-cloud-local-handle_telemetry``…), ``${AppTable}``
the local table — the same names the ops screen reads.

moto 5.2 does not implement ``PutCompositeAlarm``: ``cc-platform-degraded`` is skipped locally.
The e-mail subscription is skipped too (nothing would deliver it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from infra.ops.template import TOPIC
from infra.template_parts import merged

_VAR = re.compile(r"\$\{([^}]+)\}")


def resolve(value: Any, names: dict[str, str]) -> Any:
    """Fill in ``Ref`` and ``Fn::Sub`` (strings only) from ``names``: logical ids and pseudo parameters."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return names[value["Ref"]]
    if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return _VAR.sub(lambda m: names[m[1]], value["Fn::Sub"])
    if isinstance(value, dict):
        return {k: resolve(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, names) for v in value]
    return value


def local_names(table_name: str, region: str, account: str) -> dict[str, str]:
    from chalicelib.ops.cloudwatch import deployed_names

    return {**deployed_names(), "AppTable": table_name, "AWS::Region": region, "AWS::AccountId": account,
            "AWS::Partition": "aws"}


def moto_implements(action: str) -> bool:
    """Whether the installed moto answers a CloudWatch action (5.2 has no ``put_composite_alarm``)."""
    try:
        from moto.cloudwatch.responses import CloudWatchResponse
    except ImportError:  # not moto: assume a real implementation
        return True
    return hasattr(CloudWatchResponse, action)


@dataclass(frozen=True)
class LocalOps:
    topic_arn: str
    dashboards: tuple[str, ...]
    alarms: tuple[str, ...]
    skipped: tuple[str, ...]  # what moto cannot hold (the composite alarm)


def create_ops(cw: Any, sns: Any, kms: Any, names: dict[str, str]) -> LocalOps:
    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for logical, res in merged()["Resources"].items():
        if "Type" in res and "Condition" not in res:  # the e-mail subscription: no address locally
            by_kind.setdefault(res["Type"], {})[logical] = res.get("Properties", {})
    names = dict(names)
    keys = by_kind.get("AWS::KMS::Key", {})
    for logical, props in by_kind.get("AWS::SNS::Topic", {}).items():
        key = props.get("KmsMasterKeyId")
        if isinstance(key, dict) and key.get("Ref") in keys and key["Ref"] not in names:  # the topic's own key
            names[key["Ref"]] = kms.create_key(Description=keys[key["Ref"]].get("Description", ""))[
                "KeyMetadata"]["KeyId"]
        attrs = {"KmsMasterKeyId": resolve(key, names)} if key else {}
        if "DisplayName" in props:
            attrs["DisplayName"] = props["DisplayName"]
        names[logical] = sns.create_topic(Name=props["TopicName"], Attributes=attrs)["TopicArn"]
    dashboards = []
    for props in by_kind.get("AWS::CloudWatch::Dashboard", {}).values():
        cw.put_dashboard(DashboardName=props["DashboardName"], DashboardBody=resolve(props["DashboardBody"], names))
        dashboards.append(props["DashboardName"])
    alarms = []
    for props in by_kind.get("AWS::CloudWatch::Alarm", {}).values():
        cw.put_metric_alarm(**resolve(props, names))
        alarms.append(props["AlarmName"])
    skipped = []
    for props in by_kind.get("AWS::CloudWatch::CompositeAlarm", {}).values():
        try:
            if not moto_implements("put_composite_alarm"):  # asking would print moto's traceback
                raise NotImplementedError
            cw.put_composite_alarm(**resolve(props, names))
            alarms.append(props["AlarmName"])
        except (ClientError, NotImplementedError):
            skipped.append(f"composite alarm {props['AlarmName']}")
    topic = names.get(TOPIC, "")
    return LocalOps(topic, tuple(dashboards), tuple(alarms), tuple(skipped))
