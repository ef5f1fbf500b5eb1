"""The local rules engine: what AWS IoT Core's topic rules do with a device message.

For every message on a device topic: parse the topic, check the sender the way the device
policy would (the thing belongs to the topic's city, is registered, and its certificate is
active — the broker's ACL has already pinned the thing name), build the record the rule's
SQL builds (``SELECT *, topic(2) AS tenant, topic(4) AS device, timestamp() AS received_at``)
and hand it to the rule's target. Routing comes from iot/rules.py only, as infra/ does.

Outcomes are counted; a refused or unreadable message is logged and dropped, as the rules
engine drops it. A queue delivery that fails goes to the rule's error action (the DLQ).
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from iot.rules import RULES, RuleDef, Target
from iot.topics import basic_ingest, filter_for, parse

log = logging.getLogger("cc.bridge")

PublishCheck = Callable[[str, str], bool]  # (tenant, thing name) → may it publish there?
Deliver = Callable[[dict[str, Any]], None]
ErrorAction = Callable[[dict[str, Any]], None]
Outcome = Literal["routed", "refused", "malformed", "unmatched", "failed"]


@dataclass
class BridgeStats:
    outcomes: Counter[str] = field(default_factory=Counter)
    routed: Counter[str] = field(default_factory=Counter)  # per rule name
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, outcome: Outcome, rule: str | None = None) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            if rule:
                self.routed[rule] += 1

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return {k: self.outcomes.get(k, 0) for k in ("routed", "refused", "malformed", "unmatched", "failed")}


def record_for(payload: dict[str, Any], tenant: str, thing: str, received_at: int) -> dict[str, Any]:
    """The rule's SQL output: the payload, then the topic's tenant and thing (a payload cannot
    claim another device: the AS fields win) and the receive time in epoch milliseconds."""
    return {**payload, "tenant": tenant, "device": thing, "received_at": received_at}


class RuleBridge:
    def __init__(self, allowed: PublishCheck, targets: Mapping[Target, Deliver],
                 error_action: ErrorAction | None = None, rules: Iterable[RuleDef] = RULES) -> None:
        self.allowed, self.targets, self.error_action = allowed, dict(targets), error_action
        self.rules = tuple(rules)
        self.stats = BridgeStats()

    def subscriptions(self) -> list[str]:
        """Topic filters for every rule, plain and Basic Ingest (``$`` topics match no root wildcard)."""
        out: list[str] = []
        for rule in self.rules:
            for f in (filter_for(rule.kind), basic_ingest(rule.name, "+", "+", rule.kind)):
                if f not in out:
                    out.append(f)
        return out

    def handle(self, topic: str, payload: bytes, received_at: int | None = None) -> Outcome:
        received_at = received_at if received_at is not None else int(time.time() * 1000)
        t = parse(topic)
        rules = [] if t is None else [r for r in self.rules if r.kind == t.kind and (
            t.basic_ingest_rule is None or r.name == t.basic_ingest_rule)]
        if t is None or not rules:
            return self._done("unmatched", "no rule selects this topic", topic)
        if not self.allowed(t.tenant, t.thing):
            return self._done("refused", "refused: the thing may not publish on this topic", topic)
        try:
            doc = orjson.loads(payload)
        except orjson.JSONDecodeError:
            doc = None
        if not isinstance(doc, dict):  # SELECT *, … needs a JSON object; the rules engine drops the rest
            return self._done("malformed", "dropped: the payload is not a JSON object", topic)
        record = record_for(doc, t.tenant, t.thing, received_at)
        outcome: Outcome = "routed"
        for rule in rules:
            try:
                self.targets[rule.target](record)
                self.stats.count("routed", rule.name)
            except Exception as exc:  # noqa: BLE001 - one failing target must not stop the bridge
                outcome = "failed"
                self._failed(rule, topic, payload, exc)
        return outcome

    def _done(self, outcome: Outcome, why: str, topic: str) -> Outcome:
        self.stats.count(outcome)
        log.warning("%s (%s)", why, topic)
        return outcome

    def _failed(self, rule: RuleDef, topic: str, payload: bytes, exc: Exception) -> None:
        self.stats.count("failed")
        log.error("rule %s could not deliver (%s): %s", rule.name, topic, exc)
        if self.error_action is None or rule.target != "queue":
            # the critical target is a Lambda invoked asynchronously: its errors are the function's,
            # not the rule's, so AWS would not run the error action either
            return
        try:
            self.error_action({"ruleName": rule.name, "topic": topic, "clientId": topic.split("/")[-2],
                               "base64OriginalPayload": base64.b64encode(payload).decode(),
                               "failures": [{"failedAction": "SqsAction", "errorMessage": str(exc)[:500]}]})
        except Exception:  # last resort: the message is lost, as it would be in AWS
            log.exception("the error action failed too (%s)", topic)
