"""The ratings import: template, preview (created, updated old → new), confirmation all or
nothing and audited; refusals by row."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import translation

from thidua.audit.models import AuditEvent
from thidua.awards.imports import RATINGS, ImportScope, run_import
from thidua.awards.models import PerformanceRating
from thidua.lib.spreadsheets import Table, read_table
from thidua.org.models import Person

from .conftest import AwardsCast

pytestmark = pytest.mark.django_db
HEADER = "Mã cán bộ,Họ và tên,Năm,Xếp loại"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def table(*lines: str, header: str = HEADER) -> Table:
    return read_table("ratings.csv", "\n".join([header, *lines]).encode())


def levels() -> dict[tuple[str, int], str]:
    return {(r.person.code, r.year): r.level for r in PerformanceRating.objects.all()}


def test_it_previews_then_applies_creates_and_updates_on_confirmation(acast: AwardsCast) -> None:
    user = acast.cast.admin
    file = table("KV000,Nguyễn Văn A,2024,HTT", "KV002,,2025,Hoàn thành xuất sắc nhiệm vụ")
    file.rows.append(table("KV001,Nguyễn Văn B,2025,HTXS").rows[0])  # unchanged
    before = levels()
    preview = run_import(RATINGS, file, ImportScope(None), by=user)
    assert preview.pending and levels() == before
    assert preview.preview is not None
    [create] = preview.preview.creates
    assert (create.row, create.subject) == (2, "Nguyễn Văn A (KV000), year 2024")
    [update] = preview.preview.updates
    assert update.row == 3
    [(label, old, new)] = [(f.label, f.old, f.new) for f in update.fields]
    assert (label, old, new) == (
        "Rating",
        "Good completion of duties",
        "Excellent completion of duties",
    )
    assert preview.preview.unchanged == 1
    stale = run_import(RATINGS, file, ImportScope(None), by=user, confirm=True, expect="x")
    assert stale.pending and stale.stale and levels() == before
    events = AuditEvent.objects.count()
    done = run_import(
        RATINGS,
        file,
        ImportScope(None),
        by=user,
        confirm=True,
        expect=preview.preview.digest(),
    )
    assert done.ok, done.errors
    assert done.counts == {"created": 1, "updated": 1, "unchanged": 1}
    assert levels()[("KV000", 2024)] == "HTT"
    assert levels()[("KV002", 2025)] == "HTXS"
    audit = AuditEvent.objects.order_by("seq")[events:]
    assert [e.action for e in audit] == ["awards.rating.import"] * 2
    was, now = audit[1].before, audit[1].after
    assert was is not None and now is not None
    assert was["level"] == "HTT" and now["level"] == "HTXS"
    assert audit[0].actor_id == user.pk


BAD = [
    (["NOPE,,2024,HTT"], "Row 2", "no person in your units has the staff code “NOPE”"),
    (["KV000,,2024,Giỏi"], "Row 2", "unknown rating “Giỏi”"),
    (["KV000,,20x4,HTT"], "Row 2", "“20x4” is not a year"),
    (["KV000,,2999,HTT"], "Row 2", "is not a year from 1990"),
    (["KV000,Trần Văn Khác,2024,HTT"], "Row 2", "belongs to “Nguyễn Văn A”, not “Trần Văn Khác”"),
    (["KV000,,2024,HTT", "KV000,,2024,HT"], "Row 3", "already appears on row 2"),
    ([",,2024,HTT"], "Row 2", "the staff code is empty"),
]


@pytest.mark.parametrize(("lines", "row", "fragment"), BAD)
def test_it_refuses_bad_rows_with_their_number_and_writes_nothing(
    acast: AwardsCast, lines, row, fragment
) -> None:
    before = levels()
    result = run_import(RATINGS, table(*lines, "KV001,,2024,HT"), ImportScope(None), by=None)
    assert any(e.startswith((f"{row}:", f"{row},")) and fragment in e for e in result.errors), (
        result.errors
    )
    assert not result.pending and levels() == before


def test_a_person_outside_the_importers_units_is_unknown_to_them(acast: AwardsCast) -> None:
    outsider = Person.objects.create(code="PC9", full_name="Lê Văn Ngoài")
    outsider.positions.create(
        unit=acast.cast.pc1, title="Chuyên viên", valid_from=dt.date(2021, 1, 1)
    )
    scope = ImportScope(frozenset({acast.cast.regional.pk}))
    result = run_import(RATINGS, table("PC9,,2025,HTT", "KV000,,2024,HTT"), scope, by=None)
    assert result.errors == [
        "Row 2, column “Staff code”: no person in your units has the staff code “PC9”."
    ]
    ok = run_import(RATINGS, table("KV000,,2024,HTT"), scope, by=None)
    assert ok.pending


def test_the_template_has_vietnamese_headers_and_a_note_row_that_is_skipped(
    acast: AwardsCast,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(RATINGS.template()))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["Mã cán bộ", "Họ và tên", "Năm", "Xếp loại"]
    assert sheet["D2"].value and "HTXS" in sheet["D2"].value
    sheet.append(["KV003", "Nguyễn Văn D", 2024, "HT"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = run_import(
        RATINGS, read_table("r.xlsx", buffer.getvalue()), ImportScope(None), by=None
    )
    assert result.pending, result.errors
    assert result.preview is not None
    assert [c.row for c in result.preview.creates] == [3]


def test_a_header_without_a_required_column_is_refused(acast: AwardsCast) -> None:
    result = run_import(
        RATINGS, table("KV000,2024", header="Mã cán bộ,Năm"), ImportScope(None), by=None
    )
    assert result.errors == ["Row 1: the required column “Rating” is missing."]
