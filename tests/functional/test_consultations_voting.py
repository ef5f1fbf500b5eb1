"""Votes (业主投票): one ballot per eligible voter, kept under concurrency; changes move the tally
atomically; results, turnout and validity; each voter audits their own ballot without revealing it."""

from __future__ import annotations

import threading

import pytest

from chalicelib.auth import users
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.consultations.inputs import VoteIn
from chalicelib.consultations.voting import VotingService
from chalicelib.errors import Conflict
from tests.functional.test_consultations import (
    ADMIN,
    OUTSIDER,
    OWNER,
    STAFF,
    TENANT,
    at,
    create,
    get,
    post,
    setup_city,
    token,
)
from tests.support import JSON_HEADERS, auth, jbody


@pytest.fixture
def city(aws, monkeypatch):
    return setup_city(aws, monkeypatch)


WU, WU_SON = "zz.wu.xiuying", "zz.wu.dawei"  # one household in 荆胡 8号楼: owner and family member
B2_OWNER = "zz.wang.jianjun"  # 荆胡 2号楼, whose other household is TENANT's


def vote(client, city, who, cid, option):
    return post(client, f"/v1/consultations/{cid}/votes", token(city, who), {"option_id": option})


def results(client, city, who, cid):
    return get(client, f"/v1/consultations/{cid}/results", token(city, who))


def counts(client, city, cid):
    return {o["option_id"]: o["votes"] for o in results(client, city, STAFF, cid).json_body["options"]}


def test_a_voter_sees_their_own_ballot_and_finds_its_receipt_in_the_audit(client, city):
    cid = create(client, city)["consultation_id"]
    r = vote(client, city, OWNER, cid, "plan-b")
    assert r.status_code == 201, r.body
    mine = get(client, f"/v1/consultations/{cid}/ballot", token(city, OWNER)).json_body["ballot"]
    assert (mine["option_id"], mine["receipt"], mine["household_id"]) == ("plan-b", r.json_body["receipt"],
                                                                           "jinghu-g1-b1-1-302")
    audit = get(client, f"/v1/consultations/{cid}/audit", token(city, TENANT)).json_body
    assert audit["receipts"] == [mine["receipt"]] and audit["count"] == 1
    assert "plan-b" not in str(audit) and "302" not in str(audit)
    staff_view = get(client, f"/v1/consultations/{cid}/voters", token(city, STAFF)).json_body
    voter = staff_view["voters"][0]
    assert (voter["household_id"], voter["name"], voter["building_name"]["zh"]) == ("jinghu-g1-b1-1-302", "张*兰",
                                                                                      "1号楼")
    assert "plan" not in str(staff_view) and mine["receipt"] not in str(staff_view)
    assert get(client, f"/v1/consultations/{cid}/voters", token(city, OWNER)).status_code == 403
    r = get(client, f"/v1/consultations/{cid}/ballot", token(city, B2_OWNER))
    assert r.status_code == 200 and r.json_body == {"ballot": None}  # not voted yet: an answer, not an error


def test_a_second_vote_is_refused_when_changes_are_not_allowed(client, city):
    cid = create(client, city)["consultation_id"]
    assert vote(client, city, OWNER, cid, "plan-a").status_code == 201
    again = vote(client, city, OWNER, cid, "plan-b")
    assert again.status_code == 409 and again.json_body["field"] == "ballot"
    same = vote(client, city, OWNER, cid, "plan-a")
    assert same.status_code == 409 and same.json_body["field"] == "ballot"
    assert counts(client, city, cid) == {"plan-a": 1, "plan-b": 0}


def test_a_changed_vote_moves_the_tally_and_keeps_the_receipt(client, city):
    cid = create(client, city, allow_change=True)["consultation_id"]
    first = vote(client, city, OWNER, cid, "plan-a").json_body
    vote(client, city, B2_OWNER, cid, "plan-a")
    changed = vote(client, city, OWNER, cid, "plan-b")
    assert changed.status_code == 201 and changed.json_body["option_id"] == "plan-b" and changed.json_body["changed_at"]
    assert changed.json_body["receipt"] == first["receipt"]
    assert counts(client, city, cid) == {"plan-a": 1, "plan-b": 1}
    assert vote(client, city, OWNER, cid, "plan-b").status_code == 201  # the same choice again changes nothing
    assert counts(client, city, cid) == {"plan-a": 1, "plan-b": 1}
    assert get(client, f"/v1/consultations/{cid}/audit", token(city, OWNER)).json_body["count"] == 2


def test_per_household_one_member_votes_for_the_household(client, city):
    cid = create(client, city)["consultation_id"]
    assert vote(client, city, WU, cid, "plan-a").status_code == 201
    r = vote(client, city, WU_SON, cid, "plan-b")
    assert r.status_code == 409 and r.json_body["field"] == "ballot"
    mine = get(client, f"/v1/consultations/{cid}/ballot", token(city, WU_SON)).json_body["ballot"]
    assert mine["option_id"] == "plan-a"
    assert counts(client, city, cid) == {"plan-a": 1, "plan-b": 0}


def test_per_person_every_member_of_a_household_votes(client, city):
    cid = create(client, city, eligibility={"per": "person"})["consultation_id"]
    assert vote(client, city, WU, cid, "plan-a").status_code == 201
    assert vote(client, city, WU_SON, cid, "plan-b").status_code == 201
    assert counts(client, city, cid) == {"plan-a": 1, "plan-b": 1}
    mine = get(client, f"/v1/consultations/{cid}/ballot", token(city, WU_SON)).json_body["ballot"]
    assert mine["option_id"] == "plan-b"


def test_only_owners_vote_in_an_owners_vote(client, city):
    cid = create(client, city, eligibility={"per": "household", "owners_only": True})["consultation_id"]
    r = vote(client, city, TENANT, cid, "plan-a")
    assert r.status_code == 403 and r.json_body["field"] == "eligibility" and "业主" in r.json_body["message"]
    r = vote(client, city, WU_SON, cid, "plan-a")  # a family member, not the owner
    assert r.status_code == 403 and r.json_body["field"] == "eligibility"
    assert vote(client, city, WU, cid, "plan-a").status_code == 201


def test_a_resident_verified_after_publication_is_not_on_the_roll(client, city):
    cid = create(client, city)["consultation_id"]
    newcomer = city.token_for("resident", "zhengzhou")
    reg = post(client, "/v1/me/registration", newcomer, {"community_id": "jinghu", "building_id": "jinghu-g1-b1",
                                                         "unit": 1, "room": "1101", "name": "钱多多",
                                                         "phone": "13700002222", "relation": "owner"})
    post(client, f"/v1/residents/{reg.json_body['resident_id']}/verification", token(city, STAFF),
         {"decision": "approve"})
    r = post(client, f"/v1/consultations/{cid}/votes", newcomer, {"option_id": "plan-a"})
    assert r.status_code == 403 and r.json_body["field"] == "eligibility"
    assert get(client, f"/v1/consultations/{cid}", newcomer).status_code == 200  # but may read it


@pytest.mark.parametrize(("option", "field"), [("plan-z", "option_id"), ("Plan A", "option_id"), (None, "option_id")])
def test_a_vote_for_an_unknown_option_names_option_id(client, city, option, field):
    cid = create(client, city)["consultation_id"]
    r = vote(client, city, OWNER, cid, option)
    assert r.status_code == 400 and r.json_body["field"] == field, r.body
    r = post(client, f"/v1/consultations/{cid}/votes", token(city, OWNER), {"option_id": "plan-a", "weight": 2})
    assert r.status_code == 400 and r.json_body["field"] == "weight"
    r = client.http.post(f"/v1/consultations/{cid}/votes", headers={**auth(token(city, OWNER)), **JSON_HEADERS},
                         body=b"{not json")
    assert r.status_code == 400


def test_voting_outside_its_window_is_refused_naming_the_phase(client, city):
    cid = create(client, city, voting_open=at(1), voting_close=at(2))["consultation_id"]
    early = vote(client, city, OWNER, cid, "plan-a")
    assert early.status_code == 409 and early.json_body["field"] == "phase"
    city.clock.advance(hours=1.5)
    assert vote(client, city, OWNER, cid, "plan-a").status_code == 201
    city.clock.advance(hours=1)
    late = vote(client, city, B2_OWNER, cid, "plan-a")
    assert late.status_code == 409 and late.json_body["field"] == "phase"


def test_no_vote_counts_after_an_early_close_or_a_cancellation(client, city):
    closed, cancelled = create(client, city)["consultation_id"], create(client, city)["consultation_id"]
    post(client, f"/v1/consultations/{closed}/close", token(city, STAFF), {})
    post(client, f"/v1/consultations/{cancelled}/cancel", token(city, ADMIN), {"reason": "方案有误"})
    for cid in (closed, cancelled):
        r = vote(client, city, OWNER, cid, "plan-a")
        assert r.status_code == 409 and r.json_body["field"] == "phase"
    r = results(client, city, OWNER, cancelled)
    assert r.status_code == 409 and r.json_body["field"] == "phase"


def test_a_resident_outside_the_scope_cannot_vote(client, city):
    cid = create(client, city, scope={"level": "grid", "id": "jinghu-g1"})["consultation_id"]
    for who in (OUTSIDER, WU):  # 郑大社区; 荆胡 grid 3
        r = vote(client, city, who, cid, "plan-a")
        assert r.status_code == 404 and r.json_body["field"] == "consultation_id"


def test_results_reach_residents_after_close_while_staff_see_live_counts(client, city):
    cid = create(client, city)["consultation_id"]
    vote(client, city, OWNER, cid, "plan-a")
    hidden = results(client, city, OWNER, cid)
    assert hidden.status_code == 409 and hidden.json_body["field"] == "phase"
    live = results(client, city, STAFF, cid).json_body
    assert (live["final"], live["voters"], live["phase"]) == (False, 1, "voting")
    city.clock.advance(hours=2)
    shown = results(client, city, OWNER, cid)
    assert shown.status_code == 200 and shown.json_body["final"] is True and shown.json_body["winners"] == ["plan-a"]


def test_live_results_are_shown_to_residents_during_the_vote(client, city):
    cid = create(client, city, results="live")["consultation_id"]
    vote(client, city, OWNER, cid, "plan-a")
    vote(client, city, B2_OWNER, cid, "plan-b")
    r = results(client, city, TENANT, cid).json_body
    assert ({o["option_id"]: o["votes"] for o in r["options"]}, r["final"]) == ({"plan-a": 1, "plan-b": 1}, False)
    assert r["winners"] == ["plan-a", "plan-b"]  # a tie


@pytest.mark.parametrize(("min_turnout", "valid"), [(0.5, True), (0.75, False)])
def test_the_result_is_valid_only_when_turnout_reaches_the_minimum(client, city, min_turnout, valid):
    # 荆胡 2号楼 has two verified households: one vote is half of them.
    building = {"level": "building", "id": "jinghu-g1-b2"}
    cid = create(client, city, scope=building, min_turnout=min_turnout)["consultation_id"]
    vote(client, city, B2_OWNER, cid, "plan-b")
    city.clock.advance(hours=2)
    r = results(client, city, TENANT, cid).json_body
    assert (r["eligible"], r["voters"], r["turnout"], r["valid"]) == (2, 1, 0.5, valid)
    assert r["winners"] == ["plan-b"]


def test_a_vote_nobody_cast_has_no_winner_and_is_not_valid(client, city):
    cid = create(client, city)["consultation_id"]
    post(client, f"/v1/consultations/{cid}/close", token(city, ADMIN), {})
    r = results(client, city, OWNER, cid).json_body
    assert (r["voters"], r["turnout"], r["winners"], r["valid"]) == (0, 0.0, [], False)


def _principal(username):
    info = users.lookup(username)
    return Principal(info.user_id, username, "zhengzhou", frozenset({Role.RESIDENT}))


def test_simultaneous_votes_of_one_household_count_exactly_once(client, city, atomic_dynamodb):
    cid = create(client, city)["consultation_id"]
    voters, outcomes, start = [_principal(WU), _principal(WU_SON)], [], threading.Barrier(8)

    def worker(n):
        service = VotingService(voters[n % 2], clock=city.clock)
        start.wait()
        try:
            outcomes.append(service.vote(cid, VoteIn(option_id="plan-a" if n % 2 else "plan-b")).receipt)
        except Conflict as exc:
            outcomes.append(exc.field)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=60)
    assert len(outcomes) == 8 and outcomes.count("ballot") == 7
    assert sum(counts(client, city, cid).values()) == 1
    assert get(client, f"/v1/consultations/{cid}/audit", token(city, WU)).json_body["count"] == 1


def test_simultaneous_changes_of_one_vote_leave_the_tally_consistent(client, city, atomic_dynamodb):
    cid = create(client, city, allow_change=True)["consultation_id"]
    vote(client, city, WU, cid, "plan-a")
    done, start = [], threading.Barrier(6)

    def worker(n):
        service = VotingService(_principal(WU if n % 2 else WU_SON), clock=city.clock)
        start.wait()
        try:
            done.append(service.vote(cid, VoteIn(option_id="plan-b" if n % 2 else "plan-a")).option_id)
        except Conflict as exc:
            done.append(exc.field)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=60)
    assert len(done) == 6
    ballot = get(client, f"/v1/consultations/{cid}/ballot", token(city, WU)).json_body["ballot"]["option_id"]
    assert counts(client, city, cid) == {"plan-a": int(ballot == "plan-a"), "plan-b": int(ballot == "plan-b")}


def test_staff_and_admins_cannot_vote_and_residents_cannot_open_consultations(client, city):
    cid = create(client, city)["consultation_id"]
    assert vote(client, city, STAFF, cid, "plan-a").status_code == 403
    r = client.http.post("/v1/consultations", headers={**auth(token(city, OWNER)), **JSON_HEADERS},
                         body=jbody({"title": "x"}))
    assert r.status_code == 403
