"""Personal data under audit: staff see a resident's full name or phone only for a reason, each time logged
(who, whose, which field, why, when, which request) and capped per day; the city admin reads and exports the
log; the resident sees who viewed their data, exports what is held about them, and can close the account."""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.auth import users
from chalicelib.personal import service as personal
from tests.support import JSON_HEADERS, auth, jbody

LEAK = {"category": "water-electric-repair", "description": "厨房水龙头一直滴水，关不紧",
        "location": {"household": True}}
ELDER = "zz.zhang.guilan"  # 张桂兰, 13803711201, jinghu (tenants/demo/zhengzhou/residents.yaml)


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    aws.onboard("yinchuan")
    aws.seed("zhengzhou", "residents")
    return aws


def post(client, path, token, payload):
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))


def get(client, path, token):
    return client.http.get(path, headers=auth(token))


def elder_id() -> str:
    info = users.lookup(ELDER)
    assert info is not None
    return info.user_id


def reveal(client, token, field="phone", reason="call_back", **more):
    return post(client, f"/v1/residents/{elder_id()}/reveal", token, {"field": field, "reason": reason, **more})


def test_staff_reveal_a_phone_for_a_reason_and_every_side_sees_the_record(client, city):
    staff = city.login("zz.wang.fang")  # 王芳, serves 荆胡
    assert get(client, f"/v1/residents/{elder_id()}", staff).json_body["phone"] == "138****1201"
    r = reveal(client, staff, note="诉求 ZZ-20261205-0003 回访")
    assert r.status_code == 200, r.body
    assert r.json_body["value"] == "13803711201" and r.json_body["left_today"] == personal.REVEALS_PER_DAY - 1
    assert reveal(client, staff, field="name", reason="verify_registration").json_body["value"] == "张桂兰"

    log = get(client, "/v1/audit/personal-data", city.login("zz.admin")).json_body
    assert [(i["viewer"], i["viewer_name"], i["field"], i["reason_zh"]) for i in log["items"]] == [
        ("zz.wang.fang", "王芳", "name", "核实登记"), ("zz.wang.fang", "王芳", "phone", "回电联系")]
    first = log["items"][1]
    assert first["resident_name"] == "张*兰" and first["note"] == "诉求 ZZ-20261205-0003 回访"
    assert first["audit_id"] == r.json_body["audit_id"] and first["request_id"]

    mine = get(client, "/v1/me/data-access", city.login(ELDER)).json_body["items"]
    assert [(m["viewer_name"], m["viewer_role_zh"], m["field_zh"], m["reason_zh"]) for m in mine] == [
        ("王芳", "社区工作人员", "姓名", "核实登记"), ("王芳", "社区工作人员", "手机号", "回电联系")]
    assert {m["viewer_role"] for m in mine} == {"staff"}


def test_only_staff_of_the_residents_community_and_city_admins_may_reveal(client, city):
    assert reveal(client, city.login("zz.zhang.lei")).status_code == 403  # serves 郑大 only
    assert reveal(client, city.login("zz.li.na")).status_code == 403  # a resident
    assert reveal(client, city.login("zz.admin"), reason="emergency").status_code == 200
    other = post(client, "/v1/residents/nobody/reveal", city.login("zz.admin"), {"field": "phone",
                                                                                 "reason": "emergency"})
    assert other.status_code == 404 and other.json_body["field"] == "resident_id"
    assert get(client, "/v1/audit/personal-data", city.login("zz.wang.fang")).status_code == 403
    assert len(get(client, "/v1/audit/personal-data", city.login("zz.admin")).json_body["items"]) == 1


@pytest.mark.parametrize("payload,field", [
    ({"field": "phone"}, "reason"),
    ({"field": "phone", "reason": "curious"}, "reason"),
    ({"field": "id_card", "reason": "call_back"}, "field"),
    ({"field": "phone", "reason": "call_back", "note": "x" * 201}, "note"),
])
def test_a_reveal_without_a_listed_reason_is_a_400_and_logs_nothing(client, city, payload, field):
    r = post(client, f"/v1/residents/{elder_id()}/reveal", city.login("zz.wang.fang"), payload)
    assert r.status_code == 400 and r.json_body["field"] == field
    assert get(client, "/v1/audit/personal-data", city.login("zz.admin")).json_body["items"] == []


def test_reveals_are_capped_per_staff_member_per_day(client, city, monkeypatch):
    monkeypatch.setattr(personal, "REVEALS_PER_DAY", 2)
    staff = city.login("zz.wang.fang")
    assert [reveal(client, staff).status_code for _ in range(2)] == [200, 200]
    over = reveal(client, staff)
    assert over.status_code == 429 and over.json_body["field"] == "reveals_per_day"
    assert 0 < int(over.headers["Retry-After"]) <= 86400
    assert "value" not in over.json_body
    assert reveal(client, city.login("zz.li.jianguo")).status_code == 200  # a colleague has a count of their own
    assert len(get(client, "/v1/audit/personal-data", city.login("zz.admin")).json_body["items"]) == 3


def test_the_city_admin_exports_the_month_as_csv(client, city):
    reveal(client, city.login("zz.wang.fang"), note="回电, 说明情况")
    r = get(client, "/v1/audit/personal-data/export", city.login("zz.admin"))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    text = r.body.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["viewer_name"], row["field"], row["reason_zh"], row["note"]) == ("王芳", "phone", "回电联系",
                                                                                   "回电, 说明情况")
    assert get(client, "/v1/audit/personal-data/export?month=2026-13", city.login("zz.admin")).status_code == 400


def test_another_city_sees_nothing_of_the_log_and_cannot_reveal(client, city):
    reveal(client, city.login("zz.wang.fang"))
    yc = city.token_for("city_admin", "yinchuan")
    assert get(client, "/v1/audit/personal-data", yc).json_body["items"] == []
    assert reveal(client, yc, reason="emergency").status_code == 404


def test_a_resident_exports_what_is_held_about_them(client, city):
    elder = city.login(ELDER)
    post(client, "/v1/requests", elder, LEAK)
    reveal(client, city.login("zz.wang.fang"))
    r = get(client, "/v1/me/export", elder)
    assert r.status_code == 200, r.body
    out = r.json_body
    assert out["account"]["username"] == ELDER and out["account"]["city"] == "zhengzhou"
    assert (out["registration"]["name"], out["registration"]["phone"]) == ("张桂兰", "13803711201")
    assert not any(k.endswith(("_sealed", "_masked")) for k in out["registration"])
    assert out["household"]["household_id"] == "jinghu-g1-b1-1-302"
    assert all(set(m) == {"relation", "since", "is_you"} for m in out["household"]["members"])
    assert [q["description"] for q in out["requests"]] == ["厨房水龙头一直滴水，关不紧"]
    assert [a["reason_zh"] for a in out["data_access"]] == ["回电联系"]


def test_closing_the_account_erases_the_person_and_keeps_the_history_anonymised(client, city):
    elder, staff, admin = city.login(ELDER), city.login("zz.wang.fang"), city.login("zz.admin")
    rid = elder_id()
    filed = post(client, "/v1/requests", elder, LEAK)
    month = filed.json_body["created_at"][:7]
    before = get(client, f"/v1/requests/stats?month={month}&by=community", admin).json_body
    wrong = post(client, "/v1/me/closure", elder, {"confirm": "yes", "username": ELDER})
    assert wrong.status_code == 400 and wrong.json_body["field"] == "confirm"
    someone_else = post(client, "/v1/me/closure", elder, {"confirm": "注销账号", "username": "zz.li.na"})
    assert someone_else.status_code == 403 and someone_else.json_body["field"] == "username"
    assert users.lookup("zz.li.na") is not None

    r = post(client, "/v1/me/closure", elder, {"confirm": "注销账号", "username": ELDER})
    assert r.status_code == 200, r.body
    assert {"name", "phone", "household membership", "sign-in account"} <= set(r.json_body["erased"])
    shown = get(client, f"/v1/residents/{rid}", staff).json_body
    assert (shown["name"], shown["phone"], shown["status"]) == ("已注销用户", "", "closed")
    gone = post(client, f"/v1/residents/{rid}/reveal", staff, {"field": "phone", "reason": "call_back"})
    assert gone.status_code == 404 and gone.json_body["field"] == "resident_id"
    request = get(client, f"/v1/requests/{filed.json_body['request_id']}", staff).json_body
    assert request["filed_by"] == "已注销用户" and "张*兰" not in str(request)
    assert get(client, f"/v1/requests/stats?month={month}&by=community", admin).json_body == before
    assert users.lookup(ELDER) is None
    with pytest.raises(Exception):  # noqa: B017 - the sign-in is gone, whichever error Cognito gives
        city.login(ELDER)
