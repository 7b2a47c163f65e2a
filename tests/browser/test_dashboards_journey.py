"""Issue 11's "Done when" in headless Chromium on the demo sector (`build_demo`):

    duyet.tq — reviewer of Tuyên Quang: opens /dashboards/ (his province by default), sees
               phase 1 (2022–2025) with its charts drawn and their tables, then 2026; each
               chart's table figure equals the roll-up query's.
    thuky    — the sector council's secretary: generates the sơ kết report of phase 1 for the
               whole sector, watches the progress bar and downloads the .docx and .pdf.

    duyet.tq — then the roll-up page of Tuyên Quang for 2025: fits 1366 px, units in natural
               order, a chart per indicator; Tuyên Quang's own phase review with its figures
               prefilled, and KV1's approved review with the figure it corrected.

Assertions on data and data-testid attributes; screenshots at 1366 px and 390 px.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from docx import Document
from huey.contrib.djhuey import HUEY
from playwright.sync_api import Browser, Page, expect

from thidua.demo.build import DEMO_PASSWORD, Demo, build_demo
from thidua.demo.reviews import CORRECTION, LESSONS
from thidua.lib.numbers import format_vn_number
from thidua.lib.templatetags.vi import vnexact
from thidua.org.models import OrgUnit
from thidua.reporting import prefill, rollups
from thidua.reporting.models import Indicator, Period, Report

from .conftest import ARTIFACTS, TIMEOUT_MS

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Demo]:
    monkeypatch.setattr(HUEY, "immediate", True)  # the review job runs in the request
    yield build_demo()
    if connection.vendor == "sqlite":
        with connection.constraint_checks_disabled(), connection.cursor() as cursor:
            for table in connection.introspection.django_table_names(only_existing=True):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def log_in(browser: Browser, live_server: Any, username: str, width: int = 1366) -> Page:
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": width, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS * 4)
    tab = context.new_page()
    tab.goto("/accounts/login/")
    tab.locator("#id_username").fill(username)
    tab.locator("#id_password").fill(DEMO_PASSWORD)
    tab.get_by_test_id("login-submit").click()
    expect(tab.get_by_test_id("whoami")).to_be_attached()
    return tab


def shoot(page: Page, step: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboards-{step}.png"), full_page=True)


def test_the_dashboard_and_the_phase_review(
    demo: Demo, browser: Browser, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    tq = OrgUnit.objects.get(code="TQ")
    page = log_in(browser, live_server, "duyet.tq")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/dashboards/?period=phase-1")
    expect(page.get_by_test_id("dashboard-page")).to_contain_text("2022")
    expect(page.locator("#id_unit")).to_have_value(str(tq.pk))
    savings = page.get_by_test_id("chart-savings")
    expect(savings.locator("canvas")).to_have_attribute("data-drawn", "1")
    # the 2023 savings of the province (today's structure) equal the roll-up query's
    quarters = list(Period.objects.filter(kind="quarter", year=2023))
    code = "SAV_TOTAL"
    expected = rollups.query(
        tq.pk, quarters, [Indicator.objects.get(code=code)], mapped_to=dt.date.today()
    ).values[code]
    decimals = Indicator.objects.get(code=code).decimals
    row = page.get_by_test_id("table-savings").locator("tr", has_text="2023")
    expect(row).to_contain_text(format_vn_number(expected, max(1, decimals)))
    expect(page.get_by_test_id("heat-map")).to_be_visible()
    shoot(page, "tq-phase-1")
    page.locator("#id_period").select_option("2026")
    page.get_by_role("button", name="Xem").or_(page.get_by_role("button", name="Show")).click()
    expect(page.get_by_test_id("dashboard-page")).to_contain_text("2026")
    expect(page.get_by_test_id("chart-disbursement").locator("canvas")).to_have_attribute(
        "data-drawn", "1"
    )
    shoot(page, "tq-2026")
    phone = log_in(browser, live_server, "duyet.tq", width=390)
    phone.goto("/dashboards/?period=phase-1")
    expect(phone.get_by_test_id("chart-savings").locator("canvas")).to_have_attribute(
        "data-drawn", "1"
    )
    shoot(phone, "tq-phone")
    assert not errors, errors

    # the roll-up page fits 1366 px: the page never scrolls sideways, the table does
    page.goto(f"/reports/rollups/?unit={tq.pk}&year=2025")
    expect(page.get_by_test_id("rollup-table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    headers = page.locator("th[data-unit-column]").all_inner_texts()
    numbers = [int(h.split("khu vực ")[1].split()[0]) for h in headers if "khu vực " in h]
    assert numbers == sorted(numbers) and len(numbers) >= 10  # KV1, KV2 … KV10 …
    page.get_by_test_id("rollup-chart-btn").first.click()
    expect(page.get_by_test_id("rollup-chart-panel")).to_be_visible()
    shoot(page, "rollups-1366")

    # the units' own phase reviews: Tuyên Quang's draft has its figures prefilled from its
    # approved periodic reports (the dashboard's numbers); KV1's approved review shows the
    # figure it corrected, with its note
    own = Report.objects.get(unit=tq, form__code="ksnd-so-ket-gd1")
    computed = prefill.compute(own)["PH_SAV_TOTAL"]
    assert computed.value is not None and computed.years == (2022, 2023, 2024, 2025)
    page.goto(f"/reports/{own.pk}/")
    expect(page.get_by_test_id("value-PH_SAV_TOTAL")).to_have_text(vnexact(computed.value))
    expect(page.get_by_test_id("prefill-PH_SAV_TOTAL")).to_contain_text("2022–2025")
    expect(page.get_by_test_id("narratives-below")).to_contain_text(LESSONS[:40])
    shoot(page, "review-prefilled")
    regional = Report.objects.get(unit__code="TQ-KV01", form__code="ksnd-so-ket-gd1")
    page.goto(f"/reports/{regional.pk}/")
    row = page.locator("tr[data-code=PH_SAV_TOTAL]")
    expect(row.get_by_test_id("prefill-differs")).to_be_visible()
    expect(row.get_by_test_id("comment-PH_SAV_TOTAL").or_(row)).to_contain_text(CORRECTION)

    secretary = log_in(browser, live_server, "thuky")
    secretary.goto("/dashboards/?period=phase-1")
    # oversight findings by rule and by unit, drawn, with their tables (the rules the rows carry)
    findings = secretary.get_by_test_id("chart-findings")
    expect(findings.locator("canvas")).to_have_attribute("data-drawn", "1")
    expect(findings.get_by_test_id("table-findings").locator("tbody tr").first).to_be_visible()
    expect(secretary.get_by_test_id("chart-findings_units")).to_be_visible()
    shoot(secretary, "sector-findings")
    secretary.get_by_test_id("dashboard-review").click()
    secretary.get_by_test_id("review-form").locator("button[type=submit]").click()
    expect(secretary.get_by_test_id("review-done")).to_be_visible(timeout=120_000)
    shoot(secretary, "review-done")
    with secretary.expect_download() as info:
        secretary.get_by_test_id("review-docx").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    word = Document(str(path))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Sơ kết giai đoạn 1 (2022–2025)" in text
    assert "II. KẾT QUẢ THỰC HIỆN" in text
    assert "V. KẾT QUẢ KIỂM TRA, GIÁM SÁT" in text and "VI. BÀI HỌC KINH NGHIỆM" in text
    assert len(word.inline_shapes) >= 3
    with secretary.expect_download() as info:
        secretary.get_by_test_id("review-pdf").click()
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
