"""The whole 接诉即办 journey in two browsers: a resident of 银川 reports a problem in the portal, the
grid worker handles it in the console, and the resident rates it when it is resolved.
Users here and nowhere else: yc.yang.jing (resident, 奥林匹克公园小区 2号楼) and yc.ma.xiaoyan (staff)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.e2e


def test_a_resident_reports_a_problem_and_rates_it_after_staff_resolve_it_in_the_console(open_site):
    words = f"楼道声控灯坏了，晚上下楼看不见台阶（{uuid.uuid4().hex[:6]}）"
    resident = open_site("resident")
    resident.sign_in("yc.yang.jing")
    resident.screen("resident-home")
    resident.open("#/requests/new")
    resident.screen("requests-new")
    resident.page.select_option("#f-rq-category", "water-electric-repair")
    resident.page.fill("#f-rq-description", words)
    resident.page.get_by_role("button", name="提交").click()
    resident.screen("requests-detail")
    toast = resident.page.locator("#toast").filter(has_text="已提交，编号")
    toast.wait_for()
    number = toast.inner_text().split("编号")[-1].strip()
    assert number.startswith("YI-") and "已提交" in resident.main_text()

    staff = open_site("staff", width=1280, height=900)
    staff.sign_in("yc.ma.xiaoyan")
    staff.open("#/console/requests")
    staff.screen("console-requests")
    staff.page.locator(".queue__item").filter(has_text=number).get_by_role("link").click()
    staff.screen("console-request")
    assert words in staff.main_text()
    for action, done in (("响应受理", "已响应受理"), ("开始处理", "已开始处理")):
        staff.page.get_by_role("button", name=action).click()
        staff.page.locator("#toast").filter(has_text=f"{done}：{number}").wait_for()
    staff.page.get_by_role("button", name="办结", exact=True).click()
    staff.page.fill("#f-note", "已更换2号楼2单元声控灯，测试正常")
    staff.page.get_by_role("button", name="确认办结").click()
    staff.page.locator("#toast").filter(has_text=f"已办结：{number}").wait_for()
    staff.axe("console: resolved")

    resident.reload()
    resident.screen("requests-detail")
    text = resident.main_text()
    assert "已办结" in text and "已更换2号楼2单元声控灯，测试正常" in text
    resident.page.get_by_label("满意", exact=True).check()
    resident.page.get_by_role("button", name="提交评价").click()
    resident.page.locator("#toast").filter(has_text="已评价").wait_for()
    text = resident.main_text()
    assert "已完成" in text and "满意" in text
    steps = resident.page.locator(".timeline__item").all_inner_texts()
    assert len(steps) == 5 and "评价" in steps[-1]  # filed, accepted, started, resolved, rated
    resident.axe("portal: rated")
    assert not resident.errors and not staff.errors
