"""一屏统览 (city dashboard) in the browser: a city admin's charts hold the city's numbers, the map shows
its communities, every chart's numbers are there as text, another city's admin sees only their own
city, staff see their communities, and elder mode keeps the key numbers to read aloud. Read-only."""

from __future__ import annotations

import json

import pytest

from tests.support import load_manifest

pytestmark = pytest.mark.e2e

CHARTS = ("byState", "byDepartment", "trend")
CHARTS_DRAWN = """names => window.echarts && names.every(n => {
  const el = document.querySelector(`[data-widget="${n}"]`);
  return el && echarts.getInstanceByDom(el) && el.querySelector("canvas");
})"""
SERIES = """name => echarts.getInstanceByDom(document.querySelector(`[data-widget="${name}"]`))
  .getOption().series.map(s => s.data.map(d => (d && typeof d === "object") ? d.value : d))"""


def communities(tenant: str) -> list[dict[str, str]]:
    m = load_manifest(tenant)
    return [c.name.model_dump() for d in m.hierarchy.districts for s in d.streets for c in s.communities]


def open_dashboard(site, user: str) -> None:
    site.sign_in(user)
    site.page.get_by_role("navigation").get_by_role("link", name="一屏统览").click()
    site.screen("dashboard")


def kpi(site, label: str) -> str:
    return site.page.locator(".db-kpi").filter(has=site.page.locator("dt", has_text=label)) \
        .locator(".db-kpi__value").inner_text()


def map_labels(site) -> list[str]:
    site.page.locator(".db-map .leaflet-tooltip").first.wait_for()
    return site.page.locator(".db-map .leaflet-tooltip").all_inner_texts()


def test_a_city_admin_sees_charts_with_the_citys_numbers_and_the_communities_on_the_map(open_site):
    site = open_site("admin", width=1280, height=900)
    open_dashboard(site, "zz.admin")
    assert site.page.locator("h1").inner_text() == "一屏统览"
    site.page.wait_for_function(CHARTS_DRAWN, arg=list(CHARTS))

    by_state = site.page.evaluate(SERIES, "byState")
    filed = int(kpi(site, "本月诉求"))
    assert len(by_state[0]) == 8 and sum(by_state[0]) == filed > 0
    by_department = site.page.evaluate(SERIES, "byDepartment")
    assert len(by_department) == 2 and sum(by_department[0]) == filed
    trend = site.page.evaluate(SERIES, "trend")
    assert len(trend[0]) == 6 and trend[0][-1] == filed
    assert "%" in kpi(site, "按时响应率") and "/" in kpi(site, "设备在线")

    # the numbers are also text: an accessible name on each chart and a table under it
    label = site.page.locator('[data-widget="byState"]').get_attribute("aria-label")
    assert label.startswith("本月诉求办理状态：待响应 ") and site.page.locator('[data-widget="byState"]') \
        .get_attribute("role") == "img"
    card = site.page.locator(".card").filter(has=site.page.locator('[data-widget="byState"]'))
    card.get_by_text("查看数据表").click()
    rows = card.locator("tbody tr").all_inner_texts()
    assert len(rows) == 8 and rows[0].startswith("待响应")

    alerts = int(kpi(site, "未处置告警"))
    if alerts:  # the simulator may have raised some by now
        site.page.wait_for_function(CHARTS_DRAWN, arg=["alertsByType"])
        assert sum(site.page.evaluate(SERIES, "alertsByType")[0]) == alerts
    else:
        assert "目前没有未处置的告警" in site.main_text()

    places = communities("zhengzhou")
    labels = map_labels(site)
    assert sorted(label.split(" · ")[0] for label in labels) == sorted(p["zh"] for p in places)
    assert site.page.locator(".db-map path.leaflet-interactive").count() == len(places)
    table = site.page.locator("table").filter(has_text="各社区情况").locator("tbody th").all_inner_texts()
    assert sorted(table) == sorted(p["zh"] for p in places)
    site.axe("dashboard, 郑州 admin")


def test_another_citys_admin_sees_only_their_own_city(open_site):
    site = open_site("yinchuan", width=1280, height=900)
    open_dashboard(site, "yc.admin")
    site.page.wait_for_function(CHARTS_DRAWN, arg=list(CHARTS))
    ours, theirs = communities("yinchuan"), communities("zhengzhou")
    labels = [label.split(" · ")[0] for label in map_labels(site)]
    assert sorted(labels) == sorted(p["zh"] for p in ours)
    text = site.main_text()
    assert not any(p["zh"] in text for p in theirs) and "郑州" not in text
    # the screen shows what the API answers for 银川, and nothing of 郑州's requests
    token = site.token_in_session()
    api = site.page.evaluate("""async ([url, token]) => (await fetch(url + "/v1/dashboard",
        { headers: { Authorization: "Bearer " + token } })).json()""", [site.api, token])
    assert int(kpi(site, "本月诉求")) == api["requests"]["total"]["filed"]
    assert sum(site.page.evaluate(SERIES, "byState")[0]) == api["requests"]["total"]["filed"]
    assert "jinghu" not in json.dumps(api)
    site.axe("dashboard, 银川 admin")


def test_staff_see_their_community_and_may_pick_an_earlier_month(open_site):
    site = open_site("staff", width=1280, height=900)
    open_dashboard(site, "zz.wang.fang")
    assert "我负责的社区" in site.main_text()
    table = site.page.locator("table").filter(has_text="各社区情况").locator("tbody th").all_inner_texts()
    assert table == ["荆胡社区"]
    site.axe("dashboard, staff")

    picker = site.page.get_by_label("月份")
    earlier = picker.locator("option").nth(1).get_attribute("value")
    picker.select_option(earlier)
    site.page.wait_for_url(f"**/#/dashboard?month={earlier}")
    site.screen("dashboard")
    assert site.page.get_by_label("月份").input_value() == earlier
    site.axe("dashboard, an earlier month")


def test_elder_mode_keeps_the_key_numbers_in_large_type_to_read_aloud(open_site):
    site = open_site("elder", init_script="""
      window.__spoken = [];
      window.speechSynthesis.speak = (u) => window.__spoken.push(u.text);""")
    open_dashboard(site, "zz.admin")
    site.page.locator("#elder-switch").click()
    site.page.get_by_role("heading", name="本月情况").wait_for()
    assert site.page.locator("[data-widget]").count() == 0  # one task: the numbers, no charts
    summary = site.page.locator(".db-summary").inner_text()
    assert summary.startswith("这个月群众反映问题")
    site.page.get_by_role("button", name="读给我听").click()
    spoken = site.page.evaluate("() => window.__spoken")
    assert spoken and summary in spoken[0]
    heights = site.page.eval_on_selector_all("main .btn, main select",
                                             "els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= 48
    site.axe("dashboard, elder mode")
