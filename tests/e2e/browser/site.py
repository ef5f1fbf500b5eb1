"""The browser tests' vocabulary: open the site, sign in, wait for a screen, check accessibility."""

from __future__ import annotations

import json

from playwright.sync_api import Page

PASSWORD = "Community2026"
# An init script for open_site(): the page starts in elder mode, as a resident who switched it on earlier.
ELDER = "localStorage.setItem('cc.prefs', JSON.stringify({lang: 'zh-CN', elder: true}));"


class Site:
    def __init__(self, page: Page, stack: dict) -> None:
        self.page = page
        self.web = stack["web_url"]
        self.api = stack["api_url"]
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        # every API call answered 4xx/5xx: none in normal use
        self.failed: list[str] = []
        page.on("response", lambda r: self.failed.append(f"{r.request.method} {r.url} → {r.status}")
                if r.url.startswith(self.api) and r.status >= 400 else None)

    # -- navigation ------------------------------------------------------------------------------
    def open(self, route: str = "#/home") -> Site:
        self.page.goto(f"{self.web}/{route}")
        return self

    def screen(self, screen_id: str, state: str = "ready", timeout: float | None = None) -> None:
        """Wait until the app shows this screen in this state (loading | ready | error); ``timeout``
        in ms for screens whose figures moto computes slowly on a loaded machine (the context's 15 s)."""
        self.page.locator(f'main[data-screen="{screen_id}"][data-state="{state}"]').wait_for(timeout=timeout)

    def sign_in(self, username: str, password: str = PASSWORD, *, expect: str | None = "ready") -> None:
        self.open("#/signin")
        self.screen("signin")
        self.page.fill("#f-username", username)
        self.page.fill("#f-password", password)
        self.page.get_by_role("button", name="登录").click()
        if expect:
            self.page.locator(f'main[data-state="{expect}"]:not([data-screen="signin"])').wait_for()

    def reload(self) -> None:
        self.page.reload()

    def main_text(self) -> str:
        return self.page.inner_text("main")

    def token_in_session(self) -> str:
        return self.page.evaluate("() => JSON.parse(sessionStorage.getItem('cc.session') || 'null')?.idToken || ''")

    # -- accessibility -----------------------------------------------------------------------------
    def axe(self, label: str = "") -> None:
        """axe-core on the page as it is: no violation of impact serious or critical."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # loaded from the site itself, so the page's Content-Security-Policy allows it
            self.page.add_script_tag(url=f"{self.web}/vendor/axe.min.js")
        violations = self.page.evaluate("""async () => {
            const r = await axe.run(document, { resultTypes: ["violations"] });
            return r.violations.filter(v => ["serious", "critical"].includes(v.impact)).map(v => ({
                id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                nodes: v.nodes.slice(0, 5).map(n => ({ target: n.target.join(" "), summary: n.failureSummary })),
            }));
        }""")
        assert not violations, f"axe on {label or self.page.url}:\n" + _readable(violations)


def _readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['url']})")
        for n in v["nodes"]:
            lines.append(f"      at {n['target']}")
            lines.append("        " + json.dumps(n["summary"], ensure_ascii=False))
    return "\n".join(lines)
