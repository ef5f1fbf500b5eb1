"""The OpenAPI document states the same constraints the models enforce, cross-field ones included.

Each case is a body (or value) with whether it is acceptable; the model and the model's JSON Schema
(as it appears in the document) must both give that answer. What JSON Schema cannot say — a time in
the future, ranges in order, ids that exist, a cursor's MAC — stays in the route's description and is
answered as a 400 naming the field.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from chalicelib.apikeys.models import ApiKeyIn
from chalicelib.care.models import ConsentIn
from chalicelib.consultations.inputs import ConsultationIn
from chalicelib.devices.iot_models import BulkIn, RotationIn, VendorDeviceIn
from chalicelib.directory.hours import OpeningHours
from chalicelib.fields import Cursor
from chalicelib.notices.inputs import NoticeIn
from chalicelib.requests.inputs import AssignIn, LocationIn, RatingIn
from chalicelib.residents.models import VerificationIn
from chalicelib.tenancy.scope import Scope

POINT = {"lat": 34.75, "lng": 113.66}
CONSENT = {"given_by": "self", "given_at": "2026-11-01T10:00:00+08:00", "method": "paper_form", "monitors": ["door"]}
GUARDIAN = {"name": "李娜", "relation": "child"}
NOTICE = {"scope": {"level": "community", "id": "jinghu"}, "category": "affairs", "title": {"zh": "停水通知"},
          "body": {"zh": "12月8日9:00-15:00停水"}}
VOTE = {"scope": {"level": "community", "id": "jinghu"}, "title": {"zh": "加装电梯", "en": "Lifts"},
        "question": {"zh": "是否同意加装电梯？", "en": "Add lifts?"},
        "options": [{"id": "yes", "label": {"zh": "同意", "en": "Yes"}},
                    {"id": "no", "label": {"zh": "不同意", "en": "No"}}],
        "voting_open": "2027-01-01T09:00:00+08:00", "voting_close": "2027-01-08T18:00:00+08:00"}
DEVICE = {"device_id": "zz-gas-0001", "type": "gas", "serial": "SN-0001", "community_id": "jinghu"}

CASES: list[tuple[str, Any, Any, bool]] = [
    ("home", LocationIn, {"household": True}, True),
    ("a building", LocationIn, {"building_id": "jh-1"}, True),
    ("a point with its address", LocationIn, {"point": POINT, "address": "经三路北口"}, True),
    ("nowhere", LocationIn, {}, False),
    ("a point without its address", LocationIn, {"point": POINT}, False),
    ("home and a point", LocationIn, {"household": True, "point": POINT, "address": "经三路北口"}, False),
    ("a building and a community", LocationIn, {"building_id": "jh-1", "community_id": "jinghu"}, False),
    ("assign to a department", AssignIn, {"department": "property"}, True),
    ("assign to nobody", AssignIn, {"note": "请处理"}, False),
    ("satisfied", RatingIn, {"value": "satisfied"}, True),
    ("unsatisfied, saying why", RatingIn, {"value": "unsatisfied", "comment": "仍在漏水", "reopen": True}, True),
    ("unsatisfied without a word", RatingIn, {"value": "unsatisfied"}, False),
    ("satisfied but reopen", RatingIn, {"value": "satisfied", "reopen": True}, False),
    ("approve", VerificationIn, {"decision": "approve"}, True),
    ("reject with a reason", VerificationIn, {"decision": "reject", "reason": "门牌号不符"}, True),
    ("reject without one", VerificationIn, {"decision": "reject"}, False),
    ("a device with its CSR missing", VendorDeviceIn, DEVICE, False),
    ("a device with generated keys", VendorDeviceIn, {**DEVICE, "credentials": "generate"}, True),
    ("generated keys and a CSR", VendorDeviceIn, {**DEVICE, "credentials": "generate", "csr": "-----BEGIN"}, False),
    ("rotate with generated keys", RotationIn, {"credentials": "generate"}, True),
    ("rotate by fleet provisioning", RotationIn, {"credentials": "fleet"}, False),
    ("bulk of devices", BulkIn, {"devices": [{**DEVICE, "credentials": "fleet"}]}, True),
    ("consent by oneself", ConsentIn, CONSENT, True),
    ("consent by a guardian, named", ConsentIn, {**CONSENT, "given_by": "guardian", "guardian": GUARDIAN}, True),
    ("consent by an unnamed guardian", ConsentIn, {**CONSENT, "given_by": "guardian"}, False),
    ("a guardian named for one's own consent", ConsentIn, {**CONSENT, "guardian": GUARDIAN}, False),
    ("the same monitor twice", ConsentIn, {**CONSENT, "monitors": ["door", "door"]}, False),
    ("the city", Scope, {"level": "city"}, True),
    ("the city with an id", Scope, {"level": "city", "id": "zhengzhou"}, False),
    ("a community without its id", Scope, {"level": "community"}, False),
    ("a notice", NoticeIn, NOTICE, True),
    ("an emergency with its level", NoticeIn, {**NOTICE, "category": "emergency", "severity": "orange"}, True),
    ("an emergency without a level", NoticeIn, {**NOTICE, "category": "emergency"}, False),
    ("a notice with a warning level", NoticeIn, {**NOTICE, "severity": "red"}, False),
    ("a vote", ConsultationIn, VOTE, True),
    ("a vote with proposals", ConsultationIn, {**VOTE, "proposals_open": "2026-12-10T09:00:00+08:00",
                                               "proposals_close": "2026-12-20T18:00:00+08:00"}, True),
    ("proposals that never close", ConsultationIn, {**VOTE, "proposals_open": "2026-12-10T09:00:00+08:00"}, False),
    ("a key", ApiKeyIn, {"name": "12345热线对接", "scopes": ["open311"]}, True),
    ("a key with a scope twice", ApiKeyIn, {"name": "12345热线对接", "scopes": ["open311", "open311"]}, False),
    ("a key for a community twice", ApiKeyIn, {"name": "12345热线", "scopes": ["open311"],
                                               "communities": ["jinghu", "jinghu"]}, False),
    ("weekday hours", OpeningHours, {"mon-fri": "07:00-12:00,14:00-24:00"}, True),
    ("a day that is not one", OpeningHours, {"someday": "07:00-19:00"}, False),
    ("half past midnight at the day's end", OpeningHours, {"mon": "07:00-24:30"}, False),
    ("opening at 24:00", OpeningHours, {"mon": "24:00-24:00"}, False),
    ("a made-up cursor", Cursor, "bGFzdA", False),
]


def _model_accepts(target: Any, value: Any) -> bool:
    try:
        if isinstance(target, type) and issubclass(target, BaseModel):
            target.model_validate(value)
        else:
            TypeAdapter(target).validate_python(value)
    except ValidationError:
        return False
    return True


def _document_accepts(target: Any, value: Any) -> bool:
    schema = (target.model_json_schema() if isinstance(target, type) and issubclass(target, BaseModel)
              else TypeAdapter(target).json_schema())
    return jsonschema.Draft202012Validator(schema).is_valid(value)


@pytest.mark.parametrize(("what", "target", "value", "acceptable"), CASES, ids=[c[0] for c in CASES])
def test_the_document_and_the_model_agree(what, target, value, acceptable):
    assert _model_accepts(target, value) is acceptable, f"model on {what}"
    assert _document_accepts(target, value) is acceptable, f"document on {what}"
