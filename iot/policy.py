"""The device policy: what a device's certificate lets it do on AWS IoT Core.

One policy serves every device of every city; policy variables bind it to the connected thing:

* connect only as its own thing name (client id = thing name), and only while the certificate
  is attached to that thing (``iot:Connection.Thing.IsAttached``);
* publish only to its own telemetry and event topics under its own tenant — the tenant is the
  thing's attribute ``tenant``, set by the platform when the thing is created, never by the
  device — directly or through Basic Ingest (``$aws/rules/<rule>/…``) for the rules of
  iot/rules.py;
* subscribe to and receive only its own command topic ``cc/<tenant>/d/<thing>/cmd``.

``document()`` gives the JSON policy for an ARN prefix; ``cloudformation_document()`` the same
statements for infra/ (``Fn::Sub`` fills in partition, region and account and keeps the policy
variables, escaped as ``${!…}``).
"""

from __future__ import annotations

from typing import Any

from iot import topics
from iot.rules import RULES

THING = "${iot:Connection.Thing.ThingName}"
TENANT = "${iot:Connection.Thing.Attributes[tenant]}"
IS_ATTACHED = "iot:Connection.Thing.IsAttached"
VERSION = "2012-10-17"
CFN_ARN_PREFIX = "arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}"


def publish_topics() -> list[str]:
    """Every topic a device may publish to, with the policy variables in place."""
    direct = [topics.topic(TENANT, THING, kind) for kind in topics.KINDS]
    ingest = [topics.basic_ingest(rule.name, TENANT, THING, rule.kind) for rule in RULES]
    return direct + ingest


def statements(arn_prefix: str) -> list[dict[str, Any]]:
    """``arn_prefix``: ``arn:<partition>:iot:<region>:<account>``."""
    command = topics.command(TENANT, THING)
    return [
        {"Sid": "ConnectAsItsOwnThing", "Effect": "Allow", "Action": "iot:Connect",
         "Resource": f"{arn_prefix}:client/{THING}",
         "Condition": {"Bool": {IS_ATTACHED: "true"}}},
        {"Sid": "PublishItsOwnTelemetryAndEvents", "Effect": "Allow", "Action": "iot:Publish",
         "Resource": [f"{arn_prefix}:topic/{t}" for t in publish_topics()]},
        {"Sid": "SubscribeToItsCommands", "Effect": "Allow", "Action": "iot:Subscribe",
         "Resource": f"{arn_prefix}:topicfilter/{command}"},
        {"Sid": "ReceiveItsCommands", "Effect": "Allow", "Action": "iot:Receive",
         "Resource": f"{arn_prefix}:topic/{command}"},
    ]


def document(arn_prefix: str = "arn:aws:iot:*:*") -> dict[str, Any]:
    return {"Version": VERSION, "Statement": statements(arn_prefix)}


def _sub(resource: str) -> dict[str, str]:
    return {"Fn::Sub": resource.replace("${iot:", "${!iot:")}


def cloudformation_document() -> dict[str, Any]:
    """The same document for an ``AWS::IoT::Policy`` resource."""
    out = []
    for st in statements(CFN_ARN_PREFIX):
        res = st["Resource"]
        out.append({**st, "Resource": [_sub(r) for r in res] if isinstance(res, list) else _sub(res)})
    return {"Version": VERSION, "Statement": out}
