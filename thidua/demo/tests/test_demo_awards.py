"""The awards demo on the demo sector (without the reports: about half a minute): history
consistent with the rules, chains that reach 2025, registrations, proposals for the council."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from thidua.audit.chain import verify_chain
from thidua.awards.models import (
    AwardRecord,
    Council,
    EligibilityResult,
    Initiative,
    Proposal,
    Registration,
)
from thidua.demo.awards import DEMO_DAY, build_awards
from thidua.demo.build import build_demo

pytestmark = pytest.mark.django_db


def test_the_awards_demo_is_consistent_with_its_own_rules() -> None:
    build_demo(seed=7, with_reports=False)
    lines = build_awards(random.Random(3))
    assert len(lines) == 4
    held: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows = AwardRecord.objects.filter(person__isnull=False).values_list(
        "person_id", "year", "title__code"
    )
    for pid, year, code in rows:
        held[pid][year].add(code)
    nganh = [(pid, y) for pid, years in held.items() for y, c in years.items() if "CSTD_NGANH" in c]
    assert nganh, "the history has sector emulation fighters"
    for pid, year in nganh:  # Law Art. 22(1): three consecutive CSTĐCS
        assert all("CSTDCS" in held[pid][y] for y in range(year - 2, year + 1))
    for years in held.values():  # a CSTĐCS is always an LĐTT of the same year (Law Art. 23)
        for codes in years.values():
            assert "CSTDCS" not in codes or "LDTT" in codes
    used = Initiative.objects.exclude(used_for=None).values_list("used_for_id", flat=True)
    assert len(list(used)) == len(set(used))  # one initiative, one award
    assert EligibilityResult.objects.filter(year=2025, title__code="CSTD_NGANH", outcome="eligible")
    assert Registration.objects.filter(year=2026).exists()
    sector = Council.objects.get(unit__code="VKSNDTC")
    assert sector.chair_on(DEMO_DAY) is not None and sector.members_on(DEMO_DAY).count() >= 5
    submitted = Proposal.objects.filter(year=2025, status="submitted")
    assert submitted.count() >= 5 and all(p.eligibility["outcome"] == "eligible" for p in submitted)
    assert verify_chain() is None
