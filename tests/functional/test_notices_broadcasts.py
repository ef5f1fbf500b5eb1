"""Emergency broadcasts (应急广播): a delivery per household, read receipts, offline follow-ups."""

from __future__ import annotations

import threading

import pytest

from chalicelib.auth import users
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.notices.reading import ReadingService
from tests.functional.test_notices import get, notice, post, publish

JINGHU_HOUSEHOLDS = ["jinghu-g1-b1-1-302", "jinghu-g1-b2-1-801", "jinghu-g1-b2-2-1203", "jinghu-g1-b3-3-601",
                     "jinghu-g2-b4-2-1502", "jinghu-g2-b5-1-2201", "jinghu-g2-b6-1-3001", "jinghu-g3-b8-4-201"]


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    return aws


def storm(scope=None, severity="orange"):
    return notice(scope, category="emergency", severity=severity, pinned=True,
                  title={"zh": "暴雨橙色预警", "en": "Orange rainstorm warning"},
                  body={"zh": "预计未来6小时降雨量将达50毫米以上，请勿前往地下车库。",
                        "en": "Over 50 mm of rain expected in 6 hours; keep out of underground garages."})


def receipts(client, token, notice_id, query=""):
    r = get(client, f"/v1/notices/{notice_id}/receipts{query}", token)
    assert r.status_code == 200, r.body
    return r.json_body


def test_a_broadcast_is_delivered_to_every_verified_household_of_its_place(client, city):
    admin = city.login("zz.admin")
    b = publish(client, admin, storm())
    assert (b["severity"], b["stats"]["households"], b["stats"]["households_read"]) == ("orange", 8, 0)
    r = receipts(client, admin, b["notice_id"])
    assert (r["households"], r["read"], r["unread"], r["read_rate"], r["state"]) == (8, 0, 8, 0.0, "unread")
    assert [h["household_id"] for h in r["items"]] == JINGHU_HOUSEHOLDS
    wu = next(h for h in r["items"] if h["household_id"] == "jinghu-g3-b8-4-201")
    assert (wu["building_id"], wu["unit"], wu["room"]) == ("jinghu-g3-b8", 4, "201")
    assert wu["building_name"]["zh"] == "8号楼"  # named for staff, read for the page's buildings alone
    assert sorted(wu["members"]) == ["吴*伟", "吴*英"]  # masked
    one = publish(client, admin, storm({"level": "building", "id": "jinghu-g1-b2"}, severity="red"))
    assert [h["household_id"] for h in receipts(client, admin, one["notice_id"])["items"]] == [
        "jinghu-g1-b2-1-801", "jinghu-g1-b2-2-1203"]


def test_the_grid_workers_of_the_place_hear_of_a_broadcast_in_their_inbox(client, city):
    b = publish(client, city.login("zz.admin"), storm({"level": "building", "id": "jinghu-g2-b4"}))
    for username in ("zz.wang.fang", "zz.li.jianguo"):  # both serve 荆胡
        notes = get(client, "/v1/me/notifications", city.login(username)).json_body["items"]
        assert [(n["kind"], n["notice_id"], n["severity"]) for n in notes] == [("notice", b["notice_id"], "orange")]
        assert "暴雨橙色预警" in notes[0]["text"]["zh"]
    assert get(client, "/v1/me/notifications", city.login("zz.zhang.lei")).json_body["items"] == []  # 郑大
    publish(client, city.login("zz.admin"), notice({"level": "community", "id": "jinghu"}))  # not an emergency
    assert len(get(client, "/v1/me/notifications", city.login("zz.wang.fang")).json_body["items"]) == 1


def test_receipts_count_each_household_once_and_list_the_unread_ones(client, city):
    staff = city.login("zz.wang.fang")
    b = publish(client, staff, storm())["notice_id"]
    for user in ("zz.zhang.guilan", "zz.wu.xiuying", "zz.wu.dawei", "zz.wu.dawei"):
        r = post(client, f"/v1/notices/{b}/read", city.login(user))
        assert r.status_code == 200 and r.json_body["read"] is True, r.body
    r = receipts(client, staff, b)
    assert (r["households"], r["read"], r["unread"], r["read_rate"]) == (8, 2, 6, 0.25)
    assert [h["household_id"] for h in r["items"]] == [h for h in JINGHU_HOUSEHOLDS
                                                      if h not in ("jinghu-g1-b1-1-302", "jinghu-g3-b8-4-201")]
    read = receipts(client, staff, b, "?state=read")["items"]
    assert [(h["household_id"], h["read_by"], h["read_via"]) for h in read] == [
        ("jinghu-g1-b1-1-302", "张*兰", "app"), ("jinghu-g3-b8-4-201", "吴*英", "app")]
    assert get(client, f"/v1/notices/{b}", staff).json_body["stats"] == {"readers": 3, "households": 8,
                                                                          "households_read": 2}
    bad = get(client, f"/v1/notices/{b}/receipts?state=unknown", staff)
    assert bad.status_code == 400 and bad.json_body["field"] == "state"


def test_unread_households_come_a_page_at_a_time(client, city):
    staff = city.login("zz.li.jianguo")
    b = publish(client, staff, storm())["notice_id"]
    seen, cursor = [], None
    while True:
        page = receipts(client, staff, b, "?limit=3" + (f"&cursor={cursor}" if cursor else ""))
        assert len(page["items"]) <= 3
        seen += [h["household_id"] for h in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == JINGHU_HOUSEHOLDS


def test_two_members_of_one_household_reading_at_once_count_it_once(city, atomic_dynamodb):
    b = publish_direct(city)
    people = [_resident(u) for u in ("zz.wu.xiuying", "zz.wu.dawei")]
    start, errors = threading.Barrier(len(people)), []

    def read(principal):
        try:
            start.wait()
            ReadingService(principal).mark_read(b)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    from chalicelib.notices.repository import NoticeRepository
    stored = NoticeRepository(people[0].tenant).get(b)
    assert stored is not None
    assert (stored.readers, stored.households, stored.households_read) == (2, 8, 1)


def publish_direct(city):
    from chalicelib.notices.inputs import NoticeIn
    from chalicelib.notices.service import NoticeService

    info = users.lookup("zz.wang.fang")
    staff = Principal(info.user_id, "zz.wang.fang", "zhengzhou", frozenset({Role.STAFF}))
    return NoticeService(staff).publish(NoticeIn.model_validate(storm())).notice_id


def _resident(username):
    info = users.lookup(username)
    return Principal(info.user_id, username, "zhengzhou", frozenset({Role.RESIDENT}))


def test_staff_follow_up_an_unread_household_offline_and_it_then_counts_as_read(client, city):
    staff = city.login("zz.wang.fang")
    b = publish(client, staff, storm())["notice_id"]
    path = f"/v1/notices/{b}/followups"
    r = post(client, path, staff, {"household_id": "jinghu-g1-b1-1-302", "method": "visit",
                                   "note": "已上门告知张阿姨，老人表示不出门"})
    assert r.status_code == 201, r.body
    assert (r.json_body["read_by"], r.json_body["read_via"], r.json_body["members"]) == ("zz.wang.fang", "visit",
                                                                                          ["张*兰"])
    assert [f["method"] for f in r.json_body["followups"]] == ["visit"]
    again = post(client, path, staff, {"household_id": "jinghu-g1-b1-1-302", "method": "phone", "note": "回访"})
    assert [f["method"] for f in again.json_body["followups"]] == ["visit", "phone"]
    assert again.json_body["read_via"] == "visit"  # read once, by the first contact
    post(client, f"/v1/notices/{b}/read", city.login("zz.zhang.guilan"))  # she opens it later: still one household
    totals = receipts(client, staff, b)
    assert (totals["read"], totals["unread"]) == (1, 7)
    for body, status, field in (({"household_id": "jinghu-g1-b1-9-999", "method": "phone", "note": "x"}, 404,
                                 "household_id"),
                                ({"household_id": "jinghu-g1-b1-1-302", "method": "pigeon", "note": "x"}, 400,
                                 "method"),
                                ({"household_id": "jinghu-g1-b1-1-302", "method": "phone"}, 400, "note"),
                                ({"household_id": "JINGHU#1", "method": "phone", "note": "x"}, 400, "household_id")):
        r = post(client, path, staff, body)
        assert (r.status_code, r.json_body["field"]) == (status, field), body


def test_receipts_and_followups_are_for_emergency_broadcasts_only(client, city):
    staff = city.login("zz.wang.fang")
    n = publish(client, staff, notice())["notice_id"]
    for r in (get(client, f"/v1/notices/{n}/receipts", staff),
              post(client, f"/v1/notices/{n}/followups", staff,
                   {"household_id": "jinghu-g1-b1-1-302", "method": "phone", "note": "x"})):
        assert r.status_code == 409 and r.json_body["field"] == "notice_id"


def test_staff_see_the_households_of_their_own_communities_in_a_city_wide_broadcast(client, city):
    admin = city.login("zz.admin")
    b = publish(client, admin, storm({"level": "city"}, severity="red"))["notice_id"]
    everyone = receipts(client, admin, b)
    assert everyone["households"] == 9 and len(everyone["items"]) == 9
    zhengda = receipts(client, city.login("zz.zhang.lei"), b)
    assert zhengda["households"] == 9 and [h["household_id"] for h in zhengda["items"]] == ["zhengda-g1-b1-2-501"]
    r = post(client, f"/v1/notices/{b}/followups", city.login("zz.zhang.lei"),
             {"household_id": "jinghu-g1-b1-1-302", "method": "phone", "note": "x"})
    assert r.status_code == 403 and r.json_body["field"] == "household_id"


def test_a_withdrawn_broadcast_takes_no_more_reads_or_followups(client, city):
    staff = city.login("zz.wang.fang")
    b = publish(client, staff, storm())["notice_id"]
    post(client, f"/v1/notices/{b}/withdraw", staff, {"reason": "预警已解除"})
    assert post(client, f"/v1/notices/{b}/read", city.login("zz.zhang.guilan")).status_code == 404
    r = post(client, f"/v1/notices/{b}/followups", staff,
             {"household_id": "jinghu-g1-b1-1-302", "method": "phone", "note": "x"})
    assert r.status_code == 409 and r.json_body["field"] == "notice_id"
    assert receipts(client, staff, b)["unread"] == 8  # the receipts stay for the record
