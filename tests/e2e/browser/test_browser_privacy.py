"""Personal data under audit, in the browser: a grid worker calls a resident back from a request (reveal
with a reason, then a call button), the resident sees who viewed their phone and why (also in elder mode),
the city admin reads the access log and exports it as CSV; a resident exports their data and closes their
account, and can no longer sign in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.browser.site import ELDER
from tests.e2e.helpers import api

pytestmark = pytest.mark.e2e


def test_staff_call_back_a_resident_who_sees_it_and_the_city_admin_audits_it(open_site, stack):
    [lamp] = [r for r in api(stack, "zz.wang.jianjun", "GET", "/v1/me/requests")["items"]
              if "路灯" in r["description"]]
    staff = open_site("staff", width=1280, height=900)
    staff.sign_in("zz.wang.fang")
    staff.open(f"#/console/requests/{lamp['request_id']}")
    staff.screen("console-request")
    assert "136****3303" not in staff.main_text()  # the list shows masked names only; the phone is not shown
    staff.page.get_by_role("button", name="查看完整手机号").click()
    assert staff.page.locator("#f-reveal_reason").input_value() == "call_back"
    staff.page.fill("#f-reveal_note", "路灯诉求回访")
    staff.axe("reveal reason form")
    staff.page.get_by_role("button", name="确认查看").click()
    staff.page.locator(".reveal__value").filter(has_text="13603713303").wait_for()
    call = staff.page.get_by_role("link", name="拨打 13603713303")
    assert call.get_attribute("href") == "tel:13603713303"
    assert "本次查看已记录" in staff.main_text()
    staff.axe("revealed phone with a call button")

    resident = open_site("resident")
    resident.sign_in("zz.wang.jianjun")
    resident.screen("resident-home")
    resident.page.get_by_role("link", name="我的信息与隐私").click()
    resident.screen("me-data")
    assert "王芳（社区工作人员）查看了您的手机号，用途：回电联系" in resident.main_text()
    resident.axe("who viewed my data")

    elder = open_site("elder", init_script=ELDER)
    elder.sign_in("zz.wang.jianjun")
    elder.open("#/me/data")
    elder.screen("me-data")
    assert elder.page.locator("html.elder").count() == 1
    assert "王芳（社区工作人员）查看了您的手机号" in elder.main_text()
    elder.axe("who viewed my data, elder mode")

    admin = open_site("admin", width=1366, height=900)
    admin.sign_in("zz.admin")
    admin.open("#/console/access-log")
    admin.screen("console-access-log")
    row = admin.page.locator("tbody tr").filter(has_text="王芳").filter(has_text="回电联系")
    row.wait_for()
    assert "王*军" in row.inner_text() and "路灯诉求回访" in row.inner_text()
    admin.axe("access log")
    with admin.page.expect_download() as download:
        admin.page.get_by_role("button", name="导出本月 CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert download.value.suggested_filename.endswith(".csv") and "王芳" in text and "回电联系" in text


def test_a_resident_exports_their_data_and_closes_the_account(open_site, stack):
    site = open_site("resident")
    site.sign_in("zz.ma.lan")  # 马兰, 郑大社区: no other test signs in as her
    site.open("#/me/data")
    site.screen("me-data")
    assert "还没有人查看过您的完整信息" in site.main_text()
    site.axe("my data")
    with site.page.expect_download() as download:
        site.page.get_by_role("button", name="导出我的信息").click()
    mine = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert mine["registration"]["name"] == "马兰" and mine["registration"]["phone"] == "13803719909"
    assert mine["household"]["household_id"] == "zhengda-g1-b1-2-501"

    site.page.fill("#f-confirm", "注销")
    site.page.get_by_role("button", name="确认注销").click()
    site.page.locator('[data-error-for="confirm"]').filter(has_text="注销账号").wait_for()
    site.axe("closing with a wrong confirmation")
    site.page.fill("#f-confirm", "注销账号")
    site.page.get_by_role("button", name="确认注销").click()
    site.screen("signin")
    site.page.locator("#toast").filter(has_text="账号已注销").wait_for()

    site.sign_in("zz.ma.lan", expect=None)
    site.page.locator('[data-error-for="_form"], .form__error, #toast').filter(has_text="用户名或密码").first.wait_for()
    assert site.page.locator('main[data-screen="signin"]').count() == 1
    admin_view = api(stack, "zz.zhang.lei", "GET", "/v1/communities/zhengda/registrations?status=verified")
    assert "马*" not in json.dumps(admin_view, ensure_ascii=False)
