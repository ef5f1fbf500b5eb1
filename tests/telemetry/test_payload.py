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
