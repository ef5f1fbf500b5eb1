"""Failure states in the browser: the API unreachable shows an error with a Retry that recovers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_an_unreachable_api_shows_an_error_whose_retry_recovers(site):
    site.sign_in("zz.wang.jianjun")
    site.screen("resident-home")
    api = site.api + "/**"
    refused: list[str] = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort("connectionrefused")

    site.page.route(api, refuse)
    site.reload()
    site.screen("resident-home", "error")
    assert "网络连接失败" in site.main_text()
    site.axe("network error state")

    before = len(refused)
    site.page.get_by_role("button", name="重试").click()  # still down: the error comes back
    # The retry asks for /v1/me again, then for the screen's data: wait until the refusals stop
    # (the state still reads "error" from before the click until the screen's own load starts).
    settled = 0
    for _ in range(100):
        seen = len(refused)
        site.page.wait_for_timeout(200)
        state = site.page.evaluate("() => document.querySelector('main').dataset.state")
        settled = settled + 1 if len(refused) == seen and len(refused) > before and state == "error" else 0
        if settled >= 3:
            break
    assert len(refused) > before and settled >= 3
    site.screen("resident-home", "error")
    site.page.unroute(api)
    site.page.get_by_role("button", name="重试").click()
    site.screen("resident-home")
    assert "已核验" in site.main_text()
