"""Conferences, vehicles, office space and assets: entry pages, refusals naming the field,
findings linked to their records, the .xlsx export and the all-or-nothing import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from thidua.audit.models import AuditEvent
from thidua.oversight import actions
from thidua.oversight.actions_assets import save_asset_record
from thidua.oversight.imports import KINDS, columns
from thidua.oversight.models import Finding
from thidua.oversight.models_assets import Asset, Conference, OfficeSpace, Vehicle
from thidua.testing import Cast

D = dt.date


def login(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def conference_post(**kw: str) -> dict[str, str]:
    data = {
        "title": "Hội nghị sơ kết",
        "start": "10/03/2026",
        "days": "2",
        "level": "province",
        "on_payroll": "40",
        "off_payroll": "10",
        "meals_paid": "6.000.000",
        "refreshments_paid": "7.000.000",
        "venue_paid": "5.000.000",
        "other_paid": "",
    }
    return data | kw


def test_the_unit_enters_a_conference_and_sees_the_finding(client: Client, cast: Cast) -> None:
    url = reverse("oversight:record_add", args=[cast.regional.pk, 2026, "conference"])
    response = login(client, cast.reporter).post(url, conference_post())
    assert response.status_code == 302
    c = Conference.objects.get()
    f = Finding.objects.get(unit=cast.regional, year=2026, rule="NORM_CONFERENCE")
    assert list(f.conferences.all()) == [c]
    assert AuditEvent.objects.filter(action="oversight.conference.add").exists()
    page = client.get(reverse("oversight:unit_year", args=[cast.regional.pk, 2026]))
    text = page.content.decode()
    assert "Hội nghị sơ kết" in text and "1.100.000" in text and "Điều 12" in text
    detail = client.get(reverse("oversight:finding", args=[f.pk])).content.decode()
    assert "Hội nghị sơ kết" in detail


def test_bad_records_are_refused_naming_the_field(client: Client, cast: Cast) -> None:
    login(client, cast.reporter)
    url = reverse("oversight:record_add", args=[cast.regional.pk, 2026, "conference"])
    for field, value in [("meals_paid", "-5"), ("days", "0"), ("start", "10/03/2025")]:
        response = client.post(url, conference_post(**{field: value}))
        assert response.status_code == 200
        assert f'data-testid="error-{field}"' in response.content.decode(), field
    url = reverse("oversight:record_add", args=[cast.regional.pk, 2026, "vehicle"])
    vehicle = {
        "plate": "80A-00001",
        "seats": "30",
        "kind": "general",
        "purchase_date": "01/02/2026",
        "price": "900.000.000",
        "odometer": "100",
        "disposal_date": "01/01/2026",
    }
    response = client.post(url, vehicle)
    text = response.content.decode()
    assert 'data-testid="error-seats"' in text and 'data-testid="error-disposal_date"' in text
    assert not Conference.objects.exists() and not Vehicle.objects.exists()
    assert not Finding.objects.exists()


def test_outsiders_get_404_and_supervisors_cannot_enter(client: Client, cast: Cast) -> None:
    url = reverse("oversight:record_add", args=[cast.regional.pk, 2026, "office"])
    assert login(client, cast.outsider).get(url).status_code == 404
    assert login(client, cast.supervisor).get(url).status_code == 404
    export = reverse("oversight:export", args=[cast.regional.pk, 2026, "office"])
    assert client.get(export).status_code == 200
    assert login(client, cast.outsider).get(export).status_code == 404
    bad = reverse("oversight:export", args=[cast.regional.pk, 2026, "nothing"])
    assert login(client, cast.supervisor).get(bad).status_code == 404


def _vehicle(cast: Cast, plate: str, **kw: object) -> Vehicle:
    data: dict[str, object] = {
        "unit": cast.regional,
        "year": 2026,
        "plate": plate,
        "seats": 5,
        "kind": "general",
        "purchase_date": D(2024, 1, 1),
        "price": Decimal(900_000_000),
    }
    return Vehicle(**(data | kw))


def test_vehicle_quota_uses_the_staff_count_of_the_unit(cast: Cast) -> None:
    cast.regional.staff_count = 35
    cast.regional.save()
    save_asset_record(_vehicle(cast, "80A-1"), by=cast.reporter)
    findings = save_asset_record(_vehicle(cast, "80A-2"), by=cast.reporter)
    [f] = [f for f in findings if f.rule == "VEHICLE_QUOTA"]
    assert f.numbers["quota"] == "1" and f.numbers["staff"] == "35"
    assert f.vehicles.count() == 2
    cast.regional.staff_count = 60
    cast.regional.save()
    actions.recheck_unit(cast.regional.pk, 2026)
    assert not Finding.objects.filter(rule="VEHICLE_QUOTA").exists()


def test_an_office_idle_across_the_year_end_is_flagged_once(cast: Cast) -> None:
    for year, months in ((2026, "uuuuu" + "i" * 7), (2027, "i" * 6 + "u" * 6)):
        a = Asset(
            unit=cast.regional,
            year=year,
            code="TS-1",
            name="Nhà làm việc cũ",
            category="office",
            months=months,
        )
        save_asset_record(a, by=cast.reporter)
    [f] = Finding.objects.filter(rule="IDLE_ASSET")
    assert f.year == 2027 and f.numbers["months"] == "13"
    assert [a.year for a in f.assets.all()] == [2027]
    with translation.override("vi"):
        from thidua.oversight.wording import describe

        assert "13 tháng liên tục" in describe(f.rule, f.numbers)


def _xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(kind: str) -> list[str]:
    with translation.override("vi"):
        return [h for _n, h in columns(KINDS[kind])]


def test_the_template_has_the_columns_of_the_form(client: Client, cast: Cast) -> None:
    response = login(client, cast.reporter).get(reverse("oversight:template", args=["vehicle"]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws is not None
    assert [c.value for c in ws[1]] == _header("vehicle")


def test_an_import_with_errors_writes_nothing_and_names_rows_and_columns(
    client: Client, cast: Cast
) -> None:
    url = reverse("oversight:import", args=[cast.regional.pk, 2026, "office"])
    data = _xlsx(
        _header("office"),
        [
            ["Trụ sở A", 30, "300", "100", "0"],
            ["Trụ sở B", 10, "-5", "", ""],
            ["Trụ sở A", 20, "200", "", ""],
        ],
    )
    login(client, cast.reporter)
    response = client.post(url, {"file": SimpleUploadedFile("o.xlsx", data)})
    text = response.content.decode()
    assert 'data-testid="problems"' in text
    assert "<td>3</td><td>Diện tích làm việc của các chức danh (m²)</td>" in text
    assert "<td>4</td><td>Tòa nhà</td><td>Giá trị này đã có ở dòng 2.</td>" in text
    assert 'data-testid="confirm-import"' not in text
    assert not OfficeSpace.objects.exists()


def test_an_import_previews_then_saves_all_rows_and_rechecks(client: Client, cast: Cast) -> None:
    url = reverse("oversight:import", args=[cast.regional.pk, 2026, "asset"])
    months = ["Không sử dụng"] * 6 + ["Hỏng, không sử dụng được"] * 6
    data = _xlsx(
        _header("asset"),
        [
            ["TS-1", "Máy phát điện", "Máy móc, thiết bị", "50000000", "12000000", "", *months],
            ["TS-2", "Máy chiếu", "equipment", "", "", "không", *(["Đang sử dụng"] * 12)],
        ],
    )
    login(client, cast.reporter)
    response = client.post(url, {"file": SimpleUploadedFile("a.xlsx", data)})
    text = response.content.decode()
    assert 'data-testid="preview"' in text and 'data-testid="problems"' not in text, text[:3000]
    assert "<td>Máy móc, thiết bị</td>" in text  # as written, not the stored code
    assert not Asset.objects.exists()
    payload = response.context["payload"]
    response = client.post(url, {"payload": payload})
    assert response.status_code == 302
    a = Asset.objects.get(code="TS-1")
    assert a.months == "i" * 6 + "x" * 6 and a.upkeep == 12_000_000
    assert Finding.objects.get(rule="UPKEEP_UNUSABLE").amount == 12_000_000
    assert AuditEvent.objects.filter(action="oversight.asset.import").count() == 1
    # A forged payload is refused.
    response = client.post(url, {"payload": payload + "x"})
    assert response.status_code == 302 and Asset.objects.count() == 2


def test_export_then_import_round_trips(client: Client, cast: Cast) -> None:
    save_asset_record(_vehicle(cast, "80A-7", disposal_date=D(2026, 5, 1)), by=cast.reporter)
    login(client, cast.reporter)
    export = client.get(reverse("oversight:export", args=[cast.regional.pk, 2026, "vehicle"]))
    url = reverse("oversight:import", args=[cast.regional.pk, 2026, "vehicle"])
    response = client.post(url, {"file": SimpleUploadedFile("v.xlsx", export.content)})
    assert 'data-testid="problems"' not in response.content.decode()
    client.post(url, {"payload": response.context["payload"]})
    v = Vehicle.objects.get()
    assert (v.plate, v.disposal_date, v.price) == ("80A-7", D(2026, 5, 1), Decimal(900_000_000))
