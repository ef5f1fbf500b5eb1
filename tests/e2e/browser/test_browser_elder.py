"""长辈模式 on a phone: the content starts in the first third of the screen, the tiles say what they do,
nothing scrolls sideways at 320 px with the text at 200 %, and toasts never cover the page."""

from __future__ import annotations

import pytest

from tests.e2e.browser.site import ELDER, Site

pytestmark = pytest.mark.e2e

RESIDENT_SCREENS = [
    ("#/home", "resident-home"), ("#/requests/new", "requests-new"), ("#/requests", "requests-mine"),
    ("#/notices", "notices-list"), ("#/consultations", "consultations-list"), ("#/services", "services-nearby"),
    ("#/safety", "safety-home"), ("#/points", "points"), ("#/me/data", "me-data"),
    ("#/me/notifications", "me-notifications"),
]
INTERACTIVE = "main a[href], main button, main input, main select, main textarea, main summary"


class Calls:
    """Every API answer of 400 or more and every console error while the page is open."""

    def __init__(self, site: Site) -> None:
        self.site, self.failed, self.console = site, [], []
        site.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        site.page.on("response", lambda r: self.failed.append(f"{r.request.method} {r.url} → {r.status}")
                     if r.url.startswith(site.api) and r.status >= 400 else None)

    def assert_clean(self) -> None:
        assert not self.site.errors, self.site.errors
        assert not self.failed, self.failed
        assert not self.console, self.console


def main_top(site: Site) -> float:
    return float(site.page.evaluate("() => document.querySelector('main').getBoundingClientRect().top"))


def sideways(site: Site) -> int:
    return int(site.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def test_elder_home_starts_high_with_one_meaningful_tile_per_task_and_a_menu(open_site):
    site = open_site("elder-home", init_script=ELDER)  # 390 × 844
    calls = Calls(site)
    site.sign_in("zz.zhang.guilan")
    site.screen("resident-home")
    top = main_top(site)
    print(f"elder home: main starts at {top:.0f} px")
    assert top <= 250, f"content starts at {top} px"
    # one row: the brand's mark, 紧急求助 and 菜单 side by side (the brand still names the home link)
    row = site.page.evaluate("""() => ['.brand', '#sos-entry', '#app-menu > summary'].map(
        (s) => Math.round(document.querySelector(s).getBoundingClientRect().top))""")
    assert max(row) - min(row) < 20, row
    assert site.page.get_by_role("link", name="智慧社区云").is_visible()
    # the verified registration is one line; the six tasks follow, each with its own picture
    status = site.page.locator(".status--compact")
    assert "已核验" in status.inner_text()
    assert status.evaluate("e => e.getBoundingClientRect().height") < 80
    tiles = site.page.locator("main .tile")
    assert tiles.count() == 6
    pictures = tiles.evaluate_all("els => els.map(e => e.querySelector('svg').innerHTML)")
    assert len(set(pictures)) == 6, "every task has its own icon"
    assert tiles.first.evaluate("e => e.getBoundingClientRect().bottom") < 844  # on the first screen
    site.axe("elder home")

    # the menu holds the screens, the switches and sign-out; 退出登录 stays on one line
    site.page.locator("#app-menu > summary").click()
    sign_out = site.page.get_by_role("button", name="退出登录")
    sign_out.wait_for()
    lines = sign_out.locator("span").evaluate("e => e.getClientRects().length")
    assert lines == 1
    site.axe("elder menu open")
    site.page.locator("#app-menu nav").get_by_role("link", name="议事投票").click()
    site.screen("consultations-list")
    assert site.page.locator("#app-menu").get_attribute("open") is None  # a route change closes it
    assert main_top(site) <= 250

    # read aloud is offered on every resident screen
    for route, screen in RESIDENT_SCREENS:
        site.open(route)
        site.screen(screen)
        assert site.page.locator('main [data-action="speak"]').first.is_visible(), screen
    calls.assert_clean()

    # normal mode keeps the full header and nav, and the tasks come before the registration
    normal = open_site("normal-home")
    normal.sign_in("zz.zhang.guilan")
    normal.screen("resident-home")
    assert normal.page.locator("#app-nav").is_visible() and normal.page.locator("#elder-switch").is_visible()
    tasks = normal.page.locator(".home-tasks").evaluate("e => e.getBoundingClientRect().top")
    assert tasks < normal.page.locator(".home-reg").evaluate("e => e.getBoundingClientRect().top")
    print(f"normal home: main starts at {main_top(normal):.0f} px")
    normal.axe("normal home")


def test_no_sideways_scrolling_at_320_px_with_text_at_200_percent(open_site):
    # 200 % text: the root font size doubled (elder mode's 137.5 % → 275 %), so every rem doubles;
    # the viewport stays 320 CSS px wide, as on a small phone with the largest text setting.
    site = open_site("narrow-200", width=320, height=640, init_script=ELDER)
    calls = Calls(site)
    site.sign_in("zz.zhang.guilan")
    site.screen("resident-home")
    site.page.evaluate("() => { document.documentElement.style.fontSize = '275%'; }")
    for route, screen in RESIDENT_SCREENS:
        site.page.evaluate("(r) => { location.hash = r; }", route)  # in the page: the font size stays
        site.screen(screen)
        assert sideways(site) <= 1, f"{screen} scrolls sideways by {sideways(site)} px"
    site.page.evaluate("() => { location.hash = '#/home'; }")
    site.screen("resident-home")
    site.page.locator("#app-menu > summary").click()
    assert sideways(site) <= 1, "the open menu scrolls sideways"
    calls.assert_clean()


def test_a_toast_never_covers_the_page_goes_away_on_tap_and_the_vote_page_makes_no_failed_call(open_site):
    site = open_site("toast")
    calls = Calls(site)
    site.sign_in("yc.ma.wei")  # has not voted on 小区电动车充电桩选址 yet
    site.open("#/consultations")
    site.screen("consultations-list")
    site.page.locator(".cs-item").filter(has_text="小区电动车充电桩选址").get_by_role("link").click()
    site.screen("consultations-detail")
    assert "小区电动车充电桩选址" in site.main_text()

    # switching elder mode on announces it: a bar above the content, never over a control
    site.page.locator("#elder-switch").click()
    toast = site.page.locator("#toast")
    toast.filter(has_text="已开启长辈模式").wait_for()
    assert toast.get_attribute("aria-live") == "polite" and toast.get_attribute("role") == "status"
    overlaps = site.page.evaluate("""(sel) => {
        const bar = document.getElementById('toast-bar').getBoundingClientRect();
        const hit = (r) => r.width && r.height && r.left < bar.right && bar.left < r.right
                                               && r.top < bar.bottom && bar.top < r.bottom;
        return [...document.querySelectorAll(sel)].filter(e => hit(e.getBoundingClientRect()))
                                                 .map(e => e.outerHTML.slice(0, 80));
    }""", INTERACTIVE)
    assert not overlaps, overlaps
    site.axe("vote page with a toast, elder mode")
    site.page.locator("#toast-bar").click()
    site.page.wait_for_function("() => document.getElementById('toast').textContent === ''")
    assert site.page.locator("#toast-bar").evaluate("e => e.getBoundingClientRect().height") == 0

    # and by itself, after a few seconds
    site.page.locator("#app-menu > summary").click()
    site.page.locator("#elder-switch").click()
    toast.filter(has_text="已关闭长辈模式").wait_for()
    site.page.wait_for_function("() => document.getElementById('toast').textContent === ''", timeout=7000)
    calls.assert_clean()
