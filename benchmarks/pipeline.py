"""The telemetry pipeline end to end: how fast our code runs and what a million readings cost.

A community's fleet (smoke detectors, door sensors, power meters, water-leak sensors, noise
monitors, elevator and manhole monitors: the platform's own device profiles, 10,000 devices in
郑州) sends messages of 8, 32 or 128 readings each. They arrive as the telemetry queue delivers
them — SQS events of 1,000 records, each record the topic rule's output (the message plus tenant,
thing name and receive time) — and go through ``handle_sqs`` against moto, in-process: the city's
allowance, registry, device state (conditional writes), the alert core and the alert lifecycle,
the usage meter. Every AWS call is counted by operation with botocore event hooks on every client;
DynamoDB capacity is sized as DynamoDB sizes it (moto reports a flat figure per call, which is
recorded too, via ``ReturnConsumedCapacity``): item sizes, 1 KB per write unit and 4 KB per read
unit, the larger of the item before and after, the index (GSI1, all attributes projected) written
too when the item is in it — twice when its key moves — and transactions twice.

Our code's speed is CPU time per core: the process's CPU time during ``handle_sqs`` less the CPU
time spent inside AWS calls (botocore and moto's in-process service, measured per thread between
``before-parameter-build`` and ``after-call``) — so it is the in-memory cost of the pipeline,
whatever moto's speed.

Cost per 1 M readings at the list prices below (one table, us-east-1, USD; China regions are priced
in CNY on their own table): IoT Core rules and actions (plus messaging, unless devices publish
through Basic Ingest, as this platform's device policy makes them), SQS requests (one SendMessage
per message by the rule, the Lambda poller's ReceiveMessage and DeleteMessageBatch per 10), Lambda
(requests and GB-s of the telemetry function, 1,769 MB, duration = our CPU + the SDK's + one
DynamoDB round trip of ``--rtt-ms`` per call, state writes 8 at a time) and DynamoDB on-demand.

    .venv/bin/python -m benchmarks.pipeline [--readings 120000] [--devices 10000] [--sizes 8,32,128]

About three minutes on one core (moto's conditional writes are most of it).

The last line reads ``pipeline: <R> readings/s/core end to end, <W> WRU and $<C> per 1M readings
at 32/message``.
"""

from __future__ import annotations

import argparse
import base64
import gc
import math
import os
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from benchmarks import in_process_aws

PRICES = {  # us-east-1 list prices, USD
    "iot_message": 1.00 / 1e6,  # per message (5 KB increments), regular topics only
    "iot_rule": 0.15 / 1e6,  # per rule triggered (5 KB increments)
    "iot_action": 0.15 / 1e6,  # per action executed (5 KB increments)
    "sqs_request": 0.40 / 1e6,  # standard queue, per request (64 KB chunks)
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_s": 0.0000166667,  # x86
    "ddb_wru": 0.625 / 1e6,  # on-demand write request unit
    "ddb_rru": 0.125 / 1e6,  # on-demand read request unit
    "kms_request": 0.03 / 1e4,
}
LAMBDA_GB = 1769 / 1024  # handle_telemetry's memory (.chalice/config.json): one full vCPU
BATCH = 1000  # the queue's batch size for handle_telemetry (app.py)
CITY = "zhengzhou"
HOUR = 3_600_000

# A community's fleet: device type → (share, metric → (base, noise, chance of an odd sample, its value)).
# Odd samples are rare, as in a real fleet: about a dozen alerts per million readings.
FLEET: dict[str, tuple[float, dict[str, tuple[float, float, float, float]]]] = {
    "smoke": (0.25, {"alarm": (0, 0, 0.00003, 1), "fault": (0, 0, 0.00002, 1), "tamper": (0, 0, 0, 0),
                     "battery": (82, 1, 0.00005, 8)}),
    "door": (0.15, {"opened": (0, 0, 0.05, 1), "battery": (76, 1, 0.00005, 9)}),
    "power_meter": (0.25, {"power_w": (620, 90, 0.0001, 6500), "energy_kwh": (1500, 0, 0, 0)}),
    "water_leak": (0.10, {"leak": (0, 0, 0.00003, 1), "battery": (88, 1, 0, 0)}),
    "noise": (0.10, {"laeq": (46, 3, 0.0002, 78)}),
    "elevator": (0.05, {"fault_code": (0, 0, 0.00005, 3), "trapped": (0, 0, 0.00002, 1),
                        "ebike_detected": (0, 0, 0.0001, 1), "door_cycles": (20, 4, 0, 0)}),
    "manhole": (0.10, {"opened": (0, 0, 0.00002, 1), "tilt_deg": (1, 0.3, 0.00005, 25),
                       "water_level_cm": (30, 3, 0.00005, 140), "battery": (70, 1, 0, 0)}),
}


@dataclass
class Fleet:
    ids: list[str]
    types: list[str]


def fleet(devices: int, seed: int = 11) -> Fleet:
    rng = np.random.default_rng(seed)
    kinds = list(FLEET)
    share = np.array([FLEET[k][0] for k in kinds])
    picked = rng.choice(len(kinds), size=devices, p=share / share.sum())
    return Fleet([f"{kinds[k].upper().replace('_', '')[:5]}-{i:05d}" for i, k in enumerate(picked)],
                 [kinds[k] for k in picked])


def messages(f: Fleet, readings: int, per_message: int, start: int, seed: int = 7) -> tuple[list[bytes], int]:
    """Messages of ``per_message`` readings (samples × metrics) from the fleet, in rounds, one message per
    device per round, until ``readings``: noise, rare anomalies, silent devices, messages overtaken by
    later ones and a few resent (as a queue delivers them)."""
    rng = np.random.default_rng(seed)
    out: list[bytes] = []
    count, rnd = 0, 0
    while count < readings:
        for device, kind in zip(f.ids, f.types, strict=True):
            metrics = FLEET[kind][1]
            k = max(1, per_message // len(metrics))
            if rng.random() < 0.01:  # silent this round
                continue
            ts = start + rnd * k * 60_000 + np.arange(k) * 60_000 + int(rng.integers(0, 5_000))
            values = {}
            for name, (base, noise, chance, odd) in metrics.items():
                v = base + rng.normal(0, noise, k) if noise else np.full(k, float(base))
                if name in ("energy_kwh", "door_cycles"):
                    v = base + np.cumsum(np.abs(v - base) + 0.1) + rnd * k
                hit = rng.random(k) < chance
                v[hit] = odd
                values[name] = np.round(v, 2).tolist()
            out.append(orjson.dumps({"device": device, "ts": ts.tolist(), "metrics": values}))
            count += k * len(metrics)
            if count >= readings:
                break
        rnd += 1
    order = np.argsort(np.arange(len(out)) + rng.normal(0, 3, len(out)))
    arrived = [out[i] for i in order]
    for i in sorted(rng.choice(len(arrived), size=len(arrived) // 200, replace=False), reverse=True):
        arrived.insert(min(len(arrived), i + int(rng.integers(1, 50))), arrived[i])
    return arrived, count


def sqs_events(msgs: list[bytes], received_at: int) -> list[dict[str, Any]]:
    """The telemetry queue's events for handle_telemetry: 1,000 records each, the rule's record as body."""
    from infra.local.bridge import record_for
    from iot.things import thing_name

    events = []
    for i in range(0, len(msgs), BATCH):
        records = []
        for raw in msgs[i:i + BATCH]:
            doc = orjson.loads(raw)
            body = record_for(doc, CITY, thing_name(CITY, doc["device"]), received_at)
            records.append({"messageId": str(uuid.uuid4()), "receiptHandle": "rh", "body": orjson.dumps(body).decode(),
                            "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": str(received_at)},
                            "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:cc-telemetry",
                            "awsRegion": "us-east-1"})
        events.append({"Records": records})
    return events


# --- DynamoDB capacity, sized as DynamoDB sizes it ------------------------------------------------

def _number_size(n: str) -> int:
    digits = n.lstrip("-").replace(".", "").lstrip("0") or "0"
    return math.ceil(len(digits.split("E")[0].split("e")[0]) / 2) + 1 + (1 if n.startswith("-") else 0)


def value_size(v: dict[str, Any]) -> int:
    (t, x), = v.items()
    if t == "S":
        return len(x.encode())
    if t == "N":
        return _number_size(x)
    if t == "B":
        return len(x if isinstance(x, bytes) else base64.b64decode(x))
    if t in ("BOOL", "NULL"):
        return 1
    if t == "SS":
        return sum(len(s.encode()) for s in x)
    if t == "NS":
        return sum(_number_size(s) for s in x)
    if t == "BS":
        return sum(len(b) for b in x)
    if t == "L":
        return 3 + sum(1 + value_size(e) for e in x)
    if t == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(e) for k, e in x.items())
    raise ValueError(t)


def item_size(item: dict[str, Any] | None) -> int:
    return 0 if not item else sum(len(k.encode()) + value_size(v) for k, v in item.items())


def _key_text(key: dict[str, Any]) -> bytes:
    return orjson.dumps(key, option=orjson.OPT_SORT_KEYS)


@dataclass
class Tally:
    calls: Counter[str] = field(default_factory=Counter)
    wru: float = 0.0
    rru: float = 0.0
    moto_capacity: float = 0.0  # what moto's ReturnConsumedCapacity said (a flat figure per call)
    aws_cpu: float = 0.0  # CPU seconds inside AWS calls (botocore + moto), all threads
    sdk_cpu: float = 0.0  # of which botocore's (building, signing, parsing): what a Lambda pays too
    units: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # DynamoDB capacity units by call
    lock: threading.Lock = field(default_factory=threading.Lock)


class Meter:
    """botocore event hooks on every client created: counts, capacity, CPU inside calls."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.on = False
        self.current = threading.local()  # the call this thread is in (before-parse has no context)
        self.indexes: dict[str, list[tuple[str, str | None]]] = {}  # table → GSI key attributes

    def install(self) -> None:
        import botocore.session

        create = botocore.session.Session.create_client
        meter = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            c = create(session, *args, **kwargs)
            c.meta.events.register("before-parameter-build.*.*", meter.before)
            c.meta.events.register("before-send.*.*", meter.sent)
            c.meta.events.register("before-parse.*.*", meter.parsing)
            c.meta.events.register("after-call.*.*", meter.after)
            return c

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]

    def before(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if not self.on:
            return
        start = time.thread_time()
        if model.service_model.service_name == "dynamodb":
            if "ReturnConsumedCapacity" in model.input_shape.members:
                params.setdefault("ReturnConsumedCapacity", "TOTAL")
            context["bench_params"] = params
            context["bench_old"] = self._old_items(model.name, params)
        context["bench_sdk"] = 0.0
        context["bench_cpu"] = start  # the call's CPU, this hook's own work (the benchmark's) taken out below
        context["bench_mark"] = time.thread_time()

    def sent(self, request: Any, **_: Any) -> None:  # the request built and signed: to the service
        context = request.context
        if "bench_mark" in context:
            context["bench_sdk"] += time.thread_time() - context["bench_mark"]
            self.current.context = context

    def parsing(self, **_: Any) -> None:  # the service answered: botocore parses
        context = getattr(self.current, "context", None)
        if context is not None and "bench_mark" in context:
            context["bench_mark"] = time.thread_time()

    def after(self, http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any],
              **_: Any) -> None:
        if "bench_cpu" not in context:
            return
        end = time.thread_time()
        sdk = context.pop("bench_sdk") + end - context.pop("bench_mark")
        service, op = model.service_model.service_name, model.name
        wru = rru = 0.0
        if service == "dynamodb" and "bench_params" in context:
            wru, rru = self._capacity(op, context["bench_params"], context.get("bench_old", {}), parsed)
        cc = parsed.get("ConsumedCapacity")
        moto = sum(c.get("CapacityUnits", 0) for c in (cc if isinstance(cc, list) else [cc] if cc else []))
        # inside the call: botocore, moto and this hook's work (all of it not our code)
        spent = time.thread_time() - context.pop("bench_cpu")
        with self.tally.lock:
            self.tally.sdk_cpu += sdk
            self.tally.calls[f"{service}:{op}"] += 1
            self.tally.wru += wru
            self.tally.rru += rru
            self.tally.units[f"{service}:{op}"] += wru + rru
            self.tally.moto_capacity += moto
            self.tally.aws_cpu += spent

    # the table as moto holds it: items before a write, after an update
    def _backend(self) -> Any:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        return dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_REGION"]]

    def _stored(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        try:
            item = self._backend().get_item(table, key)
        except Exception:  # noqa: BLE001 - no such item/table: nothing before
            return None
        return None if item is None else item.to_json()["Attributes"]

    def _keys(self, table: str, item: dict[str, Any]) -> dict[str, Any]:
        t = self._backend().get_table(table)
        return {k: item[k] for k in (t.hash_key_attr, t.range_key_attr) if k and k in item}

    def _index_keys(self, table: str) -> list[tuple[str, str | None]]:
        if table not in self.indexes:
            t = self._backend().get_table(table)
            self.indexes[table] = [
                (next(k["AttributeName"] for k in g.schema if k["KeyType"] == "HASH"),
                 next((k["AttributeName"] for k in g.schema if k["KeyType"] == "RANGE"), None))
                for g in t.global_indexes]
        return self.indexes[table]

    def _written(self, op: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
        """(table, key, new item if the request carries it) of every item a write request touches."""
        out: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
        if op in ("PutItem", "UpdateItem", "DeleteItem"):
            out.append((params["TableName"], params.get("Key") or {}, params.get("Item")))
        elif op == "BatchWriteItem":
            out += [(table, r.get("DeleteRequest", {}).get("Key") or {}, r.get("PutRequest", {}).get("Item"))
                    for table, reqs in params["RequestItems"].items() for r in reqs]
        elif op == "TransactWriteItems":
            out += [(body["TableName"], body.get("Key") or {}, body.get("Item"))
                    for t in params["TransactItems"] for body in t.values()]
        return [(table, key or self._keys(table, item or {}), item) for table, key, item in out]

    def _old_items(self, op: str, params: dict[str, Any]) -> dict[Any, Any]:
        return {(table, _key_text(key)): self._stored(table, key) for table, key, _ in self._written(op, params)}

    def _write(self, table: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> float:
        """Write units of one item's write: the table, and each index the item is or was in."""
        units = float(max(1, math.ceil(max(item_size(before), item_size(after)) / 1024)))
        for hk, rk in self._index_keys(table):
            def key(i: dict[str, Any] | None, hk: str = hk, rk: str | None = rk) -> tuple[Any, ...] | None:
                if not i or hk not in i or (rk and rk not in i):
                    return None
                return (orjson.dumps(i[hk]), orjson.dumps(i[rk]) if rk else None)
            k0, k1 = key(before), key(after)
            if k0 is None and k1 is None:
                continue
            if k0 != k1:  # put into, taken out of, or moved within the index (a delete and a put)
                units += (math.ceil(item_size(before) / 1024) if k0 else 0) + \
                         (math.ceil(item_size(after) / 1024) if k1 else 0)
            elif before != after:  # all attributes projected: any change rewrites the index entry
                units += math.ceil(max(item_size(before), item_size(after)) / 1024)
        return units

    def _capacity(self, op: str, params: dict[str, Any], old: dict[Any, Any],
                  parsed: dict[str, Any]) -> tuple[float, float]:
        def read_units(size: int, consistent: bool) -> float:
            return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)

        if parsed.get("Error") and op in ("PutItem", "UpdateItem", "DeleteItem"):  # a condition failed
            (t, k), before = next(iter(old.items()))
            return float(max(1, math.ceil(max(item_size(before), item_size(params.get("Item"))) / 1024))), 0.0
        if op == "PutItem":
            (t, k), before = next(iter(old.items()))
            return self._write(t, before, params["Item"]), 0.0
        if op in ("UpdateItem", "DeleteItem"):
            (t, k), before = next(iter(old.items()))
            after = None if op == "DeleteItem" else self._stored(t, orjson.loads(k))
            return self._write(t, before, after), 0.0
        if op == "BatchWriteItem":
            return sum(self._write(table, old.get((table, _key_text(key))), new)
                       for table, key, new in self._written(op, params)), 0.0
        if op == "TransactWriteItems":
            w = 0.0
            for (table, k), before in old.items():
                w += 2 * self._write(table, before, self._stored(table, orjson.loads(k)))
            return w, 0.0
        if op == "GetItem":
            return 0.0, read_units(item_size(parsed.get("Item")), bool(params.get("ConsistentRead")))
        if op == "BatchGetItem":
            r = 0.0
            for table, items in parsed.get("Responses", {}).items():
                consistent = bool(params["RequestItems"][table].get("ConsistentRead"))
                r += sum(read_units(item_size(i), consistent) for i in items)
            return 0.0, r
        if op in ("Query", "Scan"):
            size = sum(item_size(i) for i in parsed.get("Items", []))
            return 0.0, read_units(size, bool(params.get("ConsistentRead")))
        if op == "TransactGetItems":
            return 0.0, sum(2 * read_units(item_size(r.get("Item")), True) for r in parsed.get("Responses", []))
        return 0.0, 0.0


# --- the run ----------------------------------------------------------------------------------------

@dataclass
class Run:
    per_message: int
    messages: int
    readings: int
    batches: int
    our_cpu: float
    tally: Tally
    failed: int
    alerts: int

    def per_million(self, x: float) -> float:
        return x * 1e6 / self.readings

    def dynamo_calls(self) -> int:
        return sum(n for op, n in self.tally.calls.items() if op.startswith("dynamodb:"))

    def lambda_seconds(self, rtt_ms: float) -> float:
        """Duration of the batches in AWS: our CPU and the SDK's, plus one round trip per DynamoDB
        call (state writes 8 at a time; the rest one after another)."""
        writes = self.tally.calls["dynamodb:PutItem"]
        other = self.dynamo_calls() - writes
        return self.our_cpu + self.tally.sdk_cpu + (other + writes / 8) * rtt_ms / 1000

    def sqs_requests(self) -> int:
        """The rule's SendMessage per message; the Lambda poller's ReceiveMessage and DeleteMessageBatch
        per 10; any our code makes."""
        ours = sum(n for op, n in self.tally.calls.items() if op.startswith("sqs:"))
        return self.messages + 2 * math.ceil(self.messages / 10) + ours

    def cost(self, rtt_ms: float, basic_ingest: bool) -> dict[str, float]:
        """USD per 1 M readings, by service."""
        p, m = PRICES, self.per_million
        chunks_5k = 1  # every message here is under 5 KB (and under SQS's 64 KB)
        kms = sum(n for op, n in self.tally.calls.items() if op.startswith("kms:"))
        return {
            "iot": m(self.messages * chunks_5k * ((0 if basic_ingest else p["iot_message"]) + p["iot_rule"]
                                                  + p["iot_action"])),
            "sqs": m(self.sqs_requests() * p["sqs_request"]),
            "lambda": m(self.batches * p["lambda_request"]
                        + self.lambda_seconds(rtt_ms) * LAMBDA_GB * p["lambda_gb_s"]),
            "dynamodb": m(self.tally.wru * p["ddb_wru"] + self.tally.rru * p["ddb_rru"]),
            "kms": m(kms * p["kms_request"]),
        }


def workload(f: Fleet, per_message: int, readings: int, start: int) -> tuple[list[dict[str, Any]], int, int]:
    """The queue's events for the fleet's messages from ``start`` (epoch ms, in the past: the handler
    takes the clock's now); and how many messages and readings they carry."""
    msgs, count = messages(f, readings, per_message, start)
    return sqs_events(msgs, int(time.time() * 1000)), len(msgs), count


def run_size(meter: Meter, per_message: int, work: tuple[list[dict[str, Any]], int, int]) -> Run:
    """The events through handle_sqs against moto, every AWS call metered."""
    import chalicelib.telemetry.handler as handler
    from chalicelib.telemetry.handler import handle_sqs

    events, n_messages, count = work
    meter.tally = Tally()
    failed = 0
    raised: list[int] = []
    counted = handler.count_batch

    def count_batch(tenant_id: str, messages: int, readings: int, alerts_raised: int) -> None:
        raised.append(alerts_raised)
        counted(tenant_id, messages, readings, alerts_raised)

    handler.count_batch = count_batch  # type: ignore[assignment]  # to read the alerts raised, nothing else
    gc.collect()
    meter.on = True
    cpu0 = time.process_time()
    for event in events:
        out = handle_sqs(event, None)
        failed += len(out.get("batchItemFailures", []))
    our = time.process_time() - cpu0 - meter.tally.aws_cpu
    meter.on = False
    handler.count_batch = counted
    return Run(per_message, n_messages, count, len(events), our, meter.tally, failed, sum(raised))


def in_memory(registry: dict[str, Any], ids: list[str], warm: list[dict[str, Any]],
              work: tuple[list[dict[str, Any]], int, int]) -> float:
    """The same events through our code with the state in memory and nothing written: records read
    and grouped by city, decoded, looked up, evaluated, transitions made. Readings per CPU second."""
    from chalicelib.alertcore.store import MemoryStateStore
    from chalicelib.store.keys import TenantContext
    from chalicelib.telemetry.decode import decode
    from chalicelib.telemetry.handler import records_by_tenant
    from chalicelib.telemetry.pipeline import evaluate, transitions_of
    from chalicelib.telemetry.plans import plan_for

    plan = plan_for(TenantContext(CITY))
    metric_index = {m: i for i, m in enumerate(plan.metrics)}
    number = {d: i for i, d in enumerate(ids)}
    store = MemoryStateStore(plan)

    def memory(known: list[str], _types: list[str]) -> tuple[MemoryStateStore, np.ndarray]:
        return store, np.fromiter(map(number.__getitem__, known), np.int64, len(known))

    def one(event: dict[str, Any]) -> None:
        now = int(time.time() * 1000)
        for _tenant, items in records_by_tenant(event["Records"], {}).items():
            decoded = decode([r.body for r in items], metric_index, [r.device for r in items])
            known, result, _ = evaluate(plan, decoded, registry, memory, now)
            transitions_of(plan, known, result)

    for event in warm:
        one(event)
    events, _, count = work
    gc.collect()
    cpu0 = time.process_time()
    for event in events:
        one(event)
    return count / (time.process_time() - cpu0)


def setup(f: Fleet) -> dict[str, Any]:
    """郑州 onboarded into moto with the fleet registered (written in batches: setup, not measured);
    the registry as a dict."""
    from chalicelib.auth.principal import Principal
    from chalicelib.auth.roles import Role
    from chalicelib.devices.models import DeviceIn, DeviceType
    from chalicelib.devices.repository import device_item
    from chalicelib.devices.service import DeviceService
    from chalicelib.store.keys import TenantContext
    from chalicelib.store.models import DeviceItem
    from chalicelib.usage import ratelimit
    from tests.support import make_world

    world = make_world()
    world.onboard(CITY)
    ratelimit.limiter().quota_of = lambda _tenant: None
    svc = DeviceService(Principal("u-bench", "zz.admin", CITY, frozenset({Role.CITY_ADMIN})))
    template = svc.build(DeviceIn(device_id="TPL-00000", type=DeviceType.SMOKE, serial="SN-TPL", community_id="jinghu"))
    tenant = TenantContext(CITY)
    registry = {}
    with DeviceItem.batch_write() as batch:
        for n, (device_id, kind) in enumerate(zip(f.ids, f.types, strict=True)):
            d = template.model_copy(update={"device_id": device_id, "type": DeviceType(kind),
                                            "serial": f"SN-B{n:06d}"})
            batch.save(device_item(tenant, d))
            registry[device_id] = d
    return registry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=120_000, help="readings per message size")
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--sizes", default="8,32,128")
    parser.add_argument("--rtt-ms", type=float, default=5.0, help="a DynamoDB round trip in the region")
    parser.add_argument("--headline", type=Path, help="also write the last line here (make bench prints it last)")
    args = parser.parse_args()
    in_process_aws("ERROR")
    if hasattr(os, "sched_setaffinity"):  # per core: one core
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from moto import mock_aws

    meter = Meter()
    meter.install()
    f = fleet(args.devices)
    sizes = [int(s) for s in args.sizes.split(",")]
    runs: list[Run] = []
    speed: dict[int, float] = {}
    with mock_aws():
        registry = setup(f)
        now = int(time.time() * 1000)
        # every device has state before the counted runs (the steady state, not first contact)
        warm = workload(f, 8, args.devices * 8, now - 20 * HOUR)
        run_size(meter, 8, warm)
        for n, size in enumerate(sizes):
            work = workload(f, size, args.readings, now - (16 - 5 * n) * HOUR)
            runs.append(run_size(meter, size, work))
            speed[size] = in_memory(registry, f.ids, warm[0], work)
    print(f"telemetry pipeline: {args.devices:,} devices of {len(FLEET)} types in {CITY}, queue batches of "
          f"{BATCH}; figures per 1 M readings; our code in CPU time on one core")
    print(f"{'readings/msg':>12} {'in memory':>10} {'+ items':>9} {'messages':>9} {'DynamoDB':>9} {'RRU':>7} "
          f"{'WRU':>7} {'SQS req':>8} {'IoT msg':>8} {'rules+act':>9} {'GB-s':>6} {'$ Basic Ingest':>14} "
          f"{'$ topics':>8}")
    for r in runs:
        m = r.per_million
        basic, topics = r.cost(args.rtt_ms, True), r.cost(args.rtt_ms, False)
        print(f"{r.per_message:>12} {speed[r.per_message] / 1e6:>6.2f} M/s {r.readings / r.our_cpu / 1e6:>5.2f} M/s "
              f"{m(r.messages):>9,.0f} {m(r.dynamo_calls()):>9,.0f} {m(r.tally.rru):>7,.0f} {m(r.tally.wru):>7,.0f} "
              f"{m(r.sqs_requests()):>8,.0f} {m(r.messages):>8,.0f} {m(2 * r.messages):>9,.0f} "
              f"{m(r.lambda_seconds(args.rtt_ms)) * LAMBDA_GB:>6.1f} {sum(basic.values()):>14.4f} "
              f"{sum(topics.values()):>8.4f}")
    print("  in memory: records read and grouped by city, decoded, looked up, evaluated, transitions made, the "
          "state in memory;\n  + items: the whole handler against moto less the CPU inside AWS calls (our "
          "DynamoDB items, the alert lifecycle, metrics)")
    for r in runs:
        m = r.per_million
        calls = ", ".join(f"{op.split(':')[1]} {m(n):,.0f}" for op, n in sorted(r.tally.calls.items()))
        units = ", ".join(f"{op.split(':')[1]} {m(n):,.0f}" for op, n in sorted(r.tally.units.items()) if n)
        parts = ", ".join(f"{k} ${v:.4f}" for k, v in r.cost(args.rtt_ms, True).items())
        print(f"  {r.per_message}/message — calls: {calls}")
        print(f"  {r.per_message}/message — capacity units: {units} (moto's own flat figure: "
              f"{m(r.tally.moto_capacity):,.0f}); alerts raised {m(r.alerts):,.0f}; records failed: {r.failed}")
        print(f"  {r.per_message}/message — $ per 1 M, Basic Ingest: {parts}")
    print("  Basic Ingest is the cheaper road: no messaging charge, the same rules and actions "
          "(the device policy allows devices only that).")
    at = next((r for r in runs if r.per_message == 32), runs[-1])
    headline = (f"pipeline: {speed[at.per_message]:,.0f} readings/s/core end to end, "
                f"{at.per_million(at.tally.wru):,.0f} WRU and ${sum(at.cost(args.rtt_ms, True).values()):.3f} "
                f"per 1M readings at {at.per_message}/message")
    print(headline)
    if args.headline:
        args.headline.write_text(headline + "\n")


if __name__ == "__main__":
    main()
