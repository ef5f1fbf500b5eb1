"""Importing a city's hierarchy from its spreadsheets, through the API and the worker, against moto:
郑州 adds 淮河路街道 (二七区) with its communities, grids and buildings from a workbook in Chinese headers."""

from __future__ import annotations

import io
import os
from typing import Any

import boto3
import pytest
from openpyxl import load_workbook

from chalicelib.imports import queue
from infra.local.lambdas import LocalFunctions
from infra.local.poller import sqs_event
from tests.support import JSON_HEADERS, auth, jbody
from tests.support import workbook as support_workbook

HEADERS = {
    "街道": ["所属区县编码", "街道编码", "街道名称", "英文名称"],
    "社区": ["所属街道编码", "社区编码", "社区名称", "英文名称", "地址", "经度", "纬度"],
    "网格": ["所属社区编码", "网格编码", "网格名称", "英文名称"],
    "楼栋": ["所属网格编码", "楼栋编码", "楼栋名称", "英文名称", "单元数", "楼层数", "户数"],
}
SAMPLE: dict[str, list[list[Any]]] = {
    "街道": [["erqi", "huaihelu", "淮河路街道", "Huaihe Road Subdistrict"]],
    "社区": [["huaihelu", "xinghua", "兴华北街社区", "Xinghua North Street Community", "郑州市二七区兴华北街 38 号",
             113.6412, 34.7315],
            ["huaihelu", "jingguang", "京广路社区", None, "郑州市二七区京广中路 96 号", 113.6349, 34.7268]],
    "网格": [["xinghua", "xinghua-g1", "第一网格", "Grid 1"], ["xinghua", "xinghua-g2", "第二网格", "Grid 2"],
             ["jingguang", "jingguang-g1", "第一网格", None]],
    "楼栋": [["xinghua-g1", "xinghua-b1", "1号楼", "Building 1", 2, 6, 24],
             ["xinghua-g1", "xinghua-b2", "2号楼", "Building 2", 2, 6, 24],
             ["xinghua-g2", "xinghua-b3", "3号楼", None, 3, 18, 108],
             ["jingguang-g1", "jingguang-b1", "1号楼", None, None, 7, 28],
             ["jingguang-g1", "jingguang-b2", "2号楼", None, 1, 7, 14],
             ["jingguang-g1", "jingguang-b3", "3号楼", None, 2, 11, 44]],
}


def workbook(sheets: dict[str, list[list[Any]]], headers: dict[str, list[str]] = HEADERS) -> bytes:
    return support_workbook(sheets, headers)


def post(client, path: str, token: str, payload: Any = None):
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload or {}))


def s3():
    return boto3.client("s3", region_name=os.environ["AWS_REGION"])


def run_jobs() -> list[dict[str, Any]]:
    """What Lambda's mapping does with the queue: every waiting job to the worker, one at a time."""
    sqs = boto3.client("sqs", region_name=os.environ["AWS_REGION"])
    url = sqs.get_queue_url(QueueName=queue.QUEUE)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    answers = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", []):
        answer = LocalFunctions().invoke("run_imports", sqs_event(messages, arn))
        answers.append(answer)
        if not answer.get("batchItemFailures"):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        else:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"],
                                          VisibilityTimeout=0)
            break
    return answers


def upload(client, token: str, body: bytes, filename: str = "淮河路街道区划.xlsx") -> str:
    r = post(client, "/v1/imports", token, {"filename": filename, "size": len(body)})
    assert r.status_code == 201, r.body
    up = r.json_body
    assert up["fields"]["key"].startswith("t/zhengzhou/imports/")
    s3().put_object(Bucket=os.environ["CC_UPLOADS_BUCKET"], Key=up["fields"]["key"], Body=body)
    return str(up["import_id"])


def imported(client, token: str, body: bytes, filename: str = "淮河路街道区划.xlsx") -> dict[str, Any]:
    import_id = upload(client, token, body, filename)
    r = post(client, f"/v1/imports/{import_id}/start", token)
    assert r.status_code == 202 and r.json_body["status"] == "queued", r.body
    run_jobs()
    r = client.http.get(f"/v1/imports/{import_id}", headers=auth(token))
    assert r.status_code == 200, r.body
    return dict(r.json_body)


def tree(client, token: str) -> dict[str, Any]:
    r = client.http.get("/v1/tenants/zhengzhou/hierarchy", headers=auth(token))
    assert r.status_code == 200, r.body
    nodes: dict[str, Any] = {}

    def walk(node: dict[str, Any]) -> None:
        nodes[node["id"]] = node
        for child in node.get("children", []):
            walk(child)

    for district in r.json_body["districts"]:
        walk(district)
    return nodes


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    return aws


def test_the_template_has_a_sheet_per_level_with_chinese_headers_an_example_and_the_rules(client, city):
    token = city.token_for("city_admin", "zhengzhou")
    r = client.http.get("/v1/imports/template", headers=auth(token))
    assert r.status_code == 200, r.body
    assert r.json_body["filename"] == "区划导入模板.xlsx" and "t/zhengzhou/imports/template-" in r.json_body["url"]
    bucket = os.environ["CC_UPLOADS_BUCKET"]
    [obj] = s3().list_objects_v2(Bucket=bucket, Prefix="t/zhengzhou/imports/template-")["Contents"]
    body = s3().get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["填写说明", "区县", "街道", "社区", "网格", "楼栋"]
    for title, headers in HEADERS.items():
        rows = list(wb[title].iter_rows(values_only=True))
        assert list(rows[0]) == headers and len(rows) == 2 and all(v is not None for v in rows[1][:3])
    rules = [r for r in wb["填写说明"].iter_rows(values_only=True) if r[0] == "楼栋" and r[1] == "楼层数"]
    assert rules == [("楼栋", "楼层数", "是", "整数 1–120")]
    # the template itself imports cleanly: its example district is 郑州's own 金水区, named as the manifest has it
    state = imported(client, token, body, "区划导入模板.xlsx")
    assert (state["status"], state["created"], state["unchanged"], state["problem"]) == ("done", 4, 1, None)


def test_a_street_imported_from_its_workbook_appears_in_the_hierarchy_and_re_importing_changes_nothing(client, city):
    token = city.token_for("city_admin", "zhengzhou")
    state = imported(client, token, workbook(SAMPLE))
    assert state["status"] == "done", state
    assert (state["total"], state["done"], state["created"], state["updated"], state["unchanged"],
            state["retired"]) == (12, 12, 12, 0, 0, 0)
    nodes = tree(client, token)
    street = nodes["huaihelu"]
    assert street["name"] == {"zh": "淮河路街道", "en": "Huaihe Road Subdistrict"}
    assert street["path"] == ["erqi", "huaihelu"]
    assert [c["id"] for c in street["children"]] == ["jingguang", "xinghua"]
    assert nodes["jingguang"]["name"]["en"] == "京广路社区"  # no English name: the Chinese one
    assert nodes["jingguang"]["location"] == {"lat": 34.7268, "lng": 113.6349}
    assert nodes["jingguang-b1"]["units"] == 1 and nodes["xinghua-b3"]["path"] == ["erqi", "huaihelu", "xinghua",
                                                                                   "xinghua-g2", "xinghua-b3"]
    assert "jinghu" in nodes  # the manifest's own are untouched
    # the console reads the hierarchy a level at a time: the streets, with their districts' names
    r = client.http.get("/v1/streets", headers=auth(token))
    assert r.status_code == 200
    assert [(s["id"], s["district_name"]["zh"]) for s in r.json_body if s["id"] in ("huaihelu", "renhelu")] == [
        ("huaihelu", "二七区"), ("renhelu", "二七区")]

    again = imported(client, token, workbook(SAMPLE))
    assert (again["status"], again["created"], again["updated"], again["unchanged"], again["retired"]) == (
        "done", 0, 0, 12, 0)

    # one row changed: only that building; one row left out: that building retired, not deleted
    changed = {**SAMPLE, "楼栋": [[*SAMPLE["楼栋"][0][:5], 7, 28], *SAMPLE["楼栋"][1:5]]}
    state = imported(client, token, workbook(changed))
    assert (state["created"], state["updated"], state["unchanged"], state["retired"]) == (0, 1, 10, 1)
    nodes = tree(client, token)
    assert nodes["xinghua-b1"]["floors"] == 7 and "jingguang-b3" not in nodes
    # the city's next manifest does not retire what the import brought in
    city.onboard("zhengzhou")
    assert {"huaihelu", "xinghua-b1", "jingguang-b2"} <= set(tree(client, token))
    # listed again, it comes back
    assert imported(client, token, workbook(SAMPLE))["updated"] == 2


def test_every_problem_is_reported_with_its_sheet_row_and_column_and_nothing_is_written(client, city):
    token = city.token_for("city_admin", "zhengzhou")
    bad = {
        "街道": SAMPLE["街道"],
        "社区": [SAMPLE["社区"][0],
                 ["huaihelu", "jingguang", "京广路社区", None, "郑州市二七区京广中路 96 号", 160.2, 34.7]],
        "网格": [*SAMPLE["网格"], ["nowhere", "nowhere-g1", "第一网格", None]],
        "楼栋": [SAMPLE["楼栋"][0], ["xinghua-g1", "xinghua-b1", "1号楼", None, 2, 6, 24],
                 ["xinghua-g1", "Xinghua B2", "2号楼", None, 2, "六", 24]],
    }
    state = imported(client, token, workbook(bad))
    assert state["status"] == "failed" and state["done"] == 0
    problem = state["problem"]
    assert problem["code"] == "invalid_rows" and problem["field"] == "社区!F3"
    cells = [(e["sheet"], e["row"], e["column"], e["header"]) for e in problem["errors"]]
    assert cells == [("社区", 3, "F", "经度"), ("网格", 5, "A", "所属社区编码"), ("楼栋", 3, "B", "楼栋编码"),
                     ("楼栋", 4, "B", "楼栋编码"), ("楼栋", 4, "F", "楼层数")]
    by_cell = {e["field"]: e["message"] for e in problem["errors"]}
    assert "社区!F3" in by_cell and "网格!A5" in by_cell and "楼栋!F4" in by_cell and "楼栋!B4" in by_cell
    assert "重复" in by_cell["楼栋!B3"] and "不存在" in by_cell["网格!A5"]
    assert "huaihelu" not in tree(client, token)  # nothing half-applied

    # a sheet without a required column: named at its header row
    lacking = {"网格": [["xinghua", "xinghua-g1", "第一网格"]]}
    state = imported(client, token, workbook(lacking, {"网格": ["所属社区编码", "网格编码", "英文名称"]}))
    assert [(e["field"], e["header"]) for e in state["problem"]["errors"]] == [("网格!D1", "网格名称")]

    # not a workbook at all
    state = imported(client, token, b"PK\x03\x04 not really", "区划.xlsx")
    assert (state["status"], state["problem"]["code"], state["problem"]["field"]) == (
        "failed", "unreadable_file", "file")


def test_a_csv_saved_by_excel_in_chinese_is_read_as_one_sheet(client, city):
    token = city.token_for("city_admin", "zhengzhou")
    assert imported(client, token, workbook({k: SAMPLE[k] for k in ("街道", "社区", "网格")}))["created"] == 6
    lines = [",".join(HEADERS["楼栋"])] + [",".join("" if v is None else str(v) for v in row) for row in SAMPLE["楼栋"]]
    state = imported(client, token, ("\r\n".join(lines) + "\r\n").encode("gb18030"), "楼栋.csv")
    assert (state["status"], state["created"]) == ("done", 6), state
    assert tree(client, token)["xinghua-b3"]["name"] == {"zh": "3号楼", "en": "3号楼"}


def test_an_import_stopped_half_way_resumes_where_it_stopped(client, city, monkeypatch):
    from chalicelib.errors import StorageError
    from chalicelib.tenancy.repository import TenantConfigRepository

    token = city.token_for("city_admin", "zhengzhou")
    many = {**SAMPLE, "楼栋": [["xinghua-g1", f"xinghua-b{n}", f"{n}号楼", None, 2, 6, 24] for n in range(1, 181)]}
    write, calls = TenantConfigRepository.write_together, []

    def fails_second(repo, puts, retire):  # type: ignore[no-untyped-def]
        calls.append(len(puts))
        if len(calls) == 2:
            raise StorageError("throttled")
        return write(repo, puts, retire)

    monkeypatch.setattr(TenantConfigRepository, "write_together", fails_second)
    import_id = upload(client, token, workbook(many))
    assert post(client, f"/v1/imports/{import_id}/start", token).status_code == 202
    [answer] = run_jobs()
    assert answer["batchItemFailures"]  # the queue delivers it again
    state = client.http.get(f"/v1/imports/{import_id}", headers=auth(token)).json_body
    assert (state["status"], state["done"], state["total"]) == ("applying", 100, 186)
    assert len([n for n in tree(client, token) if n.startswith("xinghua-b")]) == 100 - 6  # chunk 1 whole, 2 not at all
    run_jobs()
    state = client.http.get(f"/v1/imports/{import_id}", headers=auth(token)).json_body
    assert (state["status"], state["done"], state["total"], state["created"], state["unchanged"]) == (
        "done", 186, 186, 86, 100)
    assert calls == [100, 86, 86]  # the chunk that failed, whole, then only it
    assert len([n for n in tree(client, token) if n.startswith("xinghua-b")]) == 180


def test_what_the_api_refuses(client, city):
    admin = city.token_for("city_admin", "zhengzhou")
    r = post(client, "/v1/imports", admin, {"filename": "区划.pdf"})
    assert r.status_code == 400 and r.json_body["field"] == "filename"
    r = post(client, "/v1/imports", admin, {"filename": "区划.xlsx", "size": 30 * 1024 * 1024})
    assert r.status_code == 400 and r.json_body["field"] == "size"
    import_id = post(client, "/v1/imports", admin, {"filename": "区划.xlsx"}).json_body["import_id"]
    r = post(client, f"/v1/imports/{import_id}/start", admin)
    assert r.status_code == 400 and r.json_body["field"] == "file"  # nothing uploaded
    assert post(client, "/v1/imports/20260101000000000000-00000000/start", admin).status_code == 404
    assert client.http.get("/v1/imports/nope", headers=auth(admin)).status_code == 404
    staff = city.token_for("staff", "zhengzhou")
    assert client.http.get("/v1/imports", headers=auth(staff)).status_code == 403
    # started once; a second start, or another import while it runs, is a conflict
    other = upload(client, admin, workbook(SAMPLE))
    first = upload(client, admin, workbook(SAMPLE))
    assert post(client, f"/v1/imports/{first}/start", admin).status_code == 202
    r = post(client, f"/v1/imports/{first}/start", admin)
    assert r.status_code == 409 and r.json_body["field"] == "import_id"
    assert post(client, f"/v1/imports/{other}/start", admin).status_code == 409
    run_jobs()
    listed = client.http.get("/v1/imports", headers=auth(admin)).json_body["items"]
    assert [i["import_id"] for i in listed][:2] == [first, other] and listed[0]["status"] == "done"
    assert post(client, f"/v1/imports/{other}/start", admin).status_code == 202


def test_another_city_cannot_see_or_start_this_citys_import(client, city):
    city.onboard("yinchuan")
    zz = city.token_for("city_admin", "zhengzhou")
    import_id = upload(client, zz, workbook(SAMPLE))
    yc = city.token_for("city_admin", "yinchuan")
    assert client.http.get(f"/v1/imports/{import_id}", headers=auth(yc)).status_code == 404
    assert post(client, f"/v1/imports/{import_id}/start", yc).status_code == 404
    assert client.http.get("/v1/imports", headers=auth(yc)).json_body["items"] == []
    # and a file of 银川's naming 郑州's district is refused there: the parent is unknown in 银川
    state_id = None
    r = post(client, "/v1/imports", yc, {"filename": "区划.xlsx"})
    state_id = r.json_body["import_id"]
    s3().put_object(Bucket=os.environ["CC_UPLOADS_BUCKET"], Key=r.json_body["fields"]["key"], Body=workbook(SAMPLE))
    assert post(client, f"/v1/imports/{state_id}/start", yc).status_code == 202
    run_jobs()
    state = client.http.get(f"/v1/imports/{state_id}", headers=auth(yc)).json_body
    assert state["status"] == "failed" and state["problem"]["field"] == "街道!A2"
    assert "huaihelu" not in tree(client, zz)
