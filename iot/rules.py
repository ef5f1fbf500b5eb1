"""The topic rules — one source of truth for the AWS::IoT::TopicRule resources in infra/
and for the local bridge's routing, so the two cannot drift apart.

Every rule selects the whole payload and adds, from the topic, the tenant and the device
(a payload cannot claim another device: identity comes from the topic, which the device
policy pins to the connected thing), plus the broker's receive time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from iot.topics import Kind, filter_for

Target = Literal["queue", "critical"]


@dataclass(frozen=True)
class RuleDef:
    name: str  # AWS IoT rule name: letters, digits and underscores
    kind: Kind
    target: Target  # "queue": telemetry SQS queue (batched); "critical": the critical-event Lambda
    description: str

    @property
    def sql(self) -> str:
        # the topic filter is a constant of this module, not input: no injection
        return (f"SELECT *, topic(2) AS tenant, topic(4) AS device, timestamp() AS received_at "  # noqa: S608
                f"FROM '{filter_for(self.kind)}'")


RULES: tuple[RuleDef, ...] = (
    RuleDef("cc_telemetry", "telemetry", "queue", "设备遥测 → 队列, 批量处理 / device telemetry → SQS, in batches"),
    RuleDef("cc_events", "event", "critical",
            "设备事件(呼救、烟感、燃气、跌倒…)直达处理 / events (SOS, smoke, gas, fall…) straight to a Lambda"),
)


def rules_for(kind: Kind) -> list[RuleDef]:
    return [r for r in RULES if r.kind == kind]
