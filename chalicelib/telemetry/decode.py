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
import operator
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

import numpy as np
import orjson
import simdjson

from chalicelib.alertcore.batch import Readings
from chalicelib.telemetry.payload import MAX_SAMPLES

MAX_MESSAGE_BYTES = 128 * 1024  # AWS IoT Core's limit for one MQTT message
Buffer = Any  # bytes-like: simdjson ArrayBuffer or numpy array


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


def decode(messages: Sequence[bytes | str], metric_index: dict[str, int],
           devices: Sequence[str] | None = None) -> Decoded:
    """Messages as JSON (what the queue carries). ``devices``, when given, are the messages' device
    ids already read and checked (the queue handler maps each topic's thing name to its device id)."""
    with collector_paused():
        return _decode(messages, metric_index, devices)


def decode_objects(messages: Sequence[object], metric_index: dict[str, int]) -> Decoded:
    """Messages already parsed from JSON (the critical-event rule's direct invocation)."""
    out = _Columns(metric_index)
    bad = [(pos, reason) for pos, msg in enumerate(messages) if (reason := out.add_object(msg))]
    return out.done(bad)


def heads(messages: Sequence[bytes | str], keys: tuple[str, ...]) -> list[tuple[Any, ...] | str]:
    """Top-level fields of each message (None where absent, or not a string or number), or why it
    cannot be read: the queue handler's first look at a batch (which city, which device)."""
    with collector_paused():
        doc = _parse(_joined(messages, list(range(len(messages)))))
        if doc is None:  # some record is not JSON: each on its own
            return [_head(orjson.loads(raw), keys) if (reason := _not_json(raw)) is None else reason
                    for raw in messages]
        objects = list(doc)
        out = _usual_heads(objects, keys)
        if out is None:
            out = [_fields(o, raw, keys) if type(o) is simdjson.Object else _head(orjson.loads(raw), keys)
                   for o, raw in zip(objects, messages, strict=True)]
        del doc, objects
        return out


def _usual_heads(objects: list[Any], keys: tuple[str, ...]) -> list[tuple[Any, ...] | str] | None:
    """The usual batch, every message the topic rule's record of a device's message (five keys found
    in an object of five: none given twice, none else), read by whole-batch steps with no Python per
    message; None for any other batch."""
    if (not objects or not set(keys) & set(_RECORD_KEYS) or {*map(type, objects)} != {simdjson.Object}
            or {*map(len, objects)} != {len(_RECORD_KEYS)}):
        return None
    try:
        rows = list(map(_RECORD, objects))
    except KeyError:
        return None
    columns: list[Any] = []
    for k in keys:
        if k not in _RECORD_KEYS:
            columns.append(repeat(None))
            continue
        column = list(map(operator.itemgetter(_RECORD_KEYS.index(k)), rows))
        if not _SCALARS.issuperset(map(type, column)):
            column = [v if type(v) in _SCALARS else None for v in column]
        columns.append(column)
    return list(zip(*columns, strict=False))  # as long as the shortest: the rows (a repeat(None) is endless)


def _head(o: Any, keys: tuple[str, ...]) -> tuple[Any, ...] | str:
    if not isinstance(o, dict):
        return "not a JSON object"
    return tuple(v if isinstance(v := o.get(k), str | int | float) else None for k in keys)


def _fields(o: Any, raw: bytes | str, keys: tuple[str, ...]) -> tuple[Any, ...] | str:
    """:func:`_head` of a simdjson object, read by its key list (asking it for an absent key costs a
    raised KeyError, several times a lookup). A key given twice: orjson's reading (the last counts),
    as the model's."""
    names = tuple(o.keys())
    if len(set(names)) != len(names):
        return _head(orjson.loads(raw), keys)
    return tuple(v if k in names and isinstance(v := o[k], str | int | float) else None for k in keys)


def _decode(messages: Sequence[bytes | str], metric_index: dict[str, int],
            devices: Sequence[str] | None) -> Decoded:
    """The whole batch parsed by simdjson as one document. A pass of Python over the messages takes
    each one's device, metric names and lists (simdjson's views, not Python numbers); then
    whole-batch steps check every list's length and copy the lists out as typed buffers, joined into
    one array per column. A message this road does not take as it is (a single sample, a null, a
    string, a list of the wrong length, ...) is parsed by orjson and read as :func:`decode_objects`
    reads it, so both roads give the same answer (the property tests hold them together). What
    simdjson would read otherwise than the model (a list inside a list, which it flattens; a key given
    twice, where the last counts; a key spelt with escapes) is ruled out: lists and escapes counted in
    the batch's text at once (if the count is off, in each message's), keys by the objects' sizes."""
    bad: list[tuple[int, str]] = []
    fits = list(range(len(messages)))
    if messages and max(map(len, messages)) * 4 > MAX_MESSAGE_BYTES:  # characters ≤ bytes ≤ 4 × characters
        large = {pos for pos, raw in enumerate(messages) if len(_bytes(raw)) > MAX_MESSAGE_BYTES}
        bad = [(pos, f"message larger than {MAX_MESSAGE_BYTES} bytes") for pos in sorted(large)]
        fits = [pos for pos in fits if pos not in large]
    joined = _joined(messages, fits)
    doc = _parse(joined)
    if doc is None:  # some message is not JSON: parse the rest without it
        unreadable = {pos: reason for pos in fits if (reason := _not_json(messages[pos]))}
        bad += unreadable.items()
        fits = [pos for pos in fits if pos not in unreadable]
        joined = _joined(messages, fits)
        doc = _parse(joined)  # None: JSON that orjson reads and simdjson does not (the model's road for all)
    views = _Views(messages, fits, doc, devices)
    if not views.marks_agree(joined):
        views = _Views(messages, fits, doc, devices, careful=True)
    out = _Columns(metric_index)
    for pos, part in views.parts(out):
        if part is None:  # the model's road
            msg = orjson.loads(messages[pos])
            if reason := _metric_given_twice(messages[pos], msg):
                bad.append((pos, reason))
                continue
            if devices is not None and isinstance(msg, dict):
                msg["device"] = devices[pos]
            if reason := out.add_object(msg):
                bad.append((pos, reason))
        else:
            out.add(*part)
    del doc, views
    return out.done(sorted(bad))


_local = threading.local()


def _parse(joined: bytes) -> Any:
    """The batch as simdjson's document (its parser kept per thread: its buffers are reused); None
    if it cannot be parsed."""
    parser = getattr(_local, "parser", None)
    for _ in range(2):
        if parser is None:
            parser = _local.parser = simdjson.Parser()
        try:
            return parser.parse(joined)
        except RuntimeError as exc:
            if "BIGINT" in str(exc):
                return None
            parser = None  # views of an earlier document still alive (a batch that failed): a new parser
        except (ValueError, TypeError):
            return None
    return None


class _Views:
    """The messages simdjson can read as they are, as views into its document, checked batch-wide."""

    def __init__(self, messages: Sequence[bytes | str], fits: list[int], doc: Any, devices: Sequence[str] | None,
                 careful: bool = False) -> None:
        self.messages, self.fits, self.devices = messages, fits, devices
        self.at: list[int] = []  # per message taken: its position in the batch
        self.device: list[str] = []
        self.names: list[tuple[str, ...]] = []
        self.ts: list[Any] = []  # simdjson Arrays
        self.columns: list[Any] = []  # simdjson Arrays, every message's metrics in turn
        if not careful and doc is not None and self._all_usual(doc):
            return
        distinct: dict[tuple[str, ...], bool] = {}  # metric names → each given once
        for pos, o in zip(fits, doc or (), strict=False):
            try:
                ts, metrics, device = o["ts"], o["metrics"], o["device"]
                if type(metrics) is not simdjson.Object:  # a list or a string of "metrics": the model's road
                    continue
                names = tuple(metrics)  # its keys
                # three keys found in an object of three: none given twice (the device's usual message)
                if len(o) != 3 and not _keys_once(o):
                    continue
            except (KeyError, AttributeError, TypeError):
                continue
            if devices is not None:
                device = devices[pos]
            once = distinct.get(names)
            if once is None:
                once = distinct[names] = bool(names) and len(set(names)) == len(names)
            if not once or type(ts) is not _ARRAY or type(device) is not str or not 3 <= len(device) <= 64:
                continue
            columns = list(map(metrics.__getitem__, names))
            if {*map(type, columns)} != {_ARRAY}:  # a value not a list: the model's road
                continue
            if careful and not _marks_agree(_bytes(messages[pos]), len(names)):
                continue
            self.at.append(pos)
            self.device.append(device)
            self.names.append(names)
            self.ts.append(ts)
            self.columns += columns

    def _all_usual(self, doc: Any) -> bool:
        """The usual batch, every message of one usual shape (a device's message, or the topic rule's
        record of one), read by whole-batch steps with no Python per message: the same views the loop
        below takes, or False (nothing taken) for the loop to read them one by one."""
        objects = list(doc)
        if len(objects) != len(self.fits) or not objects or {*map(type, objects)} != {simdjson.Object}:
            return False
        sizes = {*map(len, objects)}
        shape = _USUAL.get(sizes.pop()) if len(sizes) == 1 else None
        if shape is None:
            return False
        try:  # each key found, in an object of that many keys: none given twice, none else
            device, ts, metrics = zip(*map(_DEVICE_TS_METRICS, map(shape, objects)), strict=True)
        except KeyError:
            return False
        if {*map(type, ts)} != {_ARRAY} or {*map(type, metrics)} != {simdjson.Object}:
            return False
        if self.devices is not None:
            device = tuple(map(self.devices.__getitem__, self.fits))
        if {*map(type, device)} != {str} or not 3 <= min(map(len, device)) <= max(map(len, device)) <= 64:
            return False
        names = list(map(tuple, metrics))
        getters = {}
        for n in {*names}:
            if not n or len({*n}) != len(n):  # none, or a metric given twice: the loop and the model's road
                return False
            getters[n] = operator.itemgetter(*n) if len(n) > 1 else _one(n[0])
        columns = list(chain.from_iterable(map(operator.call, map(getters.__getitem__, names), metrics)))
        if {*map(type, columns)} != {_ARRAY}:  # some value not a list
            return False
        self.at, self.device, self.names, self.ts, self.columns = self.fits, list(device), names, list(ts), columns
        return True

    def marks_agree(self, joined: bytes) -> bool:
        """The marks of the messages taken, counted in the batch's text less the others': one list
        per ts and metric and no escape (each message taken has at least one list per ts and metric,
        so the totals agree only if every message does)."""
        taken = set(self.at)
        others = [_bytes(self.messages[pos]) for pos in self.fits if pos not in taken]
        lists = int(np.count_nonzero(np.frombuffer(joined, np.uint8) == _BRACKET)) - 1
        escapes = b"\\" in joined and joined.count(b"\\") != sum(r.count(b"\\") for r in others)
        return lists - sum(r.count(b"[") for r in others) == len(self.at) + len(self.columns) and not escapes

    def parts(self, out: _Columns) -> Iterator[tuple[int, Part | None]]:
        """Every message in order: (position, its columns) for those taken, (position, None) for the
        rest. When all were taken and all convert (the usual batch), straight into ``out``."""
        k = np.fromiter(map(len, self.names), np.int64, len(self.names))
        n = np.fromiter(map(len, self.ts), np.int64, len(self.ts))
        lengths = np.fromiter(map(len, self.columns), np.int64, len(self.columns))
        ok = (n >= 1) & (n <= MAX_SAMPLES)
        if len(lengths):
            ok &= np.add.reduceat(lengths != np.repeat(n, k), np.cumsum(k) - k) == 0
        times, values = _buffers(self.ts, "i"), _buffers(self.columns, "d")
        if len(self.at) == len(self.fits) and ok.all() and None not in times and None not in values:
            out.add_all(self.device, n, self.names, times, values)
            return
        taken = dict(zip(self.at, range(len(self.at)), strict=True))
        column = 0
        for pos in self.fits:
            i = taken.get(pos)
            if i is None:
                yield pos, None
                continue
            cols = values[column:column + k[i]]
            column += k[i]
            if not ok[i] or times[i] is None or None in cols:
                yield pos, None
            else:
                yield pos, (self.device[i], int(n[i]), self.names[i], times[i], cols)


def _buffers(arrays: list[Any], of_type: str) -> list[Any]:
    """Each array as a typed buffer (None where its values do not convert), in one pass when all do
    (a comprehension: calling with a keyword through ``operator.methodcaller`` costs twice as much)."""
    try:
        return [a.as_buffer(of_type=of_type) for a in arrays]
    except (TypeError, ValueError):  # a null, a string, a boolean, a float time ...
        return [_or_none(a, of_type) for a in arrays]


def _or_none(array: Any, of_type: str) -> Any:
    try:
        return array.as_buffer(of_type=of_type)
    except (TypeError, ValueError):
        return None


def _marks_agree(raw: bytes, lists: int) -> bool:
    return raw.count(b"[") == 1 + lists and b"\\" not in raw


_MESSAGE_KEYS = ("device", "ts", "metrics")  # as the device sends it
_RECORD_KEYS = (*_MESSAGE_KEYS, "tenant", "received_at")  # as the topic rule passes it on
_USUAL = {len(k): operator.itemgetter(*k) for k in (_MESSAGE_KEYS, _RECORD_KEYS)}
_RECORD = _USUAL[len(_RECORD_KEYS)]
_DEVICE_TS_METRICS = operator.itemgetter(0, 1, 2)  # of the values either shape gives


def _one(name: str) -> Callable[[Any], tuple[Any]]:
    return lambda o: (o[name],)

_SCALARS = frozenset((str, int, float, bool))  # JSON's values that _head keeps


def _keys_once(o: Any) -> bool:
    """No key of the message given twice (simdjson would take the first, the model the last). Cheap
    for the usual shapes: that many distinct keys found in an object of that size."""
    usual = _USUAL.get(len(o))
    if usual is not None:
        try:
            usual(o)  # all found (a found key is cheap to ask for; an absent one raises)
            return True
        except KeyError:
            pass
    keys = tuple(o.keys())
    return len(set(keys)) == len(keys)


def _metric_given_twice(raw: bytes | str, msg: Any) -> str | None:
    """A metric named twice: orjson keeps the last value, as the model does, but the model also checks
    every earlier one — so does this, with the model's own field (only for such a message: as many key
    marks in the text as keys parsed rules it out for the usual one)."""
    if not isinstance(msg, dict) or not isinstance(metrics := msg.get("metrics"), dict):
        return None
    if _bytes(raw).count(b'":') == len(msg) + len(metrics):
        return None
    from pydantic import ValidationError

    from chalicelib.telemetry.payload import MetricsOnly

    try:
        MetricsOnly.model_validate_json(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        return f"{'.'.join(map(str, err['loc'][:2]))}: {err['msg']}"[:200]
    return None


def _not_json(raw: bytes | str) -> str | None:
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return f"not JSON: {exc}"[:200]
    return None


def _bytes(raw: bytes | str) -> bytes:
    return raw.encode() if isinstance(raw, str) else raw


def _joined(messages: Sequence[bytes | str], fits: list[int]) -> bytes:
    parts = [messages[pos] for pos in fits] if len(fits) < len(messages) else messages
    if all(isinstance(m, bytes) for m in parts):
        if len(parts) < 2:
            return b"[" + b"".join(parts) + b"]"  # type: ignore[arg-type]
        return b",".join([b"[" + parts[0], *parts[1:-1], parts[-1] + b"]"])  # type: ignore[list-item,operator]
    return ("[" + ",".join(m if isinstance(m, str) else m.decode() for m in parts) + "]").encode()


Part = tuple[str, int, tuple[str, ...], Buffer, list[Buffer]]  # device, samples, metrics, ts, values
_BRACKET = ord("[")
_ARRAY = simdjson.Array


class _Columns:
    """The batch's columns, message by message as typed buffers, joined once at the end."""

    def __init__(self, metric_index: dict[str, int]) -> None:
        self.metric_index = metric_index
        self.devices: dict[str, int] = {}
        self.dev: list[int] = []  # per message: its device's place in ``devices``
        self.count: list[int] = []  # per message: samples
        self.shape: list[int] = []  # per message: its metric names' place in ``shapes``
        self.shapes: dict[tuple[str, ...], int] = {}  # metric names, in the order messages give them
        self.times: list[Buffer] = []
        self.values: list[Buffer] = []

    def _shape(self, names: tuple[str, ...]) -> int:
        return self.shapes.setdefault(names, len(self.shapes))

    def add(self, device: str, n: int, names: tuple[str, ...], times: Buffer, values: list[Buffer]) -> None:
        self.dev.append(self.devices.setdefault(device, len(self.devices)))
        self.count.append(n)
        self.shape.append(self._shape(names))
        self.times.append(times)
        self.values += values

    def add_all(self, devices: list[str], n: np.ndarray, names: list[tuple[str, ...]], times: list[Buffer],
                values: list[Buffer]) -> None:
        """Many messages at once (nothing added before)."""
        first_seen = list(dict.fromkeys(devices))
        self.devices = dict(zip(first_seen, range(len(first_seen)), strict=True))
        self.dev = list(map(self.devices.__getitem__, devices))
        self.count = n.tolist()
        for shape in dict.fromkeys(names):
            self._shape(shape)
        self.shape = list(map(self.shapes.__getitem__, names))
        self.times, self.values = times, values

    def add_object(self, msg: object) -> str | None:
        """A parsed message read as the model reads it; the reason when it is refused."""
        try:
            device, ts, metrics = _columns(msg)
            t = np.array(ts)
            if t.dtype.kind != "i" or t.ndim != 1:  # JSON integers only: not floats, strings, booleans, lists
                raise ValueError("ts: epoch milliseconds as integers")
            values = [np.array(v, dtype=np.float64) for v in metrics.values()]
            for name, v in zip(metrics, values, strict=True):
                if v.ndim != 1:
                    raise ValueError(f"metrics.{name}: numbers (or null for a missing sample)")
        except (ValueError, TypeError, OverflowError) as exc:
            return str(exc)[:200]
        self.add(device, len(t), tuple(metrics), t.astype(np.int64), values)
        return None

    def done(self, bad: list[tuple[int, str]]) -> Decoded:
        if not self.dev:
            return Decoded(Readings(np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0, np.int64),
                                    np.empty(0, np.float64)), list(self.devices), bad)
        ts_all = np.frombuffer(bytearray().join(self.times), np.int64)
        val_all = np.frombuffer(bytearray().join(self.values), np.float64)
        # each shape's metrics' places in the plan (-1: unknown), one after another
        places = np.array([self.metric_index.get(m, -1) for names in self.shapes for m in names], np.int32)
        size = np.fromiter(map(len, self.shapes), np.int64, len(self.shapes))
        shape = np.array(self.shape, np.intp)
        per_message = size[shape]  # metrics per message
        # runs: one per (message, metric), each as long as its message's samples
        count = np.array(self.count, np.int64)
        lengths = np.repeat(count, per_message)
        run_first = np.cumsum(per_message) - per_message  # the message's first run
        run_place = np.arange(len(lengths)) + np.repeat((np.cumsum(size) - size)[shape] - run_first, per_message)
        first = np.repeat(np.cumsum(count) - count, per_message)  # the message's first sample in the batch
        # every value's sample: its run's first sample in the batch plus its place in the run
        starts = np.cumsum(lengths) - lengths
        sample = np.arange(len(val_all), dtype=np.int64) + np.repeat(first - starts, lengths)
        dev = np.repeat(np.array(self.dev, np.int32), per_message)
        return Decoded(Readings(np.repeat(dev, lengths), np.repeat(places[run_place], lengths), ts_all[sample],
                                val_all), list(self.devices), bad)
