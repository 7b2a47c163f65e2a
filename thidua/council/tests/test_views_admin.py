"""The administrator's reference data index and the holidays page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from thidua.audit.models import AuditEvent
from thidua.awards.models import Council
from thidua.council.models import Holiday
from thidua.org import actions
from thidua.org.actions import NewUnit
from thidua.testing import START

INDEX = "/council/reference/"
HOLIDAYS = "/council/reference/holidays/"


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies["thidua_language"] = "en"
    return client


@pytest.fixture
def admin_client(cast, client: Client) -> Client:
    client.force_login(cast.admin)
    return client


def test_the_index_lists_the_sections_with_counts(cast, admin_client: Client) -> None:
    Council.objects.create(unit=cast.pa, name="Hội đồng TĐKT tỉnh")
    other = actions.create_unit(NewUnit("OTHER", "Sở khác", cast.levels["top"], None), day=START)
    Council.objects.create(unit=other, name="Hội đồng của cơ quan khác")
    page = admin_client.get(INDEX)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("Levels", "Holidays", "Councils", "Titles and rules", "Report deadlines"):
        assert name in html
    councils = html.split('data-testid="section-councils"')[1]
    assert 'data-testid="count">1<' in councils  # the other body's council is not counted
    assert 'data-testid="nav-reference"' in html


def test_other_roles_get_403_and_no_menu_entry(cast, client: Client) -> None:
    for user in (cast.reviewer, cast.secretary, cast.outsider):
        client.force_login(user)
        assert client.get(INDEX).status_code == 403
        assert client.get(HOLIDAYS).status_code == 403
        assert client.post(HOLIDAYS, {"day": "02/09/2026", "name": "Quốc khánh"}).status_code == 403
        assert 'data-testid="nav-reference"' not in client.get("/").content.decode()
    assert not Holiday.objects.exists()


def test_add_edit_delete_a_holiday(cast, admin_client: Client) -> None:
    response = admin_client.post(HOLIDAYS, {"day": "02/09/2026", "name": "Quốc khánh"})
    assert response.status_code == 302
    holiday = Holiday.objects.get()
    assert holiday.day == dt.date(2026, 9, 2)
    page = admin_client.get(f"{HOLIDAYS}?year=2026").content.decode()
    assert "02/09/2026" in page and "Quốc khánh" in page
    response = admin_client.post(
        f"{HOLIDAYS}{holiday.pk}/", {"day": "03/09/2026", "name": "Nghỉ bù Quốc khánh"}
    )
    assert response.status_code == 302
    holiday.refresh_from_db()
    assert holiday.day == dt.date(2026, 9, 3)
    assert admin_client.post(f"{HOLIDAYS}{holiday.pk}/delete/").status_code == 302
    assert not Holiday.objects.exists()
    actions_done = list(
        AuditEvent.objects.filter(object_type="council.holiday").values_list("action", flat=True)
    )
    assert actions_done == [
        "council.holiday.create",
        "council.holiday.update",
        "council.holiday.delete",
    ]


def test_bad_holiday_input_is_refused(cast, admin_client: Client) -> None:
    Holiday.objects.create(day=dt.date(2026, 9, 2), name="Quốc khánh")
    page = admin_client.post(HOLIDAYS, {"day": "31/02/2026", "name": "Không có"})
    assert page.status_code == 400
    assert "dd/mm/yyyy" in page.content.decode()
    page = admin_client.post(HOLIDAYS, {"day": "02/09/2026", "name": "Lặp lại"})
    assert page.status_code == 400
    assert "02/09/2026 is already a holiday" in page.content.decode()
    assert Holiday.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type="council.holiday").exists()
