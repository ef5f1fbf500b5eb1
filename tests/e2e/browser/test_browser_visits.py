"""巡访关爱 in the browser: the grid worker 王芳 sees 荆胡社区's visit plan with 张桂兰's weekly home visit
overdue (or urgent, after an SOS) before 吴秀英's monthly call, records the visit and sees the plan move on;
on her phone the queue reads the same; 李娜 sees her mother's next visit, also in elder mode."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser.site import ELDER

pytestmark = pytest.mark.e2e


def rows(site) -> list[str]:
    return site.page.locator(".vs-row").all_inner_texts()


def test_the_grid_worker_sees_the_overdue_visit_first_and_records_it(open_site):
    site = open_site("console", width=1280, height=900)
    failed: list[str] = []
    site.page.on("response", lambda r: failed.append(f"{r.request.method} {r.url} → {r.status}")
                 if r.url.startswith(site.api) and r.status >= 400 else None)
    site.sign_in("zz.wang.fang")
    site.page.locator("#app-nav").get_by_role("link", name="巡访关爱").click()
    site.screen("console-visits")
    first, second = rows(site)[:2]
    assert "张*兰" in first and "重点巡访" in first and re.search(r"已逾期 \d+ 天|紧急巡访", first), first
    assert "吴*英" in second and "普遍巡访" in second and "电话问候" in second, second
    assert "共 2 位关爱对象" in site.main_text()
    site.axe("visit queue")

    row = site.page.locator(".vs-row").filter(has_text="张*兰")
    row.get_by_role("button", name="记录巡访").click()
    form = site.page.locator(".vs-record")
    form.wait_for()
    # a need found turns into a service request: its fields appear only then
    assert form.locator(".vs-need").count() == 0
    site.page.select_option("#f-outcome", "needs_help")
    site.page.locator(".vs-need").wait_for()
    site.axe("recording a visit with a need")
    site.page.select_option("#f-outcome", "well")
    site.page.locator(".vs-need").wait_for(state="detached")
    # made by a volunteer the grid worker sent: who, by name, once chosen
    assert site.page.locator("#f-visitor_name").count() == 0
    site.page.select_option("#f-visitor", "volunteer")
    site.page.fill("#f-visitor_name", "刘志强")
    site.page.fill("#f-note", "上门探访，老人精神不错，提醒按时吃药。")
    site.page.get_by_role("button", name="保存巡访记录").click()
    site.page.locator("#toast").filter(has_text="巡访已记录").wait_for()
    site.screen("console-visits")
    row = site.page.locator(".vs-row").filter(has_text="张*兰")
    row.filter(has_text="按计划").wait_for()
    assert "志愿者 刘*强" in row.inner_text() and "上门探访，老人精神不错" in row.inner_text()
    assert not failed and not site.errors, (failed, site.errors)


def test_on_a_phone_the_queue_reads_the_same(open_site):
    site = open_site("phone")  # 390 × 844
    site.sign_in("zz.wang.fang")
    site.open("#/console/visits")
    site.screen("console-visits")
    assert len(rows(site)) == 2
    width = site.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 1, f"scrolls sideways by {width} px"
    site.axe("visit queue, phone")


def test_the_daughter_sees_her_mothers_next_visit_also_in_elder_mode(open_site):
    for label, script in (("family", None), ("family-elder", ELDER)):
        site = open_site(label, init_script=script)
        site.sign_in("zz.li.na")
        site.open("#/safety")
        site.screen("safety-home")
        card = site.page.locator(".sf-subject").filter(has_text="张*兰 的安全状况")
        card.wait_for()
        if script:  # elder mode: one line, read aloud with the rest
            nxt = card.locator(".sf-next-visit")
            assert re.match(r"下次巡访：\d{4}年\d{1,2}月\d{1,2}日（上门探访）", nxt.inner_text()), nxt.inner_text()
        else:
            nxt = card.locator(".facts div").filter(has_text="下次巡访").locator("dd")
            assert re.match(r"\d{4}年\d{1,2}月\d{1,2}日（重点巡访，上门探访）", nxt.inner_text()), nxt.inner_text()
        site.axe(f"safety with the next visit ({label})")
    # and she herself, in elder mode: when the community comes next, said to her
    own = open_site("subject-elder", init_script=ELDER)
    own.sign_in("zz.zhang.guilan")
    own.open("#/safety")
    own.screen("safety-home")
    assert re.match(r"社区下次上门看您：\d{4}年", own.page.locator(".sf-self .sf-next-visit").inner_text())
    own.axe("her own safety, elder mode")
