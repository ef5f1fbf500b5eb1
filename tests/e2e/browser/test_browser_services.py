"""附近服务 (一刻钟便民生活圈) in the browser: the list around 吴秀英's home nearest first, with distance,
walking time, hours, open now and a phone link; filters by category and radius; the map; elder mode.
Read-only: the demo directory is not changed."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser.site import ELDER

pytestmark = pytest.mark.e2e


def distances(site) -> list[float]:
    """Metres of every listed point, as the page shows them ("72 米" or "1.2 公里")."""
    out = []
    for text in site.page.locator(".sv-distance").all_inner_texts():
        m = re.match(r"([\d.]+) (米|公里)", text)
        assert m, text
        out.append(float(m.group(1)) * (1000 if m.group(2) == "公里" else 1))
    return out


def test_nearby_services_are_listed_nearest_first_with_walking_time_and_a_map(open_site):
    site = open_site("resident", width=1024, height=900)
    site.sign_in("zz.wu.xiuying")
    site.open("#/services")
    site.screen("services-nearby")
    assert "步行 15 分钟" in site.main_text()
    assert site.page.locator("#f-radius").input_value() == "1200"
    assert site.page.locator("#sv-cat-all").get_attribute("aria-pressed") == "true"

    metres = distances(site)
    assert len(metres) >= 3
    assert metres == sorted(metres)
    assert max(metres) <= 1200
    items = site.page.locator(".sv-item")
    assert all(re.search(r"步行约 \d+ 分钟", t) for t in items.all_inner_texts())
    assert all(("营业中" in t) != ("未营业" in t) for t in items.all_inner_texts())
    # each entry short: hours and services folded until asked for
    first = items.first
    assert first.locator(".sv-more").get_attribute("open") is None
    first.get_by_text("营业时间与服务").click()
    assert re.search(r"营业时间\s+(每天|周)", first.locator(".sv-more").inner_text())
    call = site.page.locator('.sv-item a[href^="tel:"]').first
    assert re.fullmatch(r"tel:[\d+]+", call.get_attribute("href"))
    assert call.inner_text().startswith("拨打")
    assert site.page.locator(".sv-item .badge").filter(has_text="适老化").count() >= 1
    # the map: one numbered marker per listed point, numbers as in the list
    site.page.locator(".sv-map .sv-pin").first.wait_for()
    assert site.page.locator(".sv-map .sv-pin").count() == len(metres)
    site.axe("nearby services")

    # a category: only canteens, still nearest first
    site.page.get_by_role("button", name="长者食堂").click()
    site.page.locator("#sv-cat-canteen[aria-pressed=true]").wait_for()
    site.page.locator("#toast").filter(has_text="处服务").wait_for()
    badges = [b.locator(".badge").first.inner_text() for b in site.page.locator(".sv-item").all()]
    assert badges and set(badges) == {"长者食堂"}
    assert distances(site) == sorted(distances(site))
    site.axe("canteens")

    # a smaller circle: nothing beyond it
    site.page.get_by_role("button", name="全部").click()
    site.page.locator("#sv-cat-all[aria-pressed=true]").wait_for()
    site.page.select_option("#f-radius", "500")
    site.page.locator("#sv-count").filter(has_text="500 米内").wait_for()
    near = distances(site)
    assert near == sorted(near) and all(m <= 500 for m in near) and len(near) < len(metres)
    site.axe("within 500 m")


def test_elder_mode_lists_services_with_large_call_buttons_and_no_map(open_site):
    site = open_site("elder", init_script=ELDER)
    site.sign_in("zz.wu.xiuying")
    site.open("#/services")
    site.screen("services-nearby")
    assert site.page.locator("html.elder").count() == 1
    assert site.page.locator(".sv-map").count() == 0 and site.page.locator("#f-radius").count() == 0
    assert site.page.locator(".sv-chip").count() <= 6
    metres = distances(site)
    assert metres and metres == sorted(metres)
    heights = site.page.eval_on_selector_all("main .btn, main .sv-chip",
                                             "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 48
    site.axe("elder nearby services")
