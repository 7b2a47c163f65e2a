"""The evaluation demo generator and the phase candidates on the small cast."""

from __future__ import annotations

import random

import pytest

from thidua.demo.evaluation import build_evaluation
from thidua.evaluation import actions, board
from thidua.evaluation.models import Assessment, Programme
from thidua.evaluation.testing import approved
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def test_the_demo_generator_and_the_phase_candidates(ecast: ReportingCast) -> None:
    c = ecast.cast
    for year in (2024, 2025):
        for q in (1, 2, 3, 4):
            approved(
                ecast,
                c.pc1,
                year,
                q,
                EST_RECURRENT="500",
                SETTLE_RECURRENT="480",
                CONF_SPEND="10",
                SAV_CONF="2",
            )
    lines = build_evaluation(random.Random(7))
    assert len(lines) == 3
    assert Programme.objects.filter(unit=c.pc1, year=2025, status="approved").exists()
    finals = Assessment.objects.filter(unit=c.pc1, status="final")
    assert sorted(finals.values_list("year", flat=True)) == [2024, 2025]
    assert actions.recompute_scores(2025) == 0  # the demo's scores are the engine's
    candidates = board.phase_candidates(2022, 2025)
    assert [x.code for x in candidates] == ["PC-1"]
    assert candidates[0].years == 2
