"""Browser fixtures: Debian's Chromium (``/usr/bin/chromium``, installed by
scripts/install-system-deps.sh; Playwright never downloads a browser) driven by Playwright
against the ``stack`` fixture of tests/e2e. One browser per session, a fresh context per page,
a screenshot of every page after every test (pass or fail) in test-artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.e2e.browser.site import Site
from tests.support import ROOT

CHROMIUM = os.environ.get("CC_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
HERE = os.path.dirname(__file__)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests change the demo data (they approve and return pending residents), so they run
    after the other end-to-end tests on the same stack; then the API fuzzing (tests/e2e/test_fuzz.py),
    which writes whatever it generates; then the test that stops it."""
    browser = [i for i in items if str(i.path).startswith(HERE)]
    if not browser:
        return
    stop = [i for i in items if i.name == "test_ctrl_c_stops_everything"]
    fuzz = [i for i in items if i.path.name == "test_fuzz.py"]  # it writes whatever it generates: last
    rest = [i for i in items if i not in browser and i not in stop and i not in fuzz]
    e2e = os.path.dirname(HERE)
    last = max((n for n, i in enumerate(rest) if str(i.path).startswith(e2e)), default=len(rest) - 1)
    items[:] = rest[: last + 1] + browser + fuzz + stop + rest[last + 1:]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"no Chromium at {CHROMIUM}: run `bash scripts/install-system-deps.sh` (apt package chromium)")
    args = ["--disable-dev-shm-usage"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox as root (CI runs as root)
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    yield b
    b.close()


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")


@pytest.fixture
def open_site(browser: Browser, stack: dict, request: pytest.FixtureRequest) -> Iterator:
    """open_site(label="resident") → a Site on a fresh browser context (its own sessionStorage
    and localStorage: one user each). Every page is photographed when the test ends."""
    opened: list[tuple[str, Page]] = []

    def open_(label: str = "page", *, width: int = 390, height: int = 844, init_script: str | None = None) -> Site:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                      timezone_id="Asia/Shanghai")
        context.set_default_timeout(15_000)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        opened.append((label, page))
        return Site(page, stack)

    yield open_
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = _artifact_name(request.node.nodeid)
    for label, page in opened:
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}--{label}.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the test's own result
            print(f"screenshot of {label} failed: {exc}")
        page.context.close()


@pytest.fixture
def site(open_site) -> Site:
    return open_site("page")
