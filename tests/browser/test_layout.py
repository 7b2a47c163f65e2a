"""Layout journeys in headless Chromium: the administrator's navbar at 1366 px and 390 px, the
"open a report" form's period choices, the file input's words, the printed report page, and
the unit head's programme page. Screenshots go to test-artifacts/browser/.

On the standard cast plus the reporting data; the administrator has a long name, as real ones do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Page, ViewportSize, expect

from thidua.evaluation.models import Programme, Target
from thidua.reporting import actions
from thidua.reporting.models import Report
from thidua.reporting.testing import ReportingCast, build_reporting
from thidua.testing import build_cast

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser
DESKTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 390, "height": 844}
PDF: FilePayload = {"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
Person = Callable[..., Page]


@pytest.fixture
def live_rc(transactional_db: None) -> ReportingCast:
    rc = build_reporting(build_cast())
    admin = rc.cast.admin
    admin.first_name, admin.last_name = "Phương Thảo", "Nguyễn Thị"
    admin.save()
    return rc


@pytest.fixture
def person(signed_in: Person) -> Person:
    """Log in as a user at the desktop width unless told otherwise."""
    return lambda username, viewport=DESKTOP: signed_in(username, viewport)


def snap(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"layout-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _inside(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert box is not None and box["width"] > 0, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box, width)


def test_the_administrators_navbar_keeps_log_out_on_screen(
    live_rc: ReportingCast, person: Person
) -> None:
    logout = "form[action='/accounts/logout/'] button"
    desk = person("admin")
    desk.goto("/reports/")
    expect(desk.locator(logout)).to_be_visible()
    _inside(desk, logout)
    assert desk.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    admin_menu = desk.get_by_test_id("nav-admin")
    admin_menu.locator("button").click()
    expect(admin_menu.locator("a[href='/accounts/users/']")).to_be_visible()
    snap(desk, "navbar-admin-1366")

    phone = person("admin", PHONE)
    phone.goto("/reports/")
    expect(phone.locator(logout)).to_be_hidden()  # behind the menu button
    snap(phone, "navbar-admin-390-closed")
    phone.locator(".navbar-toggler").click()
    expect(phone.locator("#nav.show:not(.collapsing)")).to_be_visible()  # animation over
    expect(phone.locator(logout)).to_be_visible()
    _inside(phone, logout)
    expect(phone.locator("nav a[href='/evaluation/']")).to_be_visible()
    snap(phone, "navbar-admin-390-open")


def test_the_open_report_form_offers_only_the_forms_periods(
    live_rc: ReportingCast, person: Person
) -> None:
    page = person("reporter")
    page.goto("/reports/")
    form = page.get_by_test_id("open-report")
    periods = form.locator("#id_period option")
    form.locator("#id_form").select_option(str(live_rc.form.pk))  # quarterly
    expect(periods.first).to_have_text("Quý 4/2026")
    assert all(text.startswith("Quý ") for text in periods.all_inner_texts())
    form.locator("#id_form").select_option(str(live_rc.annual.pk))
    expect(periods.first).to_have_text("Năm 2026")
    assert all(text.startswith("Năm ") for text in periods.all_inner_texts())
    snap(page, "open-report-annual")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("report-title")).to_contain_text("Năm 2026")


def test_the_file_input_speaks_vietnamese(live_rc: ReportingCast, person: Person) -> None:
    c = live_rc.cast
    report = actions.open_report(c.regional, live_rc.form, live_rc.q3_2025, by=c.reporter)
    for viewport, name in ((DESKTOP, "1366"), (PHONE, "390")):
        page = person("reporter", viewport)
        page.goto(f"/reports/{report.pk}/")
        picker = page.get_by_test_id("file-picker")
        expect(picker).to_contain_text("Chọn tệp")
        expect(picker).to_contain_text("Chưa chọn tệp")
        native = picker.locator("input[type=file]").bounding_box()
        assert native is not None and native["width"] <= 1 and native["height"] <= 1
        picker.locator("input[type=file]").set_input_files(files=[PDF])
        expect(picker).to_contain_text("bien-ban.pdf")
        expect(picker).not_to_contain_text("Chưa chọn tệp")
        picker.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"layout-file-input-{name}.png"))


def test_a_printed_report_has_no_navbar_nor_buttons(live_rc: ReportingCast, person: Person) -> None:
    c = live_rc.cast
    report = actions.open_report(c.regional, live_rc.form, live_rc.q3_2025, by=c.reporter)
    page = person("reporter")
    page.goto(f"/reports/{report.pk}/")
    expect(page.locator("nav.site-nav")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav.site-nav")).to_be_hidden()
    actions_ = page.get_by_test_id("report-actions").locator(".btn")
    assert actions_.count() >= 1
    for i in range(actions_.count()):
        expect(actions_.nth(i)).to_be_hidden()
    expect(page.get_by_test_id("file-picker")).to_be_hidden()
    expect(page.get_by_test_id("grid")).to_be_visible()
    head = page.locator("[data-testid=grid] thead")
    assert head.evaluate("e => getComputedStyle(e).display") == "table-header-group"
    snap(page, "report-print")
    pdf = ARTIFACTS / "layout-report-print.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_unit_head_reads_the_programme_targets_in_words(
    live_rc: ReportingCast, person: Person
) -> None:
    programme = Programme.objects.create(
        unit=live_rc.cast.regional, year=2026, issued_on=dt.date(2025, 12, 20)
    )
    for code, kind, comparator, value in (
        ("CONF_SPEND", "percent_change", "<=", "-10"),
        ("SAVING_RATE_RECURRENT", "amount", ">=", "5"),
    ):
        Target.objects.create(
            programme=programme,
            indicator=live_rc.indicators[code],
            kind=kind,
            comparator=comparator,
            value=Decimal(value),
        )
    for viewport, name in ((DESKTOP, "1366"), (PHONE, "390")):
        page = person("head", viewport)
        page.goto(f"/evaluation/unit/{live_rc.cast.regional.pk}/programme/2026/")
        table = page.get_by_test_id("progress")
        expect(
            table.locator("tr[data-indicator=CONF_SPEND] [data-testid=target-text]")
        ).to_have_text("giảm ít nhất 10% so với năm trước")
        expect(
            table.locator("tr[data-indicator=SAVING_RATE_RECURRENT] [data-testid=target-text]")
        ).to_have_text("ít nhất 5%")
        headers = table.locator("thead th").all_inner_texts()
        assert len(headers) == len(set(headers)) == 6, headers
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        snap(page, f"programme-{name}")
    assert Report.objects.count() == 0
