"""Consultations and votes: a 郑州 vote with a ballot cast, and a consultation collecting proposals — in
农业院社区, so the households other modules verify in 荆胡 are not counted here, nor ours there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.auth import users
from chalicelib.auth.roles import Role
from tests.functional.isolation import OTHER, Other, Samples
from tests.support import JSON_HEADERS, PASSWORD, auth, jbody

VOTER = "zz.iso.voter"  # not the matrix's generic resident, whose registration core.py keeps pending
VOTE_TITLE, DEBATE_TITLE = "郑州隔离核对表决", "郑州隔离核对议事"


def _at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def _consultation(title: str, **times: str) -> dict[str, object]:
    return {"scope": {"level": "community", "id": "nongyeyuan"}, "title": {"zh": title, "en": "Isolation check"},
            "question": {"zh": "是否同意", "en": "Agree?"},
            "options": [{"id": "yes", "label": {"zh": "同意", "en": "Yes"}},
                        {"id": "no", "label": {"zh": "不同意", "en": "No"}}], **times}


def samples(other: Other) -> Samples:
    client, admin = other.client, {**auth(other.token("city_admin")), **JSON_HEADERS}
    users.ensure_user(users.NewUser(VOTER, OTHER, Role.RESIDENT, password=PASSWORD))
    voter = {**auth(other.world.login(VOTER)), **JSON_HEADERS}

    def post(path: str, headers: dict[str, str], payload: dict[str, object]) -> dict[str, str]:
        r = client.http.post(path, headers=headers, body=jbody(payload))
        assert r.status_code in (200, 201), r.body
        return dict(r.json_body)

    reg = post("/v1/me/registration", voter, {
        "community_id": "nongyeyuan", "building_id": "nongyeyuan-g1-b1", "unit": 1, "room": "0902",
        "name": "郑议事", "phone": "13700003333", "relation": "owner"})
    post(f"/v1/residents/{reg['resident_id']}/verification", admin, {"decision": "approve"})
    vote = post("/v1/consultations", admin, _consultation(VOTE_TITLE, voting_open=_at(-0.1), voting_close=_at(2)))
    debate = post("/v1/consultations", admin, _consultation(
        DEBATE_TITLE, proposals_open=_at(-0.1), proposals_close=_at(2), voting_open=_at(3), voting_close=_at(4)))
    vote_id, debate_id = vote["consultation_id"], debate["consultation_id"]
    receipt = post(f"/v1/consultations/{vote_id}/votes", voter, {"option_id": "yes"})["receipt"]
    proposal = post(f"/v1/consultations/{debate_id}/proposals", voter, {"title": "隔离提案", "text": "郑州提案内容"})
    comment = post(f"/v1/consultations/{debate_id}/comments", voter, {"text": "郑州评论内容"})
    one = "/v1/consultations/{consultation_id}"
    reason = (JSON_HEADERS, jbody({"reason": "isolation test"}))
    return Samples(
        params={"consultation_id": vote_id, "comment_id": comment["comment_id"]},
        bodies={
            ("POST", "/v1/consultations"): (JSON_HEADERS, jbody(_consultation(
                VOTE_TITLE, voting_open=_at(-0.1), voting_close=_at(2)))),
            ("POST", one + "/proposals"): (JSON_HEADERS, jbody({"title": "isolation", "text": "isolation test"})),
            ("POST", one + "/comments"): (JSON_HEADERS, jbody({"text": "isolation test"})),
            ("POST", one + "/comments/{comment_id}/hide"): reason,
            ("POST", one + "/votes"): (JSON_HEADERS, jbody({"option_id": "no"})),
            ("POST", one + "/close"): (JSON_HEADERS, jbody({})),
            ("POST", one + "/cancel"): reason,
        },
        markers=[vote_id, debate_id, VOTE_TITLE, DEBATE_TITLE, receipt, proposal["proposal_id"],
                 comment["comment_id"], "郑州评论内容", "郑*事"],
    )


def unchanged(other: Other) -> None:
    client, admin = other.client, auth(other.token("city_admin"))
    items = {i["title"]["zh"]: i for i in client.http.get("/v1/consultations", headers=admin).json_body["items"]}
    vote, debate = items[VOTE_TITLE], items[DEBATE_TITLE]
    assert (vote["phase"], debate["phase"]) == ("voting", "proposals")
    results = client.http.get(f"/v1/consultations/{vote['consultation_id']}/results", headers=admin).json_body
    assert {o["option_id"]: o["votes"] for o in results["options"]} == {"yes": 1, "no": 0}
    discussion = client.http.get(f"/v1/consultations/{debate['consultation_id']}/proposals", headers=admin).json_body
    assert [p["title"] for p in discussion["proposals"]] == ["隔离提案"]
    assert [(c["text"], c["hidden"]) for c in discussion["comments"]] == [("郑州评论内容", False)]
