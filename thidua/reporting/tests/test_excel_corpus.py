"""Files made the way users make them, uploaded and read back (issue 8, points 8, 12, 13, 15,
16, 17): filled in openpyxl as a user fills the template, then saved again by LibreOffice as
.xlsx, .ods and .xls (`soffice --headless --convert-to`, Debian's libreoffice-calc-nogui, which
`make test` installs). Each file must be imported right or refused by name, never stored wrong.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone, translation
from openpyxl.styles import Font

from thidua.org import actions as org_actions
from thidua.reporting import actions, tasks, uploads
from thidua.reporting.excel import HEADER_ROW, IDENTITY_SHEET, build_template
from thidua.reporting.importing import import_file
from thidua.reporting.models import DataValue, ImportJob, Period, Report
from thidua.reporting.testing import ReportingCast
from thidua.reporting.uploads import import_upload

pytestmark = pytest.mark.django_db

FIRST = HEADER_ROW + 2
EST, SETTLE, RATE, CONF, SAV = range(FIRST, FIRST + 5)  # the rows of the test form
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is missing (Debian libreoffice-calc-nogui)"
)

Convert = Callable[[dict[str, bytes], str], dict[str, bytes]]


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> Convert:
    """Save files again with LibreOffice, all of one batch in one run; the profile is made
    once per session (the slow part of a first start)."""
    root = tmp_path_factory.mktemp("soffice")
    profile = (root / "profile").as_uri()
    runs = iter(range(1_000_000))

    def convert(files: dict[str, bytes], to: str) -> dict[str, bytes]:
        assert SOFFICE is not None
        work = root / f"run{next(runs)}"
        (work / "in").mkdir(parents=True)
        for name, data in files.items():
            (work / "in" / f"{name}.xlsx").write_bytes(data)
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                to,
                "--outdir",
                str(work / "out"),
                *sorted(str(p) for p in (work / "in").iterdir()),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return {name: (work / "out" / f"{name}.{to}").read_bytes() for name in files}

    return convert


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def report(rcast: ReportingCast) -> Report:
    return actions.open_report(
        rcast.cast.regional, rcast.form, rcast.q3_2025, by=rcast.cast.reporter
    )


def filled(
    report: Report,
    cells: Mapping[str, object],
    *,
    fonts: dict[str, str] | None = None,
    edit: Callable[[openpyxl.Workbook], None] | None = None,
) -> bytes:
    """The report's template (as downloaded now) with `cells` typed, in the given fonts."""
    book = openpyxl.load_workbook(io.BytesIO(build_template(report)))
    ws = book.worksheets[0]
    for ref, value in cells.items():
        ws[ref] = value
    for ref, font in (fonts or {}).items():
        ws[ref].font = Font(name=font)
    if edit:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def store(rcast: ReportingCast, report: Report, code: str, text: str, *, by, comment=None):
    cell = DataValue.objects.filter(report=report, indicator__code=code).first()
    return actions.store_value(
        report,
        rcast.indicators[code],
        text,
        by=by,
        expected_version=cell.version if cell else 0,
        comment=comment,
    )[1]


def stored(report: Report) -> dict[str, tuple[Decimal | None, str]]:
    return {
        v.indicator.code: (v.value, v.comment)
        for v in DataValue.objects.filter(report=report).select_related("indicator")
    }


# --- 12: formula errors -----------------------------------------------------------------------


@needs_soffice
def test_it_refuses_a_formula_error_by_cell_in_every_format(
    rcast: ReportingCast, report: Report, libreoffice: Convert
):
    """Before: python-calamine reads #DIV/0! as a blank cell, and the stored 1.000 was erased."""
    store(rcast, report, "EST_RECURRENT", "1.000", by=rcast.cast.reporter)
    source = filled(report, {f"E{EST}": "=1/0", f"E{SAV}": "=SQRT(-1)", f"E{CONF}": 7})
    files = {"xlsx": libreoffice({"f": source}, "xlsx")["f"]}
    files |= {to: libreoffice({"f": source}, to)["f"] for to in ("ods", "xls")}
    for kind, data in files.items():
        result = import_file(f"errors.{kind}", data, by=rcast.cast.reporter)
        assert not result.ok, kind
        assert f"cell E{EST}: formula error #DIV/0!" in " ".join(result.errors), (kind, result)
        assert any(f"cell E{SAV}: formula error" in e for e in result.errors), (kind, result)
    assert stored(report) == {"EST_RECURRENT": (Decimal(1000), "")}


# --- 13: a file older than the data, a file of another period ---------------------------------


@pytest.fixture
def colleague(rcast: ReportingCast):
    head = rcast.head
    head.first_name, head.last_name = "Trần Thị", "Hoa"
    head.save()
    return head


@pytest.mark.parametrize("saved_by", ["openpyxl", "libreoffice"])
def test_it_refuses_a_file_older_than_a_correction_made_on_the_site(
    rcast: ReportingCast, report: Report, colleague, saved_by: str, request
):
    """Before: the old file reverted 1.100 to 1.000, erased the note, said "2 figures
    changed"."""
    store(rcast, report, "EST_RECURRENT", "1.000", by=rcast.cast.reporter)
    old = filled(report, {f"E{SAV}": 5})  # downloaded now, filled offline for a while
    store(rcast, report, "EST_RECURRENT", "1.100", by=colleague, comment="Sửa theo chứng từ")
    name = "old.xlsx"
    if saved_by == "libreoffice":
        if SOFFICE is None:
            pytest.skip("LibreOffice is missing (Debian libreoffice-calc-nogui)")
        old, name = request.getfixturevalue("libreoffice")({"old": old}, "ods")["old"], "old.ods"
    result = import_file(name, old, by=rcast.cast.reporter)
    assert not result.ok
    message = " ".join(result.errors)
    assert f"cell E{EST}: changed on the site after this file was downloaded" in message
    assert "1.100" in message and "1.000" in message and "Trần Thị Hoa" in message
    assert stored(report) == {"EST_RECURRENT": (Decimal(1100), "Sửa theo chứng từ")}


def test_it_refuses_a_note_changed_on_the_site_and_accepts_cells_nobody_touched(
    rcast: ReportingCast, report: Report, colleague
):
    store(rcast, report, "CONF_SPEND", "10", by=rcast.cast.reporter, comment="Họp tổ")
    old = filled(report, {f"E{SAV}": 5})
    store(rcast, report, "CONF_SPEND", "10", by=colleague, comment="Họp toàn cơ quan")
    refused = import_file("old.xlsx", old, by=rcast.cast.reporter)
    assert not refused.ok and f"cell H{CONF}:" in refused.errors[0]
    assert "“Họp toàn cơ quan”" in refused.errors[0] and "“Họp tổ”" in refused.errors[0]
    fresh = import_file("new.xlsx", filled(report, {f"E{SAV}": 5}), by=rcast.cast.reporter)
    assert fresh.ok and fresh.changed == 1, fresh.errors
    assert stored(report)["CONF_SPEND"] == (Decimal(10), "Họp toàn cơ quan")


def test_the_template_carries_the_versions_under_its_checksum(rcast: ReportingCast, report: Report):
    store(rcast, report, "EST_RECURRENT", "1", by=rcast.cast.reporter)
    hidden = openpyxl.load_workbook(io.BytesIO(build_template(report)))[IDENTITY_SHEET]
    facts = {r[0]: r[1] for r in hidden.iter_rows(values_only=True)}
    assert (facts["version"], facts["cell:EST_RECURRENT"]) == ("2", "1")

    def forged(book: openpyxl.Workbook) -> None:
        ws = book[IDENTITY_SHEET]
        for row in ws.iter_rows():
            if row[0].value == "cell:EST_RECURRENT":
                row[1].value = "9"

    result = import_file("f.xlsx", filled(report, {}, edit=forged), by=rcast.cast.reporter)
    assert not result.ok and "identification of this file" in result.errors[0]


def test_it_refuses_a_file_of_another_period_retitled(rcast: ReportingCast):
    """Before: a Q2 file whose period line was retyped as Q3 overwrote the Q2 report."""
    c = rcast.cast
    q2_2026 = Period.objects.get(kind="quarter", year=2026, number=2)
    q2 = actions.open_report(c.regional, rcast.form, q2_2026, by=c.reporter)
    with translation.override("vi"):
        retitled = filled(
            q2,
            {"A6": "Kỳ báo cáo: Quý 3/2026 (từ 01/07/2026 đến 30/09/2026)", f"E{SAV}": 3},
        )
        result = import_file("quy-3.xlsx", retitled, by=c.reporter)
    assert not result.ok
    assert "Quý 3/2026" in result.errors[0] and "đây là tệp của Quý 2/2026" in result.errors[0]
    assert stored(q2) == {}
    untouched = filled(q2, {f"E{SAV}": 3})
    assert import_file("quy-2.xlsx", untouched, by=c.reporter).ok


# --- 15: legacy fonts -------------------------------------------------------------------------

NOTES = {  # cell: (typed, font, expected)
    f"H{EST}": ("Bæ sung", ".VnTime", "Bổ sung"),  # reads as VNI "Bỉ" too: the font decides
    f"H{SETTLE}": ("Vaên phoøng phaåm", "VNI-Times", "Văn phòng phẩm"),  # was read as TCVN3
    f"H{CONF}": ("Chi phí hành chính", ".VnTime", "Chi phí hành chính"),  # Unicode already
    f"H{SAV}": ("Ghi chuù", "VNI-Times", "Ghi chú"),  # too short to guess from content
}


@needs_soffice
def test_it_reads_legacy_notes_by_their_font_in_every_format(
    rcast: ReportingCast, report: Report, libreoffice: Convert
):
    """Before: "Bæ sung" and "Ghi chuù" stayed garbled, "Vaên phoøng phaåm" became
    "Vaờn phoứng phaồm" (VNI decoded as TCVN3)."""
    cells = {ref: typed for ref, (typed, _f, _e) in NOTES.items()}
    fonts = {ref: font for ref, (_t, font, _e) in NOTES.items()}
    source = filled(report, cells, fonts=fonts)
    files = {"xlsx (openpyxl)": ("xlsx", source)}
    for to in ("xlsx", "ods", "xls"):
        files[f"{to} (LibreOffice)"] = (to, libreoffice({"notes": source}, to)["notes"])
    expected = {
        code: (None, NOTES[ref][2])
        for code, ref in (
            ("EST_RECURRENT", f"H{EST}"),
            ("SETTLE_RECURRENT", f"H{SETTLE}"),
            ("CONF_SPEND", f"H{CONF}"),
            ("SAV_CONF", f"H{SAV}"),
        )
    }
    for label, (kind, data) in files.items():
        DataValue.objects.filter(report=report).delete()
        result = import_file(f"notes.{kind}", data, by=rcast.cast.reporter)
        assert result.ok, (label, result.errors)
        assert stored(report) == expected, label


def test_it_reads_a_column_of_legacy_notes_without_fonts_by_the_column(
    rcast: ReportingCast, report: Report
):
    """A file whose cells name no legacy font (pasted as values): the column's clear TCVN3
    notes decide the one that reads in both tables."""
    cells = {f"H{EST}": "Bæ sung", f"H{SETTLE}": "Gi¶m so víi cïng kú", f"H{CONF}": "Hµ Néi"}
    result = import_file("cot.xlsx", filled(report, cells), by=rcast.cast.reporter)
    assert result.ok, result.errors
    notes = {code: note for code, (_v, note) in stored(report).items()}
    assert notes == {
        "EST_RECURRENT": "Bổ sung",
        "SETTLE_RECURRENT": "Giảm so với cùng kỳ",
        "CONF_SPEND": "Hà Nội",
    }


# --- 16: input that would be ignored ----------------------------------------------------------


@needs_soffice
def test_it_refuses_a_workbook_with_the_form_on_two_sheets(
    rcast: ReportingCast, report: Report, libreoffice: Convert
):
    """Before: the figures typed into the copy were dropped and the original imported."""

    def copied(book: openpyxl.Workbook) -> None:
        copy = book.copy_worksheet(book.worksheets[0])
        copy.title = "Báo cáo (2)"
        copy[f"E{EST}"] = 2500

    data = filled(report, {}, edit=copied)
    for name, content in (("two.xlsx", data), ("two.ods", libreoffice({"t": data}, "ods")["t"])):
        result = import_file(name, content, by=rcast.cast.reporter)
        assert not result.ok, name
        assert "more than one sheet" in result.errors[0] and "‘Báo cáo (2)’" in result.errors[0]
    assert stored(report) == {}


def test_it_refuses_a_note_on_a_computed_row_by_name(rcast: ReportingCast, report: Report):
    """Before: the note beside the saving rate was dropped without a word."""
    data = filled(report, {f"E{EST}": 100, f"H{RATE}": "Tỷ lệ thấp do mua sắm cuối năm"})
    result = import_file("rate.xlsx", data, by=rcast.cast.reporter)
    assert not result.ok
    name = rcast.indicators["SAVING_RATE_RECURRENT"].display_name
    assert f"cell H{RATE}: “{name}” is computed from a formula" in result.errors[0]
    assert stored(report) == {}
    ws = openpyxl.load_workbook(io.BytesIO(build_template(report))).worksheets[0]
    assert ws[f"H{RATE}"].protection.locked and not ws[f"H{EST}"].protection.locked


# --- 8: formula-like text is never written as a formula ---------------------------------------


def test_the_template_writes_formula_like_notes_with_the_quote_prefix(
    rcast: ReportingCast, report: Report
):
    """Before: the note was a plain string cell, a formula as soon as it was edited."""
    note = '=HYPERLINK("http://example.invalid","Bấm vào đây")'
    store(rcast, report, "CONF_SPEND", "1", by=rcast.cast.reporter, comment=note)
    store(rcast, report, "SAV_CONF", "1", by=rcast.cast.reporter, comment="- giảm 5%")
    ws = openpyxl.load_workbook(io.BytesIO(build_template(report))).worksheets[0]
    for ref, text in ((f"H{CONF}", note), (f"H{SAV}", "- giảm 5%")):
        assert (ws[ref].value, ws[ref].data_type, ws[ref].quotePrefix) == (text, "s", True)
    assert not ws[f"H{EST}"].quotePrefix  # ordinary text keeps no prefix
    result = import_file("same.xlsx", build_template(report), by=rcast.cast.reporter)
    assert (result.ok, result.changed) == (True, 0)  # the note comes back as it was


def test_the_rollup_header_quotes_formula_like_unit_names(client: Client, rcast: ReportingCast):
    """Before: a unit named "=…" was a plain header string (a formula once edited)."""
    c = rcast.cast
    day = dt.date(2025, 12, 1)
    org_actions.rename_unit(c.regional, "=1+1 Khu vực", day=day)
    client.force_login(c.reviewer)
    response = client.get(
        "/reports/rollups/xlsx/",
        {"unit": str(c.pa.pk), "year": "2025", "structure": "mapped", "on": "01/01/2026"},
    )
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [cell for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    header = next(cell for cell in cells if cell.value == "=1+1 Khu vực")
    assert header.quotePrefix and header.data_type == "s"
    assert not any(cell.value.startswith("'") for cell in cells)


# --- 17: a worker killed in the middle of a zip -----------------------------------------------


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_killed_worker_leaves_a_job_that_is_closed_and_says_what_to_send_again(
    client: Client, rcast: ReportingCast, report: Report, media: Path, monkeypatch
):
    """Before: the job stayed "Importing" with its bar animating, and the zip stayed."""
    c = rcast.cast
    upload = zip_of(
        {
            "1-dau.xlsx": filled(report, {f"E{SAV}": 1}),
            "2-giua.xlsx": filled(report, {f"E{SAV}": 2}),
            "3-cuoi.xlsx": filled(report, {f"E{SAV}": 3}),
        }
    )
    job = ImportJob(created_by=c.reporter, original_name="ca-quy.zip", size=len(upload))
    job.file.save("ca-quy.zip", ContentFile(upload))
    real = uploads._import_member

    def killed_on_the_second(name, read, **kwargs):
        if name.startswith("2-"):
            raise SystemExit("kill -9")  # nothing after this line runs in a killed worker
        return real(name, read, **kwargs)

    monkeypatch.setattr(uploads, "_import_member", killed_on_the_second)
    with pytest.raises(SystemExit):
        uploads.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "running" and [r.get("pending", False) for r in job.results] == [
        False,
        True,
        True,
    ]
    assert uploads.fail_stalled_jobs(timezone.now()) == 0  # its heartbeat is fresh
    later = timezone.now() + uploads.STALLED_AFTER + dt.timedelta(seconds=1)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "immediate", True)  # keeps the test's database connection
    tasks.close_stalled_imports()  # the worker's start-up hook
    job.refresh_from_db()
    assert job.status == "failed" and not (media / job.file.name).exists()
    assert uploads.fail_stalled_jobs(later) == 0  # closed once
    client.cookies["thidua_language"] = "en"
    client.force_login(c.reporter)
    page = client.get(f"/reports/excel/jobs/{job.pk}/").content.decode()
    assert "The import was interrupted" in page and "2 files were not written at all" in page
    assert page.count('data-testid="send-again"') == 2 and "every 1s" not in page
    assert "progress-bar-animated" not in page
    assert stored(report) == {"SAV_CONF": (Decimal(1), "")}


def test_an_import_page_closes_a_stalled_job_when_no_worker_runs(
    client: Client, rcast: ReportingCast, media: Path
):
    c = rcast.cast
    job = ImportJob(created_by=c.reporter, original_name="a.xlsx", status="running")
    job.file.save("a.xlsx", ContentFile(b"PK"))
    job.results = [uploads.pending("a.xlsx")]
    job.total_files = 1
    job.save()
    fresh = ImportJob.objects.create(
        created_by=c.reporter, original_name="b.xlsx", status="running"
    )
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=5))
    client.cookies["thidua_language"] = "vi"
    client.force_login(c.reporter)
    page = client.get("/reports/excel/upload/").content.decode()
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert (job.status, fresh.status) == ("failed", "running")
    assert not (media / job.file.name).exists()
    assert "Đang nhập" in page  # only the live job
    assert page.count("Đang nhập") == 1


def test_progress_lists_every_file_of_a_zip_before_importing_it(
    rcast: ReportingCast, report: Report
):
    seen: list[tuple[list[str], int]] = []
    upload = zip_of({"a.xlsx": filled(report, {}), "b.xlsx": filled(report, {})})
    import_upload(
        "z.zip",
        upload,
        by=rcast.cast.reporter,
        progress=lambda names, results: seen.append((list(names), len(results))),
    )
    assert seen == [(["a.xlsx", "b.xlsx"], 0), (["a.xlsx", "b.xlsx"], 1), (["a.xlsx", "b.xlsx"], 2)]
