"""Notices (村务公开): staff publish to a place, residents of that place read them, edits and withdrawals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support import JSON_HEADERS, auth, jbody

JINGHU = {"level": "community", "id": "jinghu"}


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    return aws


def notice(scope=None, **extra):
    body = {"scope": scope or JINGHU, "category": "affairs",
            "title": {"zh": "2026年第三季度社区公共收益公示", "en": "Community income, Q3 2026"},
            "body": {"zh": "本季度停车位租金收入12.6万元，详见附件。"}}
    return {**body, **extra}


def post(client, path, token, payload=None):
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS},
                            body=jbody(payload) if payload is not None else b"")


def put(client, path, token, payload):
    return client.http.put(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))


def get(client, path, token):
    return client.http.get(path, headers=auth(token))


def publish(client, token, payload):
    r = post(client, "/v1/notices", token, payload)
    assert r.status_code == 201, r.body
    return r.json_body


def titles(client, token, query=""):
    r = get(client, f"/v1/me/notices{query}", token)
    assert r.status_code == 200, r.body
    return [i["title"]["zh"] for i in r.json_body["items"]]


def later(**delta):
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


def test_residents_of_the_community_see_a_new_notice_unread_until_they_mark_it_read(client, city):
    staff, resident = city.login("zz.wang.fang"), city.login("zz.zhang.guilan")
    n = publish(client, staff, notice())
    assert (n["state"], n["revision"], n["published_by"], n["published_by_name"]) == (
        "live", 1, "zz.wang.fang", "王芳")
    assert n["body"]["en"] == n["body"]["zh"]  # no English given: the Chinese text stands in
    mine = get(client, "/v1/me/notices", resident).json_body
    assert [(i["notice_id"], i["read"]) for i in mine["items"]] == [(n["notice_id"], False)] and mine["unread"] == 1
    assert "stats" not in mine["items"][0] or mine["items"][0]["stats"] is None

    first = post(client, f"/v1/notices/{n['notice_id']}/read", resident)
    assert first.status_code == 200 and first.json_body["read"] is True
    again = post(client, f"/v1/notices/{n['notice_id']}/read", resident)
    assert again.json_body["read_at"] == first.json_body["read_at"]  # idempotent
    assert get(client, "/v1/me/notices", resident).json_body["unread"] == 0
    assert get(client, f"/v1/notices/{n['notice_id']}", staff).json_body["stats"]["readers"] == 1


def test_residents_see_only_notices_whose_place_contains_their_building(client, city):
    staff, admin = city.login("zz.wang.fang"), city.login("zz.admin")
    building = publish(client, staff, notice({"level": "building", "id": "jinghu-g1-b1"},
                                             title={"zh": "1号楼停水通知"}))
    grid = publish(client, staff, notice({"level": "grid", "id": "jinghu-g2"}, title={"zh": "二网格楼道清理"}))
    publish(client, admin, notice({"level": "city"}, category="policy", title={"zh": "城乡居民医保缴费提醒"}))
    zhang, li, ma = (city.login(u) for u in ("zz.zhang.guilan", "zz.li.na", "zz.ma.lan"))
    assert set(titles(client, zhang)) == {"1号楼停水通知", "城乡居民医保缴费提醒"}
    assert set(titles(client, li)) == {"二网格楼道清理", "城乡居民医保缴费提醒"}
    assert titles(client, ma) == ["城乡居民医保缴费提醒"]  # 郑大社区
    for token, hidden in ((ma, building), (ma, grid), (zhang, grid)):
        r = get(client, f"/v1/notices/{hidden['notice_id']}", token)
        assert r.status_code == 404 and r.json_body["field"] == "notice_id"
        assert post(client, f"/v1/notices/{hidden['notice_id']}/read", token).status_code == 404
    assert get(client, f"/v1/notices/{building['notice_id']}", zhang).json_body["read"] is False


def test_pinned_notices_come_first_then_the_newest_and_a_category_filters(client, city):
    staff, resident = city.login("zz.wang.fang"), city.login("zz.zhang.guilan")
    publish(client, staff, notice(title={"zh": "旧的公示"}))
    publish(client, staff, notice(title={"zh": "置顶：老旧小区改造征求意见通知"}, pinned=True))
    publish(client, staff, notice(title={"zh": "重阳节敬老活动"}, category="activity"))
    assert titles(client, resident) == ["置顶：老旧小区改造征求意见通知", "重阳节敬老活动", "旧的公示"]
    assert titles(client, resident, "?category=activity") == ["重阳节敬老活动"]
    bad = get(client, "/v1/me/notices?category=gossip", resident)
    assert bad.status_code == 400 and bad.json_body["field"] == "category"


def test_a_notice_is_shown_only_within_its_validity_period(client, city, monkeypatch):
    staff, resident = city.login("zz.wang.fang"), city.login("zz.zhang.guilan")
    soon = publish(client, staff, notice(title={"zh": "下周活动预告"}, valid_from=later(days=2)))
    short = publish(client, staff, notice(title={"zh": "今日停电"}, valid_until=later(hours=6)))
    assert titles(client, resident) == ["今日停电"]
    assert get(client, f"/v1/notices/{soon['notice_id']}", resident).status_code == 404
    assert get(client, f"/v1/notices/{soon['notice_id']}", staff).json_body["state"] == "scheduled"

    import chalicelib.notices.access as access
    monkeypatch.setattr(access, "now", lambda: datetime.now(UTC) + timedelta(days=3))
    assert titles(client, resident) == ["下周活动预告"]
    assert get(client, f"/v1/notices/{short['notice_id']}", staff).json_body["state"] == "expired"
    r = put(client, f"/v1/notices/{short['notice_id']}", staff, {"title": {"zh": "改"}, "body": {"zh": "改"}})
    assert r.status_code == 409 and r.json_body["field"] == "notice_id"


def test_an_edit_replaces_the_content_and_counts_a_revision(client, city):
    staff, resident = city.login("zz.li.jianguo"), city.login("zz.li.na")
    n = publish(client, staff, notice())
    edit = {"title": {"zh": "2026年第三季度社区公共收益公示（更正）", "en": "Community income, Q3 2026 (corrected)"},
            "body": {"zh": "更正：停车位租金收入12.8万元。"}, "attachments": ["https://jinghu.example.cn/q3.pdf"],
            "pinned": True}
    r = put(client, f"/v1/notices/{n['notice_id']}", staff, edit)
    assert r.status_code == 200, r.body
    assert (r.json_body["revision"], r.json_body["updated_by"], r.json_body["pinned"]) == (2, "zz.li.jianguo", True)
    assert r.json_body["valid_from"] == n["valid_from"]  # kept when not given
    assert titles(client, resident) == ["2026年第三季度社区公共收益公示（更正）"]
    bad = put(client, f"/v1/notices/{n['notice_id']}", staff, {**edit, "scope": {"level": "city"}})
    assert bad.status_code == 400 and bad.json_body["field"] == "scope"  # the place is fixed once published


def test_a_withdrawn_notice_disappears_for_residents_and_stays_marked_for_staff(client, city):
    staff, resident = city.login("zz.wang.fang"), city.login("zz.zhang.guilan")
    n = publish(client, staff, notice())
    r = post(client, f"/v1/notices/{n['notice_id']}/withdraw", staff, {"reason": "金额有误，核对后重发"})
    assert r.status_code == 200, r.body
    assert titles(client, resident) == []
    assert get(client, f"/v1/notices/{n['notice_id']}", resident).status_code == 404
    seen = get(client, f"/v1/notices/{n['notice_id']}", staff).json_body
    assert (seen["state"], seen["withdrawn_by"], seen["withdrawn_by_name"], seen["withdrawal_reason"]) == (
        "withdrawn", "zz.wang.fang", "王芳", "金额有误，核对后重发")
    listed = get(client, "/v1/notices", staff).json_body["items"]
    assert [(i["notice_id"], i["state"]) for i in listed] == [(n["notice_id"], "withdrawn")]
    edit = put(client, f"/v1/notices/{n['notice_id']}", staff, {"title": {"zh": "改"}, "body": {"zh": "改"}})
    assert edit.status_code == 409 and edit.json_body["field"] == "notice_id"
    twice = post(client, f"/v1/notices/{n['notice_id']}/withdraw", staff, {"reason": "再次撤回"})
    assert twice.status_code == 409 and twice.json_body["field"] == "notice_id"
    no_reason = post(client, f"/v1/notices/{n['notice_id']}/withdraw", staff, {})
    assert no_reason.status_code == 400 and no_reason.json_body["field"] == "reason"


@pytest.mark.parametrize(("user", "change", "status", "field"), [
    ("zz.wang.fang", {"scope": {"level": "grid", "id": "jinghu-g9"}}, 404, "scope.id"),
    ("zz.wang.fang", {"scope": {"level": "community", "id": "zhengda"}}, 403, "scope"),
    ("zz.wang.fang", {"scope": {"level": "city"}}, 403, "scope"),
    ("zz.wang.fang", {"scope": {"level": "planet", "id": "x"}}, 400, "scope.level"),
    ("zz.admin", {"category": "emergency"}, 400, "severity"),
    ("zz.admin", {"category": "activity", "severity": "red"}, 400, "severity"),
    ("zz.admin", {"category": "emergency", "severity": "purple"}, 400, "severity"),
    ("zz.admin", {"category": "rumour"}, 400, "category"),
    ("zz.admin", {"valid_from": "2026-10-10T08:00:00+08:00", "valid_until": "2026-10-09T08:00:00+08:00"},
     400, "valid_until"),
    ("zz.admin", {"valid_until": "2020-01-01T00:00:00+08:00"}, 400, "valid_until"),
    ("zz.admin", {"valid_from": "2026-10-10T08:00:00"}, 400, "valid_from"),  # no time zone
    ("zz.admin", {"attachments": ["http://insecure.example.cn/a.pdf"]}, 400, "attachments[0]"),
    ("zz.admin", {"title": {"en": "English only"}}, 400, "title.zh"),
    ("zz.admin", {"pinned": "maybe"}, 400, "pinned"),
    ("zz.admin", {"author": "someone"}, 400, "author"),
])
def test_bad_notices_are_refused_naming_the_field(client, city, user, change, status, field):
    r = post(client, "/v1/notices", city.login(user), notice(**change))
    assert r.status_code == status, r.body
    assert r.json_body["field"] == field


def test_editing_checks_the_severity_against_the_category_and_the_period(client, city):
    admin = city.login("zz.admin")
    n = publish(client, admin, notice())
    base = {"title": {"zh": "改"}, "body": {"zh": "改"}}
    storm = publish(client, admin, notice(category="emergency", severity="yellow"))["notice_id"]
    r = put(client, f"/v1/notices/{storm}", admin, base)
    assert r.status_code == 400 and r.json_body["field"] == "severity"
    r = put(client, f"/v1/notices/{storm}", admin, {**base, "severity": "red"})
    assert (r.status_code, r.json_body["severity"], r.json_body["stats"]["households"]) == (200, "red", 8)
    for change, field in (({"severity": "red"}, "severity"),
                          ({"valid_until": "2020-01-01T00:00:00+08:00"}, "valid_until"),
                          ({"valid_from": later(days=2), "valid_until": later(days=1)}, "valid_until")):
        r = put(client, f"/v1/notices/{n['notice_id']}", admin, {**base, **change})
        assert r.status_code == 400 and r.json_body["field"] == field, r.body


def test_staff_list_their_area_newest_first_a_page_at_a_time(client, city):
    wang, zhang_lei, admin = (city.login(u) for u in ("zz.wang.fang", "zz.zhang.lei", "zz.admin"))
    ids = [publish(client, wang, notice(title={"zh": f"荆胡公示{i}"}))["notice_id"] for i in range(3)]
    grid = publish(client, wang, notice({"level": "grid", "id": "jinghu-g2"}, category="activity"))["notice_id"]
    city_wide = publish(client, admin, notice({"level": "city"}, category="policy"))["notice_id"]
    street = publish(client, zhang_lei, notice({"level": "street", "id": "daxuelu"}))["notice_id"]
    zhengda = publish(client, zhang_lei, notice({"level": "community", "id": "zhengda"}))["notice_id"]

    seen, cursor = [], None
    while True:
        page = get(client, "/v1/notices?limit=2" + (f"&cursor={cursor}" if cursor else ""), wang).json_body
        seen += [i["notice_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [city_wide, grid, *reversed(ids)]  # not 郑大's, nor 大学路 street's
    assert [i["notice_id"] for i in get(client, "/v1/notices", zhang_lei).json_body["items"]] == [
        zhengda, street, city_wide]
    assert len(get(client, "/v1/notices", admin).json_body["items"]) == 7

    def listed(query, token=wang):
        r = get(client, f"/v1/notices?{query}", token)
        assert r.status_code == 200, r.body
        return [i["notice_id"] for i in r.json_body["items"]]

    assert listed("scope_level=grid&scope_id=jinghu-g2") == [grid]
    assert listed("category=policy") == [city_wide]
    assert listed("scope_level=street&scope_id=daxuelu", admin) == [zhengda, street]
    for query, status, field in (("scope_id=jinghu", 400, "scope_id"), ("scope_level=grid", 400, "scope_id"),
                                 ("scope_level=community&scope_id=zhengda", 403, "scope_id"),
                                 ("scope_level=grid&scope_id=jinghu-g9", 404, "scope_id"),
                                 ("cursor=bm90LWEtY3Vyc29y", 400, "cursor"), ("limit=0", 400, "limit")):
        r = get(client, f"/v1/notices?{query}", wang)
        assert (r.status_code, r.json_body["field"]) == (status, field), query


def test_staff_outside_a_notices_area_cannot_see_or_change_it(client, city):
    wang, zhang_lei, admin = (city.login(u) for u in ("zz.wang.fang", "zz.zhang.lei", "zz.admin"))
    n = publish(client, wang, notice())
    for r in (get(client, f"/v1/notices/{n['notice_id']}", zhang_lei),
              put(client, f"/v1/notices/{n['notice_id']}", zhang_lei, {"title": {"zh": "改"}, "body": {"zh": "改"}}),
              post(client, f"/v1/notices/{n['notice_id']}/withdraw", zhang_lei, {"reason": "越权"})):
        assert r.status_code == 404 and r.json_body["field"] == "notice_id"
    city_wide = publish(client, admin, notice({"level": "city"}))
    assert get(client, f"/v1/notices/{city_wide['notice_id']}", wang).status_code == 200
    r = post(client, f"/v1/notices/{city_wide['notice_id']}/withdraw", wang, {"reason": "越权"})
    assert r.status_code == 403 and r.json_body["field"] == "scope"


@pytest.mark.parametrize("notice_id", ["nt-000000000000", "not-a-notice", "nt-1%23x"])
def test_an_unknown_notice_is_not_found(client, city, notice_id):
    r = get(client, f"/v1/notices/{notice_id}", city.login("zz.admin"))
    assert r.status_code == 404 and r.json_body["field"] == "notice_id"


def test_a_resident_not_yet_verified_has_no_notices(client, city):
    r = get(client, "/v1/me/notices", city.token_for("resident", "zhengzhou"))
    assert r.status_code == 404 and r.json_body["field"] == "registration"
