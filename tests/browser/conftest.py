"""Browser journeys: the Debian Chromium (Playwright never downloads one) driven through
Playwright's sync API against pytest-django's live server.

One browser per session; one fresh context (cookies, language) per test. The context sends
`Accept-Language: en-US` on purpose: the app must still answer in Vietnamese, because the
language comes only from the user's choice (cookie), never from the browser.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Error,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run under
# one unless told that this is deliberate (the test's own DB calls are synchronous anyway).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("THIDUA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000

# axe-core 4.14.1 (MPL-2.0, tests/browser/vendor/axe-core.LICENSE), injected by the tests only:
# it is never served to users.
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# THIDUA_AXE=0 turns off the automatic check of every page a journey loads (axe_check() calls
# made by a test still run).
AXE_ON_LOAD = os.environ.get("THIDUA_AXE", "1") != "0"
_AXE_RUN = """async (tags) => {
  // One run at a time (the check on load and a test's own may overlap): queue them.
  const run = () => axe.run(document, {runOnly: {type: "tag", values: tags},
                                       resultTypes: ["violations"]});
  window.__thiduaAxe = (window.__thiduaAxe || Promise.resolve()).catch(() => null).then(run);
  const result = await window.__thiduaAxe;
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
      summary: (n.failureSummary || "").split("\\n").slice(1, 3).join(" ")}))}));
}"""


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The WCAG 2.0/2.1 A and AA violations axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated rather than added as a <script>: the app's CSP refuses inline scripts.
        page.evaluate(_axe_source() + "\n;0")
    violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN, AXE_TAGS)
    return violations


def axe_report(where: str, violations: list[dict[str, Any]]) -> str:
    """A readable list: one line per rule, then each failing element."""
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])})")
        lines.extend(f"    {n['target']}  {n['html']}  — {n['summary']}" for n in v["nodes"][:8])
    return "\n".join(lines)


def axe_check(page: Page, where: str = "") -> None:
    """Fail with a readable list unless axe finds 0 WCAG 2.1 A/AA violations on the page."""
    violations = axe_violations(page)
    assert not violations, "axe-core:\n" + axe_report(where or page.url, violations)


class AxeAudit:
    """Every page a journey loads is checked by axe-core once it has loaded; the violations
    are collected and fail the test at its end (see the autouse fixture `axe_audit`)."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.counts: dict[str, int] = {}
        self.pages = 0
        self.active = False

    def watch(self, context: BrowserContext) -> None:
        context.on("page", self.watch_page)

    def watch_page(self, page: Page) -> None:
        page.on("load", lambda _: self.check(page))

    def check(self, page: Page) -> None:
        if not (self.active and AXE_ON_LOAD):
            return
        url = page.url
        if not url.startswith("http") or page.is_closed():
            return
        try:
            violations = axe_violations(page)
        except Error:
            return  # the page went on to another one (or closed) before axe finished
        self.pages += 1
        if violations:
            width = page.viewport_size["width"] if page.viewport_size else 0
            lang = page.evaluate("() => document.documentElement.lang")
            where = f"{url.split('//', 1)[-1].split('/', 1)[-1] or '/'} [{lang}, {width}px]"
            self.found.append(axe_report("/" + where, violations))
            for v in violations:
                self.counts[v["id"]] = self.counts.get(v["id"], 0) + len(v["nodes"])


AXE = AxeAudit()


@pytest.fixture(autouse=True)
def axe_audit(request: pytest.FixtureRequest) -> Iterator[AxeAudit]:
    """Runs for every browser test: 0 WCAG 2.1 A/AA violations on every page it loads."""
    AXE.found, AXE.counts, AXE.pages, AXE.active = [], {}, 0, True
    yield AXE
    AXE.active = False
    report = os.environ.get("THIDUA_AXE_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.write(
                json.dumps(
                    {
                        "test": request.node.nodeid,
                        "pages": AXE.pages,
                        "counts": AXE.counts,
                        "found": AXE.found,
                    }
                )
                + "\n"
            )
    if not AXE.found:
        return
    if os.environ.get("THIDUA_AXE_STRICT", "1") != "0":
        pytest.fail("axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(AXE.found))


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser journey: `-m "not browser"` leaves them all out
    (scripts/check runs them once, on PostgreSQL), even one whose module forgot the marker."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _no_request_left_at_the_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a journey, before its database is emptied (TRUNCATE on PostgreSQL): close the
    contexts a test left open, let the live server finish the requests still in flight, then
    end its connections. A request still reading while TRUNCATE takes its locks one table
    after another deadlocked them once, and the next test met the last one's rows."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")  # set up first, so torn down after this
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others} AND state <> 'idle'")
            if not cursor.fetchone()[0]:
                break
            time.sleep(0.05)
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        new_context = chromium.new_context

        def watched_context(*args: Any, **kwargs: Any) -> BrowserContext:
            # No transitions: axe must see a button's colours, not a frame of its fade.
            kwargs.setdefault("reduced_motion", "reduce")
            context = new_context(*args, **kwargs)
            AXE.watch(context)
            return context

        chromium.new_context = watched_context  # type: ignore[method-assign]
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh browser context on the live server; uncaught page errors fail the test."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def shot(page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """shot("login") saves test-artifacts/browser/<test>-<nn>-login.png (full page)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    for old in ARTIFACTS.glob(f"{test}-*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def take(step: str) -> Path:
        path = ARTIFACTS / f"{test}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def signed_in(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """signed_in("duyet.tq", viewport) -> a page logged in as that user, in a context of its
    own (cookies, viewport); uncaught page errors of any of them fail the test."""
    from thidua.testing import PASSWORD

    contexts = []
    errors: list[str] = []

    def log_in(
        username: str, viewport: ViewportSize | None = None, *, password: str = PASSWORD
    ) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            viewport=viewport or {"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("whoami")).to_be_attached()
        return page

    yield log_in
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"
