"""The discipline import: a decision found by person and date; a changed one is an update
shown old → new; refusals by row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from thidua.audit.models import AuditEvent
from thidua.awards.imports import DISCIPLINE, ImportScope, run_import
from thidua.awards.models import Discipline
from thidua.lib.spreadsheets import Table, read_table

from .conftest import AwardsCast

pytestmark = pytest.mark.django_db
HEADER = "Mã cán bộ,Họ và tên,Hình thức kỷ luật,Ngày quyết định,Hành vi vi phạm,Thời hạn đến ngày"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def table(*lines: str) -> Table:
    return read_table("d.csv", "\n".join([HEADER, *lines]).encode())


def state() -> set[tuple[str, str, dt.date, str]]:
    return {(d.person.code, d.level, d.decided_on, d.breach_ref) for d in Discipline.objects.all()}


def test_it_creates_and_updates_decisions_after_the_preview(acast: AwardsCast) -> None:
    file = table(
        "KV001,Nguyễn Văn B,Khiển trách,15/03/2025,Vi phạm giờ giấc,15/03/2026",
        "KV005,,Cảnh cáo,01/09/2025,Vi phạm quy chế,",
    )
    before = state()
    preview = run_import(DISCIPLINE, file, ImportScope(None), by=acast.cast.admin)
    assert preview.pending and state() == before
    assert preview.preview is not None
    [create] = preview.preview.creates
    assert create.row == 2
    [update] = preview.preview.updates
    assert update.row == 3
    assert [(f.label, f.old, f.new) for f in update.fields] == [
        ("Discipline", "Reprimand (khiển trách)", "Warning (cảnh cáo)"),
        ("Breach", "", "Vi phạm quy chế"),
    ]
    events = AuditEvent.objects.count()
    done = run_import(
        DISCIPLINE,
        file,
        ImportScope(None),
        by=acast.cast.admin,
        confirm=True,
        expect=preview.preview.digest(),
    )
    assert done.ok and done.counts == {"created": 1, "updated": 1}
    assert ("KV005", "warning", dt.date(2025, 9, 1), "Vi phạm quy chế") in state()
    assert Discipline.objects.get(person__code="KV001").served_until == dt.date(2026, 3, 15)
    assert AuditEvent.objects.count() == events + 2


BAD = [
    (["KV001,,Phê bình,15/03/2025,,"], "unknown discipline “Phê bình”"),
    (["KV001,,Khiển trách,31/02/2025,,"], "“31/02/2025” is not a real date"),
    (["KV001,,Khiển trách,,,"], "column “Decided on”: the cell is empty"),
    (["KV001,,Khiển trách,15/03/2099,,"], "is in the future"),
    (["KV001,,Khiển trách,15/03/2025,,01/01/2025"], "cannot end before the decision date"),
    (["XX1,,Khiển trách,15/03/2025,,"], "no person in your units has the staff code “XX1”"),
]


@pytest.mark.parametrize(("lines", "fragment"), BAD)
def test_it_refuses_bad_rows(acast: AwardsCast, lines, fragment) -> None:
    before = state()
    result = run_import(DISCIPLINE, table(*lines), ImportScope(None), by=None)
    assert any(e.startswith(("Row 2:", "Row 2,")) and fragment in e for e in result.errors), (
        result.errors
    )
    assert state() == before


def test_a_repeated_decision_is_refused_on_its_second_row(acast: AwardsCast) -> None:
    line = "KV001,,Khiển trách,15/03/2025,,"
    result = run_import(DISCIPLINE, table(line, line), ImportScope(None), by=None)
    assert len(result.errors) == 1 and result.errors[0].startswith("Row 3:")
    assert "already appears on row 2" in result.errors[0]
