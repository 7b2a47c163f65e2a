"""A small awards world on the standard cast: the catalogue, a unit head of the regional unit
PA-R1, six staff rated for 2025 (two excellent, one with a reprimand), the provincial council
of PA with its chair, and eligibility computed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.awards import actions
from thidua.awards.catalogue import load_catalogue
from thidua.awards.models import Council, CouncilMember, Discipline, PerformanceRating
from thidua.org.models import Person, Position
from thidua.testing import PASSWORD, START, Cast

AS_OF = dt.date(2026, 1, 20)


@dataclass
class AwardsCast:
    cast: Cast
    head: User
    chair: User
    council: Council
    people: list[Person]


def make_staff(cast: Cast) -> list[Person]:
    people = []
    for i in range(6):
        p = Person.objects.create(
            code=f"KV{i:03d}",
            full_name=f"Nguyễn Văn {chr(65 + i)}",
            joined_on=dt.date(2012, 3, 1),
            search_key=f"nguyen van {chr(97 + i)} kv{i:03d}",
        )
        Position.objects.create(
            person=p, unit=cast.regional, title="Kiểm sát viên", valid_from=dt.date(2025, 7, 1)
        )
        PerformanceRating.objects.create(person=p, year=2025, level="HTXS" if i < 2 else "HTT")
        people.append(p)
    Discipline.objects.create(person=people[5], level="reprimand", decided_on=dt.date(2025, 9, 1))
    return people


@pytest.fixture
def acast(cast: Cast) -> AwardsCast:
    load_catalogue()
    head = User.objects.create_user(username="head", password=PASSWORD)
    RoleAssignment.objects.create(
        user=head, role=Role.UNIT_HEAD, unit=cast.regional, valid_from=START
    )
    chair = User.objects.create_user(username="chair", password=PASSWORD)
    RoleAssignment.objects.create(
        user=chair, role=Role.UNIT_HEAD, unit=cast.regional, valid_from=START
    )
    council = Council.objects.create(unit=cast.pa, name="Hội đồng Thi đua - Khen thưởng tỉnh A")
    CouncilMember.objects.create(council=council, user=chair, role="chair", valid_from=START)
    people = make_staff(cast)
    actions.recompute_eligibility(2025, as_of=AS_OF)
    return AwardsCast(cast=cast, head=head, chair=chair, council=council, people=people)
