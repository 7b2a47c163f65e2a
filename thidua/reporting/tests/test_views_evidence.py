"""Evidence files of a report and the Excel import page against the hostile corpus
(thidua/lib/tests/hostile.py): refused in Vietnamese with nothing written; a file is stored and
served as what its bytes are."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from thidua.audit.models import AuditEvent
from thidua.lib.tests import hostile
from thidua.reporting import uploads
from thidua.reporting.excel import build_template
from thidua.reporting.forms import MAX_ATTACHMENT_BYTES
from thidua.reporting.models import Attachment, DataValue, ImportJob, Report
from thidua.reporting.testing import ReportingCast


@pytest.fixture
def report(rcast: ReportingCast) -> Report:
    from thidua.reporting import actions

    return actions.open_report(rcast.cast.regional, rcast.form, rcast.q3_2025, by=rcast.head)


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return hostile.watch_kept_uploads(monkeypatch)


@pytest.mark.parametrize("case", hostile.HOSTILE_EVIDENCE)
def test_it_refuses_hostile_evidence_and_writes_nothing(
    client: Client, rcast: ReportingCast, report: Report, media: Path, case: str
) -> None:
    name, data, reason = hostile.hostile_evidence()[case]
    client.force_login(rcast.cast.reporter)
    response = client.post(
        f"/reports/{report.pk}/attachments/", {"file": SimpleUploadedFile(name, data)}, follow=True
    )
    assert hostile.shown_refusal(reason) in response.content.decode()
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action="reporting.attachment.add").exists()
    assert hostile.stored_files(media) == []


def test_it_stores_and_serves_a_file_as_what_its_bytes_are(
    client: Client, rcast: ReportingCast, report: Report, media: Path
) -> None:
    client.force_login(rcast.cast.reporter)
    upload = SimpleUploadedFile("bao-cao.html", hostile.PDF_BYTES, "text/html")
    client.post(f"/reports/{report.pk}/attachments/", {"file": upload})
    item = Attachment.objects.get()
    assert (item.original_name, item.content_type) == ("bao-cao.pdf", "application/pdf")
    assert [p.suffix for p in hostile.stored_files(media)] == [".pdf"]
    download = client.get(f"/reports/{report.pk}/attachments/{item.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="bao-cao.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client.post(f"/reports/{report.pk}/attachments/{item.pk}/").status_code == 405
    client.force_login(rcast.cast.outsider)
    assert client.get(f"/reports/{report.pk}/attachments/{item.pk}/").status_code == 404


def test_it_serves_a_file_stored_before_under_its_detected_kind(
    client: Client, rcast: ReportingCast, report: Report, media: Path
) -> None:
    """Attachments stored by the old check kept the user's name and a generic OLE type."""
    item = Attachment(
        report=report,
        original_name="bao-cao.html",
        content_type="application/x-ole-storage",
        size=len(hostile.PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=rcast.cast.reporter,
    )
    item.file.save("bao-cao.html", ContentFile(hostile.PDF_BYTES))
    client.force_login(rcast.cast.reporter)
    download = client.get(f"/reports/{report.pk}/attachments/{item.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="bao-cao.pdf"'


def test_it_refuses_an_oversized_file_before_keeping_any_of_it(
    client: Client, rcast: ReportingCast, report: Report, media: Path, kept: list[int]
) -> None:
    client.force_login(rcast.cast.reporter)
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"\0" * (MAX_ATTACHMENT_BYTES + 100_000))
    response = client.post(f"/reports/{report.pk}/attachments/", {"file": big}, follow=True)
    with translation.override("vi"):
        assert escape("Tệp lớn hơn 10 MB.") in response.content.decode()
    assert kept == []
    assert not Attachment.objects.exists() and hostile.stored_files(media) == []


# --- the Excel import ------------------------------------------------------------------------


def _workbook_cases(report: Report) -> dict[str, tuple[str, bytes, str]]:
    template = build_template(report)
    return {
        "zip bomb .xlsx": (
            "bang-ke.xlsx",
            hostile.ooxml_bomb(template, "xl/media/anh.png"),
            "bất thường",  # "…có dung lượng bất thường…"
        ),
        ".xlsx with its VBA renamed": (
            "bang-ke.xlsx",
            hostile.xlsx_with_hidden_vba(template),
            "macro",
        ),
        ".xlsx with a part declared as VBA": (
            "bang-ke.xlsx",
            hostile.xlsx_with_hidden_vba(template, relate=False, payload=b"\x01" * 64),
            "macro",
        ),
        ".xls with a VBA storage": ("bang-ke.xls", hostile.xls_with_vba(), "macro"),
        ".xls with an Excel 4.0 macro sheet": (
            "bang-ke.xls",
            hostile.xls_with_macro_sheet(),
            "macro",
        ),
        "a PDF named .xlsx": ("bang-ke.xlsx", hostile.PDF_BYTES, ".xlsx"),
    }


WORKBOOK_CASES = (
    "zip bomb .xlsx",
    ".xlsx with its VBA renamed",
    ".xlsx with a part declared as VBA",
    ".xls with a VBA storage",
    ".xls with an Excel 4.0 macro sheet",
    "a PDF named .xlsx",
)


@pytest.mark.parametrize("case", WORKBOOK_CASES)
def test_the_excel_import_refuses_hostile_workbooks_at_the_upload(
    client: Client, rcast: ReportingCast, report: Report, media: Path, case: str
) -> None:
    name, data, fragment = _workbook_cases(report)[case]
    client.force_login(rcast.cast.reporter)
    response = client.post(
        f"/reports/excel/upload/?report={report.pk}", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert not ImportJob.objects.exists() and hostile.stored_files(media) == []
    assert not DataValue.objects.exists()


@pytest.mark.parametrize("case", WORKBOOK_CASES)
def test_the_excel_import_refuses_hostile_workbooks_inside_a_zip(
    rcast: ReportingCast, report: Report, case: str
) -> None:
    name, data, fragment = _workbook_cases(report)[case]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(name, data)
    with translation.override("vi"):
        results = uploads.import_upload("cac-don-vi.zip", buffer.getvalue(), by=rcast.head)
    assert [r.ok for r in results] == [False]
    assert fragment in results[0].errors[0]
    assert not DataValue.objects.exists()


def test_the_excel_import_refuses_an_oversized_file_before_keeping_any_of_it(
    client: Client, rcast: ReportingCast, report: Report, media: Path, settings, kept
) -> None:
    settings.THIDUA_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(rcast.cast.reporter)
    big = SimpleUploadedFile("bang-ke.xlsx", b"PK\x03\x04" + b"\0" * (2 * 1024 * 1024))
    response = client.post(f"/reports/excel/upload/?report={report.pk}", {"file": big})
    assert escape("Tệp lớn hơn 1 MB.") in response.content.decode()
    assert kept == []
    assert not ImportJob.objects.exists() and hostile.stored_files(media) == []


def test_the_size_guard_keeps_the_csrf_check(rcast: ReportingCast, report: Report, media: Path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rcast.cast.reporter)
    upload = SimpleUploadedFile("bao-cao.pdf", hostile.PDF_BYTES)
    response = client.post(f"/reports/{report.pk}/attachments/", {"file": upload})
    assert response.status_code == 403
    assert not Attachment.objects.exists()
