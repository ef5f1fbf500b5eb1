"""通知公告 and 应急广播 in the resident portal: the list (pinned first, category filter, unread
markers), an unread emergency broadcast as a banner with its warning level, and reading it.

zz.zhou.qiang reads notices published for his building by these tests; zz.wang.jianjun only looks."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.helpers import api

pytestmark = pytest.mark.e2e

SPEECH_SPY = """
window.__spoken = [];
window.speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang });
"""




def test_a_resident_reads_an_emergency_broadcast_and_it_is_no_longer_unread(stack, open_site):
    title = f"燃气泄漏红色预警（{uuid.uuid4().hex[:6]}）"
    notice = api(stack, "zz.admin", "POST", "/v1/notices", {
        "scope": {"level": "building", "id": "jinghu-g2-b5"}, "category": "emergency", "severity": "red",
        "title": {"zh": title}, "body": {"zh": "5号楼1单元发现燃气泄漏，请立即关闭燃气阀门，开窗通风，不要使用明火。"}})

    site = open_site("resident", init_script=SPEECH_SPY)
    site.sign_in("zz.zhou.qiang")
    site.page.get_by_role("navigation").get_by_role("link", name="通知公告").click()
    site.screen("notices-list")
    banner = site.page.locator(".nt-banner")
    assert title in banner.inner_text() and "红色预警" in banner.inner_text()
    assert banner.locator("li").first.inner_text().startswith("红色预警")  # the most severe first
    item = site.page.locator(".nt-item").filter(has_text=title)
    assert "未读" in item.inner_text() and "红色预警" in item.inner_text()
    site.axe("notices with an unread broadcast")
    site.page.get_by_role("button", name="朗读").click()  # the banner is read aloud first
    spoken = site.page.evaluate("() => window.__spoken")
    assert spoken and spoken[0]["text"].startswith("红色预警") and title in spoken[0]["text"]

    banner.locator("li").filter(has_text=title).get_by_role("link", name="查看").click()
    site.screen("notices-detail")
    text = site.main_text()
    assert f"红色预警：{title}" in text and "关闭燃气阀门" in text and "已读" in text
    site.axe("emergency broadcast")

    site.page.get_by_role("link", name="返回通知公告").click()
    site.screen("notices-list")
    assert "未读" not in site.page.locator(".nt-item").filter(has_text=title).inner_text()
    assert site.page.locator(".nt-banner").filter(has_text=title).count() == 0
    # his household's receipt is read: staff need not follow it up by phone or visit
    read = api(stack, "zz.admin", "GET", f"/v1/notices/{notice['notice_id']}/receipts?state=read")
    assert "jinghu-g2-b5-1-2201" in [h["household_id"] for h in read["items"]]


def test_the_list_puts_pinned_notices_first_and_filters_by_category(site):
    site.sign_in("zz.wang.jianjun")
    site.open("#/notices")
    site.screen("notices-list")
    items = site.page.locator(".nt-item")
    assert items.count() >= 3
    assert "置顶" in items.first.inner_text()
    site.page.select_option("#nt-category", "activity")
    site.page.wait_for_url("**/#/notices?category=activity")
    site.screen("notices-list")
    items = site.page.locator(".nt-item")
    assert items.count() >= 1
    assert all("社区活动" in t for t in items.all_inner_texts())
    assert "重阳节敬老活动" in site.main_text()
    site.axe("notices filtered")


def test_a_notice_reads_aloud_in_elder_mode(stack, open_site):
    title = f"5号楼周末义诊（{uuid.uuid4().hex[:6]}）"
    api(stack, "zz.admin", "POST", "/v1/notices", {
        "scope": {"level": "building", "id": "jinghu-g2-b5"}, "category": "activity",
        "title": {"zh": title}, "body": {"zh": "周六上午9点在5号楼下免费量血压、测血糖。"}})
    site = open_site("elder", init_script=SPEECH_SPY)
    site.sign_in("zz.zhou.qiang")
    site.page.locator("#elder-switch").click()
    site.open("#/notices")
    site.screen("notices-list")
    assert site.page.locator("#nt-category").count() == 0  # elder mode: the list only, no filter
    site.page.locator(".nt-item").filter(has_text=title).get_by_role("link").click()
    site.screen("notices-detail")
    site.page.get_by_role("button", name="读给我听").click()
    spoken = site.page.evaluate("() => window.__spoken")
    assert spoken and "免费量血压" in spoken[0]["text"]
    heights = site.page.eval_on_selector_all("main .btn", "els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= 48
    site.axe("elder notice")
