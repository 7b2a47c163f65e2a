"""Evaluation test data on top of the reporting cast: the rubrics loaded, and a helper that
files and approves a quarterly report through the reporting workflow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from unittest import mock

import pytest
from django.utils import timezone

from thidua.org.models import OrgUnit
from thidua.reporting import actions as reporting
from thidua.reporting.models import Period, Report
from thidua.reporting.testing import ReportingCast

from .catalogue import load_rubrics


@dataclass
class EvaluationCast:
    rc: ReportingCast


def approved(
    rc: ReportingCast,
    unit: OrgUnit,
    year: int,
    number: int,
    *,
    submitted: dt.datetime | None = None,
    **values: str,
) -> Report:
    """A quarterly report of `unit` with these figures, submitted (by default the day after
    the quarter ends, on time; or at `submitted`) and approved."""
    period = Period.objects.get(kind="quarter", year=year, number=number)
    report = reporting.open_report(unit, rc.form, period, by=rc.cast.reporter)
    for code, text in values.items():
        reporting.save_value(
            report, rc.indicators[code], text, by=rc.cast.reporter, expected_version=0
        )
    on = submitted or dt.datetime.combine(
        period.end + dt.timedelta(days=1), dt.time(9), tzinfo=timezone.get_current_timezone()
    )
    with mock.patch("thidua.reporting.actions.timezone.now", return_value=on):
        reporting.submit_report(report, by=rc.head)
    return reporting.approve_report(report, by=rc.top_reviewer)


def regional_year(rc: ReportingCast, year: int = 2026, quarters: int = 4) -> None:
    """PA-R1 saves 5 % of its recurrent estimate and 20 % of its conference spending."""
    for q in range(1, quarters + 1):
        approved(
            rc,
            rc.cast.regional,
            year,
            q,
            EST_RECURRENT="1000",
            SETTLE_RECURRENT="950",
            CONF_SPEND="80",
            SAV_CONF="20",
        )


@pytest.fixture
def ecast(rcast: ReportingCast) -> ReportingCast:
    load_rubrics()
    return rcast
