""" "Nhắc nộp" on the completeness board (issue 10, point 5)."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from thidua.audit.models import AuditEvent
from thidua.notifications.models import Kind, Notification
from thidua.reporting import actions
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db
NOW = "2025-10-20 09:00 +0700"  # Q3/2025 was due on 15/10/2025


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_level_above_reminds_the_late_units_once_a_day(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.pc1, rcast.form, rcast.q3_2025, by=c.admin)
    actions.submit_report(report, by=c.admin)  # Huyện C1 is in: not reminded
    data = {"unit": c.root.pk, "form": rcast.form.pk, "period": rcast.q3_2025.pk}
    client = _client(rcast.top_reviewer)
    with time_machine.travel(NOW, tick=False):
        board = client.get(
            f"/reports/completeness/?form={rcast.form.pk}&period={rcast.q3_2025.pk}&unit={c.root.pk}"
        ).content.decode()
        assert 'data-testid="remind"' in board
        response = client.post("/reports/completeness/remind/", data, follow=True)
        told = Notification.objects.filter(kind=Kind.REMINDER)
        assert sorted(n.recipient.username for n in told) == ["head", "reporter"]
        note = told.get(recipient=rcast.head)
        assert note.title == "Đề nghị nộp báo cáo: Mẫu test-quy, Quý 3/2025"
        assert "15/10/2025" in note.body and note.unit_name == "Khu vực 1"
        assert response.status_code == 200
        province = client.get(
            f"/reports/completeness/?form={rcast.form.pk}&period={rcast.q3_2025.pk}&unit={c.pa.pk}"
        ).content.decode()
        assert 'data-testid="reminded">Đã nhắc 20/10/2025 09:00 bởi top</span>' in province
    with time_machine.travel("2025-10-20 15:00 +0700", tick=False):
        client.post("/reports/completeness/remind/", data)  # a second click the same day
        assert told.all().count() == 2  # a fresh query, not the evaluated cache
        again = client.get(
            f"/reports/completeness/?form={rcast.form.pk}&period={rcast.q3_2025.pk}&unit={c.pa.pk}"
        ).content.decode()
        assert "Đã nhắc 20/10/2025 09:00 bởi top" in again  # the second click told nobody
    assert AuditEvent.objects.filter(action="reporting.report.remind").count() == 1
    with time_machine.travel("2025-10-21 09:00 +0700", tick=False):
        client = _client(rcast.top_reviewer)  # a new session
        client.post("/reports/completeness/remind/", data)  # the next day: told again
        assert told.all().count() == 4
    event = AuditEvent.objects.filter(action="reporting.report.remind").first()
    assert event is not None and event.actor_id == rcast.top_reviewer.pk


def test_a_reporter_cannot_remind_and_an_outsider_gets_404(rcast: ReportingCast) -> None:
    c = rcast.cast
    data = {"unit": c.regional.pk, "form": rcast.form.pk, "period": rcast.q3_2025.pk}
    with time_machine.travel(NOW, tick=False):
        assert _client(c.reporter).post("/reports/completeness/remind/", data).status_code == 403
        outsider = _client(c.outsider).post("/reports/completeness/remind/", data)
        assert outsider.status_code == 404
        bad = _client(rcast.top_reviewer).post("/reports/completeness/remind/", {"unit": "x"})
        assert bad.status_code == 404
        assert _client(rcast.top_reviewer).get("/reports/completeness/remind/").status_code == 405
    assert not Notification.objects.filter(kind=Kind.REMINDER).exists()


def test_the_board_shows_days_late_and_the_level_reached(rcast: ReportingCast) -> None:
    c = rcast.cast
    client = _client(rcast.top_reviewer)
    url = f"/reports/completeness/?form={rcast.form.pk}&period={rcast.q3_2025.pk}&unit={c.root.pk}"
    with time_machine.travel(NOW, tick=False):
        html = client.get(url).content.decode()
    assert "chậm 5 ngày" in html  # due 15/10/2025, not in on 20/10/2025
    assert 'data-level="deduction"' in html
    assert 'data-testid="sanction-basis"' in html and "căn cứ chưa đối chiếu văn bản gốc" in html
