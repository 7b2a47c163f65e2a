"""Who the reporting workflow tells, of what (issue 10, point 2)."""

from __future__ import annotations

import pytest

from thidua.notifications.models import Kind, Notification
from thidua.reporting import actions
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def _told() -> list[tuple[str, str]]:
    return sorted(
        (n.recipient.username, n.kind)
        for n in Notification.objects.select_related("recipient").order_by("id")
    )


def test_submit_tells_the_reviewers_above_and_return_tells_the_unit(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    actions.submit_report(report, by=rcast.head)
    assert _told() == [("reviewer", Kind.REPORT_SUBMITTED)]
    Notification.objects.all().delete()
    actions.return_report(report, by=c.reviewer, reason="Thiếu số liệu chi hội nghị")
    assert _told() == [("head", Kind.REPORT_RETURNED), ("reporter", Kind.REPORT_RETURNED)]
    note = Notification.objects.get(recipient=rcast.head)
    assert note.title == "Báo cáo bị trả lại: Mẫu test-quy, Quý 3/2025"
    assert "Lý do: Thiếu số liệu chi hội nghị" in note.body
    assert note.unit_name == "Khu vực 1"
    assert note.link == f"/reports/{report.pk}/"
    assert note.deadline == report.deadline


def test_approve_and_reopen_tell_the_unit(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    actions.submit_report(report, by=rcast.head)
    actions.approve_report(report, by=c.reviewer)
    Notification.objects.filter(kind=Kind.REPORT_SUBMITTED).delete()
    assert _told() == [("head", Kind.REPORT_APPROVED), ("reporter", Kind.REPORT_APPROVED)]
    actions.reopen_report(report, by=c.reviewer, reason="Sai số liệu")
    reopened = Notification.objects.filter(kind=Kind.REPORT_REOPENED)
    assert sorted(n.recipient.username for n in reopened) == ["head", "reporter"]
    assert not Notification.objects.filter(recipient=c.outsider).exists()
