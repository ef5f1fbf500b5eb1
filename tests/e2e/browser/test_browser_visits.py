"""巡访关爱 in the browser: the grid worker 王芳 sees 荆胡社区's visit plan with 张桂兰's weekly home visit
overdue (or urgent, after an SOS) before 吴秀英's monthly call, records the visit and sees the plan move on;
on her phone the queue reads the same and she assigns a volunteer to 吴秀英; the family doctor 陈思远 signs in to
his own visits — 张桂兰 only — opens her phone and records his visit; 李娜 sees her mother's next visit, also in
elder mode."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser.site import ELDER

pytestmark = pytest.mark.e2e


def rows(site) -> list[str]:
    return site.page.locator(".vs-row").all_inner_texts()


def test_the_grid_worker_sees_the_overdue_visit_first_and_records_it(open_site):
    site = open_site("console", width=1280, height=900)
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
    assert not site.failed and not site.errors, (site.failed, site.errors)


def test_on_a_phone_the_queue_reads_the_same_and_she_assigns_a_volunteer(open_site):
    site = open_site("phone")  # 390 × 844
    site.sign_in("zz.wang.fang")
    site.open("#/console/visits")
    site.screen("console-visits")
    assert len(rows(site)) == 2
    width = site.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 1, f"scrolls sideways by {width} px"
    site.axe("visit queue, phone")
    row = site.page.locator(".vs-row").filter(has_text="吴*英")
    assert "巡访人员：周*琴（社工）" in row.inner_text()
    row.get_by_role("button", name="分配巡访人员").click()
    site.page.locator(".vs-assign").wait_for()
    assert site.page.locator("#f-visitor\\.zz\\.sw\\.zhou").is_checked()
    site.axe("assigning care visitors, phone")
    site.page.get_by_label("刘*芳（志愿者） · 荆胡社区志愿者服务队").check()
    site.page.get_by_role("button", name="保存分配").click()
    site.page.locator("#toast").filter(has_text="已分配").wait_for()
    site.screen("console-visits")
    row = site.page.locator(".vs-row").filter(has_text="吴*英")
    row.filter(has_text="周*琴（社工） · 刘*芳（志愿者）").wait_for()


def test_the_family_doctor_sees_only_his_patient_opens_her_phone_and_records_his_visit(open_site):
    site = open_site("doctor-phone")  # 390 × 844: visitors work from their phones
    site.sign_in("zz.doc.chen")
    site.screen("visits-mine")  # his home: nothing else of the city
    assert site.page.locator("#app-nav a").all_inner_texts() == ["我的巡访"]
    texts = rows(site)
    assert len(texts) == 1 and "张*兰" in texts[0] and "住址：1号楼 1单元 302" in texts[0], texts
    assert "陈思远（家庭医生·二七区人民医院家庭医生签约团队）" in site.main_text()
    site.axe("a doctor's own visits")
    row = site.page.locator(".vs-row").filter(has_text="张*兰")
    row.get_by_role("button", name="查看电话").click()
    call = site.page.locator("a.vs-call")
    call.wait_for()
    assert call.get_attribute("href").startswith("tel:1") and "已记入她的个人信息查看记录" in row.inner_text()
    row.get_by_role("button", name="记录巡访").click()
    site.page.locator(".vs-record").wait_for()
    assert site.page.locator("#f-visitor").count() == 0  # he records his own
    site.page.fill("#f-note", "家庭医生上门随访，血压 138/85，用药正常。")
    site.page.get_by_role("button", name="保存巡访记录").click()
    site.page.locator("#toast").filter(has_text="巡访已记录").wait_for()
    site.screen("visits-mine")
    row = site.page.locator(".vs-row").filter(has_text="张*兰")
    row.filter(has_text="家庭医生 陈*远").wait_for()
    assert "血压 138/85" in row.inner_text()
    width = site.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 1, f"scrolls sideways by {width} px"
    assert not site.failed and not site.errors, (site.failed, site.errors)


def test_a_volunteer_reads_her_visits_in_elder_mode(open_site):
    site = open_site("volunteer-elder", init_script=ELDER)
    site.sign_in("zz.vol.liu")
    site.screen("visits-mine")
    assert any("张*兰" in r and "住址：1号楼 1单元 302" in r for r in rows(site))
    site.axe("a volunteer's visits, elder mode")


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
