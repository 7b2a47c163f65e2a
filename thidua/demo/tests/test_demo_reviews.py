"""The demo's phase-review reports of Tuyên Quang carry the prefilled phase figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from thidua.demo.build import build_demo
from thidua.demo.reviews import CORRECTION, build_reviews
from thidua.org.models import OrgUnit
from thidua.reporting import actions
from thidua.reporting.models import DataValue, Indicator, Period, Report, ReportForm

pytestmark = pytest.mark.django_db


def test_tuyen_quang_units_have_review_reports_with_figures() -> None:
    build_demo(seed=7, with_reports=False)  # generate_reports() calls build_reviews() last
    quarter = Period.objects.get(kind="quarter", year=2025, number=4)
    unit = OrgUnit.objects.get(code="TQ-KV01")
    report = actions.open_report(unit, ReportForm.objects.get(code="thtk-quy"), quarter, by=None)
    for code, text in [("EST_RECURRENT", "1.000"), ("SETTLE_RECURRENT", "940")]:
        indicator = Indicator.objects.get(code=code)
        actions.store_value(report, indicator, text, by=None, expected_version=0)
    actions.submit_report(report, by=None)
    actions.approve_report(report, by=None)

    regional, province = build_reviews()
    regional.refresh_from_db()
    assert regional.status == Report.Status.APPROVED and province.status == Report.Status.DRAFT
    assert regional.submitted_at is not None and regional.submitted_at.year == 2025
    figures = {
        v.indicator.code: v
        for v in DataValue.objects.filter(report=regional).select_related("indicator")
    }
    assert figures["PH_EST_RECURRENT"].value == Decimal(1000)
    assert figures["PH_SETTLE_RECURRENT"].value == Decimal(940)
    assert figures["PH_SAV_TOTAL"].value == Decimal(12)  # 0 computed, corrected with a note
    assert figures["PH_SAV_TOTAL"].comment == CORRECTION
    assert regional.narratives.count() == 2
    assert DataValue.objects.filter(report=province, value__isnull=False).exists()
