"""Browser tests: Debian's headless Chromium driven by Playwright, against live_server.

``bin/browser-setup`` installs both (never ``playwright install``). Every request to a
host other than the live server is aborted and recorded, and each test asserts that none
was attempted: nothing on any page may come from outside the server.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("未安装 chromium：请先运行 bin/browser-setup")
    sync_api = pytest.importorskip("playwright.sync_api", reason="请先运行 bin/browser-setup")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """A browser context whose outside requests are blocked and recorded."""

    def __init__(self, browser, base_url: str, **options):
        self.base_url = base_url
        self.outside: list[str] = []
        self.errors: list[str] = []
        options.setdefault("viewport", {"width": 1366, "height": 768})
        self.context = browser.new_context(base_url=base_url, locale="zh-CN", **options)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.set_default_timeout(15_000)

    def _route(self, route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def login(self, username: str, password: str = "pass"):
        page = self.page
        self.context.clear_cookies()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
        return page

    def shot(self, name: str, full_page: bool = True):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def close(self):
        self.context.close()


@pytest.fixture
def session(chromium, live_server):
    sessions = []

    def make(**options):
        s = Session(chromium, live_server.url, **options)
        sessions.append(s)
        return s

    yield make
    for s in sessions:
        s.close()
    for s in sessions:
        assert s.outside == [], f"页面试图访问外部地址：{s.outside}"
        assert s.errors == [], f"页面脚本出错：{s.errors}"
