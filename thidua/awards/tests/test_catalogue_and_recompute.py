from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from thidua.audit.models import AuditEvent
from thidua.awards import actions
from thidua.awards.catalogue import load_catalogue, rules_for_year
from thidua.awards.models import (
    AwardRecord,
    BaseSalary,
    Discipline,
    EligibilityResult,
    Initiative,
    NoBaseSalary,
    PerformanceRating,
    Title,
    TitleRule,
    base_salary_on,
)
from thidua.org.models import OrgUnit, Person, Position
from thidua.testing import Cast

pytestmark = pytest.mark.django_db


def test_it_loads_the_catalogue_twice_without_duplicates() -> None:
    first = load_catalogue()
    second = load_catalogue()
    assert first == second == TitleRule.objects.count()
    assert Title.objects.count() == 15
    assert BaseSalary.objects.count() == 3


def test_it_picks_the_rule_in_force_on_a_date() -> None:
    """Decree 98/2023 Art. 30(7) until 30/06/2025, Decree 152/2025 after (threshold kept,
    flagged low); TT 02/2024 cut the service to 6 months from 01/10/2024."""
    call_command("load_awards_catalogue", verbosity=0)
    cstdcs = Title.objects.get(code="CSTDCS")
    before = cstdcs.rule_on(dt.date(2025, 6, 30))
    after = cstdcs.rule_on(dt.date(2025, 7, 1))
    assert before.vote_threshold == after.vote_threshold == Decimal("0.800")
    assert before.confidence == "high" and after.confidence == "low"
    assert "152/2025" in after.legal_basis
    ldtt = Title.objects.get(code="LDTT")
    assert ldtt.rule_on(dt.date(2023, 12, 31)).service_months_min == 10
    assert ldtt.rule_on(dt.date(2024, 12, 31)).service_months_min == 6
    tq = Title.objects.get(code="CSTD_TQ").rule_on(dt.date(2025, 12, 31))
    assert tq.vote_threshold == Decimal("0.900") and tq.consultation_working_days == 10
    assert rules_for_year(2023)["LDTT"].article("service").startswith("Thông tư 01/2019")


def test_it_gives_the_base_salary_in_force() -> None:
    load_catalogue()
    assert base_salary_on(dt.date(2024, 6, 30)) == Decimal(1800000)
    assert base_salary_on(dt.date(2024, 7, 1)) == Decimal(2340000)
    assert base_salary_on(dt.date(2026, 6, 30)) == Decimal(2340000)
    assert base_salary_on(dt.date(2026, 7, 1)) == Decimal(2530000)
    with pytest.raises(NoBaseSalary):
        base_salary_on(dt.date(2020, 1, 1))


def staff(unit: OrgUnit, n: int, prefix: str) -> list[Person]:
    people = [
        Person.objects.create(
            code=f"{prefix}{i}",
            full_name=f"Người {prefix}{i}",
            joined_on=dt.date(2010, 1, 1),
            search_key=f"nguoi {prefix}{i}",
        )
        for i in range(n)
    ]
    for p in people:
        Position.objects.create(
            person=p, unit=unit, title="Kiểm sát viên", valid_from=dt.date(2020, 1, 1)
        )
    return people


def test_it_recomputes_a_year_for_people_and_units(cast: Cast) -> None:
    load_catalogue()
    people = staff(cast.pc1, 10, "C")
    for i, p in enumerate(people):
        PerformanceRating.objects.create(person=p, year=2025, level="HTXS" if i < 2 else "HTT")
    Discipline.objects.create(person=people[9], level="warning", decided_on=dt.date(2025, 4, 1))
    written = actions.recompute_eligibility(2025, as_of=dt.date(2026, 1, 15))
    assert written == EligibilityResult.objects.filter(year=2025).count() > 0
    ldtt = EligibilityResult.objects.filter(year=2025, title__code="LDTT")
    assert ldtt.filter(outcome="eligible").count() == 9
    refused = ldtt.get(person=people[9])
    assert refused.outcome == "not_eligible"
    assert any(r[0] == "discipline_in_year" for r in refused.reasons)
    cs = EligibilityResult.objects.filter(year=2025, title__code="CSTDCS", outcome="eligible")
    assert set(cs.values_list("person_id", flat=True)) == {people[0].pk, people[1].pk}
    # 2 CSTĐCS of 9 LĐTT = 22 %: a warning, not a refusal
    assert all(any(r[0] == "cstdcs_share_high" for r in row.reasons) for row in cs)
    tt = EligibilityResult.objects.get(year=2025, title__code="TTLDTT", unit=cast.pc1)
    assert tt.outcome == "not_eligible"  # a member was warned (TT 01/2019 Art. 18(1))
    assert AuditEvent.objects.filter(action="awards.eligibility.recompute").count() == 1
    # Recomputing replaces, never duplicates
    assert actions.recompute_eligibility(2025, as_of=dt.date(2026, 1, 15)) == written


def test_it_builds_the_sector_chain_from_award_history(cast: Cast) -> None:
    load_catalogue()
    (p,) = staff(cast.pc1, 1, "N")
    cstdcs = Title.objects.get(code="CSTDCS")
    for year in (2023, 2024):
        AwardRecord.objects.create(
            title=cstdcs, year=year, person=p, decided_on=dt.date(year + 1, 1, 20)
        )
    PerformanceRating.objects.create(person=p, year=2025, level="HTXS")
    initiative = Initiative.objects.create(
        title="Số hoá hồ sơ",
        unit=cast.pc1,
        level="sector",
        recognised_on=dt.date(2025, 3, 1),
        recognised_by="Viện trưởng VKSND tối cao",
    )
    initiative.authors.add(p)
    actions.recompute_eligibility(2025, as_of=dt.date(2026, 1, 15))
    row = EligibilityResult.objects.get(year=2025, title__code="CSTD_NGANH", person=p)
    assert row.outcome == "eligible"
