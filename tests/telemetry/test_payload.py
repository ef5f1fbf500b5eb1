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
