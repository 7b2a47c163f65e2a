"""The unit is told when the reviewer changes its assessment (issue 10)."""

from __future__ import annotations

import pytest

from thidua.evaluation import actions
from thidua.evaluation.models import Assessment, Score
from thidua.evaluation.testing import regional_year
from thidua.notifications.models import Kind, Notification
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def _score(a: Assessment, code: str) -> Score:
    return a.scores.select_related("criterion").get(criterion__code=code)


def test_review_changes_tell_the_unit_once_a_day_and_on_final(ecast: ReportingCast) -> None:
    regional_year(ecast)
    a = actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)
    a4, c1 = _score(a, "A4"), _score(a, "C1")
    actions.save_self_score(
        a4, points="8", evidence_link="https://vks.example/ct.pdf", by=ecast.head
    )
    actions.save_self_score(c1, violations=1, by=ecast.head)
    actions.submit_assessment(a, by=ecast.head)
    actions.review_score(
        a4, points="5", reason="Chương trình ban hành muộn", by=ecast.cast.reviewer
    )
    actions.review_score(a4, points="6", reason="Điều chỉnh lại", by=ecast.cast.reviewer)
    changed = Notification.objects.filter(kind=Kind.ASSESSMENT_CHANGED)
    assert sorted(n.recipient.username for n in changed) == ["head", "reporter"]
    assert "Chương trình ban hành muộn" in changed.get(recipient=ecast.head).body
    actions.finalise_assessment(a, by=ecast.cast.reviewer)
    assert changed.filter(recipient=ecast.head).count() == 2
    assert not Notification.objects.filter(recipient=ecast.cast.outsider).exists()
