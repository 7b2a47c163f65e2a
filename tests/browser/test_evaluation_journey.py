"""THTK-CLP evaluation journey in headless Chromium against the live server, on the standard
cast plus the reporting data: PA-R1 "Khu vực 1" has its four quarters of 2026 approved.

    head     — unit head of PA-R1: starts and fills the self-assessment, submits it
    reviewer — reviewer of province PA, the level above: changes a point with a reason,
               finalises; the ranking then shows PA-R1 with the reviewed total

The journey asserts on data (points, totals, names, reasons) and data-testid attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from thidua.evaluation.catalogue import load_rubrics
from thidua.evaluation.models import Assessment, Score
from thidua.evaluation.testing import regional_year
from thidua.reporting.testing import ReportingCast, build_reporting
from thidua.testing import PASSWORD, build_cast

from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser
REASON = "Chương trình THTK-CLP năm 2026 ban hành sau thời hạn 31/12/2025"
EVIDENCE = "https://vks.example/chuong-trinh-thtk-2026.pdf"


@pytest.fixture
def live_ecast(transactional_db: None) -> ReportingCast:
    rc = build_reporting(build_cast())
    load_rubrics()
    regional_year(rc)
    return rc


@pytest.fixture
def people(browser: Browser, live_server: Any) -> Iterator[Callable[[str], Page]]:
    contexts = []
    errors: list[str] = []

    def person(username: str) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
        tab.goto("/accounts/login/")
        tab.locator("#id_username").fill(username)
        tab.locator("#id_password").fill(PASSWORD)
        tab.get_by_test_id("login-submit").click()
        expect(tab.get_by_test_id("whoami")).to_contain_text(username)
        return tab

    yield person
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def test_head_self_assesses_reviewer_changes_a_point_and_the_ranking_shows(
    live_ecast: ReportingCast, people: Callable[[str], Page], tmp_path: Path
) -> None:
    rc = live_ecast
    head = people("head")
    head.locator("nav a[href='/evaluation/']").click()
    head.get_by_role("link", name="Khu vực 1").first.click()
    head.get_by_test_id("open-assessment").click()
    expect(head.get_by_test_id("total")).to_have_text("55,00")  # 30 + 15 + 0 + 10 from reports

    a4 = head.locator("tr[data-criterion=A4]")
    a4.locator("input[name=points]").fill("8")
    a4.locator("input[name=evidence_link]").fill(EVIDENCE)
    a4.locator("button").click()  # htmx: the score table is swapped in place
    expect(head.get_by_test_id("self-total")).to_have_text("63,00")
    c1 = head.locator("tr[data-criterion=C1]")
    c1.locator("input[name=violations]").fill("1")
    c1.locator("button").click()
    expect(head.get_by_test_id("self-total")).to_have_text("58,00")
    head.get_by_test_id("submit").click()
    expect(head.get_by_test_id("submit")).to_have_count(0)  # the page after the POST
    expect(head.get_by_test_id("status")).to_contain_text("58,00")

    assessment = Assessment.objects.get(unit=rc.cast.regional, year=2026)
    assert assessment.status == "submitted"
    reviewer = people("reviewer")
    reviewer.goto(f"/evaluation/assessment/{assessment.pk}/")
    row = reviewer.locator("tr[data-criterion=A4]")
    row.locator("input[name=points]").fill("5")
    row.locator("input[name=reason]").fill(REASON)
    row.locator("button").click()
    expect(reviewer.get_by_test_id("total")).to_have_text("55,00")
    expect(reviewer.get_by_test_id("effective-A4")).to_contain_text(REASON)
    reviewer.get_by_test_id("finalise").click()
    expect(reviewer.get_by_test_id("finalise")).to_have_count(0)
    expect(reviewer.get_by_test_id("status")).to_contain_text("55,00")

    score = Score.objects.get(assessment=assessment, criterion__code="A4")
    assert (score.self_points, score.review_points) == (Decimal(8), Decimal(5))
    assert score.review_reason == REASON
    assessment.refresh_from_db()
    assert assessment.status == "final"

    reviewer.locator("nav a[href='/evaluation/']").click()
    ranking = reviewer.get_by_test_id("ranking")
    expect(ranking.locator("tr[data-unit='PA-R1'] td").first).to_have_text("1")
    expect(ranking.locator("tr[data-unit='PA-R1']")).to_contain_text("55,00")
    # htmx is a deferred script: wait until it has wired the page, then for its request
    reviewer.wait_for_load_state("load")
    with reviewer.expect_response(lambda r: "measure=per_billion" in r.url):
        reviewer.get_by_test_id("measure").select_option("per_billion")  # htmx swap, no reload
    expect(reviewer.get_by_test_id("ranking").locator("tr[data-unit='PA-R1']")).to_contain_text(
        "20,00"
    )
    reviewer.screenshot(path=str(tmp_path / "ranking.png"))
