"""紧急求助 on every resident screen, both modes: the red entry in the header leads to one-tap calls —
119, 110, 120, the city's gas line and, for a verified household, the estate's 24-hour property line
and the grid worker, the numbers from the city's manifest. Staff screens have no such entry."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser.site import ELDER
from tests.e2e.browser.test_browser_elder import RESIDENT_SCREENS, Calls, main_top

pytestmark = pytest.mark.e2e


def _digits(phone: str) -> str:
    return re.sub(r"[^0-9+]", "", phone)


def test_the_emergency_entry_is_on_every_resident_screen_and_calls_in_one_tap_in_elder_mode(open_site):
    site = open_site("elder-sos", init_script=ELDER)  # 390 × 844
    calls = Calls(site)
    site.sign_in("zz.zhang.guilan")  # 78, verified, 荆胡社区
    site.screen("resident-home")
    assert main_top(site) <= 250  # the entry shares the header's one row
    for route, screen in RESIDENT_SCREENS:
        site.open(route)
        site.screen(screen)
        entry = site.page.locator("header #sos-entry")
        assert entry.is_visible() and entry.inner_text().strip() == "紧急求助", screen
        box = entry.bounding_box()
        assert box and box["y"] < 120 and box["height"] >= 48, (screen, box)  # at the top, a big target

    site.page.locator("header #sos-entry").click()
    site.screen("emergency")
    token = site.token_in_session()
    answer = site.page.evaluate("""async ([api, token]) => (await fetch(api + '/v1/me/emergency-contacts',
        {headers: {Authorization: 'Bearer ' + token}})).json()""", [site.api, token])
    assert answer["verified"] is True
    kinds = [c["kind"] for c in answer["contacts"]]
    assert kinds[:4] == ["fire", "police", "ambulance", "gas"] and "property" in kinds and "grid_worker" in kinds
    links = site.page.locator("main a.sos-call")
    assert links.count() == len(answer["contacts"])
    for n, contact in enumerate(answer["contacts"]):
        link = links.nth(n)
        assert link.get_attribute("href") == f"tel:{_digits(contact['phone'])}"
        assert contact["phone"] in link.inner_text()
        assert link.bounding_box()["height"] >= 72  # elder mode: a finger-sized call button
    worker = next(c for c in answer["contacts"] if c["kind"] == "grid_worker")
    assert f"网格员 {worker['name']}" in links.nth(kinds.index("grid_worker")).inner_text()
    assert "燃气" in site.main_text() and "不要开关电灯" in site.main_text()
    site.axe("emergency calls, elder mode")

    # 报事: the emergencies are the first kinds; a gas leak says call the gas line first, then files urgent
    site.open("#/requests/new")
    site.screen("requests-new")
    kinds = site.page.locator(".rq-kinds .btn")
    assert set(kinds.all_inner_texts()[:4]) == {"电梯困人", "燃气泄漏", "发现火情", "爆管积水"}
    assert "btn--danger" in (kinds.first.get_attribute("class") or "")
    site.page.get_by_role("button", name="燃气泄漏").click()
    panel = site.page.locator(".rq-callfirst")
    assert "请先打电话" in panel.inner_text()
    gas = next(c for c in answer["contacts"] if c["kind"] == "gas")
    assert panel.locator("a.sos-call").first.get_attribute("href") == f"tel:{_digits(gas['phone'])}"
    assert "小时内办结" not in site.main_text()
    site.axe("elder: gas leak, call first")
    site.page.fill("#f-rq-description", "厨房里有很重的燃气味，已经关了阀门")
    site.page.get_by_role("button", name="交给社区").click()
    site.screen("requests-detail")
    request_id = site.page.url.rsplit("/", 1)[-1]
    filed = site.page.evaluate("""async ([api, token, id]) => (await fetch(api + '/v1/requests/' + id,
        {headers: {Authorization: 'Bearer ' + token}})).json()""", [site.api, token, request_id])
    assert filed["emergency"] is True and filed["category"] == "gas-leak" and filed["alert_id"], filed
    assert "已同时通知网格员" in site.page.locator(".rq-status").inner_text()  # and read aloud with it
    calls.assert_clean()

    # the grid worker's queue marks it 紧急
    staff = open_site("staff-queue", width=1366, height=900)
    staff.sign_in("zz.wang.fang")
    staff.open("#/console/requests")
    staff.screen("console-requests")
    item = staff.page.locator(".console-req").filter(has_text=request_id)
    assert "紧急" in item.locator(".console-badges").inner_text()
    staff.axe("queue with an emergency")

    # and it is on the live alert board at once, critical, naming the request
    staff.open("#/console/alerts")
    staff.screen("console-alerts")
    card = staff.page.locator(f'#alert-{filed["alert_id"]}')
    assert "紧急报事：燃气泄漏" in card.locator("h3").inner_text() and "紧急" in card.locator("h3").inner_text()
    card.get_by_role("link", name=f"查看工单 {request_id}").click()
    staff.screen("console-request")
    assert request_id in staff.page.locator("h1").inner_text()


def test_the_emergency_entry_in_normal_mode_and_not_for_staff(open_site):
    resident = open_site("resident-sos")
    calls = Calls(resident)
    resident.sign_in("zz.li.na")
    resident.screen("resident-home")
    for route, screen in RESIDENT_SCREENS[:4]:
        resident.open(route)
        resident.screen(screen)
        assert resident.page.locator("header #sos-entry").is_visible(), screen
    resident.page.locator("header #sos-entry").click()
    resident.screen("emergency")
    hrefs = resident.page.locator("main a.sos-call").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs[:3] == ["tel:119", "tel:110", "tel:120"] and "tel:037196777" in hrefs
    resident.axe("emergency calls")
    calls.assert_clean()

    staff = open_site("staff-no-sos", width=1366, height=900)
    staff.sign_in("zz.wang.fang")
    staff.screen("console-home")
    assert staff.page.locator("#sos-entry").count() == 0
    staff.open("#/sos")  # a resident's screen: staff land on their own home
    staff.screen("console-home")
    assert staff.page.locator("#sos-entry, main a.sos-call").count() == 0
