"""Issue 8 point 9: a person is visible to a unit while they are or were in its scope during the
period being viewed, not forever (docs/architecture.md, the scope rule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from thidua.accounts.access import (
    get_person_for_user,
    persons_for_user,
    scope_for,
    year_period,
)
from thidua.accounts.models import Role, RoleAssignment, User
from thidua.org import actions
from thidua.org.models import Person
from thidua.testing import START, Cast

MOVED_ON = dt.date(2024, 3, 1)


@pytest.fixture
def people(cast: Cast) -> dict[str, Person]:
    """`moved` worked in PA-2 (the reviewer's province) until 01/03/2024, then in PC-1;
    `stayed` has worked in PA since 2020."""
    moved = actions.save_person(Person(code="CB1", full_name="Lê Văn Tám"))
    actions.assign_position(moved, cast.pa2, "Kiểm sát viên", day=START)
    actions.assign_position(moved, cast.pc1, "Kiểm sát viên", day=MOVED_ON)
    stayed = actions.save_person(Person(code="CB2", full_name="Hoàng Thị Lan"))
    actions.assign_position(stayed, cast.pa, "Chuyên viên", day=START)
    return {"moved": moved, "stayed": stayed}


def codes(user: User, year: int | None = None) -> set[str]:
    period = year_period(year) if year else None
    return set(persons_for_user(user, period=period).values_list("code", flat=True))


def test_a_person_who_moved_away_leaves_the_old_scope_for_later_years(
    cast: Cast, people: dict[str, Person]
) -> None:
    assert codes(cast.reviewer, 2023) == {"CB1", "CB2"}
    assert codes(cast.reviewer, 2024) == {"CB1", "CB2"}  # two months of 2024 in PA-2
    assert codes(cast.reviewer, 2026) == {"CB2"}
    assert codes(cast.reviewer) == {"CB2"}  # lists show today's staff
    assert codes(cast.outsider, 2023) == set()
    assert codes(cast.outsider, 2026) == codes(cast.outsider) == {"CB1"}
    assert codes(cast.admin) == {"CB1", "CB2"}  # every record, when no period is asked
    assert codes(cast.admin, 2019) == set()


def test_a_record_opens_for_the_period_viewed_or_while_the_user_held_the_role(
    cast: Cast, people: dict[str, Person]
) -> None:
    moved = people["moved"].pk
    assert get_person_for_user(cast.reviewer, moved, period=year_period(2023)).code == "CB1"
    with pytest.raises(Http404):
        get_person_for_user(cast.reviewer, moved, period=year_period(2026))
    # The reviewer has held the role since 2020: the person was in scope meanwhile.
    assert get_person_for_user(cast.reviewer, moved).code == "CB1"
    # A reviewer appointed after the move never had the person in scope.
    newcomer = User.objects.create_user(username="newcomer", password="x")
    RoleAssignment.objects.create(
        user=newcomer, role=Role.REVIEWER, unit=cast.pa, valid_from=dt.date(2025, 1, 1)
    )
    with pytest.raises(Http404):
        get_person_for_user(newcomer, moved)
    assert get_person_for_user(newcomer, moved, period=year_period(2023)).code == "CB1"
    assert get_person_for_user(newcomer, people["stayed"].pk).code == "CB2"


def test_the_list_is_one_query(
    cast: Cast, people: dict[str, Person], django_assert_num_queries: Any
) -> None:
    scope_for(cast.reviewer)  # cached for the request, as a page would have it
    with django_assert_num_queries(1):
        assert len(list(persons_for_user(cast.reviewer, period=year_period(2023)))) == 2


def test_the_api_views_a_year(client: Client, cast: Cast, people: dict[str, Person]) -> None:
    client.force_login(cast.reviewer)
    listed = {p["code"] for p in client.get("/api/v1/people?year=2023").json()}
    assert listed == {"CB1", "CB2"}
    assert {p["code"] for p in client.get("/api/v1/people?year=2026").json()} == {"CB2"}
    assert {p["code"] for p in client.get("/api/v1/people").json()} == {"CB2"}
    moved = people["moved"].pk
    assert client.get(f"/api/v1/people/{moved}?year=2023").status_code == 200
    assert client.get(f"/api/v1/people/{moved}?year=2026").status_code == 404
    assert client.get("/api/v1/people?year=0").status_code == 422


def test_the_staff_page_views_a_year(client: Client, cast: Cast, people: dict[str, Person]) -> None:
    client.force_login(cast.reviewer)
    today = client.get(reverse("org:people")).content.decode()
    assert "Hoàng Thị Lan" in today and "Lê Văn Tám" not in today
    past = client.get(reverse("org:people"), {"year": "2023"}).content.decode()
    assert "Hoàng Thị Lan" in past and "Lê Văn Tám" in past
    assert 'name="year"' in past and 'value="2023"' in past
