"""Photos of an alert's handling: staff upload what they saw on site and name the keys when they close
the alert or add a note; the API checks each in storage (this city's alert photos, an image, ≤ 5 MB)
before anything is written; reading the alert gives short-lived URLs, to staff and to the family."""

from __future__ import annotations

import os
import uuid

import boto3
import pytest

from tests.functional.places import T0, apply, list_alerts, register_all, transition
from tests.support import JSON_HEADERS, auth, jbody

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GRID = "zz.wang.fang"


@pytest.fixture
def city(aws, client):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    register_all(client, aws.token_for("city_admin", "zhengzhou"))
    return aws


def post(client, path, token, payload):
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))


def put(key: str, body: bytes = PNG, content_type: str = "image/png") -> str:
    boto3.client("s3", region_name=os.environ["AWS_REGION"]).put_object(
        Bucket=os.environ["CC_UPLOADS_BUCKET"], Key=key, Body=body, ContentType=content_type)
    return key


def upload(client, token, body=PNG, content_type="image/png"):
    r = post(client, "/v1/alerts/photo-uploads", token, {"content_type": content_type, "size": len(body)})
    assert r.status_code == 201, r.body
    assert r.json_body["key"].startswith("t/zhengzhou/alerts/")
    return put(r.json_body["key"], body, content_type)


def open_alert(client, city) -> str:
    apply(transition("zz-smoke-0501", "smoke.alarm", T0.timestamp()))
    return list_alerts(client, city.login(GRID))[0]["alert_id"]


def test_photos_taken_on_site_are_kept_with_the_close_and_the_note_and_read_back_as_urls(client, city):
    alert_id, staff = open_alert(client, city), city.login(GRID)
    noted = post(client, f"/v1/alerts/{alert_id}/comments", staff,
                 {"text": "到场：厨房有烟，住户在家", "photo_keys": [upload(client, staff)]})
    assert noted.status_code == 201, noted.body
    keys = [upload(client, staff), upload(client, staff, b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg")]
    r = post(client, f"/v1/alerts/{alert_id}/resolve", staff,
             {"note": "锅烧干冒烟，已关火通风", "outcome": "handled", "photo_keys": keys})
    assert r.status_code == 200, r.body
    steps = {e["action"]: e for e in r.json_body["timeline"]}
    assert [(p["key"], p["content_type"]) for p in steps["resolved"]["photo_files"]] == [
        (keys[0], "image/png"), (keys[1], "image/jpeg")]
    assert len(steps["comment"]["photo_files"]) == 1
    read = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(staff)).json_body
    shown = [p for e in read["timeline"] for p in e["photo_files"]]
    assert len(shown) == 3 and all("X-Amz-Signature=" in p["url"] and "X-Amz-Expires=900" in p["url"] for p in shown)
    assert next(e for e in read["timeline"] if e["action"] == "raised")["photo_files"] == []


def test_a_request_photo_another_citys_or_a_missing_key_is_refused_naming_it_and_nothing_is_written(client, city):
    alert_id, staff = open_alert(client, city), city.login(GRID)
    request_photo = post(client, "/v1/requests/photo-uploads", staff, {"content_type": "image/png"}).json_body["key"]
    theirs = put(f"t/yinchuan/alerts/2026/12/{uuid.uuid4().hex}.png")
    missing = f"t/zhengzhou/alerts/2026/12/{uuid.uuid4().hex}.png"
    for keys, field in (([request_photo], "photo_keys[0]"), ([upload(client, staff), theirs], "photo_keys[1]"),
                        ([missing], "photo_keys[0]")):
        r = post(client, f"/v1/alerts/{alert_id}/resolve", staff, {"note": "已处置", "photo_keys": keys})
        assert (r.status_code, r.json_body["field"]) == (400, field), r.body
    pdf = upload(client, staff, b"%PDF-1.7 " + b"\x00" * 32)  # a PDF sent as image/png: refused by its bytes
    r = post(client, f"/v1/alerts/{alert_id}/comments", staff, {"text": "见附件", "photo_keys": [pdf]})
    assert (r.status_code, r.json_body["field"]) == (400, "photo_keys[0]") and "JPEG" in r.json_body["message"]
    assert client.http.get(f"/v1/alerts/{alert_id}", headers=auth(staff)).json_body["state"] == "open"


def test_residents_get_no_upload_for_alert_photos(client, city):
    r = post(client, "/v1/alerts/photo-uploads", city.login("zz.zhang.guilan"), {"content_type": "image/png"})
    assert r.status_code == 403
