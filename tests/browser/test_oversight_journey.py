"""Oversight journey in headless Chromium on the standard cast and its reporting data: PA-R1
"Khu vực 1" bought goods by direct contracting three times in March 2026, 200 million đồng each
(under the direct-contracting limit of 500 million, together 600 million).

    supervisor — supervisor of province PA: opens the queue, reads the purchase-splitting flag
                 with its numbers and basis, asks the unit to explain by a date
    reporter   — PA-R1: answers with the unit's explanation
    supervisor — confirms the violation, then sees PA-R1's 2026 THTK-CLP assessment lose the
                 5 points of the norms deduction, with the violation named
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from thidua.evaluation import actions as evaluation
from thidua.evaluation.catalogue import load_rubrics
from thidua.evaluation.models import Assessment
from thidua.evaluation.testing import regional_year
from thidua.oversight import actions
from thidua.oversight.models import Finding, FindingState, Norm, ProcurementPackage
from thidua.oversight.norms import load_norms
from thidua.reporting.testing import ReportingCast, build_reporting
from thidua.testing import build_cast

pytestmark = pytest.mark.browser


@pytest.fixture
def split_case(transactional_db: None) -> tuple[ReportingCast, Assessment]:
    rc = build_reporting(build_cast())
    load_norms(Norm)  # a transactional test before this one flushed the migration's data
    load_rubrics()
    regional_year(rc)
    a = evaluation.open_assessment(rc.cast.regional, 2026, by=rc.head)
    for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 12), dt.date(2026, 3, 27)):
        p = ProcurementPackage(
            unit=rc.cast.regional,
            year=2026,
            item="Máy tính xách tay",
            category="goods",
            method="direct",
            estimate=Decimal(200_000_000),
            award_price=Decimal(200_000_000),
            bidders=1,
            supplier_name=f"Công ty {day.day}",
            supplier_tax_code=f"01000000{day.day:02d}",
            award_date=day,
        )
        actions.save_record(p, by=rc.cast.reporter)
    return rc, a


def test_a_supervisor_confirms_purchase_splitting_and_the_score_drops(
    split_case: tuple[ReportingCast, Assessment], signed_in: Callable[..., Page]
) -> None:
    _rc, a = split_case
    before = a.total
    assert before is not None
    supervisor = signed_in("supervisor")
    supervisor.goto("/oversight/queue/")
    supervisor.get_by_test_id("filters").locator("select[name=rule]").select_option("SPLIT")
    supervisor.get_by_test_id("filters").get_by_role("button").first.click()
    row = supervisor.locator("tr[data-rule=SPLIT]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Chia nhỏ gói thầu")
    expect(row).to_contain_text("600.000.000")
    row.get_by_role("link").click()
    expect(supervisor.get_by_test_id("finding-text")).to_contain_text(
        "3 gói chỉ định thầu hàng hóa từ 02/03/2026 đến 27/03/2026"
    )
    expect(supervisor.get_by_test_id("finding-text")).to_contain_text("500.000.000")
    expect(supervisor.get_by_test_id("basis")).to_contain_text("Luật Đấu thầu")
    expect(supervisor.get_by_test_id("records").locator("li")).to_have_count(3)
    ask = supervisor.get_by_test_id("ask")
    ask.locator("input[name=deadline]").fill("15/04/2026")
    ask.locator("textarea").fill("Đề nghị giải trình việc mua máy tính ba lần trong tháng 3.")
    ask.get_by_role("button").click()
    expect(supervisor.get_by_test_id("status")).to_contain_text("Đang xem xét")
    expect(supervisor.get_by_test_id("status")).to_contain_text("15/04/2026")
    finding_url = supervisor.url

    unit = signed_in("reporter")
    unit.goto(finding_url)
    unit.get_by_test_id("explain").locator("textarea").fill("Nhu cầu phát sinh theo từng đợt.")
    unit.get_by_test_id("explain").get_by_role("button").click()
    expect(unit.get_by_test_id("status")).to_contain_text("Đơn vị đã giải trình")
    expect(unit.get_by_test_id("confirm")).to_have_count(0)

    supervisor.goto(finding_url)
    expect(supervisor.get_by_test_id("history")).to_contain_text("Nhu cầu phát sinh")
    confirm = supervisor.get_by_test_id("confirm")
    confirm.locator("textarea").fill("Chia nhỏ gói thầu để chỉ định thầu.")
    confirm.get_by_role("button").click()
    expect(supervisor.get_by_test_id("status")).to_contain_text("Đã kết luận vi phạm")
    f = Finding.objects.get(rule="SPLIT")
    assert f.status == FindingState.CONFIRMED

    supervisor.goto(f"/evaluation/assessment/{a.pk}/")
    expect(supervisor.get_by_test_id("confirmed-C1")).to_contain_text("Chia nhỏ gói thầu")
    expect(supervisor.get_by_test_id("own-C1")).to_contain_text("-5")
    a.refresh_from_db()
    assert a.total == before - 5
