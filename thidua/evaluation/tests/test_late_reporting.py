"""The late-reporting deduction (direct rubric, C2: per report late, Circular 129/2017
Art. 4(3)) reads the reports' deadlines and submission dates from reporting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from thidua.evaluation import actions
from thidua.evaluation.models import Assessment, Score
from thidua.evaluation.testing import approved, regional_year
from thidua.reporting.models import Period
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db
FIGURES = {"EST_RECURRENT": "1000", "SETTLE_RECURRENT": "950", "CONF_SPEND": "80", "SAV_CONF": "20"}


def _score(a: Assessment, code: str) -> Score:
    return a.scores.select_related("criterion").get(criterion__code=code)


def _days_late(year: int, quarter: int, days: int) -> dt.datetime:
    """Submitted `days` days after the quarter's deadline (15 days after it ends)."""
    end = Period.objects.get(kind="quarter", year=year, number=quarter).end
    day = end + dt.timedelta(days=15 + days)
    return dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())


def test_it_deducts_what_the_rubric_says_for_three_late_reports(ecast: ReportingCast) -> None:
    for q in (1, 2, 3, 4):
        late = _days_late(2026, q, 5) if q <= 3 else None
        approved(ecast, ecast.cast.regional, 2026, q, submitted=late, **FIGURES)
    a = actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)
    c2 = _score(a, "C2")
    per, most = c2.criterion.per_violation, c2.criterion.max_points
    assert per is not None
    assert c2.value == 3
    assert c2.inputs == {"LATE_REPORTS": "3"}
    assert c2.computed_points == -min(3 * per, most) == Decimal("-6.00")  # 3 × 2 points
    assert a.total == Decimal("49.00")  # 55 from the figures, − 6


def test_it_deducts_nothing_from_a_unit_always_on_time(ecast: ReportingCast) -> None:
    regional_year(ecast)
    a = actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)
    c2 = _score(a, "C2")
    assert c2.value == Decimal(0)
    assert c2.computed_points == Decimal("0.00")
    assert a.total == Decimal("55.00")


def test_a_recompute_takes_in_a_report_filed_late_after_the_assessment_opened(
    ecast: ReportingCast,
) -> None:
    regional_year(ecast, quarters=3)
    a = actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)
    assert _score(a, "C2").computed_points == 0
    approved(ecast, ecast.cast.regional, 2026, 4, submitted=_days_late(2026, 4, 1), **FIGURES)
    actions.recompute_scores(2026)
    assert _score(a, "C2").computed_points == Decimal("-2.00")


def test_the_late_count_cannot_be_typed(ecast: ReportingCast) -> None:
    regional_year(ecast)
    a = actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)
    with pytest.raises(ValidationError):
        actions.save_self_score(_score(a, "C2"), violations=0, by=ecast.head)
