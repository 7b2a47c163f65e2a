"""Issue 12 points 1–2 in headless Chromium: the council secretary sees a programme published
late-or-missing on "Công khai đúng hạn", publishes it, builds the national THTK-CLP database
package, downloads it, marks it sent with the receipt reference, and sets the schedule to
publish annual reports automatically. Screenshots at 1366 and 390 px go to /tmp."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from thidua.disclosures.models import NationalSubmission, Publication, PublishSchedule
from thidua.evaluation.catalogue import load_rubrics
from thidua.evaluation.models import Programme, Target
from thidua.reporting.testing import ReportingCast, build_reporting
from thidua.testing import build_cast

pytestmark = pytest.mark.browser


@pytest.fixture
def issued_programme(transactional_db: None) -> ReportingCast:
    cache.clear()
    rc = build_reporting(build_cast())
    load_rubrics()
    programme = Programme.objects.create(
        unit=rc.cast.regional,
        year=2027,
        status=Programme.Status.APPROVED,
        key_tasks="Giảm chi hội nghị, công tác phí.",
        measures="Tổ chức họp trực tuyến.",
        issued_on=dt.date(2026, 11, 20),  # due 27/11/2026: overdue by now
    )
    Target.objects.create(
        programme=programme,
        indicator=rc.indicators["CONF_SPEND"],
        kind=Target.Kind.PERCENT_CHANGE,
        comparator="<=",
        value="-10",
    )
    return rc


def test_the_secretary_publishes_late_and_sends_to_the_national_database(
    issued_programme: ReportingCast, signed_in: Callable[..., Page], live_server: Any
) -> None:
    page = signed_in("secretary", {"width": 1366, "height": 900})
    page.goto("/public/manage/")
    page.get_by_role("link", name="Công khai đúng hạn").click()
    page.get_by_label("Tình trạng").select_option("flagged")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_test_id("timeliness-flagged")).to_contain_text("1 văn bản")
    expect(page.locator("tbody")).to_contain_text("Chương trình THTK-CLP năm 2027")
    expect(page.locator("tbody")).to_contain_text("27/11/2026")
    page.screenshot(path="/tmp/natexport-on-time-1366.png", full_page=True)
    page.get_by_role("button", name="Công khai", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Chương trình THTK-CLP năm 2027")
    assert Publication.objects.filter(kind="programme").count() == 1
    expect(page.locator("tbody")).to_contain_text("chậm")  # published, after the due day

    page.get_by_role("link", name="Cơ sở dữ liệu quốc gia về THTK-CLP").click()
    expect(page.get_by_test_id("national-overdue")).to_contain_text("1 văn bản quá hạn")
    page.get_by_role("button", name="Lập gói dữ liệu").click()
    sub = NationalSubmission.objects.get()
    zipped = page.request.get(f"/public/manage/national/{sub.pk}.zip")
    assert zipped.ok and zipped.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(zipped.body()))
    assert json.loads(archive.read("content.json"))["programme"]["targets"][0]["value"] == "-10"
    page.get_by_label("số tiếp nhận").fill("BTC-2026-0042")
    page.get_by_role("button", name="Đánh dấu đã gửi").click()
    expect(page.get_by_test_id("national-row")).to_contain_text("BTC-2026-0042")
    expect(page.get_by_test_id("national-row")).to_contain_text("đã gửi ngày")
    page.screenshot(path="/tmp/natexport-national-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/natexport-national-390.png", full_page=True)

    page.get_by_role("link", name="Lịch công khai").click()
    page.get_by_label("Báo cáo kết quả THTK-CLP năm").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_label("Báo cáo kết quả THTK-CLP năm")).to_be_checked()
    assert PublishSchedule.objects.get(kind="annual_report").automatic
    page.screenshot(path="/tmp/natexport-schedule-390.png", full_page=True)
