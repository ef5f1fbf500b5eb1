"""The staff console (工作台) in the browser: the request work queue and a request moved through
its states, a refused rejection without a reason and a conflict with another staff member, the
alert board, an emergency broadcast with its read receipts and an offline follow-up, and a
consultation opened and closed early. axe-core runs on every screen visited.

Data used here and nobody else's: requests filed by zz.zhao.min; broadcasts and consultations
for 6号楼 (jinghu-g2-b6, zz.chen.yu's building); an alert of a public device (no household)."""

from __future__ import annotations

import re
import time
import uuid

import pytest

from tests.e2e.browser.conftest import SCREENSHOTS
from tests.e2e.helpers import api

pytestmark = pytest.mark.e2e

XSS = '<img src=x onerror="window.__xss = 1">'




def file_request(stack: dict, description: str) -> str:
    filed = api(stack, "zz.zhao.min", "POST", "/v1/requests", {
        "category": "water-electric-repair", "description": description, "location": {"household": True}})
    return filed["request_id"]


def staff_site(open_site, user: str, label: str = "staff"):
    site = open_site(label, width=1280, height=900)
    site.sign_in(user)
    return site


def test_staff_accept_start_and_resolve_a_request_and_the_timeline_shows_each_step(stack, open_site):
    number = file_request(stack, f"卫生间插座没电，跳闸后合不上（{XSS}）")
    site = staff_site(open_site, "zz.wang.fang")

    site.page.get_by_role("link", name="工单", exact=True).click()
    site.screen("console-requests")
    item = site.page.locator(".queue__item").filter(has_text=number)
    assert "待响应" in item.inner_text() and "内需响应" in item.inner_text()  # the SLA in words
    site.axe("work queue")
    item.get_by_role("link").click()
    site.screen("console-request")
    assert XSS in site.main_text() and site.page.evaluate("() => window.__xss") is None
    assert site.page.locator("main img").count() == 0
    # only what the state allows: no start or resolve before the request is accepted
    assert site.page.get_by_role("button", name="开始处理").count() == 0
    assert site.page.get_by_role("button", name="办结").count() == 0
    site.axe("request detail, submitted")

    site.page.get_by_role("button", name="响应受理").click()
    site.page.locator("#toast").filter(has_text=f"已响应受理：{number}").wait_for()
    site.page.get_by_role("button", name="开始处理").click()
    site.page.locator("#toast").filter(has_text=f"已开始处理：{number}").wait_for()
    assert site.page.get_by_role("button", name="响应受理").count() == 0
    site.page.get_by_role("button", name="办结", exact=True).click()
    site.page.fill("#f-note", "已更换漏电保护开关，试用正常")
    site.axe("resolve form")
    site.page.get_by_role("button", name="确认办结").click()
    site.page.locator("#toast").filter(has_text=f"已办结：{number}").wait_for()

    steps = site.page.locator(".timeline__title").all_inner_texts()
    assert [s.split(" · ")[0] for s in steps] == ["提交", "响应受理", "开始处理", "办结"]
    assert all("zz.wang.fang" in s for s in steps[1:])
    assert "已更换漏电保护开关，试用正常" in site.page.locator(".timeline").inner_text()
    assert "已办结" in site.page.locator(".console-status").inner_text()
    assert "无需操作" in site.main_text()
    site.axe("request detail, resolved")
    assert api(stack, "zz.zhao.min", "GET", f"/v1/requests/{number}")["state"] == "resolved"


def test_rejecting_needs_a_reason_and_a_conflict_with_another_staff_member_is_explained(stack, open_site):
    number = file_request(stack, "楼道灯不亮，晚上看不清台阶")
    site = staff_site(open_site, "zz.wang.fang")
    site.open(f"#/console/requests/{number}")
    site.screen("console-request")

    site.page.get_by_role("button", name="不予受理").click()
    site.page.get_by_role("button", name="确认不予受理").click()  # no reason: refused on the spot
    site.page.locator('[data-error-for="note"]').filter(has_text="此项必填").wait_for()
    assert site.page.locator("#f-note").get_attribute("aria-invalid") == "true"
    site.axe("reject form with an error")
    site.page.get_by_role("button", name="取消").click()

    # meanwhile the city admin accepts it; our accept now comes second
    api(stack, "zz.admin", "POST", f"/v1/requests/{number}/accept", {})
    site.page.get_by_role("button", name="响应受理").click()
    site.page.locator(".console-notice").filter(has_text="有人刚刚先处理了这件工单").wait_for()
    assert "已响应待派单" in site.page.locator(".console-status").inner_text()
    assert site.page.get_by_role("button", name="开始处理").is_visible()  # the actions of the new state
    assert "zz.admin" in site.page.locator(".timeline").inner_text()
    site.axe("request after a conflict")


def _public_alert(stack: dict, timeout: float = 90.0) -> dict | None:
    """An open alert of a device at a public spot (no household), raised by the simulator."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = api(stack, "zz.wang.fang", "GET", "/v1/alerts?state=open&limit=200")["items"]
        public = [a for a in items if not a["household_id"] and a["device_id"].startswith("sim-")]
        if public:
            return public[0]
        time.sleep(3)
    return None


def test_staff_acknowledge_an_alert_on_the_board(stack, open_site):
    alert = _public_alert(stack)
    if alert is None:
        pytest.skip("the simulator raised no alert of a public device within 90 s: nothing to acknowledge")
    site = staff_site(open_site, "zz.wang.fang")
    site.page.get_by_role("link", name="告警", exact=True).click()
    site.screen("console-alerts")
    item = site.page.locator(f"#alert-{alert['alert_id']}")
    item.wait_for()
    assert "荆胡社区" in item.inner_text() and "待确认" in item.inner_text()
    # critical first: each device's most urgent alert ranks it (a device's other alerts follow it)
    heads = site.page.evaluate("""() => [...document.querySelectorAll('main ul.queue > li')]
        .filter((li) => !li.parentElement.closest('.console-alert-group'))
        .map((li) => li.querySelector('h3 .badge').textContent.trim())""")
    order = {"紧急": 0, "警告": 1, "提示": 2}
    assert heads and [order[s] for s in heads] == sorted(order[s] for s in heads), heads
    site.axe("alert board")

    item.get_by_role("button", name="确认告警").click()
    site.page.locator("#toast").filter(has_text="已确认告警").wait_for()
    assert "已确认" in item.inner_text() and item.get_by_role("button", name="确认告警").count() == 0
    item.get_by_role("button", name="添加备注").click()
    site.page.fill("#f-text", "已通知保洁清运")
    site.page.get_by_role("button", name="保存备注").click()
    site.page.locator("#toast").filter(has_text="备注已保存").wait_for()
    assert api(stack, "zz.wang.fang", "GET", f"/v1/alerts/{alert['alert_id']}")["state"] == "acknowledged"

    site.page.get_by_role("link", name="已确认", exact=True).click()
    site.screen("console-alerts")
    site.page.locator(f"#alert-{alert['alert_id']}").wait_for()
    site.axe("acknowledged alerts")


def test_staff_publish_a_broadcast_to_a_building_and_follow_up_an_unread_household(stack, open_site):
    title = f"停水通知（{uuid.uuid4().hex[:6]}）"
    site = staff_site(open_site, "zz.wang.fang")
    site.page.get_by_role("link", name="公告广播", exact=True).click()
    site.screen("console-notices")
    site.axe("notice list")
    site.page.get_by_role("link", name="发布应急广播").click()
    site.screen("console-notice-new")
    site.page.get_by_role("button", name="立即发布广播").click()  # nothing filled in: refused beside the fields
    site.page.locator('[data-error-for="title.zh"]').filter(has_text="此项必填").wait_for()
    site.axe("broadcast form with errors")

    site.page.select_option("#f-severity", label="橙色预警")
    site.page.select_option("#f-scope\\.level", label="楼栋")
    site.page.select_option("#f-scope\\.community", value="jinghu")  # then its buildings, read for it alone
    site.page.select_option("#f-scope\\.id", label="荆胡社区 · 6号楼")
    site.page.fill("#f-title\\.zh", title)
    site.page.fill("#f-body\\.zh", "6号楼今晚 22:00 至明早 6:00 抢修供水管道，请提前储水。")
    site.axe("broadcast form, a building picked within its community")
    site.page.screenshot(path=str(SCREENSHOTS / "test_browser_console--broadcast-scope.png"), full_page=True)
    site.page.get_by_role("button", name="立即发布广播").click()
    site.screen("console-notice")
    assert title in site.page.locator("h1").inner_text()
    assert "应急广播" in site.main_text() and "橙色预警" in site.main_text()
    totals = site.page.locator(".console-totals").inner_text()
    assert "已读 0 户" in totals
    household = site.page.locator(".queue__item").filter(has_text="6号楼 1单元 3001室")
    assert "陈*" in household.inner_text()
    site.axe("broadcast receipts")

    household.get_by_role("button", name="记录线下告知").click()
    site.page.select_option("#f-method", label="电话")
    site.page.fill("#f-note", "已电话告知陈雨，她会提前储水")
    site.axe("follow-up form")
    site.page.get_by_role("button", name="保存", exact=True).click()
    site.page.locator("#toast").filter(has_text="已记录").wait_for()
    assert site.page.locator(".queue__item").filter(has_text="6号楼 1单元 3001室").count() == 0

    site.page.get_by_role("link", name="已读的户").click()
    site.screen("console-notice")
    read = site.page.locator(".queue__item").filter(has_text="6号楼 1单元 3001室")
    assert "电话告知" in read.inner_text() and "已电话告知陈雨" in read.inner_text()
    site.axe("read households")

    # the list names each count's unit: residents who read it, and for a broadcast the households reached
    site.page.get_by_role("link", name="公告广播", exact=True).click()
    site.screen("console-notices")
    text = site.page.locator(".queue__item").filter(has_text=title).inner_text()
    assert re.search(r"已读居民\s+0 人", text) and re.search(r"已读户数\s+1/\d+ 户（", text), text


def test_city_admin_open_a_consultation_and_close_it_early(stack, open_site):
    title = f"6号楼楼道自行车停放方案（{uuid.uuid4().hex[:6]}）"
    site = staff_site(open_site, "zz.admin", "admin")
    site.page.get_by_role("link", name="协商投票", exact=True).click()
    site.screen("console-consultations")
    site.axe("consultation list")
    site.page.get_by_role("link", name="发起协商").click()
    site.screen("console-consultation-new")
    site.page.select_option("#f-scope\\.level", label="楼栋")
    site.page.select_option("#f-scope\\.community", value="jinghu")  # then its buildings, read for it alone
    site.page.select_option("#f-scope\\.id", label="荆胡社区 · 6号楼")
    site.page.fill("#f-title\\.zh", title)
    site.page.fill("#f-question\\.zh", "楼道里的自行车统一停到一楼车棚吗？")
    site.page.fill("#f-options", "同意，统一停到车棚\n不同意，维持现状")
    site.page.fill("#f-min_turnout", "50")
    site.page.select_option("#f-results", label="实时公布")
    site.axe("consultation form")
    site.page.get_by_role("button", name="发起", exact=True).click()
    site.screen("console-consultation")
    assert title in site.page.locator("h1").inner_text()
    assert "投票中" in site.main_text() and "已投 0 / 可投" in site.main_text()
    rows = site.page.locator(".console-table tbody th").all_inner_texts()
    assert rows == ["同意，统一停到车棚", "不同意，维持现状"]
    assert "还没有人投票" in site.main_text()
    site.axe("consultation, voting")

    site.page.get_by_role("button", name="提前结束投票").click()
    site.page.locator("#toast").filter(has_text="投票已结束").wait_for()
    badges = site.page.locator(".console-badges").inner_text()
    assert "已结束" in badges and "最终结果" in site.main_text()
    assert site.page.get_by_role("button", name="提前结束投票").count() == 0
    site.axe("consultation, closed")
