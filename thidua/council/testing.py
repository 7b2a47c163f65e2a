"""A council world for tests: three titles with Decree 98/2023 thresholds, base salaries, a
five-member sector council whose secretary is the cast's secretary, and three submitted
proposals. Used by the council tests and the browser journey."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from thidua.accounts.models import User
from thidua.awards.models import BaseSalary, Council, CouncilMember, Proposal, Title, TitleRule
from thidua.org.models import Person, Position
from thidua.testing import PASSWORD, START, Cast

SESSION_DAY = dt.date(2025, 1, 15)
DECISION_DAY = dt.date(2025, 2, 5)


@dataclass
class World:
    cast: Cast
    council: Council
    chair: User
    vice: User
    member_a: User
    member_b: User
    secretary: User
    sector_title: Title
    national_title: Title
    flag_title: Title
    people: list[Person]
    proposals: list[Proposal]

    @property
    def voters(self) -> list[User]:
        return [self.chair, self.vice, self.member_a, self.member_b, self.secretary]


def _title(code: str, name: str, subject: str, threshold: str, days: int, cash: str) -> Title:
    title = Title.objects.create(code=code, name=name, name_en=code, subject=subject)
    TitleRule.objects.create(
        title=title,
        valid_from=dt.date(2023, 8, 15),
        legal_basis="Nghị định 98/2023/NĐ-CP Điều 30(7)",
        vote_threshold=Decimal(threshold),
        consultation_working_days=days,
        cash_multiple=Decimal(cash),
    )
    return title


def build_world(cast: Cast) -> World:
    for start, end, amount in [
        (dt.date(2023, 7, 1), dt.date(2024, 7, 1), 1_800_000),
        (dt.date(2024, 7, 1), dt.date(2026, 7, 1), 2_340_000),
        (dt.date(2026, 7, 1), dt.date(9999, 12, 31), 2_530_000),
    ]:
        BaseSalary.objects.create(
            amount=amount, valid_from=start, valid_to=end, legal_basis="Nghị định 73/2024/NĐ-CP"
        )
    sector = _title(
        "cstd-nganh", "Chiến sĩ thi đua ngành Kiểm sát nhân dân", "individual", "0.900", 0, "3.0"
    )
    national = _title(
        "cstd-toan-quoc", "Chiến sĩ thi đua toàn quốc", "individual", "0.900", 10, "4.5"
    )
    flag = _title("co-nganh", "Cờ thi đua ngành Kiểm sát nhân dân", "collective", "0.800", 0, "8.0")
    council = Council.objects.create(
        unit=cast.root, name="Hội đồng Thi đua - Khen thưởng ngành Kiểm sát nhân dân"
    )
    seats = {}
    for username, role, full in [
        ("chair", "chair", "Nguyễn Huy Tiến"),
        ("vice", "vice_chair", "Lê Thị Hà"),
        ("member_a", "member", "Trần Văn Nam"),
        ("member_b", "member", "Phạm Thu Hương"),
    ]:
        user = User.objects.create_user(username=username, password=PASSWORD, first_name=full)
        person = Person.objects.create(code=f"HD-{username}", full_name=full)
        CouncilMember.objects.create(
            council=council, user=user, person=person, role=role, valid_from=START
        )
        seats[username] = user
    secretary_person = Person.objects.create(code="HD-secretary", full_name="Đỗ Minh Thư")
    CouncilMember.objects.create(
        council=council,
        user=cast.secretary,
        person=secretary_person,
        role="secretary",
        valid_from=START,
    )
    people = []
    for code, name in [("KS-1", "Vũ Văn Ánh"), ("KS-2", "Hoàng Thị Bích")]:
        person = Person.objects.create(code=code, full_name=name)
        Position.objects.create(
            person=person, unit=cast.pa, title="Kiểm sát viên", valid_from=START
        )
        people.append(person)
    proposals = [
        Proposal.objects.create(
            title=sector,
            year=2024,
            person=people[0],
            proposing_unit=cast.pa,
            council=council,
            status=Proposal.Status.SUBMITTED,
        ),
        Proposal.objects.create(
            title=national,
            year=2024,
            person=people[1],
            proposing_unit=cast.pa,
            council=council,
            status=Proposal.Status.SUBMITTED,
        ),
        Proposal.objects.create(
            title=flag,
            year=2024,
            unit=cast.pa,
            proposing_unit=cast.pa,
            council=council,
            status=Proposal.Status.SUBMITTED,
        ),
    ]
    return World(
        cast=cast,
        council=council,
        chair=seats["chair"],
        vice=seats["vice"],
        member_a=seats["member_a"],
        member_b=seats["member_b"],
        secretary=cast.secretary,
        sector_title=sector,
        national_title=national,
        flag_title=flag,
        people=people,
        proposals=proposals,
    )


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)
