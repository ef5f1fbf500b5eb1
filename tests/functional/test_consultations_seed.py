"""The demo consultations of 郑州 and 银川 (tenants/demo/*/consultations.yaml), seeded through the
use cases and checked through the API as the demo users see them."""

from __future__ import annotations

import pytest

from tests.support import JSON_HEADERS, auth, jbody


@pytest.fixture
def seeded(aws):
    for tenant in ("zhengzhou", "yinchuan"):
        aws.onboard(tenant)
        written = aws.seed(tenant, "residents", "consultations")  # what the consultations stand on
        assert written["consultations"] == {"zhengzhou": 3, "yinchuan": 1}[tenant]
    return aws


def _by_title(client, token):
    r = client.http.get("/v1/consultations", headers=auth(token))
    assert r.status_code == 200, r.body
    return {i["title"]["zh"]: i for i in r.json_body["items"]}


def test_jinghu_residents_find_a_debate_an_open_vote_and_closed_results(client, seeded):
    owner = seeded.login("zz.wang.jianjun")  # 荆胡 2号楼, an owner in grid 1: the elevator vote is his to cast
    mine = _by_title(client, owner)
    assert {t: c["phase"] for t, c in mine.items()} == {
        "1—3号楼加装电梯方案表决": "voting", "荆胡社区口袋公园改造议事": "proposals",
        "小区停车位划线方案征求意见": "closed"}
    parking = client.http.get(f"/v1/consultations/{mine['小区停车位划线方案征求意见']['consultation_id']}/results",
                              headers=auth(owner)).json_body
    assert (parking["voters"], parking["eligible"], parking["valid"], parking["winners"]) == (6, 8, True, ["plan-a"])
    park = mine["荆胡社区口袋公园改造议事"]["consultation_id"]
    talk = client.http.get(f"/v1/consultations/{park}/proposals", headers=auth(owner)).json_body
    assert [len(p["comments"]) for p in talk["proposals"]] == [2, 1] and len(talk["comments"]) == 1

    elevator = _by_title(client, seeded.login("zz.sun.lihua"))["1—3号楼加装电梯方案表决"]
    # the owners of 1, 2 and 3号楼: 张桂兰, 王建军, 孙丽华 (赵敏 rents in 2号楼)
    assert (elevator["phase"], elevator["eligible"], elevator["eligibility"]["owners_only"]) == ("voting", 3, True)
    staff = _by_title(client, seeded.login("zz.wang.fang"))
    assert len(staff) == 3
    live = client.http.get(f"/v1/consultations/{elevator['consultation_id']}/results",
                           headers=auth(seeded.login("zz.wang.fang"))).json_body
    assert (live["voters"], round(live["turnout"], 3), live["valid"]) == (1, 0.333, False)


def test_aolinpike_households_see_live_counts_of_the_charging_station_vote(client, seeded):
    resident = seeded.login("yc.ma.wei")
    vote = _by_title(client, resident)["小区电动车充电桩选址"]
    assert vote["phase"] == "voting"
    counts = client.http.get(f"/v1/consultations/{vote['consultation_id']}/results", headers=auth(resident)).json_body
    assert {o["option_id"]: o["votes"] for o in counts["options"]} == {"north-gate": 2, "b3-east": 1, "garage": 0}
    assert client.http.get(f"/v1/consultations/{vote['consultation_id']}/ballot",
                           headers=auth(resident)).json_body == {"ballot": None}  # he has not voted yet
    r = client.http.post(f"/v1/consultations/{vote['consultation_id']}/votes",
                         headers={**auth(resident), **JSON_HEADERS}, body=jbody({"option_id": "garage"}))
    assert r.status_code == 201, r.body


def test_seeding_twice_adds_nothing(seeded):
    assert seeded.seed("zhengzhou", "consultations") == {"consultations": 0}
