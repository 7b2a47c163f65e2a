"""Which reports came in late: what the evaluation's late-reporting deduction reads."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from thidua.reporting import actions
from thidua.reporting.lateness import filed_late, late_report_counts
from thidua.reporting.models import Period, Report
from thidua.reporting.testing import ReportingCast

DEADLINE = dt.date(2026, 4, 15)


@pytest.mark.parametrize(
    ("deadline", "submitted", "today", "late"),
    [
        (None, None, dt.date(2027, 1, 1), False),  # no deadline rule: never late
        (DEADLINE, dt.date(2026, 4, 10), dt.date(2026, 12, 1), False),
        (DEADLINE, DEADLINE, dt.date(2026, 12, 1), False),  # the deadline day is on time
        (DEADLINE, dt.date(2026, 4, 16), dt.date(2026, 12, 1), True),
        (DEADLINE, None, DEADLINE, False),  # not in yet, still due today
        (DEADLINE, None, dt.date(2026, 4, 16), True),  # overdue
    ],
)
def test_it_tells_a_late_filing(
    deadline: dt.date | None, submitted: dt.date | None, today: dt.date, late: bool
) -> None:
    assert filed_late(deadline, submitted, today) is late


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _submit(rc: ReportingCast, report: Report, on: dt.datetime) -> None:
    with mock.patch("thidua.reporting.actions.timezone.now", return_value=on):
        actions.submit_report(report, by=rc.head)


def _quarter(year: int, number: int) -> Period:
    return Period.objects.get(kind="quarter", year=year, number=number)


@pytest.mark.django_db
def test_it_counts_each_units_late_and_overdue_reports_of_the_year(rcast: ReportingCast) -> None:
    c = rcast.cast
    open_ = {
        q: actions.open_report(c.regional, rcast.form, _quarter(2026, q), by=c.reporter)
        for q in (1, 2, 3, 4)
    }
    _submit(rcast, open_[1], _at(dt.date(2026, 4, 20)))  # deadline 15/04: late
    # On time, sent back after the deadline and sent again: filed on time all the same.
    _submit(rcast, open_[2], _at(dt.date(2026, 7, 10)))
    actions.return_report(open_[2], by=c.reviewer, reason="Thiếu thuyết minh")
    _submit(rcast, open_[2], _at(dt.date(2026, 8, 1)))
    # Q3 never submitted, deadline 15/10: overdue. Q4 due 15/01/2027: not yet.
    last_year = actions.open_report(c.regional, rcast.form, _quarter(2025, 4), by=c.reporter)
    _submit(rcast, last_year, _at(dt.date(2026, 3, 1)))  # late, but a report of 2025
    outsider = actions.open_report(c.pc1, rcast.form, _quarter(2026, 1), by=c.outsider)
    _submit(rcast, outsider, _at(dt.date(2026, 4, 1)))

    counts = late_report_counts(2026, [c.regional.pk, c.pc1.pk], today=dt.date(2026, 12, 2))
    # pc1 filed Q1 on time but never opened Q2 and Q3, whose deadlines have passed: overdue,
    # as the completeness board counts them missing (filing nothing never costs less).
    assert counts == {c.regional.pk: 2, c.pc1.pk: 2}
    # 2025: Q4 filed late, and Q3 (the unit opened on 01/07/2025) never opened.
    assert late_report_counts(2025, [c.regional.pk], today=dt.date(2026, 12, 2)) == {
        c.regional.pk: 2
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("utc", "late"),
    [
        (dt.datetime(2026, 4, 15, 16, 30, tzinfo=dt.UTC), False),  # 23:30 on 15/04 in Hà Nội
        (dt.datetime(2026, 4, 15, 17, 30, tzinfo=dt.UTC), True),  # 00:30 on 16/04 in Hà Nội
    ],
)
def test_it_reads_the_submission_day_in_vietnamese_time(
    rcast: ReportingCast, utc: dt.datetime, late: bool
) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, _quarter(2026, 1), by=c.reporter)
    assert report.deadline == DEADLINE
    _submit(rcast, report, utc)
    # Before the second quarter's deadline, so that only this report can be late.
    counts = late_report_counts(2026, [c.regional.pk], today=dt.date(2026, 5, 2))
    assert counts == ({c.regional.pk: 1} if late else {})
