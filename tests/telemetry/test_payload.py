"""The fast decoder and the pydantic model of the payload accept and refuse the same messages."""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.telemetry.decode import decode
from chalicelib.telemetry.payload import TelemetryMessage

NUMBER = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False), st.none(),
                   st.text(max_size=3), st.booleans())
TS = st.one_of(st.integers(0, 2**53), st.lists(st.integers(0, 2**53), max_size=4), st.text(max_size=3),
               st.from_regex(r"\A[0-9]{1,4}\Z"), st.lists(st.text(max_size=2), max_size=2), st.none(), st.booleans(),
               st.floats(0, 10), st.lists(st.booleans(), min_size=1, max_size=2))
METRICS = st.dictionaries(st.sampled_from(["pm25", "co2", "opened"]),
                          st.one_of(NUMBER, st.lists(NUMBER, max_size=4)), max_size=3)
DEVICE = st.one_of(st.text(min_size=0, max_size=70), st.integers(-100, 100))
MESSAGE = st.fixed_dictionaries({}, optional={"device": DEVICE, "ts": TS, "metrics": METRICS})


@settings(max_examples=400, deadline=None)
@given(msg=MESSAGE)
def test_decoder_and_model_agree(msg):
    raw = orjson.dumps(msg)
    try:
        TelemetryMessage.model_validate_json(raw)
        model_ok = True
    except ValidationError:
        model_ok = False
    decoded = decode([raw], {"pm25": 0, "co2": 1, "opened": 2})
    assert (not decoded.bad) == model_ok, (msg, decoded.bad)


def test_columnar_and_single_sample_forms_decode_to_the_same_readings():
    single = [orjson.dumps({"device": "SMK-1", "ts": t, "metrics": {"pm25": v}}) for t, v in ((1, 2.0), (2, 3.0))]
    columnar = [orjson.dumps({"device": "SMK-1", "ts": [1, 2], "metrics": {"pm25": [2.0, 3.0]}})]
    a, b = decode(single, {"pm25": 0}).readings, decode(columnar, {"pm25": 0}).readings
    assert a.ts.tolist() == b.ts.tolist() and a.val.tolist() == b.val.tolist()


VALID = st.builds(lambda n, d, vals: {"device": f"STN-{d}", "ts": list(range(1, n + 1)),
                                      "metrics": {"pm25": vals[:n], "co2": vals[n:2 * n]}},
                  st.integers(1, 3), st.integers(0, 3),
                  st.lists(st.one_of(st.floats(-1e6, 1e6), st.integers(-100, 100), st.none()), min_size=6, max_size=6))


@settings(max_examples=200, deadline=None)
@given(batch=st.lists(st.one_of(VALID, MESSAGE), max_size=8))
def test_a_batch_decodes_as_its_messages_one_by_one(batch):
    """Bad messages amid good ones: each refused alone with its reason, the rest read as if alone."""
    index = {"pm25": 0, "co2": 1, "opened": 2}
    raws = [orjson.dumps(m) for m in batch]
    together = decode(raws, index)
    alone = [decode([r], index) for r in raws]
    assert together.bad == [(pos, d.bad[0][1]) for pos, d in enumerate(alone) if d.bad]
    ids = [d.devices[i] for d in alone for i in d.readings.dev.tolist()]
    assert [together.devices[i] for i in together.readings.dev.tolist()] == ids
    for column in ("met", "ts"):
        one_by_one = [v for d in alone for v in getattr(d.readings, column).tolist()]
        assert getattr(together.readings, column).tolist() == one_by_one
    joined = [str(v) for d in alone for v in d.readings.val.tolist()]
    assert [str(v) for v in together.readings.val.tolist()] == joined  # NaN for null, as alone


# Texts written by hand: keys given twice, spelt with escapes, lists inside lists, extra keys — what
# a JSON library may read otherwise than the model — alone and amid messages the fast road takes.
KEY = st.sampled_from(['"device"', '"ts"', '"metrics"', '"tenant"', '"received_at"', '"fw"', '"t\\u0073"',
                       '"metric\\u0073"'])
ITEM = st.sampled_from(["1", "2", "2.5", "-0.0", "1e3", "null", "true", '"7"', "[1]", "[]", "{}"])
LIST_TXT = st.lists(ITEM, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]")
OBJECT_TXT = st.lists(st.tuples(st.sampled_from(['"pm25"', '"co2"', '"pm\\u0032\\u0035"']), st.one_of(ITEM, LIST_TXT)),
                      max_size=3).map(lambda kv: "{" + ",".join(f"{k}:{v}" for k, v in kv) + "}")
VALUE_TXT = st.one_of(st.sampled_from(['"STN-1"', '"ab"', "[1,2]", "[[1],[2]]", "[1]", "5", '"zz"']), LIST_TXT,
                      OBJECT_TXT)
MESSAGE_TXT = st.lists(st.tuples(KEY, VALUE_TXT), max_size=6).map(
    lambda kv: "{" + ",".join(f"{k}:{v}" for k, v in kv) + "}")
GOOD = b'{"device":"STN-9","ts":[5,6],"metrics":{"pm25":[1.5,2.5],"co2":[600,601]}}'


def _model_readings(raw: bytes, index: dict[str, int]) -> list[tuple[int, int, str]] | None:
    try:
        msg = TelemetryMessage.model_validate_json(raw)
    except ValidationError:
        return None
    ts = msg.ts if isinstance(msg.ts, list) else [msg.ts]
    out = []
    for name, values in msg.metrics.items():
        vals = values if isinstance(values, list) else [values]
        out += [(index.get(name, -1), t, str(float("nan") if v is None else float(v)))
                for t, v in zip(ts, vals, strict=True)]
    return sorted(out)


@settings(max_examples=500, deadline=None)
@given(texts=st.lists(MESSAGE_TXT, min_size=1, max_size=4), good=st.integers(0, 3))
def test_hand_written_texts_read_as_the_model_reads_them(texts, good):
    index = {"pm25": 0, "co2": 1}
    raws = [GOOD] * good + [t.encode() for t in texts]
    decoded = decode(raws, index)
    refused = {pos for pos, _ in decoded.bad}
    for pos, raw in enumerate(raws):
        expected = _model_readings(raw, index)
        assert (pos not in refused) == (expected is not None), (raw, decoded.bad)
    alone = [decode([r], index) for r in raws]
    got = sorted((m, t, str(v)) for d in alone for m, t, v in zip(d.readings.met.tolist(), d.readings.ts.tolist(),
                                                                   d.readings.val.tolist(), strict=True))
    want = sorted(r for raw in raws for r in (_model_readings(raw, index) or []))
    assert got == want
    together = sorted((m, t, str(v)) for m, t, v in zip(decoded.readings.met.tolist(), decoded.readings.ts.tolist(),
                                                         decoded.readings.val.tolist(), strict=True))
    assert together == want


def test_texts_a_json_library_could_read_otherwise():
    index = {"pm25": 0}
    cases = {
        b'{"device":"STN-1","ts":[1],"metrics":{"pm25":[[5]]}}': None,  # a list in a list
        b'{"device":"STN-1","ts":[[1]],"metrics":{"pm25":[5]}}': None,
        b'{"device":"STN-1","ts":[1,2],"metrics":{"pm25":[5,6]},"ts":[3]}': None,  # the last ts counts
        b'{"device":"STN-1","ts":[1],"metrics":{"pm25":[5],"pm25":[7]}}': [(0, 1, "7.0")],
        b'{"device":"STN-1","ts":5,"metrics":{"pm25":[[1]],"pm25":1}}': None,  # each value of a repeat is checked
        b'{"device":"STN-1","ts":[1],"metrics":[5]}': None,  # metrics as a list, or a string: refused, the rest read
        b'{"device":"STN-1","ts":[1],"metrics":"pm25"}': None,
        b'{"device":"STN-1","t\\u0073":[1],"ts":[2],"metrics":{"pm25":[5]}}': [(0, 2, "5.0")],
        b'{"device":"STN-1","ts":[1],"metrics":{"p\\u006d25":[1],"pm25":[2]}}': [(0, 1, "2.0")],
        b'{"device":"STN-1","ts":[1],"metrics":{"pm25":[5]},"fw":"2.1","tenant":"zz"}': [(0, 1, "5.0")],
        # a value not a list, its missing bracket made up by a list elsewhere: refused, not a failed batch
        b'{"device":"STN-1","ts":[1],"metrics":{"pm25":null},"fw":[1]}': None,
    }
    for raw, want in cases.items():
        assert _model_readings(raw, index) == want, raw
        for batch in ([raw], [GOOD, raw, GOOD]):
            d = decode(batch, index)
            pos = batch.index(raw)
            assert (pos in {p for p, _ in d.bad}) == (want is None), raw


def test_queue_bodies_as_text_with_the_devices_read_from_the_topic():
    """The queue handler passes bodies as text and each message's device id from its topic."""
    bodies = ['{"device":"zz.STN-9","tenant":"zz","received_at":1,"ts":[5],"metrics":{"pm25":[1.5]}}',
              '{"device":"zz.STN-8","tenant":"zz","received_at":1,"ts":7,"metrics":{"pm25":2.5}}']
    d = decode(bodies, {"pm25": 0}, devices=["STN-9", "STN-8"])
    assert not d.bad and d.devices == ["STN-9", "STN-8"]
    assert d.readings.ts.tolist() == [5, 7] and d.readings.val.tolist() == [1.5, 2.5]


def test_a_record_giving_its_city_or_device_twice_is_read_as_the_model_reads_it():
    """The queue handler's first look (which city, which device) takes the last of a repeated key, as
    orjson and the model do — never the first, which simdjson alone would."""
    from chalicelib.telemetry.decode import heads

    keys = ("tenant", "device", "received_at")
    records = ['{"tenant":"yinchuan","tenant":"zhengzhou","device":"zhengzhou_SMK-1"}',
               '{"tenant":"zhengzhou","device":"zhengzhou_A","received_at":1,"device":"zhengzhou_B","ts":1}',
               '{"tenant":"zhengzhou","device":"zhengzhou_C","received_at":2,"ts":[1],"metrics":{"x":[1]}}']
    assert heads(records, keys) == [("zhengzhou", "zhengzhou_SMK-1", None), ("zhengzhou", "zhengzhou_B", 1),
                                    ("zhengzhou", "zhengzhou_C", 2)]


RECORD = st.builds(lambda msg, city, at: {**msg, "tenant": city, "received_at": at},
                   st.one_of(VALID, MESSAGE), st.sampled_from(["zhengzhou", "yinchuan", 7, ["zhengzhou"]]),
                   st.one_of(st.integers(0, 2**53), st.none(), st.text(max_size=2),
                             st.lists(st.integers(0, 9), max_size=1)))


@settings(max_examples=200, deadline=None)
@given(batch=st.lists(RECORD, min_size=1, max_size=8))
def test_topic_rule_records_read_together_as_one_by_one(batch):
    """The queue's bodies (the rule's record: the message with its city and receive time): the
    handler's first look and the decoder read a whole batch as they read each record alone — whether
    every record is of the usual shape (read by whole-batch steps) or some are not."""
    from chalicelib.telemetry.decode import heads

    keys = ("tenant", "device", "received_at", "passage")
    bodies = [orjson.dumps(r).decode() for r in batch]
    assert heads(bodies, keys) == [h for b in bodies for h in heads([b], keys)]
    devices = [f"D-{i:03d}" for i in range(len(bodies))]
    index = {"pm25": 0, "co2": 1, "opened": 2}
    together = decode(bodies, index, devices)
    alone = [decode([b], index, [d]) for b, d in zip(bodies, devices, strict=True)]
    assert together.bad == [(pos, d.bad[0][1]) for pos, d in enumerate(alone) if d.bad]
    assert [together.devices[i] for i in together.readings.dev.tolist()] == [
        d.devices[i] for d in alone for i in d.readings.dev.tolist()]
    assert together.readings.ts.tolist() == [t for d in alone for t in d.readings.ts.tolist()]
    assert [str(v) for v in together.readings.val.tolist()] == [str(v) for d in alone for v in d.readings.val.tolist()]
