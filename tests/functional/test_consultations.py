"""Consultations (社区议事协商): staff open them in a place, residents of that place find them, propose
and comment while proposals are open; staff hide abusive comments, close early or cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support import JSON_HEADERS, auth, jbody

STAFF, ADMIN = "zz.wang.fang", "zz.admin"  # 荆胡 grid-1 staff (serves 荆胡), the city admin
OWNER, TENANT = "zz.zhang.guilan", "zz.zhao.min"  # 荆胡 1号楼 owner; 荆胡 2号楼 tenant
OUTSIDER = "zz.ma.lan"  # lives in 郑大社区


class Clock:
    """The consultations' clock: real time plus an offset a test can move."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


def setup_city(aws, monkeypatch):
    """郑州 with its demo residents, and a clock the test can move."""
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    aws.clock = Clock()
    monkeypatch.setattr("chalicelib.consultations.service.now", aws.clock)
    aws.tokens = {}
    return aws


@pytest.fixture
def city(aws, monkeypatch):
    return setup_city(aws, monkeypatch)


def token(city, username):
    if username not in city.tokens:
        city.tokens[username] = city.login(username)
    return city.tokens[username]


def at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def consultation(**changes):
    """A vote in 荆胡社区, open now for an hour; ``changes`` override any field."""
    body = {
        "scope": {"level": "community", "id": "jinghu"},
        "title": {"zh": "小区停车位划线方案征求意见", "en": "Parking space marking plan"},
        "question": {"zh": "选择停车位划线方案", "en": "Choose a parking layout"},
        "options": [{"id": "plan-a", "label": {"zh": "方案A", "en": "Plan A"}},
                    {"id": "plan-b", "label": {"zh": "方案B", "en": "Plan B"}}],
        "voting_open": at(-0.1), "voting_close": at(1),
    }
    body.update(changes)
    return body


def post(client, path, tok, payload):
    return client.http.post(path, headers={**auth(tok), **JSON_HEADERS}, body=jbody(payload))


def get(client, path, tok):
    return client.http.get(path, headers=auth(tok))


def create(client, city, by=STAFF, **changes):
    r = post(client, "/v1/consultations", token(city, by), consultation(**changes))
    assert r.status_code == 201, r.body
    return r.json_body


def in_proposals(client, city, **changes):
    """A consultation collecting proposals now; voting follows in two days."""
    return create(client, city, proposals_open=at(-1), proposals_close=at(24), voting_open=at(48),
                  voting_close=at(72), **changes)


def test_staff_open_a_consultation_that_residents_of_the_place_find(client, city):
    c = create(client, city)
    assert c["phase"] == "voting" and c["eligible"] == 8  # verified households of 荆胡
    assert c["scope_name"] == {"zh": "荆胡社区", "en": "Jinghu Community"} and c["created_by"] == STAFF
    mine = get(client, "/v1/consultations", token(city, OWNER))
    assert [i["consultation_id"] for i in mine.json_body["items"]] == [c["consultation_id"]]
    assert get(client, f"/v1/consultations/{c['consultation_id']}", token(city, OWNER)).json_body["title"] == c["title"]
    for who in (STAFF, ADMIN):
        assert c["consultation_id"] in [i["consultation_id"] for i in
                                        get(client, "/v1/consultations", token(city, who)).json_body["items"]]


def test_a_resident_outside_the_scope_neither_lists_nor_reads_it(client, city):
    c = create(client, city, scope={"level": "building", "id": "jinghu-g1-b2"})
    assert get(client, "/v1/consultations", token(city, OWNER)).json_body["items"] == []  # 1号楼, not 2号楼
    for who in (OWNER, OUTSIDER):
        r = get(client, f"/v1/consultations/{c['consultation_id']}", token(city, who))
        assert r.status_code == 404 and r.json_body["field"] == "consultation_id"
    assert get(client, f"/v1/consultations/{c['consultation_id']}", token(city, TENANT)).status_code == 200
    r = get(client, f"/v1/consultations/{c['consultation_id']}", token(city, "zz.zhang.lei"))  # 郑大 staff
    assert r.status_code == 403 and r.json_body["field"] == "consultation_id"


def test_the_roll_counts_households_or_persons_and_owners_only_when_asked(client, city):
    def eligible(per, owners_only):
        return create(client, city, eligibility={"per": per, "owners_only": owners_only})["eligible"]

    assert eligible("household", False) == 8
    assert eligible("person", False) == 9
    assert eligible("person", True) == 6
    assert eligible("household", True) == 6  # 2号楼 2-1203 and 6号楼 have tenants only


def test_city_wide_consultations_reach_every_community(client, city):
    c = create(client, city, by=ADMIN, scope={"level": "city"})
    assert c["eligible"] == 9
    for who in (OWNER, OUTSIDER):
        assert [i["consultation_id"] for i in get(client, "/v1/consultations", token(city, who)).json_body["items"]
                ] == [c["consultation_id"]]


@pytest.mark.parametrize(("who", "place", "status", "field"), [
    ("zz.zhang.lei", {"level": "community", "id": "jinghu"}, 403, "scope"),  # 郑大 staff in 荆胡
    (STAFF, {"level": "city"}, 403, "scope"),
    (STAFF, {"level": "street", "id": "daxuelu"}, 403, "scope"),
    (STAFF, {"level": "grid", "id": "jinghu-g9"}, 404, "scope.id"),
    (STAFF, {"level": "grid"}, 400, "scope"),
])
def test_staff_open_consultations_only_inside_their_area(client, city, who, place, status, field):
    r = post(client, "/v1/consultations", token(city, who), consultation(scope=place))
    assert r.status_code == status and r.json_body["field"] == field, r.body


@pytest.mark.parametrize(("changes", "field"), [
    ({"voting_close": at(-1)}, "voting_close"),  # closes before it opens
    ({"voting_open": at(-3), "voting_close": at(-2)}, "voting_close"),  # already over
    ({"voting_open": "2026-05-01T08:00:00"}, "voting_open"),  # no time zone
    ({"voting_open": "tomorrow"}, "voting_open"),
    ({"options": [{"id": "yes", "label": {"zh": "同意", "en": "Yes"}}]}, "options"),
    ({"options": [{"id": f"o{n}", "label": {"zh": "选项", "en": "Option"}} for n in range(11)]}, "options"),
    ({"options": [{"id": "same", "label": {"zh": "甲", "en": "A"}}] * 2}, "options"),
    ({"options": [{"id": "Plan A", "label": {"zh": "甲", "en": "A"}},
                  {"id": "b", "label": {"zh": "乙", "en": "B"}}]}, "options[0].id"),
    ({"proposals_open": at(-1)}, "proposals_close"),
    ({"proposals_open": at(2), "proposals_close": at(1), "voting_open": at(3), "voting_close": at(4)},
     "proposals_close"),
    ({"proposals_open": at(-1), "proposals_close": at(2)}, "voting_open"),  # vote before proposals close
    ({"min_turnout": 1.5}, "min_turnout"),
    ({"results": "sometimes"}, "results"),
    ({"eligibility": {"per": "pet"}}, "eligibility.per"),
    ({"title": {"zh": "只有中文"}}, "title.en"),
    ({"question": {"zh": "", "en": "?"}}, "question.zh"),
    ({"quorum": 3}, "quorum"),
])
def test_a_bad_consultation_is_refused_naming_the_field(client, city, changes, field):
    r = post(client, "/v1/consultations", token(city, STAFF), consultation(**changes))
    assert r.status_code == 400 and r.json_body["field"] == field, r.body


def test_residents_see_open_consultations_first_then_the_newest(client, city):
    old_vote = create(client, city)["consultation_id"]
    later = create(client, city, voting_open=at(24), voting_close=at(48))["consultation_id"]
    cancelled = create(client, city)["consultation_id"]
    assert post(client, f"/v1/consultations/{cancelled}/cancel", token(city, STAFF),
                {"reason": "方案需要重新论证"}).status_code == 200
    debate = in_proposals(client, city)["consultation_id"]
    items = get(client, "/v1/consultations", token(city, OWNER)).json_body["items"]
    assert [(i["consultation_id"], i["phase"]) for i in items] == [
        (debate, "proposals"), (old_vote, "voting"), (cancelled, "cancelled"), (later, "scheduled")]
    first = get(client, "/v1/consultations?limit=1", token(city, OWNER)).json_body["items"]
    assert [i["consultation_id"] for i in first] == [debate]
    r = get(client, "/v1/consultations?limit=0", token(city, OWNER))
    assert r.status_code == 400 and r.json_body["field"] == "limit"


def test_an_unregistered_resident_is_told_to_register_first(client, city):
    r = get(client, "/v1/consultations", city.token_for("resident", "zhengzhou"))
    assert r.status_code == 404 and r.json_body["field"] == "registration"


def test_residents_propose_and_comment_while_proposals_are_open(client, city):
    c = in_proposals(client, city)
    base = f"/v1/consultations/{c['consultation_id']}"
    p = post(client, base + "/proposals", token(city, OWNER), {"title": "增设儿童游乐区", "text": "靠近3号楼空地"})
    assert p.status_code == 201 and p.json_body["author"] == "张*兰", p.body
    on_p = post(client, base + "/comments", token(city, TENANT),
                {"text": "赞成", "proposal_id": p.json_body["proposal_id"]})
    general = post(client, base + "/comments", token(city, OWNER), {"text": "希望多种树"})
    assert on_p.status_code == general.status_code == 201
    d = get(client, base + "/proposals", token(city, TENANT)).json_body
    assert [x["title"] for x in d["proposals"]] == ["增设儿童游乐区"]
    assert [x["text"] for x in d["proposals"][0]["comments"]] == ["赞成"]
    assert [x["text"] for x in d["comments"]] == ["希望多种树"]
    assert "author_id" not in str(d) and "zz." not in str(d)


@pytest.mark.parametrize("when", ["before", "after", "never"])
def test_proposing_or_commenting_outside_the_proposal_window_is_refused(client, city, when):
    if when == "never":
        c = create(client, city)
    else:
        c = create(client, city, proposals_open=at(1), proposals_close=at(2), voting_open=at(3), voting_close=at(4))
        if when == "after":
            city.clock.advance(hours=2.5)
    base = f"/v1/consultations/{c['consultation_id']}"
    for path, payload in (("/proposals", {"title": "建议", "text": "内容"}), ("/comments", {"text": "评论"})):
        r = post(client, base + path, token(city, OWNER), payload)
        assert r.status_code == 409 and r.json_body["field"] == "phase", r.body


@pytest.mark.parametrize(("path", "payload", "status", "field"), [
    ("/proposals", {"title": "x", "text": "内容足够"}, 400, "title"),
    ("/proposals", {"title": "建议"}, 400, "text"),
    ("/comments", {"text": ""}, 400, "text"),
    ("/comments", {"text": "好", "proposal_id": "p20990101000000000000-ffff"}, 404, "proposal_id"),
    ("/comments", {"text": "好", "proposal_id": "../x"}, 400, "proposal_id"),
])
def test_bad_proposals_and_comments_name_the_field(client, city, path, payload, status, field):
    c = in_proposals(client, city)
    r = post(client, f"/v1/consultations/{c['consultation_id']}{path}", token(city, OWNER), payload)
    assert r.status_code == status and r.json_body["field"] == field, r.body


def test_staff_hide_an_abusive_comment_which_stays_marked_with_the_reason(client, city):
    c = in_proposals(client, city)
    base = f"/v1/consultations/{c['consultation_id']}"
    comment_id = post(client, base + "/comments", token(city, TENANT), {"text": "骂人的话"}).json_body["comment_id"]
    hide = f"{base}/comments/{comment_id}/hide"
    r = post(client, hide, token(city, "zz.zhang.lei"), {"reason": "人身攻击"})  # not his community
    assert r.status_code == 403
    r = post(client, hide, token(city, STAFF), {"reason": "x"})
    assert r.status_code == 400 and r.json_body["field"] == "reason"
    r = post(client, hide, token(city, STAFF), {"reason": "人身攻击"})
    assert r.status_code == 200 and r.json_body["hidden"] is True, r.body
    seen = get(client, base + "/proposals", token(city, OWNER)).json_body["comments"][0]
    assert (seen["hidden"], seen["text"], seen["hidden_reason"]) == (True, None, "人身攻击")
    assert get(client, base + "/proposals", token(city, STAFF)).json_body["comments"][0]["text"] == "骂人的话"
    again = post(client, hide, token(city, STAFF), {"reason": "人身攻击"})
    assert again.status_code == 409 and again.json_body["field"] == "comment_id"
    for missing in ("c20990101000000000000-ffff", "no%23pe"):
        r = post(client, f"{base}/comments/{missing}/hide", token(city, STAFF), {"reason": "人身攻击"})
        assert r.status_code == 404 and r.json_body["field"] == "comment_id"
    assert post(client, hide, token(city, OWNER), {"reason": "人身攻击"}).status_code == 403


def test_staff_close_voting_early_and_only_once(client, city):
    c = create(client, city)
    close = f"/v1/consultations/{c['consultation_id']}/close"
    assert post(client, close, token(city, OWNER), {}).status_code == 403
    r = post(client, close, token(city, STAFF), {})
    assert r.status_code == 200 and r.json_body["phase"] == "closed" and r.json_body["closed_at"], r.body
    again = post(client, close, token(city, STAFF), {})
    assert again.status_code == 409 and again.json_body["field"] == "phase"
    early = create(client, city, voting_open=at(24), voting_close=at(48))
    r = post(client, f"/v1/consultations/{early['consultation_id']}/close", token(city, STAFF), {})
    assert r.status_code == 409 and r.json_body["field"] == "phase"


def test_staff_cancel_with_a_reason_until_it_closes(client, city):
    c = create(client, city)
    cancel = f"/v1/consultations/{c['consultation_id']}/cancel"
    r = post(client, cancel, token(city, STAFF), {})
    assert r.status_code == 400 and r.json_body["field"] == "reason"
    r = post(client, cancel, token(city, STAFF), {"reason": "业委会换届，暂缓表决"})
    assert r.status_code == 200 and (r.json_body["phase"], r.json_body["cancel_reason"]) == (
        "cancelled", "业委会换届，暂缓表决")
    again = post(client, cancel, token(city, ADMIN), {"reason": "再次取消"})
    assert again.status_code == 409 and again.json_body["field"] == "phase"
    over = create(client, city)
    city.clock.advance(hours=2)
    r = post(client, f"/v1/consultations/{over['consultation_id']}/cancel", token(city, STAFF), {"reason": "太晚了"})
    assert r.status_code == 409 and r.json_body["field"] == "phase"


@pytest.mark.parametrize("consultation_id", ["cs-20990101-00000000", "NOT-AN-ID", "a%23b"])
def test_an_unknown_consultation_is_404_naming_it(client, city, consultation_id):
    r = get(client, f"/v1/consultations/{consultation_id}", token(city, OWNER))
    assert r.status_code == 404 and r.json_body["field"] == "consultation_id"
