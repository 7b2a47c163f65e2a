"""A returned report, from the reviewer's click to the unit head's home page and inbox, and
back (issue 10, point 6). On the standard cast: "head" is the unit head of Khu vực 1 (the
demo's thutruong.kv1tq), "reviewer" the reviewer of its province (the demo's duyet.tq)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from thidua.notifications.models import Notification
from thidua.reporting import actions
from thidua.reporting.models import Report
from thidua.reporting.testing import ReportingCast, build_reporting
from thidua.testing import build_cast

from .conftest import ARTIFACTS

REASON = "Đề nghị bổ sung số liệu chi hội nghị quý 3"


@pytest.fixture
def live_rcast(transactional_db: None) -> ReportingCast:
    return build_reporting(build_cast())


def snap(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"mywork-{name}.png"), full_page=True)


def status(page: Page) -> str | None:
    return page.locator("[data-testid=report-title] + div [data-status]").get_attribute(
        "data-status"
    )


@pytest.mark.browser
def test_a_returned_report_reaches_the_head_and_comes_back(
    live_rcast: ReportingCast, signed_in: Callable[..., Page]
) -> None:
    rc = live_rcast
    report = actions.open_report(rc.cast.regional, rc.form, rc.q3_2025, by=rc.cast.reporter)
    actions.submit_report(report, by=rc.head)

    # The reviewer lands on his work: the report waits for him; one click opens it.
    reviewer = signed_in("reviewer", {"width": 1366, "height": 768})
    expect(reviewer.get_by_test_id("now")).to_contain_text("Mẫu test-quy · Quý 3/2025")
    reviewer.get_by_test_id("now").get_by_role("link", name="Duyệt hoặc trả lại").click()
    reviewer.get_by_test_id("return-form").locator("input[name=reason]").fill(REASON)
    reviewer.get_by_test_id("return").click()
    expect(reviewer.locator("[data-testid=report-title] + div [data-status]")).to_have_attribute(
        "data-status", "returned"
    )

    # The head signs in and sees, first thing, what was returned, by whom and why.
    head = signed_in("head", {"width": 1366, "height": 768})
    banner = head.get_by_test_id("returned")
    expect(banner).to_have_count(1)
    expect(banner.get_by_test_id("returned-reason")).to_contain_text(REASON)
    expect(banner).to_contain_text("Mẫu test-quy · Quý 3/2025")
    expect(head.get_by_test_id("unread-count")).to_have_text("1")
    box = banner.bounding_box()
    assert box is not None and box["y"] < 250  # at the top of the page, above the lists
    snap(head, "head-home-1366")
    head.set_viewport_size({"width": 390, "height": 844})
    expect(banner).to_be_visible()
    snap(head, "head-home-390")
    head.set_viewport_size({"width": 1366, "height": 768})

    # The inbox has it too, with the reason; opening it marks it read and opens the report.
    head.get_by_test_id("nav-inbox").click()
    note = head.get_by_test_id("notification").first
    expect(note).to_contain_text("Báo cáo bị trả lại: Mẫu test-quy, Quý 3/2025")
    expect(note).to_contain_text(REASON)
    snap(head, "head-inbox")
    note.get_by_role("button", name="Mở").click()
    head.wait_for_url(f"**/reports/{report.pk}/")
    assert not Notification.objects.filter(recipient=rc.head, read_at=None).exists()
    expect(head.get_by_test_id("unread-count")).to_have_count(0)

    # He resubmits; the banner is gone and the reviewer is told.
    head.get_by_test_id("submit").click()
    head.get_by_test_id("confirm-submit").click()
    expect(head.locator("[data-testid=report-title] + div [data-status]")).to_have_attribute(
        "data-status", "submitted"
    )
    assert Report.objects.get(pk=report.pk).status == "submitted"
    head.goto("/")
    expect(head.get_by_test_id("returned")).to_have_count(0)
    expect(head.get_by_test_id("done")).to_contain_text("Mẫu test-quy · Quý 3/2025")
    told = Notification.objects.filter(recipient=rc.cast.reviewer, kind="report_submitted")
    assert told.count() == 2  # the first submission and the resubmission
    reviewer.goto("/")
    expect(reviewer.get_by_test_id("unread-count")).to_have_text("2")
    snap(reviewer, "reviewer-home")
    assert Path(ARTIFACTS / "mywork-head-home-390.png").exists()


SHOTS = Path("/tmp/mywork/shots")


@pytest.mark.browser
def test_the_sector_board_drills_down_and_reminds_the_late_units(
    live_rcast: ReportingCast, signed_in: Callable[..., Page]
) -> None:
    """The top reviewer opens the completeness board at the sector: a province × state matrix
    (numbers in text, bars hidden from screen readers), drills into a province, reminds the
    late units and sees who reminded them when (issue 10, point 5)."""
    rc = live_rcast
    c = rc.cast
    actions.open_report(c.regional, rc.form, rc.q3_2025, by=c.reporter)  # a draft, overdue
    SHOTS.mkdir(parents=True, exist_ok=True)
    top = signed_in("top", {"width": 1366, "height": 768})
    board = f"/reports/completeness/?form={rc.form.pk}&period={rc.q3_2025.pk}"
    top.goto(f"{board}&unit={c.root.pk}")
    matrix = top.get_by_test_id("matrix")
    province = matrix.locator(f"tr[data-branch='{c.pa.pk}']")
    expect(province).to_contain_text(c.pa.name)
    expect(province.locator("[data-overdue]")).to_have_text("2")  # the province and Khu vực 1
    expect(province.locator("[data-share]")).to_have_text("0%")
    expect(province.locator("progress")).to_have_attribute("aria-hidden", "true")
    expect(top.get_by_test_id("counts").locator("[data-count=total]")).to_contain_text("5")
    top.screenshot(path=str(SHOTS / "board-sector-1366.png"), full_page=True)
    top.set_viewport_size({"width": 390, "height": 844})
    expect(matrix).to_be_attached()
    top.screenshot(path=str(SHOTS / "board-sector-390.png"), full_page=True)
    top.set_viewport_size({"width": 1366, "height": 768})

    # "Nhắc nộp": the late units' reporters and heads are told, once.
    top.get_by_test_id("remind").click()
    expect(top.locator(".alert, [role=alert], .toast").first).to_contain_text("Đã nhắc")
    told = Notification.objects.filter(kind="reminder")
    # Khu vực 1's reporter and head, Huyện C1's reporter; the province and Cà Mau have none.
    assert sorted(n.recipient.username for n in told) == ["head", "outsider", "reporter"]

    # Drill down: the province's own board lists its units, with the reminder recorded.
    top.get_by_test_id("matrix").get_by_role("link", name=c.pa.name).click()
    expect(top.get_by_test_id("matrix")).to_have_count(0)
    row = top.get_by_test_id("board").locator(f"tr[data-unit='{c.regional.code}']")
    expect(row).to_have_attribute("data-state", "draft")
    expect(row).to_have_attribute("data-overdue", "1")
    expect(row.get_by_test_id("reminded")).to_contain_text("Đã nhắc")
    expect(row.get_by_test_id("reminded")).to_contain_text("bởi top")
    top.screenshot(path=str(SHOTS / "board-province-1366.png"), full_page=True)
    top.set_viewport_size({"width": 390, "height": 844})
    top.screenshot(path=str(SHOTS / "board-province-390.png"), full_page=True)
