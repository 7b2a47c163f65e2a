"""One scope check for pages and API: who sees which unit."""

import pytest
from django.http import Http404
from django.test import Client

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.models import User
from thidua.testing import Cast

pytestmark = pytest.mark.django_db


def visible(user: User, cast: Cast) -> set[str]:
    units = {
        u.code: u
        for u in [
            cast.root,
            cast.pa,
            cast.pb,
            cast.pc,
            cast.pa1,
            cast.pa2,
            cast.pb1,
            cast.pc1,
            cast.regional,
        ]
    }
    return {code for code, u in units.items() if scope_for(user).sees(u.pk)}


def test_it_limits_a_reporter_to_its_unit_and_its_history(cast: Cast) -> None:
    assert visible(cast.reporter, cast) == {"PA-R1", "PA-1", "PA-2", "PB-1"}


def test_it_gives_a_reviewer_the_province_subtree_with_merged_provinces(cast: Cast) -> None:
    assert visible(cast.reviewer, cast) == {"PA", "PA-1", "PA-2", "PA-R1", "PB", "PB-1"}


def test_it_gives_the_secretary_the_whole_movement(cast: Cast) -> None:
    assert len(visible(cast.secretary, cast)) == 9


def test_it_lets_a_supervisor_read_but_not_write(cast: Cast) -> None:
    scope = scope_for(cast.supervisor)
    assert scope.sees(cast.pa1.pk)
    assert not scope.writes(cast.pa1.pk)
    with pytest.raises(Http404):
        get_unit_for_user(cast.supervisor, cast.pa1.pk, write=True)


def test_it_gives_404_for_a_guessed_unit(cast: Cast) -> None:
    with pytest.raises(Http404):
        get_unit_for_user(cast.outsider, cast.regional.pk)
    with pytest.raises(Http404):
        get_unit_for_user(cast.reporter, 999_999)


def test_it_ignores_expired_roles(cast: Cast) -> None:
    import datetime as dt

    cast.reporter.roles.update(valid_to=dt.date(2021, 1, 1))
    user = User.objects.get(pk=cast.reporter.pk)
    assert visible(user, cast) == set()


def test_it_recomputes_a_cached_scope_when_roles_or_the_tree_change(cast: Cast) -> None:
    """Scopes are cached across requests; a new role, an ended role or a reorganisation must
    show on the next request (a fresh user object, as each request loads one)."""
    import datetime as dt

    from thidua.accounts.actions import end_role, grant_role
    from thidua.accounts.models import Role, RoleAssignment
    from thidua.org import actions as org_actions

    def fresh() -> set[str]:
        return visible(User.objects.get(pk=cast.outsider.pk), cast)

    before = fresh()
    assert "PA" not in before
    assignment = grant_role(
        RoleAssignment(
            user=cast.outsider, role=Role.REVIEWER, unit=cast.pa, valid_from=dt.date(2020, 1, 1)
        )
    )
    assert {"PA", "PA-R1", "PB-1"} <= fresh()
    org_actions.move_unit(cast.pc, cast.pa, day=dt.date(2025, 12, 1))
    assert {"PC", "PC-1"} <= fresh()
    end_role(assignment, day=dt.date(2025, 12, 2))
    assert fresh() == before


@pytest.mark.parametrize(
    "url", ["/", "/org/", "/org/people/", "/movements/", "/api/v1/units", "/accounts/users/"]
)
def test_it_shows_anonymous_visitors_only_the_login_page(
    client: Client, cast: Cast, url: str
) -> None:
    response = client.get(url)
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_it_throttles_repeated_failed_logins(client: Client, cast: Cast) -> None:
    statuses = [
        client.post("/accounts/login/", {"username": "reporter", "password": "wrong"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the account out
    response = client.post(
        "/accounts/login/", {"username": "reporter", "password": "test-password-123"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_logs_in_through_the_form(client: Client, cast: Cast) -> None:
    response = client.post(
        "/accounts/login/", {"username": "reporter", "password": "test-password-123"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.reporter.pk)


def test_it_speaks_vietnamese_by_default_whatever_the_browser_says(
    client: Client, cast: Cast
) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert 'lang="vi"' in response.content.decode()
    client.post("/accounts/language/", {"language": "en", "next": "/accounts/login/"})
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "en"
    assert 'lang="en"' in response.content.decode()


def test_it_sends_a_content_security_policy(client: Client, cast: Cast) -> None:
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_it_follows_a_unit_that_moved_to_another_province(cast: Cast) -> None:
    import datetime as dt

    from thidua.org import actions

    actions.move_unit(cast.regional, cast.pc, day=dt.date(2026, 1, 1))
    reviewer = User.objects.get(pk=cast.reviewer.pk)
    outsider_province = User.objects.get(pk=cast.outsider.pk)
    assert "PA-R1" not in visible(reviewer, cast)  # it belongs to PC now
    assert {"PA-1", "PB-1"} <= visible(reviewer, cast)  # the province's own history stays
    assert "PA-R1" not in visible(outsider_province, cast)  # a district user sees only itself


def test_it_says_a_failed_login_in_plain_words(client: Client, cast: Cast) -> None:
    client.cookies["thidua_language"] = "vi"
    page = client.post(
        "/accounts/login/", {"username": "reporter", "password": "wrong"}
    ).content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page
    assert "Vui lòng điền vào" not in page and "khung thông tin" not in page
