"""群租线索 in the browser: the grid worker 王芳 finds 赵敏's flat — whose six cards the simulator's gate lets
through at all hours — among 荆胡社区's open leads, reads the week's counts against the city's thresholds,
and confirms it after her visit; the lead she dismissed earlier (周强's relatives) is under 已排除. On her
phone and in elder mode the list reads the same."""

from __future__ import annotations

import time

import pytest
import requests

from tests.e2e.browser.site import ELDER
from tests.e2e.helpers import token

pytestmark = pytest.mark.e2e
LET_FLAT = "2号楼 2单元 1203"


@pytest.fixture
def simulated_lead(stack) -> None:
    """The simulator's lead (tests/e2e/test_local_stack.py waits for it too; alone, this test waits here)."""
    h = {"Authorization": f"Bearer {token(stack, 'zz.wang.fang')}"}
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        page = requests.get(f"{stack['api_url']}/v1/rental-leads?community_id=jinghu&status=all", headers=h,
                            timeout=10).json()
        if any(lead["household"] == LET_FLAT for lead in page["items"]):
            return
        time.sleep(5)
    pytest.fail("the simulator's gate made no lead in four minutes")


def test_the_grid_worker_reads_the_evidence_and_confirms_the_let_flat(open_site, simulated_lead):
    site = open_site("console", width=1280, height=900)
    failed: list[str] = []
    site.page.on("response", lambda r: failed.append(f"{r.request.method} {r.url} → {r.status}")
                 if r.url.startswith(site.api) and r.status >= 400 else None)
    site.sign_in("zz.wang.fang")
    site.page.locator("#app-nav").get_by_role("link", name="群租线索").click()
    site.screen("console-leads")
    assert "有 1 条疑似群租线索待核实" in site.main_text()
    row = site.page.locator(".ld-row").filter(has_text=LET_FLAT)
    assert "一周内用了本户" in row.inner_text() and "张门禁卡" in row.inner_text()
    assert "4101030" not in site.main_text()  # counts only: never a card number
    site.axe("open leads")

    row.get_by_role("button", name="查看并核实").click()
    table = row.locator(".ld-week")
    table.wait_for()
    assert table.locator("tbody tr").count() >= 1 and row.locator(".ld-over").count() >= 1
    assert "发现疑似群租" in row.locator(".timeline").inner_text()
    row.get_by_role("button", name="排除").click()
    site.page.locator(".ld-decide #f-reason").wait_for()
    assert "排除后 30 天内不再提醒" in site.page.locator(".ld-decide").inner_text()  # the city's quiet days
    site.axe("dismissing a lead")
    row.get_by_role("button", name="取消").click()
    row.get_by_role("button", name="核实为群租").click()
    form = site.page.locator(".ld-decide")
    form.wait_for()
    site.page.fill("#f-occupants", "9")
    site.page.fill("#f-note", "上门核实：两室一厅住9人，上下铺，已告知房东整改并通报派出所。")
    site.axe("confirming a lead")
    site.page.get_by_role("button", name="确认是群租").click()
    site.page.locator("#toast").filter(has_text="已标记为群租").wait_for()
    site.screen("console-leads")
    assert "目前没有待核实的群租线索" in site.main_text()
    site.page.get_by_role("link", name="已核实群租 1").click()
    site.screen("console-leads")
    row = site.page.locator(".ld-row").filter(has_text=LET_FLAT)
    row.get_by_role("button", name="查看").click()
    row.locator(".timeline").filter(has_text="实住 9 人").wait_for()
    site.page.get_by_role("link", name="已排除 1").click()
    site.screen("console-leads")
    dismissed = site.page.locator(".ld-row").filter(has_text="5号楼 1单元 2201")
    dismissed.get_by_role("button", name="查看").click()
    dismissed.locator(".timeline").filter(has_text="家庭人口多或亲友来访").wait_for()
    assert not failed and not site.errors, (failed, site.errors)


def test_on_a_phone_and_in_elder_mode_the_leads_read_the_same(open_site, simulated_lead):
    for label, script in (("phone", None), ("phone-elder", ELDER)):
        site = open_site(label, init_script=script)  # 390 × 844
        site.sign_in("zz.wang.fang")
        site.open("#/console/leads?status=all")
        site.screen("console-leads")
        assert site.page.locator(".ld-row").count() == 2
        row = site.page.locator(".ld-row").filter(has_text=LET_FLAT)
        row.get_by_role("button", name="查看").or_(row.get_by_role("button", name="查看并核实")).first.click()
        row.locator(".ld-week").wait_for()
        width = site.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert width <= 1, f"scrolls sideways by {width} px ({label})"
        site.axe(f"leads, {label}")
        assert not site.errors, site.errors
