"""Browser journeys: the Debian Chromium (Playwright never downloads one) driven through
Playwright's sync API against pytest-django's live server.

One browser per session; one fresh context (cookies, language) per test. The context sends
`Accept-Language: en-US` on purpose: the app must still answer in Vietnamese, because the
language comes only from the user's choice (cookie), never from the browser.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

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


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
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
