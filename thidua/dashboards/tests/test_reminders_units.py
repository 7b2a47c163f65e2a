"""Reminders for what a unit owes itself (issue 10, point 3): next year's THTK-CLP programme
and this year's emulation registration, on the same thresholds as the reports, counted in
working days with the official holidays; exactly who is told of what, once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from thidua.awards.models import Registration, RegistrationDeadline
from thidua.council.holidays import load_holidays
from thidua.dashboards.tasks import send_deadline_reminders
from thidua.evaluation.models import Programme, ProgrammeDeadline
from thidua.notifications.models import Notification
from thidua.reporting.models import DeadlineRule
from thidua.reporting.testing import ReportingCast
from thidua.testing import START

pytestmark = pytest.mark.django_db
D = dt.date


def _run(day: dt.date, subject: str) -> set[tuple[str, str]]:
    """Run the periodic task on `day` (09:00 in Hà Nội); who was newly told what about
    Khu vực 1's `subject`."""
    before = set(Notification.objects.values_list("id", flat=True))
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC)):
        send_deadline_reminders.call_local()
    new = Notification.objects.exclude(id__in=before).filter(
        unit_name="Khu vực 1", dedupe_key__startswith=f"{subject}:"
    )
    return {(n.recipient.username, n.dedupe_key.rsplit(":", 1)[1]) for n in new}


@pytest.fixture
def only_units(rcast: ReportingCast) -> ReportingCast:
    """No report deadlines (the reports' reminders are tested elsewhere); the programme due
    on 31/12 of the year before, the registration on 31/03."""
    DeadlineRule.objects.all().delete()
    ProgrammeDeadline.objects.all().delete()
    RegistrationDeadline.objects.all().delete()
    ProgrammeDeadline.objects.create(month=12, day=31, legal_basis="Test", valid_from=START)
    RegistrationDeadline.objects.create(month=3, day=31, legal_basis="Test", valid_from=START)
    load_holidays()
    return rcast


def test_the_programme_is_reminded_across_new_year_and_its_holiday(
    only_units: ReportingCast,
) -> None:
    # The 2026 programme is due on Wednesday 31/12/2025; 01/01/2026 is a day off.
    assert _run(D(2025, 12, 23), "programme") == set()
    assert _run(D(2025, 12, 24), "programme") == {("reporter", "7d"), ("head", "7d")}
    assert _run(D(2025, 12, 24), "programme") == set()  # twice the same day: nobody twice
    assert _run(D(2025, 12, 30), "programme") == {("reporter", "1d"), ("head", "1d")}
    assert _run(D(2026, 1, 1), "programme") == {("head", "passed")}  # still owed in January
    # Grace: five working days after the deadline; 1/1 and 2/1 are off (2/1 swapped for
    # Saturday 10/1, worked): 5, 6, 7, 8, 9/1; then the reviewer, on the worked Saturday.
    assert _run(D(2026, 1, 9), "programme") == set()
    assert _run(D(2026, 1, 10), "programme") == {("reviewer", "escalated")}
    assert _run(D(2026, 1, 12), "programme") == set()
    note = Notification.objects.get(dedupe_key__endswith=":2026:escalated", unit_name="Khu vực 1")
    assert note.title == "Chương trình THTK-CLP năm 2026 của Khu vực 1 quá hạn"
    assert "31/12/2025" in note.body and "6 ngày làm việc" in note.body


def test_an_approved_programme_stops_the_reminders(only_units: ReportingCast) -> None:
    c = only_units.cast
    assert _run(D(2025, 12, 24), "programme") == {("reporter", "7d"), ("head", "7d")}
    Programme.objects.create(unit=c.regional, year=2026, status=Programme.Status.APPROVED)
    assert _run(D(2025, 12, 30), "programme") == set()
    assert _run(D(2026, 1, 2), "programme") == set()


def test_the_registration_is_reminded_until_sent(only_units: ReportingCast) -> None:
    c = only_units.cast
    # Due on Tuesday 31/03/2026.
    assert _run(D(2026, 3, 23), "registration") == set()
    assert _run(D(2026, 3, 24), "registration") == {("reporter", "7d"), ("head", "7d")}
    assert _run(D(2026, 3, 30), "registration") == {("reporter", "1d"), ("head", "1d")}
    reg = Registration.objects.create(unit=c.regional, year=2026)  # a draft is still owed
    assert _run(D(2026, 4, 1), "registration") == {("head", "passed")}
    reg.status = Registration.Status.SUBMITTED
    reg.save()
    assert _run(D(2026, 4, 9), "registration") == set()  # sent: no escalation
    note = Notification.objects.get(dedupe_key__endswith=":2026:7d", recipient=only_units.head)
    assert note.title == "Đăng ký thi đua năm 2026: hạn ngày 31/03/2026"
    assert note.link == reverse("awards:registration", args=[c.regional.pk, 2026])


def test_my_work_lists_the_programme_still_owed_in_january_and_the_registration(
    only_units: ReportingCast,
) -> None:
    from thidua.accounts.access import scope_for
    from thidua.dashboards.mywork import build_mywork

    head = only_units.head

    def titles(day: dt.date) -> set[tuple[str, str, dt.date | None]]:
        work = build_mywork(head, scope_for(head, day).units_by_role, day)
        return {(i.kind, i.title, i.deadline) for i in work.now + work.soon}

    assert ("programme", "Chương trình THTK-CLP năm 2026", D(2025, 12, 31)) in titles(
        D(2026, 1, 5)
    )  # overdue since 31/12: still on the page after new year
    assert ("registration", "Đăng ký thi đua năm 2026", D(2026, 3, 31)) in titles(D(2026, 3, 10))
    Programme.objects.create(
        unit=only_units.cast.regional, year=2026, status=Programme.Status.APPROVED
    )
    assert not {t for t in titles(D(2026, 1, 5)) if t[0] == "programme"}
