"""Browser tests: Debian's headless Chromium driven by Playwright, against live_server.

``bin/browser-setup`` installs both (never ``playwright install``). Every request to a
host other than the live server is aborted and recorded, and each test asserts that none
was attempted: nothing on any page may come from outside the server.

Every page runs under the product's Content Security Policy (settings.py, "Security
headers"), and every test fails on any violation of it on any page it visits: a listener
for ``securitypolicyviolation`` is injected into every document before its own scripts
run, Chromium's console is watched for "Content Security Policy" refusals, the reports the
browser posts to ``/csp-report/`` are caught from the log, and every page the server
answers must carry the policy header (so a test cannot pass because the policy is off).
"""

import logging
import os
import threading
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

# Reports each violation to the test through an exposed binding, before any page script.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__ballastCspViolation({
    page: e.documentURI, directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample
  });
}, true);
"""

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Module-scoped: Playwright's sync API runs an event loop in this thread while it lives,
# and a Django test of another module run after these on the same worker (pytest-xdist)
# would find it running (asgiref refuses AsyncToSync then: the health endpoint's tests).
# Module-scoped: Playwright's sync API keeps an event loop in this thread while it lives,
# and a later module's test on the same worker (pytest-xdist) must not inherit it.
@pytest.fixture(scope="module")
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
        self.csp_violations: list[dict] = []
        self.without_csp: list[str] = []
        options.setdefault("viewport", {"width": 1366, "height": 768})
        self.context = browser.new_context(base_url=base_url, locale="zh-CN", **options)
        self.context.route("**/*", self._route)
        self.context.expose_binding(
            "__ballastCspViolation", lambda source, v: self.csp_violations.append(v)
        )
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        # a loaded machine (shared CI runners) may ask for more: BALLAST_BROWSER_TIMEOUT_MS
        self.page.set_default_timeout(int(os.environ.get("BALLAST_BROWSER_TIMEOUT_MS", "15000")))

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.csp_violations.append({"console": message.text, "page": self.page.url})

    def _response(self, response):
        # Every HTML page the server answers (not the debug views, which django-csp leaves
        # alone) must carry the policy.
        if (
            response.request.resource_type == "document"
            and response.url.startswith(self.base_url)
            and response.status < 400
            and "content-security-policy" not in response.headers
        ):
            self.without_csp.append(response.url)

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


class CspReports(logging.Handler):
    """Collects the violation reports that ``/csp-report/`` logs (the live server runs in
    this process, in another thread)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.reports: list[dict] = []
        self._lock = threading.Lock()

    def emit(self, record):
        with self._lock:
            self.reports.append(getattr(record, "csp_report", {"message": record.getMessage()}))

    def clear(self):
        with self._lock:
            self.reports.clear()


@pytest.fixture
def csp_reports():
    handler = CspReports()
    logger = logging.getLogger("ballast.security.csp")
    # A test earlier in the run may have applied a logging configuration that disables
    # the loggers existing then (``disable_existing_loggers``): this one must be heard.
    disabled, level = logger.disabled, logger.level
    logger.disabled = False
    logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.disabled, logger.level = disabled, level


@pytest.fixture
def session(chromium, live_server, csp_reports):
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
        assert s.csp_violations == [], f"页面违反内容安全策略（CSP）：{s.csp_violations}"
        assert s.without_csp == [], f"页面没有内容安全策略（CSP）响应头：{s.without_csp}"
    assert csp_reports.reports == [], f"浏览器报告了 CSP 违规：{csp_reports.reports}"
