"""Login lockout per user name and address, the trusted proxy, and the administrator's unlock
(issue 8, point 4)."""

from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings

from thidua.accounts.lockouts import client_ip
from thidua.audit.models import AuditEvent
from thidua.testing import PASSWORD, Cast

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def log_in(client: Client, username: str, password: str, ip: str, forwarded: str = "") -> int:
    extra: dict[str, Any] = {"REMOTE_ADDR": ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.post(LOGIN, {"username": username, "password": password}, **extra)
    client.logout()
    return response.status_code


def fail_five_times(client: Client, username: str, ip: str, forwarded: str = "") -> None:
    codes = [log_in(client, username, "sai-mat-khau", ip, forwarded) for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # the fifth failure locks


def test_it_locks_only_that_user_name_on_that_computer(client: Client, cast: Cast) -> None:
    fail_five_times(client, "reporter", "10.0.0.1")

    assert log_in(client, "reporter", PASSWORD, "10.0.0.1") == 429
    # A colleague behind the same address, and the same person elsewhere, still log in.
    assert log_in(client, "reviewer", PASSWORD, "10.0.0.1") == 302
    assert log_in(client, "reporter", PASSWORD, "10.0.0.2") == 302


def test_it_ignores_forwarded_addresses_when_no_proxy_is_trusted(
    client: Client, cast: Cast
) -> None:
    for i in range(5):
        log_in(client, "reporter", "sai", "10.0.0.1", forwarded=f"192.0.2.{i}")

    assert log_in(client, "reporter", PASSWORD, "10.0.0.1", forwarded="192.0.2.99") == 429


@override_settings(THIDUA_TRUSTED_PROXIES=1)
def test_it_tells_callers_apart_behind_a_trusted_proxy(client: Client, cast: Cast) -> None:
    fail_five_times(client, "reporter", "10.9.9.9", forwarded="192.0.2.1")

    assert log_in(client, "reporter", PASSWORD, "10.9.9.9", forwarded="192.0.2.1") == 429
    # What the caller puts before the proxy's entry changes nothing.
    assert log_in(client, "reporter", PASSWORD, "10.9.9.9", forwarded="1.2.3.4, 192.0.2.1") == 429
    assert log_in(client, "reporter", PASSWORD, "10.9.9.9", forwarded="192.0.2.2") == 302


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.1", "", "10.0.0.1"),
        (0, "10.0.0.1", "192.0.2.1", "10.0.0.1"),
        (1, "10.0.0.1", "192.0.2.1", "192.0.2.1"),
        (1, "10.0.0.1", "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "10.0.0.1", "6.6.6.6, 192.0.2.1, 10.0.0.2", "192.0.2.1"),
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "not an address", None),
        (1, "10.0.0.1", " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_it_finds_the_callers_address(
    proxies: int, remote: str, forwarded: str, expected: str | None
) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(THIDUA_TRUSTED_PROXIES=proxies):
        assert client_ip(request) == expected


def test_it_tells_the_locked_person_what_to_do(client: Client, cast: Cast) -> None:
    fail_five_times(client, "reporter", "10.0.0.1")

    response = client.post(
        LOGIN, {"username": "reporter", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )

    text = response.content.decode()
    assert "không đăng nhập được từ máy này trong 15 phút tới" in text
    assert "nhờ quản trị viên mở khóa" in text


def test_it_lets_an_administrator_unlock_a_login(client: Client, cast: Cast) -> None:
    fail_five_times(client, "reporter", "10.0.0.1")
    admin = Client()
    admin.force_login(cast.admin)

    page = admin.get("/accounts/lockouts/").content.decode()
    assert "reporter" in page
    assert "10.0.0.1" in page
    assert "Mở khóa" in page
    response = admin.post(
        "/accounts/lockouts/unlock/", {"username": "reporter", "ip_address": "10.0.0.1"}
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="accounts.login.unlock")
    assert (event.object_id, event.actor_id) == ("reporter", cast.admin.pk)
    assert event.before == {"ip_address": "10.0.0.1", "failures": 5}
    after = admin.get("/accounts/lockouts/").content.decode()
    assert "Đã mở khóa tài khoản reporter trên máy 10.0.0.1" in after
    assert "Không có tài khoản nào bị khóa đăng nhập." in after
    assert log_in(client, "reporter", PASSWORD, "10.0.0.1") == 302


def test_it_refuses_to_unlock_what_is_not_locked(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)

    response = client.post(
        "/accounts/lockouts/unlock/",
        {"username": "reporter", "ip_address": "10.0.0.1"},
        follow=True,
    )

    assert "Tài khoản này không bị khóa" in response.content.decode()
    assert not AuditEvent.objects.filter(action="accounts.login.unlock").exists()


def test_it_shows_lockouts_to_administrators_only(client: Client, cast: Cast) -> None:
    fail_five_times(client, "reviewer", "10.0.0.1")
    client.force_login(cast.reporter)

    assert client.get("/accounts/lockouts/").status_code == 404
    assert (
        client.post(
            "/accounts/lockouts/unlock/", {"username": "reviewer", "ip_address": "10.0.0.1"}
        ).status_code
        == 404
    )
    client.force_login(cast.admin)
    assert client.get("/accounts/lockouts/unlock/").status_code == 405
