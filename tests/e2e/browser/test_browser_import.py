"""区划导入 in the browser: 银川's city admin downloads the template, uploads a workbook of 贺兰县金贵镇 with a
mistake — told where, by sheet, row and column, nothing imported — then the corrected file, and follows it
to the end with a progress bar: what was created. The same screen on a phone and in elder mode.

Uses 银川 (yc.admin) and a street of its own (金贵镇): no other test counts it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.browser.conftest import SCREENSHOTS
from tests.e2e.browser.site import ELDER, Site
from tests.support import workbook as support_workbook

pytestmark = pytest.mark.e2e

ADMIN = "yc.admin"
HEADERS = {
    "街道": ["所属区县编码", "街道编码", "街道名称", "英文名称"],
    "社区": ["所属街道编码", "社区编码", "社区名称", "英文名称", "地址", "经度", "纬度"],
    "网格": ["所属社区编码", "网格编码", "网格名称", "英文名称"],
    "楼栋": ["所属网格编码", "楼栋编码", "楼栋名称", "英文名称", "单元数", "楼层数", "户数"],
}


def street(floors: Any = 6) -> dict[str, list[list[Any]]]:
    return {
        "街道": [["helan", "jingui", "金贵镇", "Jingui Town"]],
        "社区": [["jingui", "jingui-sq", "金贵社区", "Jingui Community", "银川市贺兰县金贵镇金贵街 12 号",
                  106.4012, 38.6125],
                 ["jingui", "yinhe", "银河村", None, "银川市贺兰县金贵镇银河村委会", 106.4257, 38.6318]],
        "网格": [["jingui-sq", "jingui-sq-g1", "第一网格", "Grid 1"], ["yinhe", "yinhe-g1", "第一网格", None]],
        "楼栋": [["jingui-sq-g1", "jingui-sq-b1", "1号楼", None, 2, 6, 24],
                 ["jingui-sq-g1", "jingui-sq-b2", "2号楼", None, 2, floors, 24],
                 ["yinhe-g1", "yinhe-b1", "村委会楼", None, 1, 3, 6]],
    }


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    return support_workbook(sheets, HEADERS)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(site: Site, name: str, body: bytes) -> None:
    site.page.set_input_files("#im-file", files=[{"name": name, "mimeType": XLSX, "buffer": body}])


def test_the_city_admin_imports_a_street_told_of_a_mistake_first_then_following_it_to_the_end(open_site):
    site = open_site("console", width=1280, height=900)
    site.sign_in(ADMIN)
    site.page.locator("#app-nav").get_by_role("link", name="区划导入").click()
    site.screen("console-import")
    site.page.get_by_role("button", name="下载导入模板").click()
    link = site.page.locator(".rp-file a")
    link.wait_for()
    assert link.inner_text() == "区划导入模板.xlsx"

    # a mistake: floors written in words
    upload(site, "金贵镇区划.xlsx", workbook(street(floors="六层")))
    problems = site.page.locator(".im-problems")
    problems.wait_for(timeout=30_000)
    assert "未导入任何记录" in problems.inner_text()
    rows = problems.locator("tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").all_inner_texts()[:3] == ["楼栋", "3", "F（楼层数）"]
    assert rows.first.get_attribute("data-cell") == "楼栋!F3"
    site.page.locator("#toast").filter(has_text="文件有问题").wait_for()
    site.axe("an import refused, with its problems")
    site.page.screenshot(path=str(SCREENSHOTS / "test_browser_import--problems-1280.png"), full_page=True)

    # corrected: created, with progress to 100 %
    upload(site, "金贵镇区划.xlsx", workbook(street()))
    site.page.locator(".im-counts").wait_for(timeout=30_000)
    bar = site.page.locator(".im-progress__bar")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "8"
    assert "已处理 8 / 8 项（100%）" in site.page.locator(".im-progress__text").inner_text()
    counts = dict(zip(site.page.locator(".im-count dt").all_inner_texts(),
                      site.page.locator(".im-count dd").all_inner_texts(), strict=True))
    assert counts == {"新增": "8", "更新": "0", "未变": "0", "停用": "0"}
    history = site.page.locator(".im-history__item")
    assert history.count() >= 2
    assert "已完成" in history.first.inner_text() and "未通过" in history.nth(1).inner_text()
    site.axe("an import done")
    assert not site.failed and not site.errors, (site.failed, site.errors)


@pytest.mark.parametrize("elder", [False, True], ids=["phone", "phone-elder"])
def test_on_a_phone_and_in_elder_mode_the_problems_stay_readable(open_site, elder):
    site = open_site("phone-elder" if elder else "phone", init_script=ELDER if elder else None)
    site.sign_in(ADMIN)
    site.open("#/console/import")
    site.screen("console-import")
    upload(site, "金贵镇区划.xlsx", workbook({**street(), "网格": [["nowhere", "nowhere-g1", "第一网格", None]]}))
    site.page.locator(".im-problems tbody tr").first.wait_for(timeout=30_000)
    width = site.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 1, f"scrolls sideways by {width} px"
    site.axe("import problems on a phone" + (" in elder mode" if elder else ""))
    label = "phone-elder" if elder else "phone"
    site.page.screenshot(path=str(SCREENSHOTS / f"test_browser_import--{label}.png"), full_page=True)
    assert not site.failed and not site.errors, (site.failed, site.errors)
