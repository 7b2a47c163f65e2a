"""A violation confirmed in oversight is deducted in the unit's THTK-CLP assessment (issue 13):
the typed deduction counts at least the confirmed violations, and the page says which."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from thidua.evaluation import actions
from thidua.evaluation.models import Assessment
from thidua.evaluation.testing import regional_year
from thidua.oversight import actions as oversight
from thidua.oversight.models import Finding, Norm, TravelClaim
from thidua.oversight.norms import load_norms
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _norms(db: None) -> None:
    load_norms(Norm)  # the migration's data, flushed by any transactional test run before


def _violation(rc: ReportingCast) -> Finding:
    claim = TravelClaim(
        unit=rc.cast.regional,
        year=2026,
        person="Lê Văn C",
        start=dt.date(2026, 5, 4),
        end=dt.date(2026, 5, 6),
        destination="town",
        allowance_paid=Decimal(1_350_000),
    )
    return oversight.save_record(claim, by=rc.cast.reporter)[0]


def test_a_confirmed_violation_costs_the_deduction(ecast: ReportingCast, client: Client) -> None:
    regional_year(ecast)
    a = actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)
    before = a.total
    finding = _violation(ecast)
    a.refresh_from_db()
    assert a.total == before  # found, not confirmed: no deduction
    oversight.confirm_finding(finding, by=ecast.cast.supervisor, reason="Chi vượt định mức")
    a = Assessment.objects.get(pk=a.pk)
    assert before is not None and a.total == before - Decimal(5)
    client.force_login(ecast.cast.supervisor)
    page = client.get(reverse("evaluation:assessment", args=[a.pk])).content.decode()
    assert 'data-testid="confirmed-C1"' in page
    assert "450.000" in page and "−5" in page


def test_declared_violations_are_not_counted_twice(ecast: ReportingCast) -> None:
    regional_year(ecast)
    a = actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)
    c1 = a.scores.get(criterion__code="C1")
    actions.save_self_score(c1, violations=1, by=ecast.head)
    a.refresh_from_db()
    declared = a.total
    oversight.confirm_finding(_violation(ecast), by=ecast.cast.supervisor, reason="Vượt")
    a.refresh_from_db()
    assert a.total == declared
