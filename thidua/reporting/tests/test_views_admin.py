"""The administrator's report deadlines: edit a version, add a version from a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from thidua.audit.models import AuditEvent
from thidua.lib.dates import OPEN_END
from thidua.reporting.models import DeadlineRule

DEADLINES = "/reports/reference/deadlines/"


@pytest.fixture
def client(client: Client) -> Iterator[Client]:
    client.cookies["thidua_language"] = "en"
    yield client
    translation.activate(settings.LANGUAGE_CODE)  # the request left English active


@pytest.fixture
def rule(db: None) -> DeadlineRule:
    return DeadlineRule.objects.create(
        periodicity="quarter",
        days_after_end=10,
        legal_basis="Quy chế của ngành",
        valid_from=dt.date(2020, 1, 1),
    )


def test_other_roles_get_403(cast, client: Client, rule: DeadlineRule) -> None:
    client.force_login(cast.reporter)
    assert client.get(DEADLINES).status_code == 403
    data = {"days_after_end": "5", "legal_basis": "X"}
    assert client.post(f"{DEADLINES}{rule.pk}/", data).status_code == 403
    rule.refresh_from_db()
    assert rule.days_after_end == 10


def test_edit_and_add_a_version(cast, client: Client, rule: DeadlineRule) -> None:
    client.force_login(cast.admin)
    page = client.get(DEADLINES).content.decode()
    assert "10 days after the period ends" in page
    data = {"days_after_end": "15", "legal_basis": "Quy chế 2020", "confirmed": "on"}
    assert client.post(f"{DEADLINES}{rule.pk}/", data).status_code == 302
    rule.refresh_from_db()
    assert (rule.days_after_end, rule.confirmed) == (15, True)
    new = {
        "valid_from": "01/01/2026",
        "next_year_day": "28",
        "next_year_month": "2",
        "legal_basis": "Nghị định 266/2026",
    }
    assert client.post(f"{DEADLINES}new/quarter/", new).status_code == 302
    rule.refresh_from_db()
    assert rule.valid_to == dt.date(2026, 1, 1)
    latest = DeadlineRule.objects.get(valid_from=dt.date(2026, 1, 1))
    assert (latest.next_year_day, latest.next_year_month, latest.valid_to) == (28, 2, OPEN_END)
    assert set(
        AuditEvent.objects.filter(object_type="reporting.deadlinerule").values_list(
            "action", flat=True
        )
    ) == {"reporting.deadline.update", "reporting.deadline.close", "reporting.deadline.create"}


def test_bad_deadline_input_is_refused(cast, client: Client, rule: DeadlineRule) -> None:
    client.force_login(cast.admin)
    both = {"days_after_end": "5", "next_year_day": "1", "next_year_month": "3", "legal_basis": "X"}
    page = client.post(f"{DEADLINES}{rule.pk}/", both)
    assert page.status_code == 400 and "not both" in page.content.decode()
    leap = {
        "valid_from": "01/01/2026",
        "next_year_day": "29",
        "next_year_month": "2",
        "legal_basis": "X",
    }
    page = client.post(f"{DEADLINES}new/quarter/", leap)
    assert page.status_code == 400 and "29/2 is not a day of every year" in page.content.decode()
    assert client.get(f"{DEADLINES}new/weekly/").status_code == 404
    rule.refresh_from_db()
    assert (rule.days_after_end, rule.valid_to) == (10, OPEN_END)
    assert DeadlineRule.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type="reporting.deadlinerule").exists()
