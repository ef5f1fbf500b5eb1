"""Device messages (JSON) → the alert core's columnar arrays, in one pass per batch.

A message carries one device's samples, either columnar::

    {"device": "STN-00001", "ts": [1800000000000, …], "metrics": {"pm25": [41.2, …], "co2": […]}}

or a single sample::

    {"device": "STN-00001", "ts": 1800000000000, "metrics": {"pm25": 41.2}}

Samples are laid out metric by metric, so each (device, metric) series stays contiguous
and the engine needs no sort. A message that cannot be read is counted and returned for
the dead-letter queue; it never stops the rest of the batch.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import orjson

from chalicelib.alertcore.batch import Readings
from chalicelib.telemetry.payload import MAX_SAMPLES

MAX_MESSAGE_BYTES = 128 * 1024  # AWS IoT Core's limit for one MQTT message


@dataclass
class Decoded:
    readings: Readings
    devices: list[str]  # batch-local device index → device id, in order of first appearance
    bad: list[tuple[int, str]] = field(default_factory=list)  # (message position, reason)


def _columns(msg: object) -> tuple[str, list[int], dict[str, list[float]]]:
    if not isinstance(msg, dict):
        raise ValueError("message is not a JSON object")
    device, ts, metrics = msg.get("device"), msg.get("ts"), msg.get("metrics")
    if not isinstance(device, str) or not 3 <= len(device) <= 64:
        raise ValueError("device: a device id of 3–64 characters is required")
    if not isinstance(metrics, dict) or not metrics:
        raise ValueError("metrics: an object of metric → values is required")
    if isinstance(ts, int) and not isinstance(ts, bool):
        for name, value in metrics.items():
            if isinstance(value, list):
                raise ValueError(f"metrics.{name}: a single value is required with a single ts")
        return device, [ts], {k: [v] for k, v in metrics.items()}
    if not isinstance(ts, list) or not ts or len(ts) > MAX_SAMPLES:
        raise ValueError(f"ts: an epoch-millisecond integer or a list of 1–{MAX_SAMPLES}")
    for name, values in metrics.items():
        if not isinstance(values, list) or len(values) != len(ts):
            raise ValueError(f"metrics.{name}: a list as long as ts is required")
    return device, ts, metrics


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a batch is parsed and gathered: parsing makes a million
    objects, none of them in a cycle, and every collection on the way would walk them all again.
    Memory is still freed as usual (reference counts); the collector resumes afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def decode(messages: list[bytes], metric_index: dict[str, int]) -> Decoded:
    """Messages as JSON bytes (what the queue carries)."""
    with collector_paused():
        return _decode(messages, metric_index)


def _decode(messages: list[bytes], metric_index: dict[str, int]) -> Decoded:
    parsed: list[object] = []
    bad: list[tuple[int, str]] = []
    for pos, raw in enumerate(messages):
        if len(raw) > MAX_MESSAGE_BYTES:
            bad.append((pos, f"message larger than {MAX_MESSAGE_BYTES} bytes"))
            parsed.append(None)
            continue
        try:
            parsed.append(orjson.loads(raw))
        except orjson.JSONDecodeError as exc:
            bad.append((pos, f"not JSON: {exc}"[:200]))
            parsed.append(None)
    out = decode_objects(parsed, metric_index, skip={pos for pos, _ in bad})
    out.bad = sorted(bad + out.bad)
    return out


def decode_objects(messages: list[object], metric_index: dict[str, int], skip: set[int] | None = None,
                   *, checked: bool = False) -> Decoded:
    """Messages already parsed from JSON; positions in ``skip`` are left out.

    One pass of Python over the messages (their shape: a few checks per message and per metric,
    never per reading) gathers the lists; then one array per column for the whole batch, and the
    per-reading layout (device, metric, time of every value) in a few whole-array operations. A
    batch whose numbers do not all convert (a string, an object, a float time) is read again
    message by message, so each bad message is refused alone with its reason.
    """
    devices: dict[str, int] = {}
    runs: list[tuple[int, int, int, int]] = []  # (device, metric, samples, message's first sample)
    times: list[list[int]] = []
    values: list[list[float]] = []
    bad: list[tuple[int, str]] = []
    samples = 0
    for pos, msg in enumerate(messages):
        if skip and pos in skip:
            continue
        try:
            device, ts, metrics = _columns(msg)
        except ValueError as exc:
            bad.append((pos, str(exc)[:200]))
            continue
        d = devices.setdefault(device, len(devices))
        n = len(ts)
        times.append(ts)
        for name, v in metrics.items():
            runs.append((d, metric_index.get(name, -1), n, samples))
            values.append(v)
        samples += n
    try:
        ts_all = np.array(list(chain.from_iterable(times)))
        if len(ts_all) and ts_all.dtype.kind != "i":
            raise ValueError("ts: epoch milliseconds as integers")
        try:  # numbers only (the usual batch): straight into the array
            val_all = np.fromiter(chain.from_iterable(values), np.float64, sum(r[2] for r in runs))
        except (TypeError, ValueError):  # nulls (missing samples) and the like, as the model reads them
            val_all = np.array(list(chain.from_iterable(values)), dtype=np.float64)
    except (ValueError, TypeError, OverflowError):  # somewhere a bad number: find it, message by message
        if checked:
            raise
        return _one_by_one(messages, metric_index, skip, bad)
    if not runs:
        return Decoded(Readings(np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0, np.int64),
                                np.empty(0, np.float64)), list(devices), bad)
    dev, met, lengths, first = (np.array(c, np.int64) for c in zip(*runs, strict=True))
    # every value's sample: its run's first sample in the batch plus its place in the run
    starts = np.cumsum(lengths) - lengths
    sample = np.arange(len(val_all), dtype=np.int64) + np.repeat(first - starts, lengths)
    readings = Readings(np.repeat(dev.astype(np.int32), lengths), np.repeat(met.astype(np.int32), lengths),
                        ts_all.astype(np.int64, copy=False)[sample], val_all)
    return Decoded(readings, list(devices), bad)


def _one_by_one(messages: list[object], metric_index: dict[str, int], skip: set[int] | None,
                bad: list[tuple[int, str]]) -> Decoded:
    """The same reading with each message's numbers converted on their own (a batch with a bad one)."""
    keep: list[object] = []
    refused = {p for p, _ in bad} | (skip or set())
    for pos, msg in enumerate(messages):
        if pos in refused:
            keep.append(None)
            continue
        try:
            _, ts, metrics = _columns(msg)
            ts_arr = np.array(ts)
            if ts_arr.dtype.kind != "i":  # JSON integers only: not floats, strings or booleans
                raise ValueError("ts: epoch milliseconds as integers")
            for v in metrics.values():
                np.array(v, dtype=np.float64)
        except (ValueError, TypeError, OverflowError) as exc:
            bad.append((pos, str(exc)[:200]))
            keep.append(None)
            continue
        keep.append(msg)
    out = decode_objects(keep, metric_index, {p for p, _ in bad} | refused, checked=True)
    out.bad = sorted(bad)
    return out
