"""Editing and deleting records of every kind from the unit-year page: the add form prefilled,
a confirmation page before deleting, both audited and re-checked; scope as the add page's; a
record behind a confirmed violation is not deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from thidua.audit.models import AuditEvent
from thidua.oversight import actions
from thidua.oversight.actions_assets import save_asset_record
from thidua.oversight.imports import KINDS
from thidua.oversight.models import Finding, FindingState, TravelClaim
from thidua.oversight.models_assets import Vehicle
from thidua.testing import Cast

D = dt.date


def login(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _claim(cast: Cast, allowance: int = 1_350_000) -> TravelClaim:
    """Three days in a town at 450.000 đ a day: above the 300.000 đ norm."""
    t = TravelClaim(
        unit=cast.regional,
        year=2026,
        person="Trần Thị B",
        start=D(2026, 3, 2),
        end=D(2026, 3, 4),
        destination="town",
        allowance_paid=Decimal(allowance),
        lodging_mode="lump_sum",
    )
    actions.save_record(t, by=cast.reporter)
    return t


def _post(**kw: str) -> dict[str, str]:
    data = {
        "person": "Trần Thị B",
        "start": "02/03/2026",
        "end": "04/03/2026",
        "destination": "town",
        "allowance_paid": "900.000",
        "lodging_mode": "lump_sum",
        "lodging_paid": "",
        "transport_paid": "",
    }
    return data | kw


def _url(name: str, cast: Cast, kind: str, pk: int, year: int = 2026) -> str:
    return reverse(f"oversight:{name}", args=[cast.regional.pk, year, kind, pk])


def test_the_edit_page_is_the_add_form_prefilled_as_written(client: Client, cast: Cast) -> None:
    t = _claim(cast)
    with translation.override("vi"):
        page = login(client, cast.reporter).get(_url("record_edit", cast, "travel", t.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'value="1.350.000"' in body and 'value="02/03/2026"' in body
    unit_page = client.get(reverse("oversight:unit_year", args=[cast.regional.pk, 2026]))
    assert _url("record_edit", cast, "travel", t.pk) in unit_page.content.decode()
    assert _url("record_delete", cast, "travel", t.pk) in unit_page.content.decode()


def test_correcting_a_flagged_claim_clears_its_finding(client: Client, cast: Cast) -> None:
    t = _claim(cast)
    assert Finding.objects.filter(rule="NORM_ALLOWANCE").exists()
    response = login(client, cast.reporter).post(_url("record_edit", cast, "travel", t.pk), _post())
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.allowance_paid == Decimal(900_000)
    assert not Finding.objects.filter(rule="NORM_ALLOWANCE").exists()
    event = AuditEvent.objects.filter(action="oversight.travel.change").get()
    before, after = event.before or {}, event.after or {}
    assert Decimal(before["allowance_paid"]) == 1_350_000
    assert Decimal(after["allowance_paid"]) == 900_000


def test_a_bad_correction_names_the_field_and_writes_nothing(client: Client, cast: Cast) -> None:
    t = _claim(cast)
    login(client, cast.reporter)
    url = _url("record_edit", cast, "travel", t.pk)
    with translation.override("vi"):
        response = client.post(url, _post(end="01/03/2026"))
    assert response.status_code == 200
    assert 'data-testid="error-end"' in response.content.decode()
    response = client.post(url, _post(allowance_paid="-5"))
    assert 'data-testid="error-allowance_paid"' in response.content.decode()
    t.refresh_from_db()
    assert t.end == D(2026, 3, 4) and t.allowance_paid == Decimal(1_350_000)
    assert not AuditEvent.objects.filter(action="oversight.travel.change").exists()


def test_scope_outsiders_and_the_read_only_supervisor_get_404(client: Client, cast: Cast) -> None:
    t = _claim(cast)
    for name in ("record_edit", "record_delete"):
        url = _url(name, cast, "travel", t.pk)
        for user in (cast.outsider, cast.supervisor):
            login(client, user)
            assert client.get(url).status_code == 404
            assert client.post(url, _post(allowance_paid="1")).status_code == 404
        login(client, cast.reporter)
        assert client.get(_url(name, cast, "package", t.pk)).status_code == 404  # wrong kind
        assert client.get(_url(name, cast, "travel", t.pk, year=2025)).status_code == 404
        assert client.get(_url(name, cast, "nope", t.pk)).status_code == 404
    assert TravelClaim.objects.get().allowance_paid == Decimal(1_350_000)
    unit_page = login(client, cast.supervisor).get(
        reverse("oversight:unit_year", args=[cast.regional.pk, 2026])
    )
    assert _url("record_edit", cast, "travel", t.pk) not in unit_page.content.decode()


def test_delete_asks_first_then_deletes_audits_and_rechecks(client: Client, cast: Cast) -> None:
    t = _claim(cast)
    url = _url("record_delete", cast, "travel", t.pk)
    with translation.override("vi"):
        page = login(client, cast.reporter).get(url).content.decode()
    assert "Trần Thị B, 02/03/2026 – 04/03/2026" in page
    assert "chạy lại" in page  # the findings are checked again
    assert TravelClaim.objects.exists()
    assert client.post(url).status_code == 302
    assert not TravelClaim.objects.exists()
    assert not Finding.objects.filter(rule="NORM_ALLOWANCE").exists()
    assert AuditEvent.objects.filter(action="oversight.travel.delete").count() == 1


def test_a_record_behind_a_confirmed_violation_is_not_deleted(client: Client, cast: Cast) -> None:
    t = _claim(cast)
    f = Finding.objects.get(rule="NORM_ALLOWANCE")
    actions.confirm_finding(f, by=cast.supervisor, reason="Chi sai định mức")
    with pytest.raises(ValidationError):
        actions.remove_record(t, "travel", by=cast.reporter, peers=True)
    url = _url("record_delete", cast, "travel", t.pk)
    with translation.override("vi"):
        login(client, cast.reporter)
        page = client.get(url).content.decode()
        assert "không xóa được" in page and 'data-testid="delete-form"' not in page
        assert client.post(url).status_code == 200
    assert TravelClaim.objects.filter(pk=t.pk).exists()
    assert not AuditEvent.objects.filter(action="oversight.travel.delete").exists()
    # Correcting it is allowed; the confirmed violation stays as it was decided.
    response = client.post(_url("record_edit", cast, "travel", t.pk), _post())
    assert response.status_code == 302
    assert Finding.objects.get(pk=f.pk).status == FindingState.CONFIRMED


def test_a_vehicle_is_edited_and_deleted_like_any_kind(client: Client, cast: Cast) -> None:
    v = Vehicle(
        unit=cast.regional,
        year=2026,
        plate="80A-1",
        seats=5,
        kind="general",
        purchase_date=D(2026, 1, 5),
        price=Decimal(1_200_000_000),
    )
    save_asset_record(v, by=cast.reporter)
    assert Finding.objects.filter(rule="VEHICLE_PRICE").exists()
    login(client, cast.reporter)
    url = _url("record_edit", cast, "vehicle", v.pk)
    assert 'value="1.200.000.000"' in client.get(url).content.decode()
    data = {
        "plate": "80A-1",
        "seats": "5",
        "kind": "general",
        "purchase_date": "05/01/2026",
        "price": "900.000.000",
        "odometer": "0",
        "disposal_date": "",
    }
    assert client.post(url, data | {"seats": "40"}).status_code == 200  # refused, named
    assert Vehicle.objects.get().seats == 5
    assert client.post(url, data).status_code == 302
    assert not Finding.objects.filter(rule="VEHICLE_PRICE").exists()
    assert client.post(_url("record_delete", cast, "vehicle", v.pk)).status_code == 302
    assert not Vehicle.objects.exists()
    assert AuditEvent.objects.filter(action="oversight.vehicle.delete").count() == 1


def test_every_kind_of_the_list_has_the_pages(client: Client, cast: Cast) -> None:
    """A kind added to imports.KINDS gets its edit and delete pages (404 only for no record)."""
    login(client, cast.reporter)
    for code in KINDS:
        for name in ("record_edit", "record_delete"):
            assert client.get(_url(name, cast, code, 999_999)).status_code == 404
    t = _claim(cast)
    assert client.get(_url("record_edit", cast, "travel", t.pk)).status_code == 200
