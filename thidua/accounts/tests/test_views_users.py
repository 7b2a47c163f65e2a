import pytest
from django.test import Client

from thidua.accounts.models import RoleAssignment, User
from thidua.testing import Cast

pytestmark = pytest.mark.django_db


def test_it_lets_an_admin_create_a_user_and_grant_a_role(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "moi",
            "first_name": "Lan",
            "last_name": "Nguyễn",
            "email": "",
            "password": "mat-khau-dai-123",
            "person_code": "",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="moi")
    response = client.post(
        f"/accounts/users/{user.pk}/",
        {"role": "reviewer", "unit_code": "PC", "valid_from": "01/01/2026", "valid_to": ""},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.unit_id) == ("reviewer", cast.pc.pk)
    assert assignment.valid_from.isoformat() == "2026-01-01"


def test_it_refuses_overlapping_roles_and_bad_dates(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    url = f"/accounts/users/{cast.reporter.pk}/"
    response = client.post(
        url, {"role": "reporter", "unit_code": "PA-R1", "valid_from": "01/01/2026", "valid_to": ""}
    )
    assert "đã được giao vai trò này" in response.content.decode()
    response = client.post(
        url, {"role": "reporter", "unit_code": "NOPE", "valid_from": "31/02/2026", "valid_to": ""}
    )
    assert response.status_code == 200
    assert RoleAssignment.objects.filter(user=cast.reporter).count() == 1


def test_it_hides_user_management_from_non_admins(client: Client, cast: Cast) -> None:
    client.force_login(cast.reviewer)
    assert client.get("/accounts/users/").status_code == 404
    assert client.get(f"/accounts/users/{cast.reporter.pk}/").status_code == 404


def test_it_ends_a_role_instead_of_deleting_it(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    assignment = RoleAssignment.objects.get(user=cast.reporter)
    assert (
        client.get(f"/accounts/users/{cast.reporter.pk}/roles/{assignment.pk}/end/").status_code
        == 405
    )
    client.post(f"/accounts/users/{cast.reporter.pk}/roles/{assignment.pk}/end/")
    assignment.refresh_from_db()
    assert assignment.valid_to.year < 9999
