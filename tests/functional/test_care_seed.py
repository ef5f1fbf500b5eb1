"""The 居家养老 demo data of both cities, seeded as `make run` does, read back through the API."""

from __future__ import annotations

from tests.support import auth


def test_both_cities_demo_care_subjects_are_watched_by_their_families(aws, client):
    for tenant, subjects, subject, family, staff, devices in (
            ("zhengzhou", 2, "zz.zhang.guilan", "zz.li.na", "zz.wang.fang", ["zz-door-zgl", "zz-band-zgl"]),
            ("yinchuan", 1, "yc.ma.fengying", "yc.ma.wei", "yc.ma.xiaoyan", ["yc-door-mfy", "yc-band-mfy"])):
        aws.onboard(tenant)
        assert aws.seed(tenant, "residents", "care")["care"] == subjects
        mine = client.http.get("/v1/me/care", headers=auth(aws.login(family))).json_body
        assert [w["status"] for w in mine["watching"]] == ["active"]
        subject_id = mine["watching"][0]["subject_id"]
        status = client.http.get(f"/v1/care/{subject_id}/status", headers=auth(aws.login(family)))
        assert status.status_code == 200 and status.json_body["last_visit"] is not None
        record = client.http.get(f"/v1/care/{subject_id}", headers=auth(aws.login(staff))).json_body
        assert record["device_ids"] == devices and record["consent_state"] == "active"
        own = client.http.get("/v1/me/care", headers=auth(aws.login(subject))).json_body["subject"]
        assert own["subject_id"] == subject_id
        assert aws.seed(tenant, "residents", "care")["care"] == 0  # a second run changes nothing
    phones = [c["phone"] for c in record_of(aws, client)["contacts"] if c["kind"] == "phone"]
    assert phones == ["139****2299"]


def test_the_demo_visit_plans_show_one_overdue_visit_in_jinghu(aws, client):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents", "care")
    q = client.http.get("/v1/communities/jinghu/care-visits", headers=auth(aws.login("zz.wang.fang"))).json_body
    rows = [(r["name"], r["plan"]["level"], r["state"], r["days_overdue"]) for r in q["items"]]
    assert rows == [("张*兰", "focus", "overdue", 2), ("吴*英", "general", "planned", 0)]
    assert q["items"][0]["last_visit"]["mode"] == "home" and q["items"][1]["last_visit"]["mode"] == "phone"
    assert [[v["name"] for v in r["visitors"]] for r in q["items"]] == [["刘*芳", "陈*远"], ["周*琴"]]
    # each visitor signs in to their own: the doctor sees 张桂兰 and the visit recorded in their name
    mine = client.http.get("/v1/me/care-visits", headers=auth(aws.login("zz.doc.chen"))).json_body["items"]
    assert [(r["name"], r["place"], r["state"]) for r in mine] == [("张*兰", "1号楼 1单元 302", "overdue")]
    social = client.http.get("/v1/me/care-visits", headers=auth(aws.login("zz.sw.zhou"))).json_body["items"]
    assert [r["name"] for r in social] == ["吴*英"]


def record_of(aws, client):
    me = client.http.get("/v1/me/care", headers=auth(aws.login("zz.zhang.guilan"))).json_body
    return me["subject"]
