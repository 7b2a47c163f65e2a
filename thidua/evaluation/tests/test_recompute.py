"""recompute_scores works set-wise; the rubric fixture loads and refuses a bad formula (the demo
generator and the phase candidates: thidua/demo/tests/test_demo_evaluation.py)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.evaluation import actions
from thidua.evaluation.catalogue import RUBRICS, load_rubrics, programme_due
from thidua.evaluation.models import Criterion, Rubric
from thidua.evaluation.testing import approved, regional_year
from thidua.org import actions as org_actions
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def _queries(year: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        actions.recompute_scores(year)
    return len(ctx.captured_queries)


def test_recompute_takes_the_same_queries_for_one_unit_or_many(ecast: ReportingCast) -> None:
    c = ecast.cast
    regional_year(ecast)
    actions.open_assessment(c.regional, 2026, by=c.admin)
    one = _queries(2026)
    for unit in (c.pa, c.pc1, c.pc):
        actions.open_assessment(unit, 2026, by=c.admin)
    assert _queries(2026) == one


def test_recompute_follows_a_figure_changed_by_a_later_approval(ecast: ReportingCast) -> None:
    c = ecast.cast
    regional_year(ecast, quarters=3)
    a = actions.open_assessment(c.regional, 2026, by=c.admin)
    assert a.total == Decimal("55.00")
    approved(ecast, c.regional, 2026, 4, EST_RECURRENT="1000", SETTLE_RECURRENT="1000")
    assert actions.recompute_scores(2026) == 1  # 150 saved of 4,000 now: 3.75 % → 20 points
    a.refresh_from_db()
    assert a.scores.get(criterion__code="A1").computed_points == Decimal("20")


def test_the_fixture_loads_idempotently_and_refuses_a_bad_formula(db: None, tmp_path: Path) -> None:
    call_command("load_rubrics")
    load_rubrics()
    assert Rubric.objects.count() == 3
    direct = Rubric.objects.get(entity_type="direct")
    assert [(g.code, g.max_points) for g in direct.groups.all()] == [
        ("A", Decimal(70)),
        ("B", Decimal(30)),
        ("C", Decimal(30)),
    ]
    upper = Rubric.objects.get(entity_type="upper")
    assert [int(g.max_points) for g in upper.groups.all()] == [10, 40, 40, 10]
    assert programme_due(2027)[0] == dt.date(2026, 12, 31)
    data = json.loads(RUBRICS.read_text(encoding="utf-8"))
    data["rubrics"][0]["groups"][0]["criteria"][0]["formula"] = "EST_RECURRENT +"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    before = Criterion.objects.values_list("formula", flat=True).order_by("pk")
    snapshot = list(before)
    with pytest.raises(ValidationError):
        load_rubrics(bad)
    assert list(before) == snapshot


def test_a_back_dated_reorganisation_changes_the_scores(ecast: ReportingCast) -> None:
    """Scores read the roll-ups through reporting.rollups, which first catches up with
    reorganisations recorded after the figures were approved (issue 8, point 24)."""
    c = ecast.cast
    regional_year(ecast)  # PA-R1, under PA, files and gets approved all of 2026
    pa = actions.open_assessment(c.pa, 2026, by=c.admin)
    pc = actions.open_assessment(c.pc, 2026, by=c.admin)
    before = {"pa": pa.total, "pc": pc.total}
    # Recorded now, effective from the start of the year: PA-R1 worked under PC all along.
    org_actions.move_unit(c.regional, c.pc, day=dt.date(2026, 1, 1), by=c.admin)
    assert actions.recompute_scores(2026) >= 1
    pa.refresh_from_db()
    pc.refresh_from_db()
    assert (pa.total, pc.total) != (before["pa"], before["pc"])
    assert pc.total == before["pa"] and pa.total == before["pc"]
