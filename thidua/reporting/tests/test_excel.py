"""Excel round trip: the template of a report, filled offline and uploaded again (one file or a
zip), with what real users send and what hostile files hold."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from thidua.audit.models import AuditEvent
from thidua.reporting import actions, importing
from thidua.reporting.excel import HEADER_ROW, IDENTITY_SHEET, XLSX, build_template
from thidua.reporting.importing import import_file, import_report_values
from thidua.reporting.models import DataValue, ImportJob, Report
from thidua.reporting.testing import ReportingCast
from thidua.reporting.uploads import import_upload

pytestmark = pytest.mark.django_db

FIRST = HEADER_ROW + 2  # the section title is on the row under the header, then the rows
CODES = {  # the rows of the test form, in order (thidua/reporting/testing.py)
    "EST_RECURRENT": FIRST,
    "SETTLE_RECURRENT": FIRST + 1,
    "SAVING_RATE_RECURRENT": FIRST + 2,
    "CONF_SPEND": FIRST + 3,
    "SAV_CONF": FIRST + 4,
}


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, the msgid language, except where Vietnamese is."""
    with translation.override("en"):
        yield


@pytest.fixture
def report(rcast: ReportingCast) -> Report:
    return actions.open_report(
        rcast.cast.regional, rcast.form, rcast.q3_2025, by=rcast.cast.reporter
    )


def filled(report: Report, cells: dict[str, object], *, edit=None, sheet_edit=None) -> bytes:
    """The report's template with `cells` ({"E11": 1200, "H14": "note"}) typed in openpyxl."""
    book = openpyxl.load_workbook(io.BytesIO(build_template(report)))
    ws = book.worksheets[0]
    for ref, value in cells.items():
        ws[ref] = value
    if sheet_edit:
        sheet_edit(ws)
    if edit:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def values_of(report: Report) -> dict[str, Decimal | None]:
    return {
        v.indicator.code: v.value
        for v in DataValue.objects.filter(report=report).select_related("indicator")
    }


def test_it_builds_a_protected_template_that_names_its_report(report: Report):
    book = openpyxl.load_workbook(io.BytesIO(build_template(report)))
    ws, hidden = book.worksheets[0], book[IDENTITY_SHEET]
    assert hidden.sheet_state == "veryHidden"
    facts = {row[0]: row[1] for row in hidden.iter_rows(values_only=True)}
    assert (facts["unit"], facts["form"], facts["period"]) == (
        "PA-R1",
        "test-quy",
        "2025-quarter-3",
    )
    assert ws.protection.sheet
    assert ws["A1"].value == "KHU VỰC 1"
    assert ws["E1"].value == "SOCIALIST REPUBLIC OF VIETNAM"
    assert ws[f"C{CODES['SAV_CONF']}"].value == "SAV_CONF"
    value = ws[f"E{CODES['SAV_CONF']}"]
    assert value.protection.locked is False
    assert value.number_format == "#,##0.00"  # amounts in million VND: 2 decimals
    assert ws[f"F{CODES['SAV_CONF']}"].protection.locked is True
    rate = ws[f"E{CODES['SAVING_RATE_RECURRENT']}"].value
    assert rate.startswith("=IFERROR(") and "E11" in rate and "E12" in rate
    validations = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    assert any(f"E{CODES['SAV_CONF']}" in str(dv.sqref) for dv in validations)


def test_it_shows_the_official_layout_in_vietnamese(report: Report):
    with translation.override("vi"):
        book = openpyxl.load_workbook(io.BytesIO(build_template(report)))
    ws = book.worksheets[0]
    assert ws.title == "Báo cáo"
    assert ws["E1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ws["E2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws[f"E{HEADER_ROW}"].value == "Kỳ này"


def test_it_round_trips_a_filled_template(rcast: ReportingCast, report: Report):
    data = filled(
        report,
        {
            f"E{CODES['EST_RECURRENT']}": 1200,
            f"E{CODES['SETTLE_RECURRENT']}": 1100.5,
            f"E{CODES['SAV_CONF']}": 12.25,
            f"H{CODES['SAV_CONF']}": "Hội nghị trực tuyến",
        },
    )
    result = import_file("q3.xlsx", data, by=rcast.cast.reporter)
    assert result.ok, result.errors
    assert result.changed == 3
    assert values_of(report) == {
        "EST_RECURRENT": Decimal(1200),
        "SETTLE_RECURRENT": Decimal("1100.5"),
        "SAV_CONF": Decimal("12.25"),
    }
    note = DataValue.objects.get(report=report, indicator__code="SAV_CONF")
    assert (note.comment, note.version, note.updated_by) == (
        "Hội nghị trực tuyến",
        1,
        rcast.cast.reporter,
    )


def test_it_prefills_the_template_and_a_second_upload_changes_nothing(
    rcast: ReportingCast, report: Report
):
    cells = {f"E{CODES['EST_RECURRENT']}": 1200, f"E{CODES['CONF_SPEND']}": "1.234.567,5"}
    first = import_file("a.xlsx", filled(report, cells), by=rcast.cast.reporter)
    assert first.ok and first.changed == 2
    events = AuditEvent.objects.count()
    versions = list(DataValue.objects.order_by("pk").values_list("version", flat=True))
    again = import_file("a.xlsx", filled(report, cells), by=rcast.cast.reporter)
    fresh = build_template(report)  # prefilled with the stored figures
    untouched = import_file("b.xlsx", fresh, by=rcast.cast.reporter)
    assert (again.ok, again.changed, untouched.ok, untouched.changed) == (True, 0, True, 0)
    assert AuditEvent.objects.count() == events
    assert list(DataValue.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_it_reads_numbers_typed_as_text_with_vietnamese_separators(
    rcast: ReportingCast, report: Report
):
    data = filled(
        report,
        {
            f"E{CODES['EST_RECURRENT']}": "1.234.567,5",
            f"E{CODES['SETTLE_RECURRENT']}": " 1 200 000 ",
            f"E{CODES['CONF_SPEND']}": "-",
            f"E{CODES['SAV_CONF']}": "12,5",
        },
    )
    assert import_file("x.xlsx", data, by=rcast.cast.reporter).ok
    assert values_of(report) == {
        "EST_RECURRENT": Decimal("1234567.5"),
        "SETTLE_RECURRENT": Decimal(1200000),
    } | {"SAV_CONF": Decimal("12.5")}


def test_it_lists_every_bad_cell_by_sheet_and_cell_and_writes_nothing(
    rcast: ReportingCast, report: Report
):
    data = filled(
        report,
        {
            f"E{CODES['EST_RECURRENT']}": "abc",
            f"E{CODES['SETTLE_RECURRENT']}": 100,
            f"E{CODES['SAV_CONF']}": "1,234,567.5",
        },
    )
    with translation.override("vi"):
        result = import_file("x.xlsx", data, by=rcast.cast.reporter)
    assert not result.ok
    assert result.errors[0].startswith(f"Sheet ‘Report’, ô E{CODES['EST_RECURRENT']}: “abc”")
    assert f"ô E{CODES['SAV_CONF']}" in result.errors[1]
    assert not DataValue.objects.exists()


def test_it_finds_rows_by_code_after_blank_rows_and_merged_headers(
    rcast: ReportingCast, report: Report
):
    def rearrange(ws):
        ws.protection.sheet = False
        ws.insert_rows(FIRST + 2, amount=3)  # blank rows in the middle of the table
        ws.insert_rows(3, amount=1)
        ws.unmerge_cells("A4:H4")  # headers merged differently
        ws.merge_cells("A1:H2")
        ws.merge_cells(f"E{HEADER_ROW + 1}:F{HEADER_ROW + 1}")

    data = filled(
        report,
        {f"E{CODES['EST_RECURRENT']}": 500, f"E{CODES['SAV_CONF']}": 7},
        sheet_edit=rearrange,
    )
    result = import_file("moved.xlsx", data, by=rcast.cast.reporter)
    assert result.ok, result.errors
    assert values_of(report) == {"EST_RECURRENT": Decimal(500), "SAV_CONF": Decimal(7)}


def test_it_converts_a_tcvn3_note(rcast: ReportingCast, report: Report):
    data = filled(
        report,
        {
            f"E{CODES['SAV_CONF']}": 3,
            f"H{CODES['SAV_CONF']}": "Bæ sung dù to¸n th¸ng 9",
            f"H{CODES['CONF_SPEND']}": "Tieát kieäm ñieän",
        },
    )
    assert import_file("legacy.xlsx", data, by=rcast.cast.reporter).ok
    comments = dict(
        DataValue.objects.filter(report=report).values_list("indicator__code", "comment")
    )
    assert comments == {"SAV_CONF": "Bổ sung dự toán tháng 9", "CONF_SPEND": "Tiết kiệm điện"}


# --- refusals -----------------------------------------------------------------------------------


def with_member(data: bytes, member: str, content: bytes) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, content)
    return buffer.getvalue()


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "fragment"),
    [
        ("big.xlsx", lambda t: t + b"\0" * (20 * 1024 * 1024), "larger than 20 MB"),
        ("bomb.xlsx", lambda t: bomb(), "abnormal size"),
        ("macro.xlsm", lambda t: with_member(t, "xl/vbaProject.bin", b"x"), "macros"),
        (
            "linked.xlsx",
            lambda t: with_member(t, "xl/externalLinks/externalLink1.xml", b"<x/>"),
            "external links",
        ),
        (
            "old.xls",
            lambda t: importing.OLE_MAGIC + "_VBA_PROJECT_CUR".encode("utf-16-le"),
            "macros",
        ),
        ("notes.txt", lambda t: b"hello", "Upload an Excel file"),
        ("fake.xlsx", lambda t: b"not a zip", "not a real .xlsx"),
    ],
)
def test_it_refuses_hostile_files_with_a_clear_message(
    rcast: ReportingCast, report: Report, name, make, fragment
):
    result = import_file(name, make(build_template(report)), by=rcast.cast.reporter)
    assert not result.ok
    assert fragment in result.errors[0]
    assert not DataValue.objects.exists()


def test_it_refuses_a_workbook_that_is_not_a_template(rcast: ReportingCast):
    book = openpyxl.Workbook()
    book.active["A1"] = "EST_RECURRENT"
    out = io.BytesIO()
    book.save(out)
    result = import_file("own.xlsx", out.getvalue(), by=rcast.cast.reporter)
    assert "not a template downloaded from this site" in result.errors[0]


def test_it_refuses_an_edited_identity(rcast: ReportingCast, report: Report):
    def other_period(book):
        hidden = book[IDENTITY_SHEET]
        for row in hidden.iter_rows():
            if row[0].value == "period":
                row[1].value = "2025-quarter-4"

    data = filled(report, {f"E{CODES['SAV_CONF']}": 1}, edit=other_period)
    result = import_file("x.xlsx", data, by=rcast.cast.reporter)
    assert "identification of this file" in result.errors[0]
    assert not DataValue.objects.exists()


def test_it_refuses_a_file_for_another_report_than_the_one_opened(
    rcast: ReportingCast, report: Report
):
    c = rcast.cast
    other = actions.open_report(c.pa, rcast.form, rcast.q3_2025, by=c.reviewer)
    data = filled(other, {f"E{CODES['SAV_CONF']}": 1})
    result = import_file("pa.xlsx", data, by=c.reporter, report=report)
    assert "not for the report you opened" in result.errors[0]
    assert not DataValue.objects.exists()


def test_it_refuses_a_unit_outside_the_uploaders_scope(rcast: ReportingCast, report: Report):
    data = filled(report, {f"E{CODES['SAV_CONF']}": 1})
    result = import_file("x.xlsx", data, by=rcast.cast.outsider)
    assert "was found within your scope" in result.errors[0]
    assert not DataValue.objects.exists()


def test_it_refuses_a_report_that_is_no_longer_editable(rcast: ReportingCast, report: Report):
    actions.submit_report(report, by=rcast.head)
    result = import_file(
        "x.xlsx", filled(report, {f"E{CODES['SAV_CONF']}": 1}), by=rcast.cast.reporter
    )
    assert "submitted" in result.errors[0]


def test_it_refuses_a_reviewer_who_does_not_enter_figures(rcast: ReportingCast, report: Report):
    with pytest.raises(ValidationError, match="Only the reporters"):
        import_report_values(report, {"SAV_CONF": Decimal(1)}, by=rcast.cast.reviewer)


# --- all or nothing -----------------------------------------------------------------------------


def test_a_stop_in_the_middle_of_an_import_leaves_nothing(
    rcast: ReportingCast, report: Report, monkeypatch
):
    def killed(*args, **kwargs):
        assert DataValue.objects.filter(report=report).count() == 2  # written, not committed
        raise KeyboardInterrupt

    monkeypatch.setattr(importing, "record_many", killed)
    data = filled(report, {f"E{CODES['EST_RECURRENT']}": 5, f"E{CODES['SAV_CONF']}": 6})
    with pytest.raises(KeyboardInterrupt):
        import_file("x.xlsx", data, by=rcast.cast.reporter)
    assert not DataValue.objects.exists()
    assert not AuditEvent.objects.filter(action="reporting.value.set").exists()


def test_a_zip_imports_the_good_files_and_nothing_of_the_bad_one(rcast: ReportingCast):
    c = rcast.cast
    good = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    bad_cells = {f"E{CODES['EST_RECURRENT']}": 9, f"E{CODES['SAV_CONF']}": "nine"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("1-good.xlsx", filled(good, {f"E{CODES['SAV_CONF']}": 4}))
        archive.writestr("2-bad.xlsx", filled(good, bad_cells))
        archive.writestr("3-notes.txt", b"hello")
        archive.writestr("__MACOSX/._1-good.xlsx", b"junk")
    results = import_upload("all.zip", buffer.getvalue(), by=c.reporter)
    assert [(r.name, r.ok) for r in results] == [
        ("1-good.xlsx", True),
        ("2-bad.xlsx", False),
        ("3-notes.txt", False),
    ]
    assert values_of(good) == {"SAV_CONF": Decimal(4)}


# --- files saved by LibreOffice, legacy .xls and .ods -------------------------------------------

SOFFICE = shutil.which("soffice")


def convert(data: bytes, to: str, tmp_path: Path) -> bytes:
    """The file as LibreOffice saves it in format `to` (xlsx, xls, ods)."""
    source = tmp_path / "in" / "template.xlsx"
    source.parent.mkdir()
    source.write_bytes(data)
    out = tmp_path / "out"
    profile = (tmp_path / "profile").as_uri()
    assert SOFFICE is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (out / f"template.{to}").read_bytes()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed")
@pytest.mark.parametrize("to", ["xlsx", "xls", "ods"])
def test_it_reads_files_saved_by_libreoffice(
    rcast: ReportingCast, report: Report, tmp_path: Path, to: str
):
    data = filled(
        report,
        {
            f"E{CODES['EST_RECURRENT']}": 1500,
            f"E{CODES['SETTLE_RECURRENT']}": "1.400,5",
            f"H{CODES['SAV_CONF']}": "Hµ Néi",
        },
    )
    result = import_file(f"lo.{to}", convert(data, to, tmp_path), by=rcast.cast.reporter)
    assert result.ok, result.errors
    assert values_of(report) == {
        "EST_RECURRENT": Decimal(1500),
        "SETTLE_RECURRENT": Decimal("1400.5"),
    } | {"SAV_CONF": None}
    note = DataValue.objects.get(report=report, indicator__code="SAV_CONF").comment
    assert note == "Hà Nội"


# --- pages --------------------------------------------------------------------------------------


@pytest.fixture
def immediate_jobs(settings, tmp_path):
    """Jobs run inside the request (as with THIDUA_HUEY_IMMEDIATE=1); files under tmp_path."""
    from huey.contrib.djhuey import HUEY

    settings.MEDIA_ROOT = tmp_path
    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was


@pytest.fixture
def web(client: Client) -> Client:
    client.cookies["thidua_language"] = "en"
    return client


def test_it_sends_the_template_of_a_report_in_scope(web: Client, rcast: ReportingCast, report):
    web.force_login(rcast.cast.reporter)
    response = web.get(f"/reports/excel/{report.pk}/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    # in words, ASCII-folded, in the user's language: "Báo cáo Quý 3/2025 Khu vực 1"
    assert 'filename="report-q3-2025-khu-vuc-1.xlsx"' in response["Content-Disposition"]
    web.cookies["thidua_language"] = "vi"
    in_vietnamese = web.get(f"/reports/excel/{report.pk}/template.xlsx")["Content-Disposition"]
    assert 'filename="bao-cao-quy-3-2025-khu-vuc-1.xlsx"' in in_vietnamese
    web.cookies["thidua_language"] = "en"
    assert openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]["C11"].value
    assert web.post(f"/reports/excel/{report.pk}/template.xlsx").status_code == 405


def test_it_hides_templates_and_uploads_from_outsiders(web: Client, rcast: ReportingCast, report):
    web.force_login(rcast.cast.outsider)
    assert web.get(f"/reports/excel/{report.pk}/template.xlsx").status_code == 404
    assert web.get(f"/reports/excel/upload/?report={report.pk}").status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(web: Client, report):
    for url in (f"/reports/excel/{report.pk}/template.xlsx", "/reports/excel/upload/"):
        response = web.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_it_lists_the_templates_of_my_open_reports(web: Client, rcast: ReportingCast, report):
    web.force_login(rcast.cast.reporter)
    page = web.get("/reports/excel/upload/").content.decode()
    assert f"/reports/excel/{report.pk}/template.xlsx" in page
    assert 'enctype="multipart/form-data"' in page
    assert "Mẫu test-quy" in page and ">test-quy<" not in page  # the form by name
    only = web.get(f"/reports/excel/upload/?report={report.pk}").content.decode()
    assert "· Mẫu test-quy ·" in only and "· test-quy ·" not in only
    assert "style=" not in page


def test_it_imports_an_upload_and_shows_the_progress(
    web: Client, rcast: ReportingCast, report, immediate_jobs
):
    web.force_login(rcast.cast.reporter)
    data = filled(report, {f"E{CODES['SAV_CONF']}": 42})
    response = web.post(
        f"/reports/excel/upload/?report={report.pk}",
        {"file": SimpleUploadedFile("q3.xlsx", data)},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == f"/reports/excel/jobs/{job.pk}/"
    assert (job.status, job.done_files, job.total_files, job.report) == ("done", 1, 1, report)
    assert values_of(report) == {"SAV_CONF": Decimal(42)}
    page = web.get(response["Location"]).content.decode()
    assert "1 figure changed" in page and "pct-100" in page
    fragment = web.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="import-progress"')
    assert "every 1s" not in fragment  # finished: polling stops
    assert not job.file.storage.exists(job.file.name)  # the upload is not kept


def test_it_polls_while_a_job_runs_and_shows_it_to_its_owner_only(
    web: Client, rcast: ReportingCast
):
    job = ImportJob.objects.create(
        created_by=rcast.cast.reporter,
        original_name="all.zip",
        status="running",
        total_files=4,
        done_files=1,
    )
    web.force_login(rcast.cast.reporter)
    fragment = web.get(f"/reports/excel/jobs/{job.pk}/", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in body and "pct-25" in body and "1 of 4" in body
    web.force_login(rcast.cast.outsider)
    assert web.get(f"/reports/excel/jobs/{job.pk}/").status_code == 404


def test_it_refuses_another_file_type_before_queuing(web: Client, rcast: ReportingCast):
    web.force_login(rcast.cast.reporter)
    response = web.post("/reports/excel/upload/", {"file": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert response.status_code == 200
    assert "Upload an Excel file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_speaks_vietnamese_by_default(client: Client, rcast: ReportingCast, report):
    client.force_login(rcast.cast.reporter)
    page = client.get("/reports/excel/upload/").content.decode()
    assert "Nhập số liệu từ Excel" in page
