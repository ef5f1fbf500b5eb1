"""垃圾分类积分: a sorting bin's deposits credit a household by the city's rules, once; staff redeem
points for goods in one transaction; residents see balance, history and their building's ranking."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from chalicelib.telemetry.handler import handle_event
from tests.support import JSON_HEADERS, auth, jbody

BIN = "zz-sort-east"
HOME = "jinghu-g1-b1-1-302"  # 张桂兰 (tenants/demo/zhengzhou/residents.yaml)
CARD = "41010300001"


def post(client: Any, path: str, token: str, payload: Any) -> Any:
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))


def get(client: Any, path: str, token: str) -> Any:
    return client.http.get(path, headers=auth(token))


def drop(event_id: str, category: str, kg: float, tenant: str = "zhengzhou", device: str = BIN,
         ts: int | None = None, **credential: str) -> dict[str, Any]:
    """A deposit as the event rule hands it to the function (payload, the topic's tenant and thing)."""
    now = int(time.time() * 1000)
    return handle_event({"tenant": tenant, "device": f"{tenant}_{device}", "received_at": now, "ts": ts or now - 500,
                         "deposit": {"id": event_id, "category": category, "weight": kg,
                                     **(credential or {"card": CARD})}}, None)


@pytest.fixture
def zz(aws, client):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    admin = aws.login("zz.admin")
    for device_id, kind in ((BIN, "sorting_bin"), ("zz-bin-plain", "smart_bin")):
        r = post(client, "/v1/devices", admin, {"device_id": device_id, "type": kind, "serial": f"SN-{device_id}",
                                                "community_id": "jinghu", "spot": "东门垃圾分类点"})
        assert r.status_code == 201, r.body
    r = post(client, "/v1/me/points/cards", aws.login("zz.zhang.guilan"), {"card": CARD})
    assert r.status_code == 201, r.body
    return aws


@pytest.fixture
def station(zz, client) -> str:
    """荆胡社区's redemption point with 5 bags of salt and 1 bottle of laundry liquid."""
    staff = zz.login("zz.wang.fang")
    r = post(client, "/v1/communities/jinghu/services", staff, {
        "category": "garbage_point", "name": {"zh": "荆胡社区积分兑换站", "en": "Jinghu points exchange"},
        "address": "荆胡社区党群服务中心一楼", "location": {"lat": 34.7040, "lng": 113.6290},
        "opening_hours": {"mon-sun": "08:30-17:30"}})
    assert r.status_code == 201, r.body
    sp = r.json_body["service_point_id"]
    for goods, n in (("salt", 5), ("detergent", 1)):
        assert post(client, f"/v1/points/stations/{sp}/stock", staff, {"goods_id": goods, "add": n}).status_code == 200
    return sp


def test_a_deposit_credits_the_households_points_by_the_citys_rule_and_shows_in_its_history(zz, client):
    assert drop("e1", "recyclable", 1.26) == {"deposit": "credited"}  # 10 points a kg, rounded down: 12
    assert drop("e2", "hazardous", 0.05) == {"deposit": "credited"}  # 50 a kg: 2
    assert drop("e3", "food", 0.2) == {"deposit": "recorded"}  # under food's 0.3 kg minimum: weighed, not credited
    me = get(client, "/v1/me/points", zz.login("zz.zhang.guilan")).json_body
    assert (me["balance"], me["earned"], me["today"]) == (14, 14, {"points": 14, "cap": 30})
    assert [(e["points"], e["note"], e["category"]) for e in me["ledger"]["items"]] == [
        (0, "below_min_weight", "food"), (2, "credited", "hazardous"), (12, "credited", "recyclable")]
    assert me["month"]["kg"] == {"recyclable": 1.26, "food": 0.2, "hazardous": 0.05, "residual": 0.0}
    assert me["credentials"][0]["masked"] == "*******0001" and CARD not in str(me)
    assert me["ranking"]["my_rank"] == 1 and me["ranking"]["top"][0] == {
        "rank": 1, "household": "1单元 3层", "points": 14, "mine": True}


def test_the_daily_cap_stops_credit_but_every_drop_is_recorded(zz, client):
    results = [drop(f"c{n}", "recyclable", 1.0) for n in range(4)]  # 10 + 10 + 10 + (cap 30) 0
    assert [r["deposit"] for r in results] == ["credited", "credited", "credited", "recorded"]
    me = get(client, "/v1/me/points", zz.login("zz.zhang.guilan")).json_body
    assert me["balance"] == 30 and me["ledger"]["items"][0]["note"] == "daily_cap"
    assert len(me["ledger"]["items"]) == 4


def test_a_redelivered_deposit_credits_once_even_when_copies_arrive_together(zz, client, atomic_dynamodb):
    assert drop("r1", "recyclable", 1.5)["deposit"] == "credited"
    assert drop("r1", "recyclable", 1.5) == {"deposit": "duplicate"}
    outcomes: list[str] = []
    threads = [threading.Thread(target=lambda: outcomes.append(drop("r2", "recyclable", 1.0)["deposit"]))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["credited"] + ["duplicate"] * 5
    me = get(client, "/v1/me/points", zz.login("zz.zhang.guilan")).json_body
    assert me["balance"] == 25 and len(me["ledger"]["items"]) == 2


def test_concurrent_drops_of_one_household_never_pass_the_daily_cap(zz, client, atomic_dynamodb):
    threads = [threading.Thread(target=drop, args=(f"p{n}", "recyclable", 0.7)) for n in range(8)]  # 8 × 7 > 30
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    me = get(client, "/v1/me/points", zz.login("zz.zhang.guilan")).json_body
    credited = [e["points"] for e in me["ledger"]["items"]]
    assert len(credited) == 8 and sum(credited) == 30 == me["balance"] == me["today"]["points"]


def test_drops_with_an_unbound_card_count_for_the_community_but_credit_nobody(zz, client):
    assert drop("u1", "food", 2.0, card="99999999") == {"deposit": "recorded"}
    assert drop("u2", "recyclable", 1.0) == {"deposit": "credited"}
    d = get(client, "/v1/points/diversion", zz.login("zz.admin")).json_body
    jinghu = next(c for c in d["communities"] if c["community_id"] == "jinghu")
    assert (jinghu["deposits"], jinghu["unmatched"], jinghu["points"]) == (2, 1, 10)
    assert jinghu["kg"]["food"] == 2.0 and jinghu["total_kg"] == 3.0 and jinghu["sorted_share"] == 1.0
    assert d["totals"]["deposits"] == 2 and jinghu["name"]["zh"] == "荆胡社区"
    # the city dashboard (一屏统览) shows the same month
    dash = get(client, "/v1/dashboard", zz.login("zz.admin")).json_body["sorting"]
    assert dash["totals"]["total_kg"] == 3.0 and dash["month"] == d["month"]


def test_bad_deposits_are_refused_one_by_one_with_their_reason(zz, client):
    now = int(time.time() * 1000)
    out = handle_event({"tenant": "zhengzhou", "device": f"zhengzhou_{BIN}", "received_at": now, "ts": now,
                        "deposit": {"id": "b1", "category": "glass", "weight": 1}}, None)
    assert out["deposit"] == "refused" and "category" in out["reason"]
    assert drop("b2", "food", 1.0, device="zz-bin-plain")["deposit"] == "refused"  # not a sorting bin
    assert drop("b3", "food", 1.0, ts=now + 3_600_000)["deposit"] == "refused"  # in the future
    assert get(client, "/v1/me/points", zz.login("zz.zhang.guilan")).json_body["balance"] == 0


def test_staff_redeem_points_for_goods_with_a_receipt_and_stock_and_balance_move_together(zz, client, station):
    for n in range(3):
        drop(f"g{n}", "recyclable", 1.0)  # 30 points
    staff = zz.login("zz.wang.fang")
    found = post(client, "/v1/points/lookup", staff, {"card": CARD}).json_body
    assert found["household_id"] == HOME and found["balance"] == 30
    r = post(client, "/v1/points/redemptions", staff, {"service_point_id": station, "household_id": HOME,
                                                       "items": [{"goods_id": "salt", "quantity": 1}]})
    assert r.status_code == 201, r.body
    receipt = r.json_body
    assert (receipt["total"], receipt["balance_after"], receipt["by"]) == (20, 10, "zz.wang.fang")
    assert receipt["receipt_no"].startswith("DH") and receipt["items"][0]["name"]["zh"] == "食用盐 400g"
    short = post(client, "/v1/points/redemptions", staff, {"service_point_id": station, "household_id": HOME,
                                                           "items": [{"goods_id": "salt", "quantity": 1}]})
    assert short.status_code == 409 and short.json_body["field"] == "points"
    stock = get(client, f"/v1/points/stations/{station}/stock", staff).json_body
    assert {i["goods_id"]: i["quantity"] for i in stock["items"]}["salt"] == 4
    assert [x["receipt_no"] for x in stock["receipts"]] == [receipt["receipt_no"]]
    me = get(client, "/v1/me/points", zz.login("zz.zhang.guilan")).json_body
    assert me["balance"] == 10 and me["redeemed"] == 20 and me["ledger"]["items"][0]["points"] == -20


def test_redemption_never_takes_more_than_the_stock_or_the_balance_even_at_once(zz, client, station,
                                                                                atomic_dynamodb):
    for day in range(5):  # 150 points over five days (the daily cap is 30)
        ts = int(time.time() * 1000) - (day + 1) * 86_400_000
        for n in range(3):
            drop(f"d{day}-{n}", "recyclable", 1.0, ts=ts)
    staff = zz.login("zz.wang.fang")
    body = {"service_point_id": station, "household_id": HOME, "items": [{"goods_id": "salt", "quantity": 6}]}
    r = post(client, "/v1/points/redemptions", staff, body)
    assert r.status_code == 409 and r.json_body["field"] == "items.0.quantity"  # 120 points, but 5 bags on hand
    assert "5 left" in r.json_body["message"]
    statuses: list[int] = []
    body["items"] = [{"goods_id": "salt", "quantity": 4}]  # 80 points each time, 150 on hand
    threads = [threading.Thread(target=lambda: statuses.append(
        post(client, "/v1/points/redemptions", zz.login("zz.wang.fang"), body).status_code)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201, 409, 409]
    me = get(client, "/v1/me/points", zz.login("zz.zhang.guilan")).json_body
    assert me["balance"] == 70 and me["balance"] >= 0


def test_a_card_belongs_to_one_household_and_can_be_unbound(zz, client):
    other = post(client, "/v1/me/points/cards", zz.login("zz.wang.jianjun"), {"card": CARD})
    assert other.status_code == 409 and other.json_body["field"] == "card"
    bad = post(client, "/v1/me/points/cards", zz.login("zz.wang.jianjun"), {"card": "12"})
    assert bad.status_code == 400 and bad.json_body["field"] == "card"
    guilan = zz.login("zz.zhang.guilan")
    cred = get(client, "/v1/me/points", guilan).json_body["credentials"][0]["credential_id"]
    r = client.http.delete(f"/v1/me/points/cards/{cred}", headers=auth(guilan))
    assert r.status_code == 200 and r.json_body["credentials"] == []
    assert drop("x1", "recyclable", 1.0) == {"deposit": "recorded"}  # the lost card earns nothing now
    staff = post(client, f"/v1/points/households/{HOME}/cards", zz.login("zz.wang.fang"), {"phone": "13803711201"})
    assert staff.status_code == 201 and staff.json_body["masked"] == "138****1201"
    assert drop("x2", "recyclable", 1.0, phone="13803711201") == {"deposit": "credited"}


def test_another_city_and_other_communities_cannot_see_or_touch_a_households_points(zz, client, station):
    drop("i1", "recyclable", 1.0)
    zz.onboard("yinchuan")
    yc = zz.token_for("city_admin", "yinchuan")
    assert get(client, f"/v1/points/households/{HOME}", yc).status_code == 404
    assert post(client, "/v1/points/lookup", yc, {"card": CARD}).status_code == 404
    assert get(client, f"/v1/points/stations/{station}/stock", yc).status_code == 404
    assert get(client, "/v1/points/diversion", yc).json_body["communities"] == []
    assert drop("i2", "recyclable", 1.0, tenant="yinchuan")["deposit"] == "refused"  # no such bin there
    zhengda = zz.login("zz.zhang.lei")  # staff of 郑大社区
    assert get(client, f"/v1/points/households/{HOME}", zhengda).status_code == 404
    r = post(client, "/v1/points/redemptions", zhengda, {"service_point_id": station, "household_id": HOME,
                                                         "items": [{"goods_id": "salt", "quantity": 1}]})
    assert r.status_code == 404
    assert get(client, "/v1/points/diversion", zhengda).json_body["communities"] == []
    assert get(client, f"/v1/points/households/{HOME}", zz.login("zz.wang.fang")).json_body["balance"] == 10
