"""门禁 / 群租: a 郑州 entrance controller in 经七路社区 whose night passages, with the sorting sample's household
card, made that household a 疑似群租 lead."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import orjson

from chalicelib.telemetry.handler import handle_sqs
from tests.functional.isolation import OTHER, Other, Samples
from tests.functional.isolation.points import CARD, HOUSEHOLD
from tests.support import JSON_HEADERS, auth, jbody


def samples(other: Other) -> Samples:
    admin = other.token("city_admin")
    r = other.client.http.post("/v1/devices", headers={**auth(admin), **JSON_HEADERS}, body=jbody({
        "device_id": "zz-door-iso", "type": "access_control", "serial": "SN-DOOR-ISO", "community_id": "jingqilu",
        "building_id": "jingqilu-g1-b1"}))
    assert r.status_code == 201, r.body
    night = datetime.now(ZoneInfo("Asia/Shanghai")).replace(hour=1, minute=0) - timedelta(days=1)
    now = int(time.time() * 1000)
    records = [{"messageId": f"iso{n}", "receiptHandle": "-", "attributes": {}, "messageAttributes": {},
                "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:cn-north-1:0:q",
                "awsRegion": "cn-north-1", "body": orjson.dumps({
                    "tenant": OTHER, "device": f"{OTHER}_zz-door-iso", "received_at": now, "passage": f"iso-{n}",
                    "ts": int((night + timedelta(minutes=15 * n)).timestamp() * 1000), "door": "隔离测试单元门",
                    "direction": "in", "card": CARD}).decode()} for n in range(8)]
    assert handle_sqs({"Records": records}, None).get("batchItemFailures") == []
    got = other.client.http.get(f"/v1/rental-leads/{HOUSEHOLD}", headers=auth(admin)).json_body
    assert got["status"] == "open" and got["reasons"] == ["night_entries"], got
    return Samples(
        bodies={("POST", "/v1/rental-leads/{household_id}/confirmation"):
                (JSON_HEADERS, jbody({"visited_on": "2026-01-05", "note": "上门核实"})),
                ("POST", "/v1/rental-leads/{household_id}/dismissal"):
                (JSON_HEADERS, jbody({"reason": "family", "note": "家人"}))},
        markers=[HOUSEHOLD],  # the lead names its household
    )


def unchanged(other: Other) -> None:
    got = other.client.http.get(f"/v1/rental-leads/{HOUSEHOLD}", headers=auth(other.token("city_admin"))).json_body
    assert got["status"] == "open" and [h["action"] for h in got["history"]] == ["raised"]
