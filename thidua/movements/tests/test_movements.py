import pytest
from django.test import Client

from thidua.lib.packs import pack_file
from thidua.movements.actions import load_movement
from thidua.movements.models import Milestone, Movement
from thidua.org.models import OrgUnit
from thidua.testing import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def ksnd(cast: Cast) -> Movement:
    OrgUnit.objects.filter(pk=cast.root.pk).update(code="VKSNDTC")
    return load_movement(pack_file("movement.json"))


def test_it_loads_the_ksnd_plan_from_its_fixture(ksnd: Movement) -> None:
    assert [(p.start_year, p.end_year, p.review_year) for p in ksnd.phases.all()] == [
        (2022, 2025, 2025),
        (2026, 2030, 2030),
    ]
    assert ksnd.areas.count() == 6
    dues = [m.due_date.isoformat() for m in ksnd.milestones.all()]
    assert dues == ["2023-09-30", "2025-12-31", "2026-12-31", "2030-12-31"]
    assert ksnd.decision_number == ""  # not found in the sources: shown as not yet recorded
    assert "chưa" in ksnd.decision_note


def test_it_shows_the_plan_to_everyone_in_the_sector(
    client: Client, cast: Cast, ksnd: Movement
) -> None:
    client.force_login(cast.reporter)
    page = client.get(f"/movements/{ksnd.pk}/").content.decode()
    assert "Thực hành tiết kiệm" in page
    assert "30/09/2023" in page and "31/12/2030" in page
    assert "chuyển đổi số" in page
    assert client.get("/movements/").status_code == 302  # one movement: straight to it


def test_it_hides_movements_from_users_without_a_role(
    client: Client, cast: Cast, ksnd: Movement
) -> None:
    from thidua.accounts.models import User

    nobody = User.objects.create_user("nobody", password="x-long-password")
    client.force_login(nobody)
    assert client.get(f"/movements/{ksnd.pk}/").status_code == 404


def test_it_creates_a_second_movement_without_code(
    client: Client, cast: Cast, ksnd: Movement
) -> None:
    client.force_login(cast.secretary)
    response = client.post(
        "/movements/new/",
        {
            "code": "bo-tai-chinh-2026",
            "title": "Phong trào thi đua của Bộ",
            "title_en": "",
            "launching_body": "Bộ trưởng",
            "organisation_code": "PC",
            "decision_number": "12/QĐ-BTC",
            "decision_date": "05/03/2026",
            "decision_note": "",
            "parent_reference": "",
            "start_year": "2026",
            "end_year": "2030",
            "objectives": "",
        },
    )
    assert response.status_code == 302
    movement = Movement.objects.get(code="bo-tai-chinh-2026")
    assert movement.decision_date is not None and movement.decision_date.day == 5
    url = f"/movements/{movement.pk}/add/"
    client.post(
        url + "phase/",
        {
            "phase-number": "1",
            "phase-start_year": "2026",
            "phase-end_year": "2028",
            "phase-review": "preliminary",
            "phase-review_year": "2028",
            "phase-description": "",
        },
    )
    client.post(
        url + "area/",
        {"area-number": "1", "area-title": "Tiết kiệm chi thường xuyên", "area-title_en": ""},
    )
    client.post(
        url + "milestone/",
        {
            "milestone-title": "Sơ kết",
            "milestone-title_en": "",
            "milestone-due_date": "31/12/2028",
            "milestone-note": "",
        },
    )
    assert (movement.phases.count(), movement.areas.count(), movement.milestones.count()) == (
        1,
        1,
        1,
    )


def test_it_refuses_a_movement_with_years_reversed(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    response = client.post(
        "/movements/new/",
        {
            "code": "x",
            "title": "X",
            "launching_body": "Y",
            "organisation_code": "ROOT",
            "start_year": "2030",
            "end_year": "2026",
        },
    )
    assert response.status_code == 200
    assert not Movement.objects.filter(code="x").exists()


def test_it_lets_only_editors_change_milestones(client: Client, cast: Cast, ksnd: Movement) -> None:
    milestone = ksnd.milestones.get(due_date__year=2030)
    url = f"/movements/{ksnd.pk}/milestones/{milestone.pk}/status/"
    client.force_login(cast.reporter)
    assert client.post(url, {"status": "done"}).status_code == 404
    client.force_login(cast.secretary)
    assert client.get(url).status_code == 405
    fragment = client.post(url, {"status": "in_progress"}, HTTP_HX_REQUEST="true")
    assert f'id="milestone-{milestone.pk}"' in fragment.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
