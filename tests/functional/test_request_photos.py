"""Photos of a request: a presigned POST for one key of the city, then filing names the keys, which
the API checks in storage before keeping them; reading gives short-lived URLs."""

from __future__ import annotations

import base64
import json
import os
import uuid
from datetime import UTC, datetime

import boto3
import pytest

from tests.support import JSON_HEADERS, auth, jbody

HOME = {"household": True}
LEAK = {"category": "water-electric-repair", "description": "厨房水龙头一直滴水，关不紧", "location": HOME}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MB = 1024 * 1024


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    return aws


def post(client, path, token, payload):
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))


def s3():
    return boto3.client("s3", region_name=os.environ["AWS_REGION"])


def upload(client, token, body=PNG, content_type="image/png"):
    """What the browser does: ask for a presigned POST, then send the file (moto: put it)."""
    r = post(client, "/v1/requests/photo-uploads", token, {"content_type": content_type, "size": len(body)})
    assert r.status_code == 201, r.body
    key = r.json_body["key"]
    s3().put_object(Bucket=os.environ["CC_UPLOADS_BUCKET"], Key=key, Body=body, ContentType=content_type)
    return key


def test_the_presigned_post_allows_one_key_of_the_city_an_image_and_at_most_5_mb_for_minutes(client, city):
    r = post(client, "/v1/requests/photo-uploads", city.login("zz.zhang.guilan"), {"content_type": "image/jpeg"})
    assert r.status_code == 201, r.body
    up = r.json_body
    now = datetime.now(UTC)
    assert up["key"].startswith(f"t/zhengzhou/requests/{now:%Y/%m}/") and up["key"].endswith(".jpg")
    assert up["fields"]["key"] == up["key"] and up["fields"]["Content-Type"] == "image/jpeg"
    assert up["max_bytes"] == 5 * MB and up["url"]
    policy = json.loads(base64.b64decode(up["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": up["key"]} in conditions and {"bucket": os.environ["CC_UPLOADS_BUCKET"]} in conditions
    assert ["starts-with", "$Content-Type", "image/"] in conditions
    assert ["content-length-range", 1, 5 * MB] in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 60 < (expires - now).total_seconds() <= 300


@pytest.mark.parametrize(("body", "field"), [
    ({"content_type": "application/pdf"}, "content_type"),
    ({"content_type": "image/png", "size": 6 * MB}, "size"),
    ({"content_type": "image/png", "size": 0}, "size"),
])
def test_a_pdf_or_a_file_over_5_mb_gets_no_upload(client, city, body, field):
    r = post(client, "/v1/requests/photo-uploads", city.login("zz.zhang.guilan"), body)
    assert (r.status_code, r.json_body["field"]) == (400, field), r.body


def test_photos_named_when_filing_are_kept_and_read_back_as_short_lived_urls(client, city):
    guilan = city.login("zz.zhang.guilan")
    keys = [upload(client, guilan), upload(client, guilan, b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg")]
    r = post(client, "/v1/requests", guilan, {**LEAK, "photo_keys": keys})
    assert r.status_code == 201, r.body
    files = r.json_body["photo_files"]
    assert [(f["key"], f["content_type"]) for f in files] == [(keys[0], "image/png"), (keys[1], "image/jpeg")]
    rid = r.json_body["request_id"]
    for who in ("zz.zhang.guilan", "zz.wang.fang"):  # the filer and the grid worker
        got = client.http.get(f"/v1/requests/{rid}", headers=auth(city.login(who))).json_body["photo_files"]
        assert [f["key"] for f in got] == keys and all("X-Amz-Signature=" in f["url"] for f in got)
        assert all("X-Amz-Expires=900" in f["url"] for f in got) and got[0]["size"] == len(PNG)
    mine = client.http.get("/v1/me/requests", headers=auth(guilan)).json_body["items"]
    assert [f["key"] for f in mine[0]["photo_files"]] == keys


def test_a_key_of_another_city_is_refused_naming_the_field(client, city):
    guilan = city.login("zz.zhang.guilan")
    theirs = f"t/yinchuan/requests/2026/12/{uuid.uuid4().hex}.png"
    s3().put_object(Bucket=os.environ["CC_UPLOADS_BUCKET"], Key=theirs, Body=PNG, ContentType="image/png")
    r = post(client, "/v1/requests", guilan, {**LEAK, "photo_keys": [upload(client, guilan), theirs]})
    assert (r.status_code, r.json_body["field"]) == (400, "photo_keys[1]"), r.body
    assert "city" in r.json_body["message"]


def test_a_key_with_nothing_uploaded_is_refused_naming_the_field(client, city):
    missing = f"t/zhengzhou/requests/2026/12/{uuid.uuid4().hex}.png"
    r = post(client, "/v1/requests", city.login("zz.zhang.guilan"), {**LEAK, "photo_keys": [missing]})
    assert (r.status_code, r.json_body["field"]) == (400, "photo_keys[0]"), r.body


def test_more_than_four_photos_or_the_same_photo_twice_are_refused(client, city):
    guilan = city.login("zz.zhang.guilan")
    keys = [upload(client, guilan) for _ in range(5)]
    r = post(client, "/v1/requests", guilan, {**LEAK, "photo_keys": keys})
    assert (r.status_code, r.json_body["field"]) == (400, "photo_keys"), r.body
    r = post(client, "/v1/requests", guilan, {**LEAK, "photo_keys": [keys[0], keys[0]]})
    assert (r.status_code, r.json_body["field"]) == (400, "photo_keys"), r.body


@pytest.mark.parametrize("body", [b"%PDF-1.7\n" + b"\x00" * 64, PNG + b"\x00" * (5 * MB)], ids=["pdf", "6mb"])
def test_what_storage_let_through_is_checked_a_pdf_named_png_or_a_file_over_5_mb(client, city, body):
    """moto (like a misbehaving client) does not hold the POST policy: size and first bytes are checked again."""
    guilan = city.login("zz.zhang.guilan")
    key = f"t/zhengzhou/requests/2026/12/{uuid.uuid4().hex}.png"
    s3().put_object(Bucket=os.environ["CC_UPLOADS_BUCKET"], Key=key, Body=body, ContentType="image/png")
    r = post(client, "/v1/requests", guilan, {**LEAK, "photo_keys": [key]})
    assert (r.status_code, r.json_body["field"]) == (400, "photo_keys[0]"), r.body
