"""Sampled second review in headless Chromium: the supervisor of province PA draws the 2024
sample of two district units, sees the seed and that the draw recomputes, records a corrected
figure for PA-1 (its approved Q4 report goes back to the unit) and a violation for PA-2 (a
finding under review)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from thidua.oversight.models import Finding, SampleDraw
from thidua.reporting.models import Report
from thidua.reporting.testing import ReportingCast, build_reporting
from thidua.reporting.tests.test_views_rollups import approved
from thidua.testing import build_cast

pytestmark = pytest.mark.browser


@pytest.fixture
def approved_q4(transactional_db: None) -> tuple[ReportingCast, Report]:
    rc = build_reporting(build_cast())
    return rc, approved(rc, "pa1", 2024, 4, EST_RECURRENT="1.000")


def test_a_supervisor_draws_and_records_the_sampled_review(
    approved_q4: tuple[ReportingCast, Report], signed_in: Callable[..., Page]
) -> None:
    rc, report = approved_q4
    page = signed_in("supervisor")
    page.goto("/oversight/samples/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra xác suất")
    form = page.get_by_test_id("draw")
    form.locator("input[name=year]").fill("2024")
    form.locator("input[name=size]").fill("2")
    form.get_by_role("button").click()
    d = SampleDraw.objects.get()
    expect(page.get_by_test_id("seed")).to_contain_text(d.seed)
    expect(page.get_by_test_id("seed")).to_contain_text("đúng các đơn vị đã chọn")
    rows = page.get_by_test_id("item")
    expect(rows).to_have_count(2)
    one = rows.filter(has_text="Huyện A1")
    expect(one.get_by_role("link", name="Báo cáo đã duyệt")).to_be_visible()
    one.locator("select[name=result]").select_option("corrected")
    one.locator("input[name=note]").fill("Số tiết kiệm chi thường xuyên quý IV chưa đúng")
    one.get_by_role("button").click()
    expect(page.get_by_text("Đã ghi nhận kết quả.")).to_be_visible()
    expect(rows.filter(has_text="Huyện A1")).to_contain_text("Điều chỉnh số liệu")
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    two = rows.filter(has_text="Huyện A2")
    two.locator("select[name=result]").select_option("violation")
    two.get_by_role("button").click()
    expect(page.get_by_text("Ghi rõ nội dung điều chỉnh")).to_be_visible()
    two = page.get_by_test_id("item").filter(has_text="Huyện A2")
    two.locator("select[name=result]").select_option("violation")
    two.locator("input[name=note]").fill("Chi tiếp khách vượt định mức")
    two.get_by_role("button").click()
    two.get_by_role("link", name="Xem phát hiện").click()
    expect(page.get_by_test_id("finding-text")).to_contain_text("Chi tiếp khách vượt định mức")
    assert Finding.objects.get(rule="SAMPLE_REVIEW").unit == rc.cast.pa2
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/oversight/samples/{d.pk}/")
        page.screenshot(path=f"/tmp/flags-sample-{width}.png", full_page=True)
