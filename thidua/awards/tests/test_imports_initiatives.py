"""The initiatives import: authors by staff code, the unit among the importer's, found again
by unit and title; one already used for an award is not changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from thidua.awards import actions
from thidua.awards.imports import INITIATIVES, ImportScope, run_import
from thidua.awards.models import AwardRecord, Initiative, Title
from thidua.lib.spreadsheets import Table, read_table

from .conftest import AwardsCast

pytestmark = pytest.mark.django_db
HEADER = (
    "Tên sáng kiến,Mã tác giả,Mã đơn vị,Cấp công nhận,Ngày công nhận,Cơ quan công nhận,"
    "Số quyết định"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def table(*lines: str) -> Table:
    return read_table("i.csv", "\n".join([HEADER, *lines]).encode())


def test_it_creates_then_updates_an_initiative_with_its_authors(acast: AwardsCast) -> None:
    scope = ImportScope(frozenset({acast.cast.regional.pk}))
    line = 'Số hóa hồ sơ,"KV000, KV001",PA-R1,cơ sở,10/10/2025,Viện KSND khu vực 1,12/QĐ'
    preview = run_import(INITIATIVES, table(line), scope, by=acast.head)
    assert preview.pending and preview.preview is not None
    [create] = preview.preview.creates
    assert create.subject == "Số hóa hồ sơ — Khu vực 1"
    done = run_import(
        INITIATIVES,
        table(line),
        scope,
        by=acast.head,
        confirm=True,
        expect=preview.preview.digest(),
    )
    assert done.ok and done.counts == {"created": 1}
    initiative = Initiative.objects.get(title="Số hóa hồ sơ")
    assert sorted(a.code for a in initiative.authors.all()) == ["KV000", "KV001"]
    assert initiative.created_by == acast.head
    changed = "Số hóa hồ sơ,KV000,PA-R1,ngành,10/10/2025,Viện KSND khu vực 1,12/QĐ"
    again = run_import(INITIATIVES, table(changed), scope, by=acast.head)
    assert again.preview is not None
    [update] = again.preview.updates
    assert {f.label for f in update.fields} == {"Authors", "Level"}
    applied = run_import(
        INITIATIVES,
        table(changed),
        scope,
        by=acast.head,
        confirm=True,
        expect=again.preview.digest(),
    )
    assert applied.counts == {"updated": 1}
    initiative.refresh_from_db()
    assert initiative.level == "sector" and initiative.authors.count() == 1


def test_it_refuses_a_unit_outside_the_scope_unknown_authors_bad_levels_and_dates(
    acast: AwardsCast,
) -> None:
    scope = ImportScope(frozenset({acast.cast.regional.pk}))
    lines = [
        "Sáng kiến A,KV000,PC,cơ sở,10/10/2025,Viện,",
        "Sáng kiến B,KV000;NOPE,PA-R1,cơ sở,10/10/2025,Viện,",
        "Sáng kiến C,KV000,PA-R1,cấp xã,10/10/2025,Viện,",
        "Sáng kiến D,KV000,PA-R1,cơ sở,10/10/2099,Viện,",
        "Sáng kiến E,,PA-R1,cơ sở,10/10/2025,Viện,",
        "Sáng kiến F,KV000,PA-R1,cơ sở,10/10/2025,Viện,",
        "sáng kiến f,KV001,PA-R1,cơ sở,10/10/2025,Viện,",
    ]
    result = run_import(INITIATIVES, table(*lines), scope, by=None)
    expected = {
        2: "no unit among yours has the code “PC”",
        3: "no person in your units has the staff code “NOPE”",
        4: "unknown level “cấp xã”",
        5: "in the future",
        6: "at least one author",
        8: "already appears on row 7",
    }
    for row, fragment in expected.items():
        assert any(
            e.startswith((f"Row {row}:", f"Row {row},")) and fragment in e for e in result.errors
        ), (
            row,
            result.errors,
        )
    assert Initiative.objects.count() == 0


def test_an_initiative_already_used_for_an_award_is_not_changed(acast: AwardsCast) -> None:
    used = actions.record_initiative(
        title="Đã dùng",
        authors=[acast.people[0]],
        unit=acast.cast.regional,
        level="base",
        recognised_on=dt.date(2025, 8, 1),
        recognised_by="Viện",
        by=None,
    )
    title = Title.objects.filter(subject="individual").first()
    assert title is not None
    award = AwardRecord.objects.create(
        title=title,
        year=2025,
        person=acast.people[0],
        decided_on=dt.date(2025, 12, 1),
    )
    Initiative.objects.filter(pk=used.pk).update(used_for=award)
    line = "Đã dùng,KV000,PA-R1,ngành,01/08/2025,Viện,"
    result = run_import(INITIATIVES, table(line), ImportScope(None), by=None)
    assert result.errors == [
        "Row 2: the initiative “Đã dùng” was already used for an award; it cannot be changed."
    ]
    same = "Đã dùng,KV000,PA-R1,cơ sở,01/08/2025,Viện,"
    unchanged = run_import(INITIATIVES, table(same), ImportScope(None), by=None)
    assert unchanged.preview is not None and unchanged.preview.unchanged == 1
