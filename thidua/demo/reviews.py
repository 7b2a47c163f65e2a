"""The demo's phase-review reports (sơ kết giai đoạn 1, 2022–2025) of Tuyên Quang: its first
regional unit's, filled from the prefilled figures (one corrected, with its note), submitted
and approved by Tuyên Quang; and Tuyên Quang's own, opened and prefilled, still a draft, with
the regional unit's text and figures below it to consolidate. Written through the reporting
actions, as the units would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from thidua.accounts.models import User
from thidua.org.models import OrgUnit
from thidua.reporting import actions
from thidua.reporting.models import DataValue, Period, Report, ReportForm, ReportTransition

FORM = "ksnd-so-ket-gd1"
LESSONS = (
    "Công khai dự toán và kết quả tiết kiệm hằng quý giúp cán bộ theo dõi, tự giác thực hiện; "
    "mua sắm tập trung qua Viện kiểm sát tỉnh giảm chi phí đáng kể."
)
RECOMMENDATIONS = (
    "Đề nghị Viện kiểm sát tỉnh sớm hướng dẫn định mức sử dụng xe ô tô sau sáp nhập và bố trí "
    "kinh phí số hóa hồ sơ lưu trữ."
)
CORRECTION = "Bổ sung 12 triệu đồng tiết kiệm hội nghị tổng kết chưa đưa vào báo cáo quý IV."
SUBMITTED = dt.datetime(2025, 12, 10, 9, 30)
APPROVED = dt.datetime(2025, 12, 15, 14, 0)


def build_reviews() -> list[Report]:
    """The review reports, or none when the pack has no phase-1 review form."""
    form = ReportForm.objects.filter(code=FORM).first()
    period = Period.objects.filter(kind=Period.Kind.YEAR, year=2025).first()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["TQ", "TQ-KV01"])}
    if form is None or period is None or len(units) < 2:
        return []
    users = {u.username: u for u in User.objects.filter(username__contains="tq")}
    reporter, head, reviewer = (
        users["nhaplieu.kv1tq"],
        users["thutruong.kv1tq"],
        users["duyet.tq"],
    )
    regional = actions.open_report(units["TQ-KV01"], form, period, by=reporter)
    for part, text in [("bai-hoc", LESSONS), ("kien-nghi", RECOMMENDATIONS)]:
        actions.save_narrative(
            regional,
            form.narrative_parts.get(code=part).pk,
            text,
            by=reporter,
            expected_version=0,
        )
    cell = DataValue.objects.filter(report=regional, indicator__code="PH_SAV_TOTAL").first()
    if cell is not None and cell.value is not None:
        actions.save_value(
            regional,
            cell.indicator,
            _vn(cell.value + 12),
            by=reporter,
            expected_version=cell.version,
            comment=CORRECTION,
        )
    actions.submit_report(regional, by=head)
    actions.approve_report(regional, by=reviewer)
    _backdate(regional)
    province = actions.open_report(units["TQ"], form, period, by=None)
    return [regional, province]


def _vn(value: Decimal) -> str:
    """A figure as a unit types it (vi-VN: comma for decimals, no grouping)."""
    return format(value.normalize(), "f").replace(".", ",")


def _backdate(report: Report) -> None:
    """The steps happened in December 2025, before the annual reports' deadline."""
    zone = timezone.get_current_timezone()
    submitted, approved = (SUBMITTED.replace(tzinfo=zone), APPROVED.replace(tzinfo=zone))
    Report.objects.filter(pk=report.pk).update(submitted_at=submitted, approved_at=approved)
    steps = ReportTransition.objects.filter(report=report)
    steps.filter(to_status=Report.Status.SUBMITTED).update(at=submitted)
    steps.filter(to_status=Report.Status.APPROVED).update(at=approved)
