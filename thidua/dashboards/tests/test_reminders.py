"""Deadline reminders: time driven forward across the deadline and the holidays; exactly who
is told of what, once (issue 10, point 3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from thidua.council.holidays import load_holidays
from thidua.council.models import working_calendar
from thidua.council.testing import world
from thidua.dashboards.reminders import Calendar, thresholds
from thidua.dashboards.tasks import send_deadline_reminders
from thidua.notifications.models import Notification, OutgoingEmail
from thidua.reporting import actions
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db
__all__ = ["world"]
D = dt.date


def _run(day: dt.date) -> set[tuple[str, str]]:
    """Run the periodic task on `day` (09:00 in Hà Nội); what was newly told to whom."""
    before = set(Notification.objects.values_list("id", flat=True))
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC)):
        send_deadline_reminders.call_local()
    new = Notification.objects.exclude(id__in=before).filter(unit_name="Khu vực 1")
    return {(n.recipient.username, n.dedupe_key.rsplit(":", 1)[1]) for n in new}


def test_a_report_owed_is_reminded_once_per_person_and_threshold(rcast: ReportingCast) -> None:
    load_holidays()
    rcast.head.email = "thutruong@example.gov.vn"
    rcast.head.save()
    # Q3/2025 is due on Wednesday 15/10/2025.
    assert _run(D(2025, 10, 7)) == set()
    assert _run(D(2025, 10, 8)) == {("reporter", "7d"), ("head", "7d")}
    assert _run(D(2025, 10, 8)) == set()  # the task ran twice: nobody told twice
    assert _run(D(2025, 10, 13)) == set()
    assert _run(D(2025, 10, 14)) == {("reporter", "1d"), ("head", "1d")}
    assert _run(D(2025, 10, 15)) == set()
    assert _run(D(2025, 10, 16)) == {("head", "passed")}
    # Grace: five working days after the deadline (16, 17, 20, 21, 22/10), then the level above.
    assert _run(D(2025, 10, 22)) == set()
    assert _run(D(2025, 10, 23)) == {("reviewer", "escalated")}
    assert _run(D(2025, 10, 24)) == set()
    note = Notification.objects.get(recipient=rcast.cast.reviewer, unit_name="Khu vực 1")
    assert note.title == "Báo cáo quá hạn của Khu vực 1: Mẫu test-quy, Quý 3/2025"
    assert "15/10/2025" in note.body and "6 ngày làm việc" in note.body
    assert OutgoingEmail.objects.filter(to="thutruong@example.gov.vn").count() == 3


def test_a_report_submitted_in_time_stops_the_reminders(rcast: ReportingCast) -> None:
    c = rcast.cast
    assert _run(D(2025, 10, 8)) == {("reporter", "7d"), ("head", "7d")}
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    actions.submit_report(report, by=rcast.head)
    assert _run(D(2025, 10, 14)) == set()
    assert _run(D(2025, 10, 30)) == set()


def test_a_returned_report_is_owed_again(rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    actions.submit_report(report, by=rcast.head)
    actions.return_report(report, by=c.reviewer, reason="Thiếu số liệu")
    assert _run(D(2025, 10, 16)) == {("head", "passed")}


def test_thresholds_count_working_days_with_the_official_holidays(db: None) -> None:
    load_holidays()
    cal = Calendar(*working_calendar())
    # Deadline Wed 03/09/2025: Mon 1 and Tue 2/9 are days off, so the last working day
    # before it is Friday 29/08.
    assert thresholds(D(2025, 9, 3), D(2025, 8, 28), cal) == ["7d"]
    assert thresholds(D(2025, 9, 3), D(2025, 8, 29), cal) == ["1d"]
    # Deadline Fri 25/04/2025: Saturday 26/04 is worked in exchange for Friday 02/05; 30/04,
    # 01/05 and 02/05 are off. Five working days: 26/04, 28/04, 29/04, 05/05, 06/05.
    assert thresholds(D(2025, 4, 25), D(2025, 5, 6), cal) == ["passed"]
    assert thresholds(D(2025, 4, 25), D(2025, 5, 7), cal) == ["passed", "escalated"]
    assert thresholds(D(2025, 4, 25), D(2025, 8, 1), cal) == []  # old debts: the board's job


def test_the_secretary_learns_once_that_a_consultation_ended(
    world: Any, settings: Any, tmp_path: Any
) -> None:
    from thidua.council.tests.test_decisions import _closed_session
    from thidua.dashboards.reminders import tell_consultations_ended

    settings.BALLOT_KEY_DIR = tmp_path / "ballot-keys"
    session = _closed_session(world)
    item = session.items.get(proposal__title=world.national_title)
    ends = item.consultation_ends_on
    assert ends is not None
    assert tell_consultations_ended(ends) == 0  # the last day of the consultation
    assert tell_consultations_ended(ends + dt.timedelta(days=1)) == 1
    assert tell_consultations_ended(ends + dt.timedelta(days=2)) == 0
    note = Notification.objects.get(kind="consultation_ended")
    assert note.recipient == world.secretary
    assert "Chiến sĩ thi đua toàn quốc" in note.title


def test_the_command_refuses_a_wrong_day_with_a_message(db: None) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Ngày không hợp lệ: 31/02/2026"):
        call_command("send_reminders", "--day", "31/02/2026")
