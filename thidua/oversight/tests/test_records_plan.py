"""Public-investment projects and the plan flags on the database: the entry page, refusals
naming the field, the .xlsx import, the API, and the flags raised from an approved THTK-CLP
report (linked to it, re-checked when the report is approved or taken back)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from thidua.accounts.tokens import issue_token
from thidua.audit.models import AuditEvent
from thidua.oversight.actions import recheck_unit, recheck_year
from thidua.oversight.actions_assets import save_asset_record
from thidua.oversight.models import Finding, TravelClaim
from thidua.oversight.models_plan import Project
from thidua.oversight.tests.test_records_assets import _header, _xlsx, login
from thidua.reporting import actions as reporting
from thidua.reporting.models import Period, Report
from thidua.reporting.testing import ReportingCast
from thidua.testing import Cast

D = dt.date


def project_post(**kw: str) -> dict[str, str]:
    data = {
        "name": "Cải tạo trụ sở làm việc",
        "decision": "QĐ 15/QĐ-VKSTC ngày 10/01/2025",
        "approved_start": "01/03/2025",
        "approved_end": "31/12/2026",
        "total_investment": "30.000.000.000",
        "disbursed": "4.000.000.000",
        "progress": "12,5",
        "as_of": "30/11/2026",
        "status": "building",
        "expected_end": "30/06/2027",
    }
    return data | kw


def test_the_unit_enters_a_project_and_sees_it_behind_schedule(client: Client, cast: Cast) -> None:
    url = reverse("oversight:record_add", args=[cast.regional.pk, 2026, "project"])
    response = login(client, cast.reporter).post(url, project_post())
    assert response.status_code == 302
    p = Project.objects.get()
    assert p.progress == Decimal("12.5") and p.total_investment == 30_000_000_000
    f = Finding.objects.get(unit=cast.regional, year=2026, rule="PROJECT_BEHIND")
    assert list(f.projects.all()) == [p] and f.severity == "high"
    assert f.numbers["late_days"] == "181" and f.numbers["slow"] == "1"
    assert AuditEvent.objects.filter(action="oversight.project.add").exists()
    page = client.get(reverse("oversight:unit_year", args=[cast.regional.pk, 2026]))
    text = page.content.decode()
    assert 'data-testid="projects"' in text and "Cải tạo trụ sở làm việc" in text
    assert "30.000.000.000" in text and "12,5%" in text
    detail = client.get(reverse("oversight:finding", args=[f.pk])).content.decode()
    assert "Cải tạo trụ sở làm việc" in detail and "30/06/2027" in detail


def test_bad_projects_are_refused_naming_the_field(client: Client, cast: Cast) -> None:
    login(client, cast.reporter)
    url = reverse("oversight:record_add", args=[cast.regional.pk, 2026, "project"])
    for field, value in [
        ("approved_end", "01/01/2025"),
        ("total_investment", "-5"),
        ("progress", "120"),
        ("as_of", "01/01/2025"),
        ("expected_end", "01/01/2024"),
        ("name", ""),
    ]:
        response = client.post(url, project_post(**{field: value}))
        assert response.status_code == 200, field
        assert f'data-testid="error-{field}"' in response.content.decode(), field
    assert not Project.objects.exists() and not Finding.objects.exists()


def test_an_import_is_all_or_nothing_then_rechecks(client: Client, cast: Cast) -> None:
    url = reverse("oversight:import", args=[cast.regional.pk, 2026, "project"])
    good: list[object] = ["Nhà kho lưu trữ", "QĐ 3/QĐ", "01/01/2026", "31/12/2026", "2.000.000.000",
            "1.800.000.000", "95", "30/11/2026", "Đang thực hiện", "31/12/2026"]  # fmt: skip
    bad: list[object] = ["Trụ sở", "QĐ 4/QĐ", "01/06/2026", "01/01/2026", "1.000", "", "",
           "30/11/2026", "building", "31/12/2026"]  # fmt: skip
    login(client, cast.reporter)
    response = client.post(
        url, {"file": SimpleUploadedFile("p.xlsx", _xlsx(_header("project"), [good, bad]))}
    )
    text = response.content.decode()
    assert 'data-testid="problems"' in text and "<td>3</td><td>Kết thúc theo phê duyệt</td>" in text
    assert not Project.objects.exists()
    late: list[object] = [*good[:9], "31/03/2027"]
    response = client.post(
        url, {"file": SimpleUploadedFile("p.xlsx", _xlsx(_header("project"), [late]))}
    )
    assert 'data-testid="problems"' not in response.content.decode()
    assert client.post(url, {"payload": response.context["payload"]}).status_code == 302
    p = Project.objects.get()
    assert p.status == "building" and p.expected_end == D(2027, 3, 31)
    assert Finding.objects.get(rule="PROJECT_BEHIND").numbers["late_days"] == "90"
    export = client.get(reverse("oversight:export", args=[cast.regional.pk, 2026, "project"]))
    again = client.post(url, {"file": SimpleUploadedFile("p.xlsx", export.content)})
    assert 'data-testid="problems"' not in again.content.decode()


def test_the_api_creates_and_lists_projects(client: Client, cast: Cast) -> None:
    _t, secret = issue_token(cast.reporter, "api")
    auth = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/oversight/units/{cast.regional.pk}/2026/project"
    r = client.post(url, {"fields": project_post()}, content_type="application/json", headers=auth)
    assert r.status_code == 201, r.content
    assert [p["fields"]["name"] for p in client.get(url, headers=auth).json()] == [
        "Cải tạo trụ sở làm việc"
    ]
    bad = project_post(approved_end="01/01/2020")
    r = client.post(url, {"fields": bad}, content_type="application/json", headers=auth)
    assert r.status_code == 400 and "approved_end" in r.json()["detail"]
    findings = client.get(f"/api/v1/oversight/findings?unit_id={cast.regional.pk}", headers=auth)
    assert [f["rule"] for f in findings.json()] == ["PROJECT_BEHIND"]


def _annual(rc: ReportingCast, year: int, **values: str) -> Report:
    period = Period.objects.get(kind="year", year=year)
    report = reporting.open_report(rc.cast.regional, rc.annual, period, by=rc.cast.reporter)
    for code, text in values.items():
        reporting.save_value(
            report, rc.indicators[code], text, by=rc.cast.reporter, expected_version=0
        )
    reporting.submit_report(report, by=rc.head)
    return reporting.approve_report(report, by=rc.cast.reviewer)


def test_flags_from_the_approved_report_link_to_it(client: Client, rcast: ReportingCast) -> None:
    cast = rcast.cast
    TravelClaim.objects.create(
        unit=cast.regional, year=2025, person="Nguyễn Văn A", start=D(2025, 8, 4),
        end=D(2025, 8, 5), destination="other", allowance_paid=Decimal(600_000),
    )  # fmt: skip
    report = _annual(rcast, 2025, INV_PLAN="30.000", INV_DISBURSED="12.000", SAV_CONF="85")
    flags = {f.rule: f for f in Finding.objects.filter(unit=cast.regional, year=2025)}
    assert set(flags) == {"DISBURSE_LAG", "SAVINGS_NO_RECORD"}  # on approval, at once
    lag = flags["DISBURSE_LAG"]
    assert list(lag.reports.all()) == [report]
    assert lag.numbers["plan"] == "30000000000" and lag.numbers["rate"] == "40"
    assert lag.amount == 18_000_000_000
    assert flags["SAVINGS_NO_RECORD"].key == "SAVINGS_NO_RECORD:SAV_CONF"
    login(client, cast.supervisor)
    with translation.override("vi"):
        page = client.get(reverse("oversight:finding", args=[lag.pk])).content.decode()
    assert reverse("reporting:report", args=[report.pk]) in page
    assert "12.000.000.000" in page and "40%" in page
    # The report taken back: its figures are no longer approved, the new flags go.
    reporting.return_report(report, by=cast.reviewer, reason="Sai số liệu giải ngân")
    assert not Finding.objects.filter(unit=cast.regional, year=2025).exists()


def test_a_conference_behind_the_savings_clears_the_flag(rcast: ReportingCast) -> None:
    cast = rcast.cast
    _annual(rcast, 2025, INV_PLAN="30.000", INV_DISBURSED="27.000", SAV_CONF="85")
    assert not Finding.objects.exists()  # the unit keeps no record in oversight: no claim checked
    from thidua.oversight.models_assets import Conference

    conference = Conference(
        unit=cast.regional, year=2025, title="Hội nghị sơ kết", start=D(2025, 9, 1),
        on_payroll=30, off_payroll=0,
    )  # fmt: skip
    project = Project(
        unit=cast.regional, year=2025, name="Trụ sở", decision="QĐ 1", as_of=D(2025, 12, 31),
        approved_start=D(2025, 1, 1), approved_end=D(2026, 12, 31), total_investment=10**9,
        progress=Decimal(50), expected_end=D(2026, 12, 31),
    )  # fmt: skip
    save_asset_record(project, by=cast.reporter)
    assert [f.rule for f in Finding.objects.all()] == ["SAVINGS_NO_RECORD"]
    save_asset_record(conference, by=cast.reporter)
    assert not Finding.objects.exists()
    recheck_year(2025)
    recheck_unit(cast.regional.pk, 2025)
    assert not Finding.objects.exists()
