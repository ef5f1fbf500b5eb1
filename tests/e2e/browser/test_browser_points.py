"""垃圾分类积分 in the browser: 张桂兰 sees her household's points, history and building ranking on her
phone, binds and unbinds a card; in elder mode the balance is a sentence and the latest drops; the grid
worker 王芳 finds a household by its card and redeems points for goods with a receipt, the stock and
the balance moving together."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser.site import ELDER
from tests.e2e.helpers import api

pytestmark = pytest.mark.e2e


def balance_of(site) -> int:
    return int(site.page.locator("[data-balance]").inner_text())


def test_a_resident_sees_her_points_history_and_ranking_and_binds_a_card(open_site, stack):
    site = open_site("resident")  # 390 × 844
    failed: list[str] = []
    site.page.on("response", lambda r: failed.append(f"{r.request.method} {r.url} → {r.status}")
                 if r.url.startswith(site.api) and r.status >= 400 else None)
    site.sign_in("zz.zhang.guilan")
    site.page.locator("main .home-tasks").get_by_role("link", name="分类积分").click()
    site.screen("points")
    # two weeks of drops (the demo's) and whatever the simulator's bin has credited since
    assert balance_of(site) > 0
    text = site.main_text()
    assert re.search(r"今天已得(满)? \d+ 分", text), text
    ledger = site.page.locator("[data-ledger] li")
    assert ledger.count() >= 5 and "公斤" in ledger.first.inner_text()
    assert "本楼本月排行" in text and "我家" in text and "1单元 3层" in text  # unit and floor, never a name
    assert "张" not in site.page.locator(".pt-table").first.inner_text()
    assert "******0001" in text  # her card, masked
    assert "垃圾袋(3卷)" in text and "可回收物：每公斤 10 分" in text
    site.axe("points, phone")

    # a second card for her daughter's visits: bound, listed, then unbound after a confirmation
    site.page.fill("#f-card", "4101039901")
    site.page.get_by_role("button", name="绑定", exact=True).click()
    site.page.locator("#toast").filter(has_text="已绑定：******9901").wait_for()
    site.screen("points")
    row = site.page.locator(".pt-cred").filter(has_text="******9901")
    row.wait_for()
    row.get_by_role("button", name="解绑").click()
    row.get_by_text("解绑后用它投放不再计分").wait_for()
    site.axe("points, confirming an unbind")
    row.get_by_role("button", name="确定解绑").click()
    site.page.locator("#toast").filter(has_text="已解绑").wait_for()
    assert site.page.locator(".pt-cred").filter(has_text="******9901").count() == 0
    assert site.page.locator(".pt-cred").filter(has_text="******0001").count() == 1
    # a card bound to another household is refused with the reason, beside the field
    site.page.fill("#f-card", "4101030002")
    site.page.get_by_role("button", name="绑定", exact=True).click()
    site.page.locator(".pt-bind .form__error").filter(has_text="已绑定到别的家庭").wait_for()
    assert [f for f in failed if "/v1/me/points/cards" not in f] == []
    assert not site.errors, site.errors


def test_in_elder_mode_the_balance_is_a_sentence_with_the_latest_drops(open_site):
    site = open_site("elder", init_script=ELDER)
    site.sign_in("zz.zhang.guilan")
    site.open("#/points")
    site.screen("points")
    balance = site.page.locator(".pt-balance")
    assert balance.locator(".pt-balance__sentence").inner_text() == f"您家现在有 {balance_of(site)} 积分。"
    assert site.page.locator("[data-ledger] li").count() == 5
    assert site.page.locator(".pt-bind").count() == 0  # one task: read; binding stays in the full view
    assert site.page.locator(".pt-kg").count() == 0
    assert site.page.locator('main [data-action="speak"]').first.is_visible()
    site.axe("points, elder mode")
    assert not site.errors, site.errors


def test_a_grid_worker_redeems_points_for_goods_with_a_receipt(open_site, stack):
    site = open_site("console", width=1280, height=900)
    site.sign_in("zz.wang.fang")
    site.open("#/console/points")
    site.screen("console-points")
    assert "荆胡社区垃圾分类积分兑换站" in site.main_text()
    stock = site.page.locator(".card", has=site.page.locator(".pt-restock"))
    salt = stock.locator(".facts div").filter(has_text="食用盐 400g").locator("dd")
    stock_before = int(salt.inner_text())

    site.page.fill("#f-credential", "4101030004")  # 孙丽华's household card
    site.page.get_by_role("button", name="查找").click()
    found = site.page.locator(".pt-found")
    found.wait_for()
    before = int(re.search(r"可用 (\d+) 积分", found.inner_text()).group(1))
    assert before >= 20, "two weeks of the demo's drops"
    site.axe("console points, household found")
    site.page.fill("#q-salt", "1")
    site.page.get_by_role("button", name="确认兑换").click()
    receipt = site.page.locator(".card--receipt")
    receipt.wait_for()
    text = receipt.inner_text()
    assert re.search(r"DH\d{8}-[0-9A-F]{6}", text) and "食用盐 400g" in text and "20" in text
    after = int(re.search(r"可用 (\d+) 积分", found.inner_text()).group(1))
    assert after <= before - 20 + 30  # the bin may credit her a drop meanwhile, never more than the daily cap
    assert int(salt.inner_text()) == stock_before - 1
    assert site.page.locator(".pt-receipts li").first.inner_text().startswith(re.search(r"DH\S+", text).group(0))
    site.axe("console points, receipt")

    # asking for more than the household has is refused in words, nothing taken
    site.page.fill("#q-detergent", "6")  # 6 × 120 points: more than two weeks of drops earn
    site.page.get_by_role("button", name="确认兑换").click()
    site.page.locator('.pt-redeem [data-error-for="items"]').filter(has_text="积分不够：这次共需 720 分").wait_for()
    site.axe("console points, refused")
    assert int(salt.inner_text()) == stock_before - 1
    # and the month's sorted waste per community, as a chart and a table
    jinghu = site.page.locator("[data-diversion] tr[data-community=jinghu]")
    assert float(jinghu.locator("td").nth(4).inner_text()) > 0
    assert site.page.locator('[data-widget="diversion"] canvas').count() == 1
    served = api(stack, "zz.wang.fang", "GET", "/v1/points/diversion")  # the worker's own communities only
    assert {c["community_id"] for c in served["communities"]} == {"jinghu"}
    assert not site.errors, site.errors
