"""一屏统览 (city dashboard) in the browser: a city admin's charts hold the city's numbers, the map shows
its communities, every chart's numbers are there as text, another city's admin sees only their own
city, staff see their communities, and elder mode keeps the key numbers to read aloud. Read-only."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.browser.test_browser_ops import Watch
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
    # labels are placed by open alerts, most first: the first in the page may be the one hidden to keep them apart
    site.page.locator(".db-map .db-label:not(.map-label--hidden)").first.wait_for()
    return site.page.locator(".db-map .db-label").all_inner_texts()  # "" for one hidden to keep labels apart


def test_a_city_admin_sees_charts_with_the_citys_numbers_and_the_communities_on_the_map(open_site):
    site = open_site("admin", width=1280, height=900)
    open_dashboard(site, "zz.admin")
    assert site.page.locator("h1").inner_text() == "一屏统览"
    site.page.wait_for_function(CHARTS_DRAWN, arg=list(CHARTS))

    by_state = site.page.evaluate(SERIES, "byState")
    filed = int(kpi(site, "本月诉求"))
    # the chart draws the states that count something (the table below lists all eight)
    assert 1 <= len(by_state[0]) <= 8 and all(v > 0 for v in by_state[0]) and sum(by_state[0]) == filed > 0
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
    names = {p["zh"] for p in places}
    assert len(labels) == len(places) and {label.split(" · ")[0] for label in labels if label} <= names
    assert site.page.locator(".db-map path.leaflet-interactive").count() == len(places)
    table = site.page.locator("table").filter(has_text="各社区情况").locator("tbody th").all_text_contents()
    assert sorted(table) == sorted(p["zh"] for p in places)
    site.axe("dashboard, 郑州 admin")


BOXES = """sel => [...document.querySelectorAll(sel)].filter(e => getComputedStyle(e).visibility !== "hidden")
  .map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, e.innerText]; })"""


def overlapping(boxes: list[list]) -> list[tuple[str, str]]:
    return [(a[4], b[4]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


def test_the_cockpit_fits_one_wall_screen_with_the_map_on_the_citys_districts(open_site):
    site = open_site("wall", width=1920, height=1080)
    watch = Watch(site)
    open_dashboard(site, "zz.admin")
    charts = [*CHARTS, "alertsPerDay"]  # the last 14 days are drawn even when all are 0
    site.page.wait_for_function(CHARTS_DRAWN, arg=charts)
    site.page.locator(".db-map .map-district").first.wait_for(state="attached")

    # one screen: no page scroll, the map and at least four charts inside 1920×1080
    assert site.page.evaluate("() => document.scrollingElement.scrollHeight <= innerHeight")
    inside = """sel => [...document.querySelectorAll(sel)].filter(e => { const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
        && r.right <= 1920 && r.bottom <= 1080; }).length"""
    assert site.page.evaluate(inside, ".db-chart canvas") >= 4
    assert site.page.evaluate(inside, ".db-map") == 1

    # the offline basemap: the city's districts as outlines with their names, no tile server needed
    assert site.page.locator(".db-map path:not(.leaflet-interactive)").count() >= 6
    assert "二七区" in site.page.locator(".db-map .map-district").all_text_contents()  # shown where room allows
    # the communities' labels never cover each other (nor the district names left showing)
    labels = site.page.evaluate(BOXES, ".db-map .db-label")
    assert len(labels) >= 3, labels
    assert not overlapping(labels), overlapping(labels)
    assert not overlapping(site.page.evaluate(BOXES, ".db-map .leaflet-tooltip"))

    # the data's time, and a wall display's full screen
    assert re.fullmatch(r"数据更新于 \d{2}:\d{2}", site.page.locator("[data-updated]").inner_text())
    site.page.get_by_role("button", name="全屏显示").click()
    site.page.get_by_role("button", name="退出全屏").wait_for()
    assert site.page.evaluate("() => document.fullscreenElement?.id") == "main"
    site.axe("cockpit, 1920×1080 full screen")
    site.page.get_by_role("button", name="退出全屏").click()
    site.page.get_by_role("button", name="全屏显示").wait_for()
    site.axe("cockpit, 1920×1080")
    watch.assert_clean()

    # a laptop: columns (the map beside the charts), the page may scroll; a phone: one column
    for width, height, label in ((1366, 768, "laptop"), (390, 844, "phone")):
        other = open_site(label, width=width, height=height)
        open_dashboard(other, "zz.admin")
        other.page.wait_for_function(CHARTS_DRAWN, arg=charts)
        other.page.locator(".db-map .db-label").first.wait_for()
        map_box = other.page.locator(".db-map").bounding_box()
        chart_box = other.page.locator('[data-widget="byState"]').bounding_box()
        assert (chart_box["x"] + chart_box["width"] <= map_box["x"]) == (label == "laptop")
        assert other.page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth")


def test_another_citys_admin_sees_only_their_own_city(open_site):
    site = open_site("yinchuan", width=1280, height=900)
    open_dashboard(site, "yc.admin")
    site.page.wait_for_function(CHARTS_DRAWN, arg=list(CHARTS))
    ours, theirs = communities("yinchuan"), communities("zhengzhou")
    labels = [label.split(" · ")[0] for label in map_labels(site)]
    assert len(labels) == len(ours) and {n for n in labels if n} <= {p["zh"] for p in ours}
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
    table = site.page.locator("table").filter(has_text="各社区情况").locator("tbody th").all_text_contents()
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
