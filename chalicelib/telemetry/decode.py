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

from dataclasses import dataclass, field

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


def decode(messages: list[bytes], metric_index: dict[str, int]) -> Decoded:
    """Messages as JSON bytes (what the queue carries)."""
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


def decode_objects(messages: list[object], metric_index: dict[str, int], skip: set[int] | None = None) -> Decoded:
    """Messages already parsed from JSON; positions in ``skip`` are left out."""
    devices: dict[str, int] = {}
    dev_runs: list[int] = []
    met_runs: list[int] = []
    run_lengths: list[int] = []
    ts_parts: list[np.ndarray] = []
    val_parts: list[np.ndarray] = []
    bad: list[tuple[int, str]] = []
    for pos, msg in enumerate(messages):
        if skip and pos in skip:
            continue
        try:
            device, ts, metrics = _columns(msg)
            ts_arr = np.asarray(ts)
            if ts_arr.dtype.kind != "i":  # JSON integers only: not floats, strings or booleans
                raise ValueError("ts: epoch milliseconds as integers")
            ts_arr = ts_arr.astype(np.int64)
            vals = [np.asarray(v, dtype=np.float64) for v in metrics.values()]
        except (ValueError, TypeError, OverflowError) as exc:
            bad.append((pos, str(exc)[:200]))
            continue
        d = devices.setdefault(device, len(devices))
        n = len(ts_arr)
        for name, v in zip(metrics, vals, strict=True):
            dev_runs.append(d)
            met_runs.append(metric_index.get(name, -1))
            run_lengths.append(n)
            ts_parts.append(ts_arr)
            val_parts.append(v)
    lengths = np.asarray(run_lengths, dtype=np.int64)
    readings = Readings(np.repeat(np.asarray(dev_runs, np.int32), lengths),
                        np.repeat(np.asarray(met_runs, np.int32), lengths),
                        np.concatenate(ts_parts) if ts_parts else np.empty(0, np.int64),
                        np.concatenate(val_parts) if val_parts else np.empty(0, np.float64))
    return Decoded(readings, list(devices), bad)
