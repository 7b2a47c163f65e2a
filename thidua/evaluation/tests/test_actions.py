"""The assessment workflow, computed scores from approved reports, programmes and clusters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from thidua.audit.models import AuditEvent
from thidua.evaluation import actions
from thidua.evaluation.models import Assessment, Score
from thidua.evaluation.results import unit_results
from thidua.evaluation.testing import regional_year
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def _score(a: Assessment, code: str) -> Score:
    return a.scores.select_related("criterion").get(criterion__code=code)


def test_it_computes_points_from_approved_reports(ecast: ReportingCast) -> None:
    regional_year(ecast)
    a = actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)
    assert a.rubric.entity_type == "direct"
    a1 = _score(a, "A1")
    assert a1.value == Decimal("5") and a1.computed_points == Decimal("30")
    assert a1.inputs["EST_RECURRENT"] == "4000.000000" and a1.inputs["_threshold"] == "5"
    assert _score(a, "A2").computed_points == Decimal("15")  # 80 of 400 saved: 20 %
    assert _score(a, "A3").computed_points == Decimal("0")
    assert _score(a, "B1").computed_points == Decimal("10")  # 80 / 4000 = 2 %
    assert a.total == Decimal("55.00")


def test_it_scores_an_upper_unit_from_its_subordinates(ecast: ReportingCast) -> None:
    regional_year(ecast)
    child = actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)
    parent = actions.open_assessment(ecast.cast.pa, 2026, by=ecast.head)
    assert parent.rubric.entity_type == "upper"
    c1 = _score(parent, "C1")
    assert child.total is not None
    assert c1.computed_points == (child.total * Decimal("0.4")).quantize(Decimal("0.01"))


def test_it_runs_the_workflow_with_reasons_and_audit(ecast: ReportingCast) -> None:
    regional_year(ecast)
    a = actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)
    a4, c1 = _score(a, "A4"), _score(a, "C1")
    with pytest.raises(ValidationError):
        actions.save_self_score(a4, points="8", by=ecast.head)  # no evidence
    with pytest.raises(ValidationError):
        actions.submit_assessment(a, by=ecast.head)  # A4 not entered
    actions.save_self_score(
        a4, points="8", evidence_link="https://vks.example/ct.pdf", by=ecast.head
    )
    actions.save_self_score(c1, violations=1, by=ecast.head)
    a.refresh_from_db()
    assert a.self_total == a.total == Decimal("58.00")  # 55 + 8 − 5
    actions.submit_assessment(a, by=ecast.head)
    with pytest.raises(ValidationError):
        actions.review_score(a4, points="5", reason="", by=ecast.cast.reviewer)
    with pytest.raises(ValidationError):
        actions.review_score(a4, points="11", reason="quá điểm", by=ecast.cast.reviewer)
    actions.review_score(
        a4, points="5", reason="Chương trình ban hành muộn", by=ecast.cast.reviewer
    )
    actions.finalise_assessment(a, by=ecast.cast.reviewer)
    a.refresh_from_db()
    assert (a.status, a.self_total, a.total, a.grade) == (
        "final",
        Decimal("58.00"),
        Decimal("55.00"),
        "fair",
    )
    assert AuditEvent.objects.filter(
        action="evaluation.score.review", reason__contains="muộn"
    ).exists()
    result = unit_results(2026)[ecast.cast.regional.pk]
    assert result.final and result.total == Decimal("55.00")


def test_it_refuses_a_chair_not_evaluated_last_year(ecast: ReportingCast) -> None:
    c = ecast.cast
    cluster = actions.create_cluster(
        by=c.admin,
        year=2026,
        code="cum-1",
        name="Cụm 1",
        organiser=c.root,
        members=[c.pa, c.pc],
        pact_signed_on=dt.date(2026, 3, 29),
    )
    with pytest.raises(ValidationError, match="2025"):
        actions.set_cluster_officers(cluster, chair=c.pa, deputy=c.pc, by=c.admin)
    cluster.refresh_from_db()
    assert cluster.chair is None
