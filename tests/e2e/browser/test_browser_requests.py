"""接诉即办 in the resident portal: report a problem (from home, on the map, in elder mode), follow it
in "my requests" and its timeline, rate it once when resolved, and reopen it when unsatisfied.

Residents used here (nobody else's tests change their requests): zz.wang.jianjun files new requests,
zz.sun.lihua rates her seeded resolved request, zz.zhou.qiang rates one of his own that staff resolve."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.helpers import api

pytestmark = pytest.mark.e2e




def px(site, selector: str) -> list[float]:
    return site.page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().height)")


def test_a_resident_reports_a_problem_from_home_and_follows_it_in_my_requests(site):
    words = f"厨房水龙头一直滴水，关不紧（{uuid.uuid4().hex[:6]}）"
    site.sign_in("zz.wang.jianjun")
    site.screen("resident-home")
    site.page.get_by_role("navigation").get_by_role("link", name="报事报修").click()
    site.screen("requests-mine")
    site.axe("my requests")
    site.page.get_by_role("link", name="我要报事").click()
    site.screen("requests-new")
    site.axe("report form")

    site.page.select_option("#f-rq-category", "water-electric-repair")
    # choosing a category says who handles it and how long it usually takes
    site.page.locator('[data-field="rq-category"] .field__hint').filter(has_text="小时内办结").wait_for()
    site.page.fill("#f-rq-description", words)
    assert site.page.get_by_label("我家（2号楼 1单元 801室）").is_checked()  # home is the default place
    site.page.get_by_role("button", name="提交").click()

    site.screen("requests-detail")
    toast = site.page.locator("#toast").filter(has_text="已提交，编号")
    toast.wait_for()
    number = toast.inner_text().split("编号")[-1].strip()
    text = site.main_text()
    assert f"编号 {number}" in text and "已提交" in text and words in text
    assert "物业服务中心" in text and "我家" in text  # the department the category goes to, and where
    steps = site.page.locator(".timeline__item")
    assert steps.count() == 1 and "提交诉求" in steps.first.inner_text() and "王*军" in steps.first.inner_text()
    site.axe("request detail, submitted")

    site.page.get_by_role("link", name="返回我的报事").click()
    site.screen("requests-mine")
    mine = site.page.locator(".rq-item")
    assert words in mine.first.inner_text()  # newest first
    assert "已提交" in mine.first.inner_text() and number in mine.first.inner_text()
    assert not site.errors


def test_a_too_short_description_is_refused_beside_the_field(site):
    site.sign_in("zz.wang.jianjun")
    site.open("#/requests/new")
    site.screen("requests-new")
    site.page.get_by_role("button", name="提交").click()  # nothing filled in: the browser's checks first
    site.page.locator('[data-error-for="rq-category"]').filter(has_text="此项必填").wait_for()

    site.page.select_option("#f-rq-category", "noise")
    site.page.fill("#f-rq-description", "太吵")
    site.page.get_by_role("button", name="提交").click()  # the API refuses it; its 400 names the field
    error = site.page.locator('[data-error-for="rq-description"]').filter(has_text="至少写 5 个字")
    error.wait_for()
    assert site.page.locator("#f-rq-description").get_attribute("aria-invalid") == "true"
    assert site.page.locator("#f-rq-category").input_value() == "noise"  # what was typed stays
    assert site.page.locator("main").get_attribute("data-screen") == "requests-new"
    site.axe("report form with an error")


def test_a_problem_outside_is_placed_on_the_map_and_staff_see_the_pin(site, open_site):
    site.sign_in("zz.wang.jianjun")
    site.open("#/requests/new")
    site.screen("requests-new")
    site.page.select_option("#f-rq-category", "streetlight-fault")
    site.page.fill("#f-rq-description", "广场东侧的路灯整晚不亮，晚上走路看不清。")
    site.page.get_by_label("在地图上选位置（路面、广场等）").check()
    marker = site.page.locator('.rq-map .leaflet-marker-icon[alt="荆胡社区"]')
    marker.wait_for()  # the communities are drawn even without map tiles
    site.axe("report form with the map")

    site.page.get_by_role("button", name="提交").click()  # no point yet
    site.page.locator('[data-error-for="rq-address"]').filter(has_text="此项必填").wait_for()

    marker.focus()  # a community marker is a keyboard target: Enter picks its place
    site.page.keyboard.press("Enter")
    site.page.locator("[data-point-readout]").filter(has_text="已选位置").wait_for()
    assert "党群服务中心" in site.page.locator("#f-rq-address").input_value()  # its address, to edit
    box = site.page.locator(".rq-map").bounding_box()
    site.page.locator(".rq-map").click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.6})
    site.page.fill("#f-rq-address", "荆胡社区小广场东侧")
    site.page.get_by_role("button", name="提交").click()

    site.screen("requests-detail")
    text = site.main_text()
    assert "荆胡社区小广场东侧" in text and "市政管理" in text and "已提交" in text
    site.axe("request on the map")

    # the grid worker sees where it is: the resident's pin beside the community, with the address given
    request_id = site.page.url.rsplit("/", 1)[-1]
    staff = open_site("staff", width=1280, height=900)
    staff.sign_in("zz.wang.fang")
    staff.open(f"#/console/requests/{request_id}")
    staff.screen("console-request")
    pin = staff.page.locator(".rq-pin-map")
    pin.locator(".db-label").filter(has_text="居民标注的位置").wait_for()
    assert pin.locator(".db-label").filter(has_text="荆胡社区").count() == 1
    assert pin.locator("path.leaflet-interactive, path").count() >= 2  # the two circles
    facts = staff.page.locator(".card").filter(has=pin).inner_text()
    assert "荆胡社区小广场东侧" in facts and re.search(r"34\.\d{5}, 113\.\d{5}", facts)
    staff.axe("staff request detail with the pin")


def test_elder_mode_asks_for_the_kind_of_problem_with_large_buttons(site):
    site.sign_in("zz.wang.jianjun")
    site.page.locator("#elder-switch").click()
    site.open("#/requests/new")
    site.screen("requests-new")
    assert site.page.locator("html.elder").count() == 1
    kinds = site.page.locator(".rq-kinds .btn")
    names = kinds.all_inner_texts()
    # the four emergencies, then the common problems
    assert set(names[:4]) == {"电梯困人", "燃气泄漏", "发现火情", "爆管积水"} and names[4] == "水电维修", names
    assert min(px(site, ".rq-kinds .btn")) >= 72
    assert float(site.page.eval_on_selector("body", "e => parseFloat(getComputedStyle(e).fontSize)")) >= 22
    assert site.page.locator("#f-rq-description").count() == 0  # one thing at a time
    site.axe("elder: kinds of problem")

    site.page.get_by_role("button", name="其他问题").click()
    site.page.get_by_role("button", name="路灯故障").wait_for()
    site.page.get_by_role("button", name="房屋漏水").click()
    assert "您选的是：房屋漏水" in site.main_text()
    assert site.page.locator("#f-rq-photos").count() == 0 and site.page.locator(".rq-map").count() == 0
    assert min(px(site, "main .btn, main .rq-choice")) >= 48
    site.axe("elder: what and where")
    site.page.fill("#f-rq-description", "卫生间天花板往下滴水")
    site.page.get_by_role("button", name="交给社区").click()
    site.screen("requests-detail")
    assert "已提交" in site.main_text()
    assert site.page.get_by_role("button", name="读给我听").is_visible()
    site.axe("elder: request detail")


def test_a_resolved_request_is_rated_satisfied_once_and_shows_the_rating(open_site):
    first = open_site("first")
    first.sign_in("zz.sun.lihua")
    first.open("#/requests")
    first.screen("requests-mine")
    first.page.locator(".rq-item").filter(has_text="厨余垃圾桶满溢").get_by_role("link").click()
    first.screen("requests-detail")
    assert "已办结" in first.main_text() and "环卫已清运并消毒" in first.main_text()
    url = first.page.url
    # the same resident in a second window, before rating
    second = open_site("second")
    second.sign_in("zz.sun.lihua")
    second.page.goto(url)
    second.screen("requests-detail")
    first.axe("rating form")

    first.page.get_by_label("满意", exact=True).check()
    first.page.get_by_role("button", name="提交评价").click()
    first.page.locator("#toast").filter(has_text="已评价").wait_for()
    first.page.get_by_role("heading", name="您的评价").wait_for()
    text = first.main_text()
    assert "已完成" in text and "满意" in text and "评价于" in text
    assert first.page.locator('form[data-submit="rate"]').count() == 0  # no way to rate it again
    assert "评价" in first.page.locator(".timeline__item").last.inner_text()
    first.axe("rated request")

    second.page.get_by_label("满意", exact=True).check()
    second.page.get_by_role("button", name="提交评价").click()  # the API's 409, in plain words
    second.page.locator('[data-error-for="_form"]').filter(has_text="已经评价过了，不能重复评价").wait_for()
    second.axe("rating twice refused")
    second.reload()
    second.screen("requests-detail")
    assert "您的评价" in second.main_text() and second.page.locator('form[data-submit="rate"]').count() == 0


def test_an_unsatisfied_rating_says_why_and_reopens_the_request(stack, site):
    filed = api(stack, "zz.zhou.qiang", "POST", "/v1/requests",
                {"category": "water-electric-repair", "description": "卫生间插座没电，跳闸后推不上去。",
                 "location": {"household": True}})
    number = filed["request_id"]
    api(stack, "zz.admin", "POST", f"/v1/requests/{number}/accept", {})
    api(stack, "zz.admin", "POST", f"/v1/requests/{number}/resolve", {"note": "更换漏电保护开关"})

    site.sign_in("zz.zhou.qiang")
    site.open(f"#/requests/{number}")
    site.screen("requests-detail")
    assert "已办结" in site.main_text() and "更换漏电保护开关" in site.main_text()
    site.page.get_by_label("不满意", exact=True).check()
    reopen = site.page.get_by_label("同时申请重新办理")
    reopen.wait_for()
    assert reopen.is_checked()  # unsatisfied offers to reopen it
    site.page.get_by_role("button", name="提交评价").click()  # no reason given
    site.page.locator('[data-error-for="rq-comment"]').filter(has_text="此项必填").wait_for()
    site.axe("unsatisfied without a reason")

    site.page.fill("#f-rq-comment", "第二天又跳闸了")
    site.page.get_by_role("button", name="提交评价").click()
    site.page.locator("#toast").filter(has_text="已重新办理").wait_for()
    site.page.get_by_role("heading", name="您的评价").wait_for()
    text = site.main_text()
    assert "重新办理" in text and "不满意" in text and "第二天又跳闸了" in text
    assert site.page.locator('form[data-submit="rate"]').count() == 0
    site.axe("reopened request")
    assert api(stack, "zz.zhou.qiang", "GET", f"/v1/requests/{number}")["state"] == "reopened"
