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
    site.page.wait_for_function("() => document.querySelector('main').dataset.state === 'error'")
    for _ in range(50):
        if len(refused) > before:
            break
        site.page.wait_for_timeout(100)
    assert len(refused) > before
    site.screen("resident-home", "error")
    site.page.unroute(api)
    site.page.get_by_role("button", name="重试").click()
    site.screen("resident-home")
    assert "已核验" in site.main_text()
