"""MQTT topic layout — the one definition used by devices, the device policy, the topic
rules in infra/ and the local bridge.

    cc/<tenant>/d/<thing>/telemetry    periodic samples (columnar JSON, see chalicelib.telemetry.decode)
    cc/<tenant>/d/<thing>/event        discrete events (SOS, smoke alarm, fall, elevator fault …)
    cc/<tenant>/d/<thing>/cmd          commands to the device (the only topic it subscribes to)

With Basic Ingest a device publishes to ``$aws/rules/<rule name>/cc/<tenant>/d/<thing>/…``:
the message goes straight to the rule, skipping the broker (and its messaging charge).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PREFIX = "cc"
Kind = Literal["telemetry", "event"]
KINDS: tuple[Kind, ...] = ("telemetry", "event")
COMMAND = "cmd"
THING_NAME = r"[A-Za-z0-9_-]{3,64}"
TENANT = r"[a-z][a-z0-9-]{1,30}[a-z0-9]"
_TOPIC = re.compile(rf"^(?:\$aws/rules/(?P<rule>[A-Za-z0-9_]+)/)?{PREFIX}/(?P<tenant>{TENANT})/d/"
                    rf"(?P<thing>{THING_NAME})/(?P<kind>telemetry|event)$")


@dataclass(frozen=True)
class Topic:
    tenant: str
    thing: str
    kind: Kind
    basic_ingest_rule: str | None = None


def topic(tenant: str, thing: str, kind: Kind = "telemetry") -> str:
    return f"{PREFIX}/{tenant}/d/{thing}/{kind}"


def command(tenant: str, thing: str) -> str:
    """The device's command topic: it may subscribe to this one only."""
    return f"{PREFIX}/{tenant}/d/{thing}/{COMMAND}"


def basic_ingest(rule_name: str, tenant: str, thing: str, kind: Kind = "telemetry") -> str:
    return f"$aws/rules/{rule_name}/{topic(tenant, thing, kind)}"


def parse(name: str) -> Topic | None:
    """The parts of a device topic, or None for anything that is not one."""
    m = _TOPIC.match(name)
    if not m:
        return None
    return Topic(m["tenant"], m["thing"], m["kind"], m["rule"])  # type: ignore[arg-type]


def filter_for(kind: Kind) -> str:
    """The subscription filter matching every device's topics of one kind."""
    return f"{PREFIX}/+/d/+/{kind}"
