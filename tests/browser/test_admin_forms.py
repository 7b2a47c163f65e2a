"""The administrator's report forms in headless Chromium, at 1366 and 390 px: from the
reference-data index open a form, change a rule's message, switch a rule off from a date, and
add a rule written in the form's indicator codes. Assertions are on data and data-testids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from thidua.reporting.models import ReportForm, ValidationRule
from thidua.reporting.testing import build_reporting
from thidua.testing import build_cast

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser
DESKTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def live_form(transactional_db: None) -> ReportForm:
    rcast = build_reporting(build_cast())
    ValidationRule.objects.create(
        code="TEST_STAFF",
        form=rcast.form,
        left="STAFF_ACTUAL",
        operator=">=",
        right="0",
        severity="warning",
        message_vi="Số cán bộ không thể âm.",
        message_en="Staff cannot be negative.",
        valid_from=dt.date(2024, 1, 1),
    )
    return rcast.form


def snap(page: Page, name: str, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin-forms-{width}-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name


def submit(page: Page) -> None:
    page.get_by_test_id("reference-form").locator("button[type=submit]").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_the_administrator_keeps_a_forms_rules(
    live_form: ReportForm, signed_in: Callable[..., Page], viewport: ViewportSize
) -> None:
    width = viewport["width"]
    page = signed_in("admin", viewport)
    page.goto("/council/reference/")
    page.get_by_test_id("section-forms").click()
    expect(page.get_by_test_id("forms")).to_contain_text("Mẫu test-quy")
    snap(page, "list", width)
    page.get_by_test_id("forms").get_by_role("link", name="Mẫu test-quy").click()
    expect(page.get_by_test_id("form-section")).to_contain_text("Số cán bộ, công chức có mặt")
    rules = page.get_by_test_id("rules")
    staff = rules.get_by_test_id("rule").filter(has_text="Số cán bộ, công chức có mặt ≥ 0")
    expect(staff).to_have_count(1)
    expect(rules).not_to_contain_text("STAFF_ACTUAL")
    snap(page, "form", width)

    # Change the rule's message.
    staff.get_by_test_id("edit-rule").click()
    page.locator("#id_message_vi").fill("Số cán bộ có mặt ({left}) không thể âm.")
    snap(page, "rule-form", width)
    submit(page)
    expect(staff.get_by_test_id("rule-message")).to_have_text(
        "Số cán bộ có mặt ({left}) không thể âm."
    )

    # Switch it off from 01/01/2026.
    staff.get_by_test_id("edit-rule").click()
    page.locator("#id_valid_to").fill("01/01/2026")
    submit(page)
    expect(staff.get_by_test_id("rule-validity")).to_contain_text("01/01/2024 – 01/01/2026")
    rule = ValidationRule.objects.get(code="TEST_STAFF")
    assert rule.valid_to == dt.date(2026, 1, 1)
    assert rule.message_vi == "Số cán bộ có mặt ({left}) không thể âm."

    # Add a rule; a side that does not compile is refused first.
    page.get_by_test_id("add-rule").click()
    expect(page.get_by_test_id("form-codes")).to_contain_text("INV_DISBURSED")
    page.locator("#id_left").fill("INV_DISBURSED")
    page.locator("#id_operator").select_option("<=")
    page.locator("#id_right").fill("INV_PLAN *")
    page.locator("#id_valid_from").fill("01/01/2026")
    page.locator("#id_message_vi").fill("Giải ngân ({left}) vượt kế hoạch ({right}).")
    page.locator("#id_message_en").fill("Disbursed ({left}) above the plan ({right}).")
    submit(page)
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    snap(page, "rule-refused", width)
    page.locator("#id_right").fill("INV_PLAN * 1.1")
    submit(page)
    added = (
        page.get_by_test_id("rules")
        .get_by_test_id("rule")
        .filter(has_text="Vốn đầu tư công đã giải ngân ≤ Kế hoạch vốn đầu tư công được giao × 1,1")
    )
    expect(added).to_have_count(1)
    snap(page, "rules", width)
    new = ValidationRule.objects.get(form=live_form, left="INV_DISBURSED")
    assert (new.right, new.valid_from) == ("INV_PLAN * 1.1", dt.date(2026, 1, 1))
