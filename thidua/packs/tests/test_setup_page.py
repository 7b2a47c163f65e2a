"""The set-up page of a clean install (/setup/) and its one-time token."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.audit.models import AuditEvent
from thidua.org.body import Body
from thidua.org.models import OrgUnit

pytestmark = pytest.mark.django_db

TOKEN = "mot-ma-thiet-lap-dai-2026"
PASSWORD = "Mat-khau-rat-dai-2026"


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("THIDUA_SETUP_TOKEN", raising=False)
    return tmp_path


def form(**changes: str) -> dict[str, str]:
    data = {
        "token": TOKEN,
        "name": "Ủy ban nhân dân tỉnh Tuyên Quang",
        "short_name": "UBND-TQ",
        "seat": "Tuyên Quang",
        "pack": "province",
        "admin_full_name": "Nguyễn Văn Quản",
        "admin_username": "quantri",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    return data | changes


def nothing_written() -> bool:
    return not (
        Body.objects.exists()
        or OrgUnit.objects.exists()
        or User.objects.exists()
        or AuditEvent.objects.exists()
    )


def test_the_page_shows_the_shipped_packs_and_their_titles(client: Client) -> None:
    page = client.get("/setup/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Chiến sĩ thi đua cấp tỉnh" in text and "Ngành Kiểm sát nhân dân" in text
    login = client.get("/accounts/login/").content.decode()
    assert 'data-testid="setup-link"' in login and 'href="/setup/"' in login
    client.cookies["thidua_language"] = "en"
    english = client.get("/setup/").content.decode()
    assert "Provincial emulation fighter" in english and "Procuracy sector" in english


def test_a_wrong_or_missing_token_is_refused(client: Client, monkeypatch: Any) -> None:
    refused = client.post("/setup/", form())  # no token anywhere: nothing matches
    assert refused.status_code == 403 and "setup_token" in refused.content.decode()
    monkeypatch.setenv("THIDUA_SETUP_TOKEN", TOKEN)
    wrong = client.post("/setup/", form(token="doan-sai"))
    assert wrong.status_code == 403
    assert nothing_written()


def test_bad_input_gives_a_message_and_writes_nothing(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setenv("THIDUA_SETUP_TOKEN", TOKEN)
    cases = [
        form(password_again="khac-han-2026"),
        form(short_name="UBND TQ có dấu"),
        form(pack="khong-co"),
        form(name=""),
        form(password="1", password_again="1"),  # the password validators refuse it
    ]
    for data in cases:
        answer = client.post("/setup/", data)
        assert answer.status_code == 400, data
        assert "invalid-feedback" in answer.content.decode() or "form-errors" in (
            answer.content.decode()
        )
        assert nothing_written()


def test_the_token_from_the_command_sets_up_the_body_then_the_page_closes(
    client: Client, var_dir: Path
) -> None:
    out = io.StringIO()
    call_command("setup_token", stdout=out)
    token = out.getvalue().split(": ", 1)[1].split()[0]
    assert (var_dir / "setup_token").read_text().strip() == token
    done = client.post("/setup/", form(token=token))
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    body = Body.objects.get()
    assert (body.unit.name, body.pack, body.seat) == (
        "Ủy ban nhân dân tỉnh Tuyên Quang",
        "province",
        "Tuyên Quang",
    )
    admin = User.objects.get(username="quantri")
    assert RoleAssignment.objects.filter(user=admin, role=Role.ADMIN, unit=body.unit).exists()
    assert not (var_dir / "setup_token").exists()
    assert client.get("/setup/").status_code == 404
    assert client.post("/setup/", form(token=token)).status_code == 404
    assert 'data-testid="setup-link"' not in client.get("/accounts/login/").content.decode()
    with pytest.raises(CommandError):
        call_command("setup_token", stdout=io.StringIO())
    login = client.post("/accounts/login/", {"username": "quantri", "password": PASSWORD})
    assert login.status_code == 302
    assert "Ủy ban nhân dân tỉnh Tuyên Quang" in client.get("/org/").content.decode()


def test_an_install_with_units_answers_404(client: Client) -> None:
    call_command("load_pack", "province", stdout=io.StringIO())
    from thidua.org.actions import NewUnit, create_unit
    from thidua.org.models import OrgLevel

    tinh = OrgLevel.objects.get(code="tinh")
    create_unit(NewUnit("X", "Một đơn vị", tinh, None), day=dt.date(2026, 1, 1))
    assert client.get("/setup/").status_code == 404
