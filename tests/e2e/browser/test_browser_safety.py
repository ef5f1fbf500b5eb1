"""家庭安全 in the browser: 李娜 follows her mother 张桂兰's safety status with a way to call; 张桂兰
herself, in elder mode, sees a plain status and the numbers to call; a resident invited as a family
contact accepts the invitation and then sees the status."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser.site import ELDER
from tests.e2e.helpers import api

pytestmark = pytest.mark.e2e

SUMMARIES = ("一切正常", "需要留意", "紧急")


def test_a_daughter_sees_her_mothers_status_with_a_call_button(site):
    site.sign_in("zz.li.na")
    site.open("#/safety")
    site.screen("safety-home")
    card = site.page.locator(".sf-subject").filter(has_text="张*兰 的安全状况")
    card.wait_for()
    text = card.inner_text()
    assert "你是TA的：子女" in text
    assert sum(s in card.locator(".sf-summary .badge").inner_text() for s in SUMMARIES) == 1
    assert "最近活动" in text and "最近一次上门巡访" in text
    assert "王芳" in text  # her grid worker, by name, with the work phone on the community's board: one tap
    assert "联系网格员王芳" in card.locator('a.sf-call[href="tel:13903711101"]').inner_text()
    # and her mother herself, one tap: the first call when nothing is urgent
    mother = card.locator('a.sf-call[href="tel:13803711201"]')
    assert "给TA打电话" in mother.inner_text()
    if "紧急" not in card.locator(".sf-summary .badge").inner_text():
        assert card.locator("a.sf-call").first.get_attribute("href") == "tel:13803711201"
    visit = card.locator(".facts div").filter(has_text="最近一次上门巡访").locator("dd")
    if visit.count():  # the same date format as the other facts (2026年2月27日), not 2026-02-27
        assert re.match(r"\d{4}年\d{1,2}月\d{1,2}日", visit.inner_text()), visit.inner_text()
    calls = card.locator('a.sf-call[href^="tel:"]')
    assert calls.count() >= 1
    assert "社区服务中心" in card.inner_text()
    if "紧急" in card.locator(".sf-summary .badge").inner_text() and "SOS" in text:
        assert card.locator('a[href="tel:120"]').count() == 1
    # her own household's devices: a list or, plainly, that all is well
    alerts = site.page.locator(".card").filter(has_text="家里设备的提醒")
    assert alerts.locator(".sf-alert").count() > 0 or "没有未处理的告警" in alerts.inner_text()
    assert "都正常" not in alerts.inner_text() or "正常" in card.locator(".sf-summary").inner_text()
    site.axe("family member's safety screen")


def test_the_care_subject_in_elder_mode_sees_a_plain_status_and_the_number_to_call(open_site):
    site = open_site("elder", init_script=ELDER)
    site.sign_in("zz.zhang.guilan")
    site.open("#/safety")
    site.screen("safety-home")
    assert site.page.locator("html.elder").count() == 1
    mine = site.page.locator(".sf-self")
    mine.wait_for()
    sentence = mine.locator(".status__sentence").inner_text()
    assert sentence in ("您一切正常。", "有情况需要留意，社区会来问问您。", "有紧急情况！请马上打电话。")
    assert "有事请打电话" in mine.inner_text()
    call_links = mine.locator('a[href^="tel:"]')
    assert call_links.count() >= 1
    assert min(call_links.nth(i).bounding_box()["height"] for i in range(call_links.count())) >= 48
    # one task: no device list, no other cards
    assert site.page.locator(".sf-alert, .sf-subject").count() == 0
    site.axe("care subject, elder mode")

    # in normal mode too she is told in her own words, not the family's ("请确认老人是否安好")
    normal = open_site("self-normal")
    normal.sign_in("zz.zhang.guilan")
    normal.open("#/safety")
    normal.screen("safety-home")
    own = normal.page.locator(".sf-self .status__sentence").inner_text()
    assert own in ("您一切正常。", "有情况需要留意，社区会来问问您。", "有紧急情况！请马上打电话。"), own


def test_an_invited_family_member_accepts_and_then_sees_the_status(open_site, stack):
    # GIVEN staff invite 吴大伟 as a family contact of 张桂兰 (pending until he accepts)
    subjects = api(stack, "zz.wang.fang", "GET", "/v1/communities/jinghu/care-subjects")["items"]
    subject = next(s for s in subjects if s["name"] == "张*兰")
    link = api(stack, "zz.wang.fang", "POST", f"/v1/care/{subject['subject_id']}/contacts",
                {"username": "zz.wu.dawei", "relation": "neighbour"})
    assert link["status"] == "pending"

    site = open_site("invitee")
    site.sign_in("zz.wu.dawei")
    site.open("#/safety")
    site.screen("safety-home")
    invite = site.page.locator(".sf-invite")
    assert "张*兰" in invite.inner_text() and "邻居或志愿者" in invite.inner_text()
    assert site.page.locator(".sf-subject").filter(has_text="张*兰").count() == 0  # nothing of hers before he accepts
    site.axe("pending invitation")

    invite.get_by_role("button", name="接受邀请").click()
    site.page.locator("#toast").filter(has_text="已接受").wait_for()
    site.screen("safety-home")
    card = site.page.locator(".sf-subject").filter(has_text="张*兰 的安全状况")
    card.wait_for()
    assert site.page.locator(".sf-invite").count() == 0
    assert card.locator('a[href^="tel:"]').count() >= 1
    site.axe("after accepting")


SOS = {"alert_id": "al-sos-demo", "state": "open", "severity": "critical", "rule_id": "wristband.sos",
       "rule_name": {"zh": "一键呼救", "en": "SOS"}, "device_id": "zz-band-zgl", "opened_at": "2026-03-01T08:12:00Z"}
CALL_120 = {"kind": "emergency", "phone": "120", "name": None,
            "label": {"zh": "一键呼救：请立即拨打120", "en": "SOS: call 120 now"}}
SOS_MESSAGE = {"zh": "紧急告警：一键呼救，请立即联系", "en": "Emergency alert: SOS. Call now"}


def test_an_sos_puts_the_120_call_first_and_alerts_say_their_severity_and_state_in_words(site):
    """The alert engine is not driven here: the status and alert answers are the API's own, with an
    open SOS alert added on the way to the page, as the API reports one (see chalicelib/care/status.py)."""
    def with_sos(route):
        res = route.fetch()
        doc = res.json()
        if "/status" in route.request.url:
            doc.update(summary="alert", message=SOS_MESSAGE, open_alerts=[SOS], actions=[CALL_120, *doc["actions"]])
        else:
            state = route.request.url.split("state=")[1].split("&")[0]
            doc["items"] = [{**SOS, "state": state, "metric": "sos", "device_type": "wristband",
                             "community_id": "jinghu", "path": [], "last_seen": SOS["opened_at"], "occurrences": 2,
                             "level": 1, "timeline": []}]
        route.fulfill(response=res, json=doc)

    site.page.route("**/v1/care/*/status", with_sos)
    site.page.route("**/v1/me/alerts?*", with_sos)
    site.sign_in("zz.li.na")
    site.open("#/safety")
    site.screen("safety-home")
    card = site.page.locator(".sf-subject").filter(has_text="张*兰 的安全状况")
    assert card.locator(".sf-summary .badge").inner_text() == "紧急"
    assert "一键呼救" in card.locator(".sf-summary").inner_text()
    first_call = card.locator("a.sf-call").first
    assert first_call.get_attribute("href") == "tel:120" and "120" in first_call.inner_text()
    open_alert = card.locator(".sf-alert").first
    assert all(word in open_alert.inner_text() for word in ("一键呼救", "紧急", "待处理"))
    household = site.page.locator(".card").filter(has_text="家里设备的提醒")
    texts = household.locator(".sf-alert").all_inner_texts()
    assert any("待处理" in t for t in texts) and any("工作人员已收到" in t for t in texts)
    assert all("呼救手环" in t and "共 2 次" in t for t in texts)
    site.axe("SOS status")
