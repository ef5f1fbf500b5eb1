"""The local rules engine: what AWS IoT Core's topic rules do with a device message.

For every message on a device topic: parse the topic, check the sender the way IoT Core
would (the thing belongs to the topic's city, is registered, and *the certificate that sent the
message* — the broker's gateway plugin says which — is one of its certificates and active),
build the record the rule's SQL builds (``SELECT *, topic(2) AS tenant, topic(4) AS device,
timestamp() AS received_at``) and hand it to the rule's target. Routing comes from iot/rules.py
only, as infra/ does.

Outcomes are counted per city and published as metrics. A refused message is dropped (IoT
Core refuses it before any rule sees it). Anything else that cannot be forwarded — larger
than 128 KiB, not a JSON object, or a target that fails — goes to the error action (the
dead-letter queue) with its reason; if even that fails, to a local file: never lost silently.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from chalicelib import observability
from infra.local.broker import MAX_PAYLOAD
from iot.rules import RULES, RuleDef, Target
from iot.topics import basic_ingest, filter_for, parse

log = logging.getLogger("cc.bridge")

PublishCheck = Callable[[str, str, str | None], bool]  # (tenant, thing name, certificate id) → may it publish?
Deliver = Callable[[dict[str, Any]], None]
ErrorAction = Callable[[dict[str, Any]], None]
Outcome = Literal["routed", "refused", "malformed", "too_large", "unmatched", "failed", "throttled"]
OUTCOMES: tuple[Outcome, ...] = ("routed", "refused", "malformed", "too_large", "unmatched", "failed", "throttled")
KEPT_BYTES = 4096  # of a message too large for the dead-letter queue: its head, size and SHA-256
# per city, as metrics (catalogued in chalicelib/ops/catalog.py)
METRIC_OF: dict[str, str] = {"throttled": "DeviceMessagesThrottled", "refused": "DeviceMessagesRefused",
                             "dead_lettered": "DeviceMessagesDeadLettered"}


@dataclass
class BridgeStats:
    outcomes: Counter[str] = field(default_factory=Counter)
    routed: Counter[str] = field(default_factory=Counter)  # per rule name
    unpublished: Counter[tuple[str, str]] = field(default_factory=Counter)  # (tenant, metric) since the last flush
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, outcome: Outcome, rule: str | None = None, tenant: str | None = None) -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            if rule:
                self.routed[rule] += 1
            if tenant and outcome in METRIC_OF:
                self.unpublished[(tenant, METRIC_OF[outcome])] += 1

    def dead_lettered(self, tenant: str | None) -> None:
        with self.lock:
            self.outcomes["dead_lettered"] += 1
            if tenant:
                self.unpublished[(tenant, METRIC_OF["dead_lettered"])] += 1

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return {k: self.outcomes.get(k, 0) for k in (*OUTCOMES, "dead_lettered")}

    def flush(self) -> None:
        """Publish the counts since the last flush, one metrics line per city."""
        with self.lock:
            pending, self.unpublished = self.unpublished, Counter()
        by_city: dict[str, dict[str, float]] = {}
        for (tenant, metric), n in pending.items():
            by_city.setdefault(tenant, {})[metric] = n
        for tenant, values in by_city.items():
            observability.emit(tenant, values)


class RateLimit:
    """IoT Core's per-connection publish limit (100 per second), per thing: the broker lets one
    connection per client id = thing name live, so a thing is a connection. A token bucket."""

    def __init__(self, per_second: float = 100.0, burst: float = 100.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second, self.burst, self.clock = per_second, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # thing → (tokens, when)
        self._lock = threading.Lock()

    def allow(self, thing: str) -> bool:
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(thing, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.per_second)
            allowed = tokens >= 1.0
            self._buckets[thing] = (tokens - 1.0 if allowed else tokens, now)
            return allowed


def record_for(payload: dict[str, Any], tenant: str, thing: str, received_at: int) -> dict[str, Any]:
    """The rule's SQL output: the payload, then the topic's tenant and thing (a payload cannot
    claim another device: the AS fields win) and the receive time in epoch milliseconds."""
    return {**payload, "tenant": tenant, "device": thing, "received_at": received_at}


class RuleBridge:
    def __init__(self, allowed: PublishCheck, targets: Mapping[Target, Deliver],
                 error_action: ErrorAction | None = None, rules: Iterable[RuleDef] = RULES,
                 spool: Path | None = None) -> None:
        self.allowed, self.targets, self.error_action = allowed, dict(targets), error_action
        self.rules = tuple(rules)
        self.spool = spool  # where a message goes when even the error action fails
        self.stats = BridgeStats()

    def subscriptions(self) -> list[str]:
        """Topic filters for every rule, plain and Basic Ingest (``$`` topics match no root wildcard)."""
        out: list[str] = []
        for rule in self.rules:
            for f in (filter_for(rule.kind), basic_ingest(rule.name, "+", "+", rule.kind)):
                if f not in out:
                    out.append(f)
        return out

    def handle(self, topic: str, payload: bytes, received_at: int | None = None,
               certificate_id: str | None = None) -> Outcome:
        """One message; ``certificate_id`` is the certificate that sent it, as the broker says."""
        received_at = received_at if received_at is not None else int(time.time() * 1000)
        t = parse(topic)
        rules = [] if t is None else [r for r in self.rules if r.kind == t.kind and (
            t.basic_ingest_rule is None or r.name == t.basic_ingest_rule)]
        if t is None or not rules:
            return self._done("unmatched", "no rule selects this topic", topic)
        if not self.allowed(t.tenant, t.thing, certificate_id):
            return self._done("refused", "refused: not an active certificate of this city's thing", topic, t.tenant)
        if len(payload) > MAX_PAYLOAD:
            self._dead_letter(rules[0], topic, t.tenant, payload, "too_large",
                              f"message of {len(payload)} bytes, over the {MAX_PAYLOAD}-byte limit")
            return self._done("too_large", "dead-lettered: over 128 KiB", topic, t.tenant)
        try:
            doc = orjson.loads(payload)
        except orjson.JSONDecodeError:
            doc = None
        if not isinstance(doc, dict):  # SELECT *, … needs a JSON object
            self._dead_letter(rules[0], topic, t.tenant, payload, "malformed", "the payload is not a JSON object")
            return self._done("malformed", "dead-lettered: the payload is not a JSON object", topic, t.tenant)
        record = record_for(doc, t.tenant, t.thing, received_at)
        outcome: Outcome = "routed"
        for rule in rules:
            try:
                self.targets[rule.target](record)
                self.stats.count("routed", rule.name, t.tenant)
            except Exception as exc:  # noqa: BLE001 - one failing target must not stop the bridge
                outcome = "failed"
                self.stats.count("failed", tenant=t.tenant)
                log.error("rule %s could not deliver (%s): %s", rule.name, topic, exc)
                self._dead_letter(rule, topic, t.tenant, payload, "delivery_failed", str(exc)[:500])
        return outcome

    def throttled(self, topic: str) -> Outcome:
        """Count a message the connection's rate limit refused (it is not forwarded, as in IoT Core)."""
        t = parse(topic)
        self.stats.count("throttled", tenant=t.tenant if t else None)
        return "throttled"

    def _done(self, outcome: Outcome, why: str, topic: str, tenant: str | None = None) -> Outcome:
        self.stats.count(outcome, tenant=tenant)
        log.warning("%s (%s)", why, topic)
        return outcome

    def _dead_letter(self, rule: RuleDef, topic: str, tenant: str, payload: bytes, reason: str, detail: str) -> None:
        """The rule's error action, in its message shape, with why; a file when that fails too."""
        kept = payload if len(payload) <= MAX_PAYLOAD else payload[:KEPT_BYTES]
        message = {"ruleName": rule.name, "topic": topic, "clientId": topic.split("/")[-2], "reason": reason,
                   "payloadBytes": len(payload), "payloadSha256": hashlib.sha256(payload).hexdigest(),
                   "payloadTruncated": len(kept) < len(payload),
                   "base64OriginalPayload": base64.b64encode(kept).decode(),
                   "failures": [{"failedAction": "SqsAction" if rule.target == "queue" else "LambdaAction",
                                 "errorMessage": detail}]}
        try:
            if self.error_action is None:
                raise RuntimeError("no error action")
            self.error_action(message)
            self.stats.dead_lettered(tenant)
            return
        except Exception as exc:  # noqa: BLE001 - the last resort follows
            log.error("the error action failed too (%s): %s", topic, exc)
        if self.spool is None:
            log.error("message lost: %s", orjson.dumps({k: v for k, v in message.items()
                                                        if k != "base64OriginalPayload"}).decode())
            return
        self.spool.parent.mkdir(parents=True, exist_ok=True)
        with self.spool.open("ab") as f:
            f.write(orjson.dumps(message) + b"\n")
        self.stats.dead_lettered(tenant)
        log.error("kept in %s instead (%s)", self.spool, topic)
