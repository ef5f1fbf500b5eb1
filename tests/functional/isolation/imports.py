"""Spreadsheet imports: 郑州's admin asked to import a file (uploaded, not started)."""

from __future__ import annotations

import os

import boto3

from tests.functional.isolation import Other, Samples
from tests.support import JSON_HEADERS, auth, jbody


def samples(other: Other) -> Samples:
    r = other.client.http.post("/v1/imports", headers={**auth(other.token("city_admin")), **JSON_HEADERS},
                               body=jbody({"filename": "郑州区划.xlsx"}))
    assert r.status_code == 201, r.body
    boto3.client("s3", region_name=os.environ["AWS_REGION"]).put_object(
        Bucket=os.environ["CC_UPLOADS_BUCKET"], Key=r.json_body["fields"]["key"], Body=b"PK\x03\x04")
    return Samples(params={"import_id": r.json_body["import_id"]}, markers=["郑州区划.xlsx"],
                   bodies={("POST", "/v1/imports"): (JSON_HEADERS, jbody({"filename": "区划.xlsx"})),
                           ("POST", "/v1/imports/{import_id}/start"): (JSON_HEADERS, jbody({}))})


def unchanged(other: Other) -> None:
    r = other.client.http.get("/v1/imports", headers=auth(other.token("city_admin")))
    assert [i["status"] for i in r.json_body["items"]] == ["awaiting_upload"]
