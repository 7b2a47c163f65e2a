"""axe-core over the main pages, in both languages and at both widths (issue 14): each of the
four combinations (Vietnamese/English × 1366/390 px) visits the pages every role works in — the
login page, the report list, the entry grid (with a refused figure and its error), the
completeness board, the roll-ups, movements, the organisation tree (one branch expanded),
staff, evaluation, awards, the council with an open ballot, the administrator's users, import
and reference pages, and the accessibility statement — and requires 0 WCAG 2.0/2.1 A and AA
violations on each. The page states reached by htmx (the refused cell, the expanded tree, the
submit confirmation) are checked too.

Every other browser journey is checked page by page by the conftest's `axe_audit`; this tour
makes sure each language and width is covered on the same pages.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from thidua.council import actions as council_actions
from thidua.council.testing import SESSION_DAY, build_world
from thidua.reporting import actions
from thidua.reporting.models import Report
from thidua.reporting.testing import ReportingCast, build_reporting
from thidua.testing import PASSWORD, build_cast

from .conftest import TIMEOUT_MS, AxeAudit, axe_check

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None) -> dict[str, Any]:
    cast = build_cast()
    rc: ReportingCast = build_reporting(cast)
    report = actions.open_report(cast.regional, rc.form, rc.q3_2025, by=cast.reporter)
    council = build_world(cast)
    session = council_actions.create_session(
        council.council, day=SESSION_DAY, place="Hà Nội", by=council.secretary
    )
    council_actions.add_agenda_item(session, council.proposals[0], by=council.secretary)
    council_actions.open_session(session, by=council.secretary)
    return {"report": report, "session": session, "unit": cast.pa}


def visit(page: Page, path: str, where: list[str]) -> None:
    page.goto(path)
    expect(page.locator("main")).to_have_count(1)
    axe_check(page, f"{path} [{page.evaluate('document.documentElement.lang')}]")
    where.append(path)


@pytest.mark.parametrize(
    ("language", "width"), [("vi", 1366), ("en", 390), ("en", 1366), ("vi", 390)]
)
def test_main_pages_have_no_wcag_violations(
    browser: Browser,
    live_server: Any,
    world: dict[str, Any],
    axe_audit: AxeAudit,
    language: str,
    width: int,
) -> None:
    axe_audit.active = False  # each page is checked here, explicitly, once loaded
    report: Report = world["report"]
    checked: list[str] = []

    def person(username: str) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            viewport={"width": width, "height": 844 if width < 500 else 768},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        host = live_server.url.split("//", 1)[1].split(":")[0]
        context.add_cookies(
            [{"name": "thidua_language", "value": language, "domain": host, "path": "/"}]
        )
        page = context.new_page()
        visit(page, "/accounts/login/", checked)
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("whoami")).to_be_attached()
        expect(page.locator("html")).to_have_attribute("lang", language)
        return page

    reporter = person("reporter")
    for path in ("/reports/", "/movements/", "/org/people/", "/accessibility/"):
        visit(reporter, path, checked)
    visit(reporter, f"/reports/{report.pk}/", checked)
    cell = reporter.locator("input.cell-input").first
    cell.fill("mười hai")  # refused: the error is tied to the input
    cell.press("Tab")
    expect(reporter.get_by_test_id("cell-error")).to_be_visible()
    expect(cell).to_have_attribute("aria-invalid", "true")
    axe_check(reporter, f"/reports/{report.pk}/ (refused figure)")

    head = person("head")
    visit(head, f"/reports/{report.pk}/", checked)
    head.get_by_test_id("submit").click()
    expect(head.get_by_test_id("submit-confirm")).to_be_visible()
    axe_check(head, f"/reports/{report.pk}/ (submit confirmation)")

    reviewer = person("reviewer")
    for path in ("/reports/completeness/", "/reports/rollups/", "/evaluation/", "/awards/"):
        visit(reviewer, path, checked)

    admin = person("admin")
    visit(admin, "/org/", checked)
    admin.get_by_test_id("expand-ROOT").click()
    expect(admin.get_by_test_id("expand-ROOT")).to_have_attribute("aria-expanded", "true")
    axe_check(admin, "/org/ (expanded)")
    for path in (
        f"/org/unit/{world['unit'].pk}/",
        "/accounts/users/",
        "/org/io/",
        "/council/reference/",
        "/reports/reference/forms/",
        "/council/",
    ):
        visit(admin, path, checked)

    chair = person("chair")
    visit(chair, f"/council/sessions/{world['session'].pk}/", checked)
    expect(chair.get_by_test_id("ballot")).to_be_visible()
    assert len(checked) >= 20
