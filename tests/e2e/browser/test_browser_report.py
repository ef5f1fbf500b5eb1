"""一表通 in the browser: the grid worker 王芳 opens last month's report of 荆胡社区 — figures by section, made
from the demo's data — downloads it as Excel, and submits it (confirmed, then locked with her name); the city
admin sees the city's communities side by side with the streets and the total, who has submitted, and the
definitions. On a phone and in elder mode the table scrolls inside itself, not the page."""

from __future__ import annotations

import io

import pytest

from tests.e2e.browser.site import ELDER

pytestmark = pytest.mark.e2e


def test_the_grid_worker_downloads_and_submits_last_months_report(open_site):
    from openpyxl import load_workbook

    site = open_site("console", width=1280, height=900)
    site.sign_in("zz.wang.fang")
    site.page.locator("#app-nav").get_by_role("link", name="一表通").click()
    site.screen("console-report")
    assert "1 个社区中已报送 0 个" in site.main_text()
    table = site.page.locator(".rp-figures")
    assert table.locator("thead th").all_inner_texts() == ["指标", "荆胡社区"]
    for figure in ("已登记户数", "受理诉求", "巡访按时率", "分类投放量", "群租线索（待核实）"):
        assert table.locator("th[scope=row]").filter(has_text=figure).count() == 1, figure
    # requests by service category below: they add up to the month's requests filed
    filed = table.locator("tr").filter(has_text="受理诉求").locator("td").inner_text()
    by = site.page.locator(".rp-breakdown").first
    assert by.locator("thead th").all_inner_texts()[:3] == ["服务类别", "受理（件）", "办结（件）"]
    counts = [int(x) for x in by.locator("tbody td:nth-of-type(1)").all_inner_texts()]
    assert sum(counts) == int(filed.replace(",", "")), (counts, filed)
    site.axe("monthly report")

    site.page.get_by_role("button", name="下载 Excel").click()
    link = site.page.locator(".rp-file a")
    link.wait_for()
    assert link.inner_text().startswith("一表通-郑州市-") and link.inner_text().endswith(".xlsx")
    with site.page.expect_download() as download:
        link.click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    assert book.sheetnames[:6] == ["社区", "街道", "区县", "合计", "诉求分类", "告警类型"]
    assert book["社区"]["A3"].value == "荆胡社区"

    row = site.page.locator(".rp-sub").filter(has_text="荆胡社区")
    row.get_by_role("button", name="报送").click()
    site.page.locator(".rp-confirm").filter(has_text="报送后数据锁定").wait_for()
    site.axe("confirming a submission")
    site.page.get_by_role("button", name="确认报送").click()
    site.page.locator("#toast").filter(has_text="已报送，数据已锁定").wait_for()
    site.screen("console-report")
    row = site.page.locator(".rp-sub").filter(has_text="荆胡社区")
    assert "已报送" in row.inner_text() and "zz.wang.fang" in row.inner_text()
    assert row.get_by_role("button", name="报送").count() == 0
    assert not site.failed and not site.errors, (site.failed, site.errors)


def test_the_city_admin_sees_every_community_with_streets_and_total(open_site):
    site = open_site("admin", width=1440, height=900)
    site.sign_in("zz.admin")
    site.open("#/console/report")
    site.screen("console-report")
    heads = site.page.locator(".rp-figures thead th").all_inner_texts()
    assert "荆胡社区" in heads and "合计" in heads and any(h.endswith("街道") for h in heads), heads
    assert site.page.locator(".rp-sub").count() == len([h for h in heads if h.endswith("社区")])
    site.page.locator(".rp-defs summary").click()
    assert "受理" in site.page.locator(".rp-defs").inner_text()
    site.axe("monthly report, city")
    assert not site.errors, site.errors


def test_on_a_phone_and_in_elder_mode_the_report_scrolls_inside_its_table(open_site):
    for label, script in (("phone", None), ("phone-elder", ELDER)):
        site = open_site(label, init_script=script)
        site.sign_in("zz.admin")
        site.open("#/console/report")
        site.screen("console-report")
        width = site.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert width <= 1, f"scrolls sideways by {width} px ({label})"
        site.axe(f"monthly report, {label}")
        assert not site.errors, site.errors
