import pytest
from django.test import Client

from thidua.testing import Cast

pytestmark = pytest.mark.django_db


def test_it_publishes_an_openapi_description(client: Client, cast: Cast) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in spec["paths"]
    assert "/api/v1/units/{unit_id}/successors" in spec["paths"]


def test_it_refuses_anonymous_callers(client: Client, cast: Cast) -> None:
    assert client.get("/api/v1/units").status_code == 401


def test_it_lists_only_units_in_scope_on_a_date(client: Client, cast: Cast) -> None:
    client.force_login(cast.reporter)
    before = {u["code"] for u in client.get("/api/v1/units?date=30/06/2025").json()}
    after = {u["code"] for u in client.get("/api/v1/units?date=2025-07-01").json()}
    assert before == {"PA-1", "PA-2", "PB-1"}
    assert after == {"PA-R1"}


def test_it_gives_404_for_units_outside_the_scope(client: Client, cast: Cast) -> None:
    client.force_login(cast.outsider)
    for url in (
        f"/api/v1/units/{cast.regional.pk}",
        f"/api/v1/units/{cast.pa.pk}/subtree",
        f"/api/v1/units/{cast.pb.pk}/successors",
        "/api/v1/units/999999",
    ):
        assert client.get(url).status_code == 404


def test_it_answers_the_tree_questions(client: Client, cast: Cast) -> None:
    client.force_login(cast.reviewer)
    detail = client.get(f"/api/v1/units/{cast.regional.pk}?date=01/07/2025").json()
    assert detail["parent_id"] == cast.pa.pk
    assert set(detail["predecessors"]) == {cast.pa1.pk, cast.pa2.pk, cast.pb1.pk}
    successors = client.get(f"/api/v1/units/{cast.pb1.pk}/successors?date=01/01/2026").json()
    assert [u["code"] for u in successors] == ["PA-R1"]
    subtree = client.get(f"/api/v1/units/{cast.pa.pk}/subtree?date=30/06/2025").json()
    assert set(subtree) == {cast.pa.pk, cast.pa1.pk, cast.pa2.pk}


def test_it_explains_a_bad_date_instead_of_failing(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    response = client.get("/api/v1/units?date=31/02/2025")
    assert response.status_code == 422
    assert "Ngày không hợp lệ" in response.json()["detail"]


def test_it_scopes_people_and_movements(client: Client, cast: Cast) -> None:
    from thidua.org import actions
    from thidua.org.models import Person

    person = actions.save_person(Person(code="CB9", full_name="Lê Văn Tám"))
    actions.assign_position(person, cast.pc1, "Kế toán", day=cast.pc1.valid_from)
    client.force_login(cast.reporter)
    assert client.get("/api/v1/people").json() == []
    assert client.get(f"/api/v1/people/{person.pk}").status_code == 404
    client.force_login(cast.outsider)
    assert [p["code"] for p in client.get("/api/v1/people").json()] == ["CB9"]
