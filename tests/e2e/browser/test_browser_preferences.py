"""长辈模式 (elder mode), the English switch and read aloud: they change the page, persist across
reloads, and keep it accessible."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

SPEECH_SPY = """
window.__spoken = [];
window.speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang });
"""
NO_SPEECH = "delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;"


def font_px(site, selector: str = "body") -> float:
    return float(site.page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)"))


def test_elder_mode_enlarges_type_and_targets_and_survives_a_reload(site):
    site.sign_in("zz.zhang.guilan")
    site.screen("resident-home")
    assert font_px(site) >= 18
    switch = site.page.locator("#elder-switch")
    assert switch.get_attribute("aria-checked") == "false"
    switch.click()
    assert switch.get_attribute("aria-checked") == "true"
    assert font_px(site) >= 22
    site.axe("elder home")

    site.reload()
    site.screen("resident-home")
    assert site.page.locator("html.elder").count() == 1
    assert font_px(site) >= 22
    assert site.page.locator("#elder-switch").get_attribute("aria-checked") == "true"
    # plainer wording, and every button and link in main at least 48 CSS px tall
    assert "社区已经核对好了" in site.main_text()
    heights = site.page.eval_on_selector_all(
        "main .btn, main .tile, header .btn",
        "els => els.filter(e => e.checkVisibility()).map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 48
    site.axe("elder home after reload")

    site.page.locator("#app-menu > summary").click()  # elder mode: the switches are in the header's menu
    site.page.locator("#elder-switch").click()
    assert font_px(site) < 22


def test_elder_mode_reflows_at_320_px_and_200_percent_zoom(open_site):
    site = open_site("narrow", width=320, height=640)
    site.sign_in("zz.zhang.guilan")
    site.screen("resident-home")
    site.page.locator("#elder-switch").click()
    site.page.evaluate("() => { document.documentElement.style.zoom = '2'; }")
    overflow = site.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"page scrolls sideways by {overflow} px"


def test_the_english_switch_changes_the_ui_and_survives_a_reload(site):
    site.open("#/signin")
    site.screen("signin")
    site.page.get_by_role("button", name="English").click()
    site.page.get_by_role("heading", name="Sign in").wait_for()
    assert site.page.evaluate("() => document.documentElement.lang") == "en"
    site.axe("sign-in in English")

    site.reload()
    site.screen("signin")
    assert site.page.evaluate("() => document.documentElement.lang") == "en"
    site.page.fill("#f-username", "zz.wang.jianjun")
    site.page.fill("#f-password", "Community2026")
    site.page.get_by_role("button", name="Sign in").click()
    site.screen("resident-home")
    text = site.main_text()
    assert "Verified" in text and "Jinghu Community" in text and "已核验" not in text
    site.axe("resident home in English")

    site.page.get_by_role("button", name="中文").click()
    site.page.get_by_role("heading", name="我的社区").wait_for()
    assert site.page.evaluate("() => document.documentElement.lang") == "zh-CN"


def test_read_aloud_speaks_the_status_in_chinese(open_site):
    site = open_site("speech", init_script=SPEECH_SPY)
    site.sign_in("zz.zhang.guilan")
    site.screen("resident-home")
    site.page.get_by_role("button", name="朗读").click()
    spoken = site.page.evaluate("() => window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "zh-CN"
    assert "已核验" in spoken[0]["text"]


def test_read_aloud_is_hidden_where_the_browser_cannot_speak(open_site):
    site = open_site("no-speech", init_script=NO_SPEECH)
    site.sign_in("zz.zhang.guilan")
    site.screen("resident-home")
    assert site.page.locator("html.no-speech").count() == 1
    assert not site.page.locator('[data-action="speak"]').is_visible()
