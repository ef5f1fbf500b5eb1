"""议事协商与投票 in the browser: a resident votes once (choose, confirm) and cannot vote twice; the
results after staff close the vote; elder mode's one large button per option; proposals and comments.
Each test opens its own consultation in 荆胡 8号楼 or 6号楼 through the API as staff, so the demo
consultations stay as they are for everyone else."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.e2e.browser.site import ELDER
from tests.e2e.helpers import call

pytestmark = pytest.mark.e2e

STAFF = "zz.wang.fang"
XSS = '<img src=x onerror="window.__xss = 1">'


def iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_consultation(stack: dict, building: str, *, per: str = "person", owners_only: bool = False,
                      proposals: bool = False, **extra) -> dict:
    """A consultation of our own (a unique title), voting now — or proposals now, voting later."""
    tag = secrets.token_hex(3)
    times = ({"proposals_open": iso(-timedelta(minutes=1)), "proposals_close": iso(timedelta(days=1)),
              "voting_open": iso(timedelta(days=1, minutes=1)), "voting_close": iso(timedelta(days=3))}
             if proposals else {"voting_open": iso(-timedelta(minutes=1)), "voting_close": iso(timedelta(days=2))})
    body = {"scope": {"level": "building", "id": building},
            "title": {"zh": f"楼道照明改造表决 {tag}", "en": f"Stairwell lighting vote {tag}"},
            "question": {"zh": "是否将楼道灯更换为声控 LED 灯？", "en": "Replace the stairwell lights with LEDs?"},
            "options": [{"id": "yes", "label": {"zh": "同意更换", "en": "Yes, replace them"}},
                        {"id": "no", "label": {"zh": "暂不更换", "en": "Not now"}}],
            "eligibility": {"per": per, "owners_only": owners_only}, **times, **extra}
    status, doc = call(stack, STAFF, "POST", "/v1/consultations", body)
    assert status == 201, doc
    return doc


def test_a_resident_votes_once_and_cannot_vote_twice(open_site, stack):
    # GIVEN an owners' vote of 吴秀英's building, one ballot per person, no changes allowed
    c = open_consultation(stack, "jinghu-g3-b8", owners_only=True, min_turnout=0.5)
    title, cid = c["title"]["zh"], c["consultation_id"]
    resident = open_site("resident")
    resident.sign_in("zz.wu.xiuying")
    # a second tab, opened before the vote, that will try to vote again
    stale = open_site("second-tab")
    stale.sign_in("zz.wu.xiuying")
    stale.open(f"#/consultations/{cid}")
    stale.screen("consultations-detail")

    resident.open("#/consultations")
    resident.screen("consultations-list")
    item = resident.page.locator(".cs-item").filter(has_text=title)
    assert "投票中" in item.inner_text() and "待投票" in item.inner_text()
    resident.axe("consultations list")

    # WHEN she chooses an option, then confirms it in a separate step
    item.get_by_role("link").click()
    resident.screen("consultations-detail")
    main = resident.main_text()
    assert title in main and "一人一票 · 仅限业主" in main and "投票后不能更改" in main
    resident.axe("vote, choosing")
    resident.page.get_by_role("button", name="下一步：确认").click()  # nothing chosen yet: refused on the spot
    resident.page.locator('[data-error-for="option_id"]').filter(has_text="此项必填").wait_for()
    resident.page.get_by_label("同意更换").check()
    resident.page.get_by_role("button", name="下一步：确认").click()
    confirm = resident.page.locator(".cs-confirm")
    confirm.wait_for()
    assert "你选择了" in confirm.inner_text() and "同意更换" in confirm.inner_text()
    assert resident.page.locator("input[name=option_id]").count() == 0
    resident.axe("vote, confirming")
    resident.page.get_by_role("button", name="确认投票").click()

    # THEN she sees that she has voted, her choice and a receipt code that is in the public list
    resident.page.locator("#toast").filter(has_text="投票成功").wait_for()
    resident.screen("consultations-detail")
    ballot = resident.page.locator("#cs-ballot")
    ballot.wait_for()
    text = ballot.inner_text()
    assert "你已投票" in text and "同意更换" in text and "已核对" in text
    receipt = resident.page.locator(".cs-receipt").inner_text()
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", receipt)
    assert resident.page.get_by_role("button", name="确认投票").count() == 0
    assert resident.page.locator("input[name=option_id]").count() == 0
    assert resident.page.get_by_role("button", name="更改我的选择").count() == 0
    resident.axe("vote, voted")

    resident.reload()
    resident.screen("consultations-detail")
    assert "你已投票" in resident.main_text() and resident.page.locator("input[name=option_id]").count() == 0
    resident.open("#/consultations")
    resident.screen("consultations-list")
    assert "已投票" in resident.page.locator(".cs-item").filter(has_text=title).inner_text()

    # AND a second vote — from the tab opened earlier — is refused and shows the ballot already cast
    stale.page.get_by_label("暂不更换").check()
    stale.page.get_by_role("button", name="下一步：确认").click()
    stale.page.get_by_role("button", name="确认投票").click()
    error = stale.page.locator("#cs-vote-error")
    error.filter(has_text="你已经投过票了，不能重复投票").wait_for()
    assert error.get_attribute("role") == "alert"
    assert "同意更换" in stale.page.locator("#cs-ballot").inner_text()
    assert stale.page.locator(".cs-receipt").inner_text() == receipt
    stale.axe("vote refused")

    # AND through the API too; one ballot was counted
    status, doc = call(stack, "zz.wu.xiuying", "POST", f"/v1/consultations/{cid}/votes", {"option_id": "no"})
    assert (status, doc.get("field")) == (409, "ballot")
    status, results = call(stack, STAFF, "GET", f"/v1/consultations/{cid}/results")
    assert status == 200 and results["voters"] == 1
    assert {o["option_id"]: o["votes"] for o in results["options"]} == {"yes": 1, "no": 0}


def test_results_with_turnout_are_shown_after_staff_close_the_vote(open_site, stack):
    # GIVEN a household vote of 8号楼 in which 吴大伟 cast his household's ballot
    c = open_consultation(stack, "jinghu-g3-b8", per="household", min_turnout=0.01)
    cid, eligible = c["consultation_id"], c["eligible"]
    status, _ = call(stack, "zz.wu.dawei", "POST", f"/v1/consultations/{cid}/votes", {"option_id": "yes"})
    assert status == 201
    site = open_site("resident", width=1024, height=900)
    site.sign_in("zz.wu.xiuying")
    site.open(f"#/consultations/{cid}")
    site.screen("consultations-detail")
    # results are published after the close: none yet, and her household's ballot is shown to her
    assert site.page.locator(".cs-results").count() == 0
    assert "你家已投票（一户一票）" in site.main_text()

    # WHEN staff close the vote early
    status, closed = call(stack, STAFF, "POST", f"/v1/consultations/{cid}/close")
    assert status == 200 and closed["phase"] == "closed"

    # THEN the resident sees the final results: turnout, the minimum met, a chart and the table
    site.reload()
    site.screen("consultations-detail")
    results = site.page.locator(".cs-results")
    results.wait_for()
    text = results.inner_text()
    assert "最终结果" in text
    assert f"已有 1 户参与，应参与 {eligible} 户" in text
    assert "最低参与率 1%：已达到" in text and "本次投票结果有效" in text and "得票最多：同意更换" in text
    rows = site.page.locator(".cs-table tbody tr")
    assert rows.count() == 2
    assert "同意更换" in rows.nth(0).inner_text() and "1" in rows.nth(0).locator("td").nth(0).inner_text()
    assert "得票最多" in rows.nth(0).inner_text()
    site.page.locator(".cs-chart canvas").first.wait_for()
    assert site.page.locator(".cs-table caption").inner_text() == "各选项得票"
    assert "已结束" in site.main_text()
    site.axe("results after close")

    # AND the list gives the day it actually ended, not the planned close two days later
    site.open("#/consultations")
    site.screen("consultations-list")
    item = site.page.locator(".cs-item").filter(has_text=c["title"]["zh"]).inner_text()
    ended, planned = (datetime.fromisoformat(x).astimezone(timezone(timedelta(hours=8)))
                      for x in (closed["closed_at"], c["voting_close"]))
    assert f"{ended.month}月{ended.day}日" in item and f"{planned.month}月{planned.day}日" not in item, item


def test_elder_mode_shows_one_large_button_per_option_and_a_plain_confirm_step(open_site, stack):
    c = open_consultation(stack, "jinghu-g2-b6")  # 陈雨's building, one ballot per person
    site = open_site("elder", init_script=ELDER)
    site.sign_in("zz.chen.yu")
    site.open(f"#/consultations/{c['consultation_id']}")
    site.screen("consultations-detail")
    assert site.page.locator("html.elder").count() == 1
    choices = site.page.locator(".cs-choices .btn")
    assert choices.count() == 2
    assert min(b["height"] for b in (choices.nth(i).bounding_box() for i in range(2))) >= 48
    assert site.page.locator("input[type=radio]").count() == 0
    # one task: the vote, without the details card or live numbers
    assert site.page.locator(".cs-results").count() == 0 and "议事信息" not in site.main_text()
    site.axe("elder vote")

    site.page.get_by_role("button", name="同意更换").click()
    site.page.locator(".cs-confirm").wait_for()
    assert "同意更换" in site.page.locator(".cs-confirm").inner_text()
    site.axe("elder confirm")
    site.page.get_by_role("button", name="确认投票").click()
    site.page.locator("#toast").filter(has_text="投好了").wait_for()
    site.page.locator("#cs-ballot").filter(has_text="你已投票").wait_for()
    heights = site.page.eval_on_selector_all("main .btn", "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 48
    site.axe("elder voted")


def test_residents_propose_and_comment_while_proposals_are_open_and_text_stays_text(open_site, stack):
    c = open_consultation(stack, "jinghu-g3-b8", proposals=True)
    site = open_site("resident")
    site.sign_in("zz.wu.dawei")
    site.open(f"#/consultations/{c['consultation_id']}")
    site.screen("consultations-detail")
    assert "征集建议中" in site.main_text() and "还没有人提建议" in site.main_text()
    site.axe("proposals open")

    site.page.get_by_role("button", name="我要提建议").click()
    site.page.fill("#f-title", "楼道加装扶手")
    site.page.fill("#f-text", XSS)
    site.axe("proposal form")
    site.page.get_by_role("button", name="提交建议").click()
    site.page.locator("#toast").filter(has_text="建议已提交").wait_for()
    proposal = site.page.locator(".cs-proposal").filter(has_text="楼道加装扶手")
    proposal.wait_for()
    assert XSS in proposal.inner_text() and "吴*伟" in proposal.inner_text()

    proposal.get_by_role("button", name="评论这条建议").click()
    site.page.fill("#f-text", "赞成，老人上下楼更安全。")
    site.page.get_by_role("button", name="发表", exact=True).click()
    site.page.locator("#toast").filter(has_text="评论已发表").wait_for()
    site.page.locator(".cs-comment").filter(has_text="老人上下楼更安全").wait_for()
    assert site.page.locator("main img").count() == 0
    assert site.page.evaluate("() => window.__xss") is None
    site.axe("proposal with a comment")
