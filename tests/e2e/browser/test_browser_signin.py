"""Signing in and out in a real browser: Cognito (moto) from the page, the token kept out of
URLs and localStorage, a refused token sending the user back to sign-in."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_a_wrong_password_shows_the_error_and_the_right_one_reaches_home(site):
    site.sign_in("zz.wang.jianjun", "not-the-password", expect=None)
    error = site.page.locator('[data-error-for="_form"]')
    error.filter(has_text="用户名或密码错误").wait_for()
    assert site.page.locator("#f-password").input_value() == "not-the-password"
    site.axe("sign-in with an error")

    site.page.fill("#f-password", "Community2026")
    site.page.get_by_role("button", name="登录").click()
    site.screen("resident-home")
    assert "已核验" in site.main_text()
    assert site.page.url.endswith("#/home")
    site.axe("resident home")
    assert not site.errors


def test_the_token_stays_out_of_the_url_and_signing_out_clears_it(site):
    site.sign_in("zz.wang.fang")
    site.screen("console-home")
    token = site.token_in_session()
    assert token.count(".") == 2
    for route in ("#/home", "#/home?community=jinghu", "#/signin"):
        site.open(route)
        site.page.locator('main[data-state="ready"]').wait_for()
        assert token not in site.page.url and token[:40] not in site.page.url
    assert site.page.evaluate("() => Object.values(localStorage).join('')").find(token[:40]) == -1

    site.page.get_by_role("button", name="退出登录").click()
    site.screen("signin")
    assert site.token_in_session() == ""
    site.open("#/home")
    site.screen("signin")  # signed out: every route leads to sign-in


def test_a_token_the_api_refuses_sends_the_user_back_to_sign_in(site):
    site.sign_in("zz.wang.jianjun")
    site.screen("resident-home")
    site.page.evaluate("""() => {
        const s = JSON.parse(sessionStorage.getItem('cc.session'));
        s.idToken = s.idToken.slice(0, -6) + 'AAAAAA';  // signature no longer verifies
        sessionStorage.setItem('cc.session', JSON.stringify(s));
    }""")
    site.reload()
    site.screen("signin")
    site.page.locator("#toast").filter(has_text="登录已过期").wait_for()
    assert site.token_in_session() == ""
