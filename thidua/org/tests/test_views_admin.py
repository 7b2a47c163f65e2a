"""The administrator's levels page: who may use it, add, edit, refuse to delete a level in use,
bad input with a message and nothing written; every change audited."""

from __future__ import annotations

import pytest
from django.test import Client

from thidua.audit.models import AuditEvent
from thidua.org.models import OrgLevel

LEVELS = "/org/reference/levels/"


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies["thidua_language"] = "en"
    return client


@pytest.fixture
def admin_client(cast, client: Client) -> Client:
    client.force_login(cast.admin)
    return client


def test_only_the_administrator_reaches_the_levels(cast, client: Client) -> None:
    for user in (cast.reviewer, cast.reporter, cast.secretary):
        client.force_login(user)
        assert client.get(LEVELS).status_code == 403
        assert client.post(f"{LEVELS}new/", {"name": "Cấp xã", "rank": 3}).status_code == 403
    assert not OrgLevel.objects.filter(name="Cấp xã").exists()


def test_the_administrator_adds_and_edits_a_level(cast, admin_client: Client) -> None:
    page = admin_client.get(LEVELS)
    assert page.status_code == 200
    assert "Cấp tỉnh" in page.content.decode()
    response = admin_client.post(f"{LEVELS}new/", {"name": "Cấp xã", "name_en": "", "rank": "3"})
    assert response.status_code == 302
    level = OrgLevel.objects.get(name="Cấp xã")
    assert level.rank == 3 and level.code
    assert level.code not in admin_client.get(LEVELS).content.decode()
    event = AuditEvent.objects.get(action="org.level.create")
    assert event.actor_id == cast.admin.pk
    response = admin_client.post(
        f"{LEVELS}{level.pk}/", {"name": "Cấp xã, phường", "name_en": "Commune", "rank": "4"}
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.name, level.name_en, level.rank) == ("Cấp xã, phường", "Commune", 4)
    assert AuditEvent.objects.filter(action="org.level.update").count() == 1


def test_bad_input_is_refused_with_a_message(cast, admin_client: Client) -> None:
    before = OrgLevel.objects.count()
    page = admin_client.post(f"{LEVELS}new/", {"name": "cấp tỉnh", "rank": "1"})
    assert page.status_code == 200
    assert "already exists" in page.content.decode()
    page = admin_client.post(f"{LEVELS}new/", {"name": "Cấp thôn", "rank": "-1"})
    assert "form-errors" in page.content.decode() or "invalid-feedback" in page.content.decode()
    assert OrgLevel.objects.count() == before
    assert not AuditEvent.objects.filter(action__startswith="org.level").exists()


def test_a_level_in_use_is_not_deleted(cast, admin_client: Client) -> None:
    province = cast.levels["province"]
    response = admin_client.post(f"{LEVELS}{province.pk}/delete/", follow=True)
    assert "is in use" in response.content.decode()
    assert OrgLevel.objects.filter(pk=province.pk).exists()
    spare = OrgLevel.objects.create(code="spare", name="Dự phòng", rank=5)
    response = admin_client.post(f"{LEVELS}{spare.pk}/delete/")
    assert response.status_code == 302
    assert not OrgLevel.objects.filter(pk=spare.pk).exists()
    event = AuditEvent.objects.get(action="org.level.delete")
    assert event.before is not None and event.before["name"] == "Dự phòng"


def test_vietnamese_message_for_a_level_in_use(cast, client: Client) -> None:
    client.cookies["thidua_language"] = "vi"
    client.force_login(cast.admin)
    province = cast.levels["province"]
    response = client.post(f"{LEVELS}{province.pk}/delete/", follow=True)
    assert "đang được sử dụng" in response.content.decode()
