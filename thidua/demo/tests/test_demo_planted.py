"""The demo's planted irregularities (issue 13 point 9): at least 40 of at least 10 kinds over
the four provinces and 2024–2026, each flagged by its rule; other flags stay under 5 % of the
records. (Here rather than in oversight/tests: the layers forbid oversight importing demo.)"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from thidua.demo.oversight_data import MORE, PLANTED, PROVINCES, build_oversight
from thidua.demo.tests.test_oversight_demo import provinces  # noqa: F401  (fixture)
from thidua.oversight.models import Finding, ProcurementPackage, TravelClaim

pytestmark = pytest.mark.django_db


def test_the_planted_list_is_broad() -> None:
    assert len(PLANTED) >= 40
    assert len({p.rule for p in PLANTED}) >= 10
    assert len({(p.unit, p.year, p.rule) for p in PLANTED}) == len(PLANTED)
    assert {p.unit.split("-")[0] for p in PLANTED} == set(PROVINCES)
    assert {p.year for p in PLANTED} == {2024, 2025, 2026}
    assert ("TQ-KV01", 2026, "SPLIT") in {(p.unit, p.year, p.rule) for p in PLANTED}
    assert all(p.what for p in PLANTED)


@pytest.mark.usefixtures("provinces")
def test_each_planted_irregularity_is_flagged_and_little_else_is() -> None:
    build_oversight(random.Random(11))
    found = Counter(Finding.objects.values_list("unit__code", "year", "rule"))
    missing = [p for p in PLANTED if (p.unit, p.year, p.rule) not in found]
    assert missing == []
    assert len(MORE) + 11 == len(PLANTED)
    planted = {(p.unit, p.year, p.rule) for p in PLANTED}
    extra = [k for k in found if k not in planted]
    records = TravelClaim.objects.count() + ProcurementPackage.objects.count()
    assert sum(found[k] for k in extra) <= 0.05 * records, extra
    split = Finding.objects.get(unit__code="TQ-KV01", year=2026, rule="SPLIT")
    assert split.packages.count() == 3
