"""Service requests: one 郑州 request filed by a grid worker at 荆胡, untouched by anyone of 银川."""

from __future__ import annotations

import os

import boto3

from tests.functional.isolation import Other, Samples
from tests.support import JSON_HEADERS, auth, jbody

MARKER = "ISO-REQ 荆胡社区东门路灯不亮"
_filed: dict[str, str] = {}


def _photo(other: Other) -> str:
    """A photo of 郑州's, uploaded by its staff: its key must show nowhere to 银川."""
    headers = {**auth(other.token("staff")), **JSON_HEADERS}
    r = other.client.http.post("/v1/requests/photo-uploads", headers=headers, body=jbody({"content_type": "image/png"}))
    assert r.status_code == 201, r.body
    key = r.json_body["key"]
    boto3.client("s3", region_name=os.environ["AWS_REGION"]).put_object(
        Bucket=os.environ["CC_UPLOADS_BUCKET"], Key=key, Body=b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
        ContentType="image/png")
    return key


def samples(other: Other) -> Samples:
    body = {"category": "streetlight-fault", "description": MARKER, "location": {"community_id": "jinghu"}}
    photo = _photo(other)
    r = other.client.http.post("/v1/requests", headers={**auth(other.token("staff")), **JSON_HEADERS},
                               body=jbody({**body, "photo_keys": [photo]}))
    assert r.status_code == 201, r.body
    request_id = _filed["id"] = r.json_body["request_id"]
    note = jbody({"note": "isolation test"})
    one = "/v1/requests/{request_id}"
    return Samples(
        # 郑州热力 (heating) is a department only 郑州 has; the ids both cities share answer with the
        # caller's own city's queue.
        params={"request_id": request_id, "department_id": "heating"},
        bodies={
            ("POST", "/v1/requests"): (JSON_HEADERS, jbody(body)),
            # 银川 gets an upload of its own: a key under t/yinchuan/, nothing of 郑州's
            ("POST", "/v1/requests/photo-uploads"): (JSON_HEADERS, jbody({"content_type": "image/png"})),
            ("POST", one + "/accept"): (JSON_HEADERS, note),
            ("POST", one + "/assign"): (JSON_HEADERS, jbody({"department": "property"})),
            ("POST", one + "/reassign"): (JSON_HEADERS, jbody({"department": "property"})),
            ("POST", one + "/start"): (JSON_HEADERS, note),
            ("POST", one + "/resolve"): (JSON_HEADERS, note),
            ("POST", one + "/reject"): (JSON_HEADERS, note),
            ("POST", one + "/duplicate"): (JSON_HEADERS, jbody({"duplicate_of": request_id})),
            ("POST", one + "/return"): (JSON_HEADERS, note),
            ("POST", one + "/rating"): (JSON_HEADERS, jbody({"value": "satisfied"})),
            ("POST", one + "/reopen"): (JSON_HEADERS, note),
        },
        markers=[request_id, MARKER, photo, "t/zhengzhou/"],
    )


def unchanged(other: Other) -> None:
    admin = auth(other.token("city_admin"))
    req = other.client.http.get(f"/v1/requests/{_filed['id']}", headers=admin).json_body
    assert req["state"] == "submitted" and [s["action"] for s in req["timeline"]] == ["file"]
    queue = other.client.http.get("/v1/communities/jinghu/requests", headers=admin).json_body["items"]
    assert [q["request_id"] for q in queue] == [_filed["id"]]
