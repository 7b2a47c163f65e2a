"""Tree and staff imports: row-numbered refusals that write nothing, and the export round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from thidua.accounts.models import RoleAssignment, User
from thidua.lib.spreadsheets import Table, read_table
from thidua.org import actions, exports, tree
from thidua.org.actions import NewUnit
from thidua.org.body import Body
from thidua.org.imports import UNIT_COLUMNS, UNIT_REQUIRED, header_matches, import_people
from thidua.org.imports import import_units as run_import
from thidua.org.models import (
    OrgLevel,
    OrgUnit,
    OrgUnitVersion,
    Person,
    Position,
    Reorganisation,
    ReorgLink,
    TreePath,
)

HEADER = "event,date,code,name,level,parent,into"


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, the msgid language; Vietnamese is tested in views."""
    with translation.override("en"):
        yield


def table(*lines: str, header: str = HEADER) -> Table:
    return read_table("import.csv", "\n".join([header, *lines]).encode())


def counts() -> tuple[int, ...]:
    models = (OrgUnit, OrgUnitVersion, TreePath, Reorganisation, ReorgLink, Person, Position)
    return tuple(m.objects.count() for m in models)


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


# --- refusals: row number in the message, nothing written -----------------------------------

BAD_TREE_FILES = [
    (
        ["create,01/08/2025,N1,Mới,district,PC,", "destroy,01/08/2025,PC,,,,"],
        "Row 3",
        "unknown event “destroy”",
    ),
    (["rename,31/02/2026,PC,Tên mới,,,"], "Row 2", "“31/02/2026” is not a real date"),
    (["rename,,PC,Tên mới,,,"], "Row 2", "effective date is empty"),
    (
        ["create,01/08/2025,N1,A,district,PC,", "create,02/08/2025,N1,B,district,PC,"],
        "Row 3",
        "“N1” is already created on row 2",
    ),
    (["create,01/08/2025,PA,A,district,PC,"], "Row 2", "the code “PA” already exists"),
    (["create,01/08/2025,N1,A,district,NOPE,"], "Row 2", "no unit has the code “NOPE”"),
    (["create,01/08/2025,N1,A,commune,PC,"], "Row 2", "has no level “commune”"),
    (["create,01/08/2025,N1,,district,PC,"], "Row 2", "needs a name and a level"),
    (["move,01/08/2025,PA,,,PA-R1,"], "Row 2", "would make a cycle"),
    (
        ["create,01/08/2025,N1,A,district,N2,", "create,01/08/2025,N2,B,district,N1,"],
        "Rows 2, 3",
        "cycle",
    ),
    (["rename,01/01/2019,PC,Cà Mau mới,,,"], "Row 2", "it begins on 01/01/2020"),
    (
        ["rename,01/08/2025,N1,X,,,", "create,02/08/2025,N1,A,district,PC,"],
        "Row 2",
        "created on row 3",
    ),
    (["rename,01/07/2025,PA-R1,Khu vực Một,,,"], "Row 2", "already changed on 01/07/2025"),
    (["rename,01/08/2025,PB,Bắc Kạn mới,,,"], "Row 2", "was closed on 01/07/2025"),
    (["rename,01/08/2025,PC,Tỉnh Cà Mau,,,"], "Row 2", "already bears the name"),
    (["merge,01/08/2025,PC-1,,,,PB"], "Row 2", "cannot merge into “PB”: it was closed"),
    (["merge,01/08/2025,PC-1,,,,"], "Row 2", "needs the receiving unit code"),
    (["merge,01/08/2025,PC,,,,PC-1"], "Row 2", "which is inside it"),
    (
        ["merge,01/08/2025,PC-1,,,,PA-R1", "merge,01/08/2025,PC-1,,,,PA-R1"],
        "Row 3",
        "cannot be merged twice",
    ),
    (["move,01/01/2024,PC-1,,,PA,"], "Row 2", "when a reorganisation of “PA” was recorded"),
    (["close,01/08/2025,PC,,,,"], "Row 2", "still has units under it (PC-1)"),
    (["close,01/08/2025,PC-1,,,,PB"], "Row 2", "the successor “PB” was closed on 01/07/2025"),
    (
        [
            "split,01/08/2025,PC,Bắc,province,ROOT,PC-N",
            "split,01/08/2025,PC,Nam,province,ROOT,PC-S",
        ],
        "Row 2",
        "“PC-1” is under “PC”: add a move row dated 01/08/2025",
    ),
    (["split,01/08/2025,PC,Bắc,province,ROOT,PC-N"], "Row 2", "at least two new units"),
    (
        [
            "split,01/08/2025,PC,Bắc,province,PC-1,PC-N",
            "split,01/08/2025,PC,Nam,province,ROOT,PC-S",
            "move,01/08/2025,PC-1,,,PC-N,",
        ],
        "Row 2",
        "cannot be placed under “PC-1”",
    ),
    (
        [
            "create,01/08/2025,N1,A,district,PC,",
            "create,01/08/2025,N2," + "x" * 300 + ",district,PC,",
        ],
        "Row 3",
        "255",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("lines", "row", "fragment"), BAD_TREE_FILES)
def test_it_refuses_a_bad_tree_file_with_the_row_number_and_writes_nothing(
    cast, lines, row, fragment
):
    before = counts()
    result = run_import(table(*lines))
    assert not result.ok
    assert any(m.startswith(f"{row}:") and fragment in m for m in result.errors), result.errors
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("event,date", "Row 1: the required column “Code” is missing."),
        ("event,date,code,colour", "Row 1: the column “colour” is not part of this format."),
        ("event,date,code,Mã", "Row 1: the column “Mã” appears twice."),
    ],
)
def test_it_refuses_a_tree_file_with_bad_columns(cast, header, fragment):
    result = run_import(table(header=header))
    assert fragment in result.errors


@pytest.mark.django_db
def test_it_rolls_back_everything_when_an_action_refuses_a_later_row(cast, monkeypatch):
    before = counts()

    def refuse(*args, **kwargs):
        raise ValidationError("Refused by the action.")

    monkeypatch.setattr(actions, "close_unit", refuse)
    result = run_import(table("create,01/08/2025,N1,A,district,PC,", "close,02/08/2025,N1,,,,"))
    assert result.errors == ["Row 3: Refused by the action."]
    assert counts() == before


# --- a clean file is applied through the actions ---------------------------------------------


@pytest.mark.django_db
def test_it_applies_every_kind_of_event_with_vietnamese_headers_and_words(cast, superuser):
    header = "Sự kiện;Ngày hiệu lực;Mã;Tên;Cấp;Mã đơn vị cha;Đơn vị tiếp nhận;Căn cứ pháp lý"
    lines = [
        "Thành lập;01/08/2025;PC-2;Huyện C2;district;PC;;QĐ 12",
        "Đổi tên;01/08/2025;PC;Tỉnh Cà Mau mới;;;;",
        "Chia tách;01/09/2025;PC;Cà Mau Bắc;province;ROOT;PC-N;QĐ 13",
        "Chia tách;01/09/2025;PC;Cà Mau Nam;province;ROOT;PC-S;",
        "chuyển;01/09/2025;PC-1;;;PC-N;;",
        "chuyển;01/09/2025;PC-2;;;PC-S;;",
        "Hợp nhất;01/10/2025;PC-1;Huyện Mới;district;PC-N;PC-X;QĐ 14",
        "Hợp nhất;01/10/2025;PC-2;;;;PC-X;",
        "Giải thể;01/11/2025;PC-S;;;;PC-N;",
    ]
    result = run_import(table(*lines, header=header), by=superuser)
    assert result.ok, result.errors
    assert result.counts == {"create": 1, "rename": 1, "split": 1, "merge": 1, "close": 1}
    day = dt.date(2025, 12, 1)
    assert sorted(unit(c).code for c in ("PC", "PC-S") if unit(c).is_open_on(day)) == []
    assert tree.ancestors(unit("PC-X").pk, day) == [cast.root, unit("PC-N")]
    assert tree.successor_ids(unit("PC-2").pk, day) == [unit("PC-X").pk]
    split = Reorganisation.objects.get(kind="split")
    assert (split.legal_basis, split.created_by) == ("QĐ 13", superuser)
    version = tree.version_at(unit("PC").pk, dt.date(2025, 8, 15))
    assert version is not None
    assert version.name == "Tỉnh Cà Mau mới"


@pytest.mark.django_db
def test_it_refuses_a_split_move_for_a_unit_not_under_the_split_unit(cast):
    lines = [
        "split,01/08/2025,PC,Bắc,province,ROOT,PC-N",
        "split,01/08/2025,PC,Nam,province,ROOT,PC-S",
        "move,01/08/2025,PC-1,,,PC-N,",
        "move,01/08/2025,PA-R1,,,PC-S,",
    ]
    result = run_import(table(*lines))
    assert any(m.startswith("Row 5:") and "not directly under “PC”" in m for m in result.errors)


# --- round trip: export the events, import them into an empty database ------------------------


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    code = dict(OrgUnit.objects.values_list("id", "code"))
    return {
        "units": sorted(
            OrgUnit.objects.values_list(
                "code",
                "name",
                "level__code",
                "kind",
                "budget_role",
                "staff_count",
                "valid_from",
                "valid_to",
                "search_key",
            )
        ),
        "versions": sorted(
            (code[u], n, code.get(p, ""), f, t)
            for u, n, p, f, t in OrgUnitVersion.objects.values_list(
                "unit_id", "name", "parent_id", "valid_from", "valid_to"
            )
        ),
        "paths": sorted(
            (code[a], code[d], depth, f, t)
            for a, d, depth, f, t in TreePath.objects.values_list(
                "ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"
            )
        ),
        "links": sorted(
            (code[p], code[s], d)
            for p, s, d in ReorgLink.objects.values_list("predecessor_id", "successor_id", "date")
        ),
        "events": sorted(
            (k, d, code.get(s, ""), lb, n)
            for k, d, s, lb, n in Reorganisation.objects.values_list(
                "kind", "date", "subject_id", "legal_basis", "note"
            )
        ),
    }


def wipe_tree() -> None:
    RoleAssignment.objects.all().delete()
    for model in (Body, ReorgLink, Reorganisation, Position, TreePath, OrgUnitVersion, OrgUnit):
        model.objects.all().delete()


def build_history() -> None:
    """Every kind of event, including a merge into a new unit and a split with children."""
    lv = {
        c: OrgLevel.objects.create(code=c, name=c.title(), rank=r)
        for r, c in enumerate(["top", "province", "district"])
    }
    d = [dt.date(2020 + i, 1, 1) for i in range(8)]
    root = actions.create_unit(NewUnit("ROOT", "Trung ương", lv["top"], None), day=d[0])
    p1, p2 = (
        actions.create_unit(NewUnit(c, f"Tỉnh {c}", lv["province"], root), day=d[0])
        for c in ("P1", "P2")
    )
    x = actions.create_unit(
        NewUnit(
            "X",
            "=Ban đặc biệt",
            lv["province"],
            root,
            kind="internal",
            budget_role="direct_spending",
            staff_count=12,
        ),
        day=d[0],
        legal_basis="QĐ 1/2020",
        note='+ghi chú; "trích dẫn"\nhai dòng',
    )
    d11, d12 = (
        actions.create_unit(NewUnit(c, f"Huyện {c}", lv["district"], p1), day=d[0])
        for c in ("D11", "D12")
    )
    d21, d22 = (
        actions.create_unit(NewUnit(c, f"Huyện {c}", lv["district"], p2), day=d[0])
        for c in ("D21", "D22")
    )
    actions.rename_unit(p1, "Tỉnh Một", day=d[1], legal_basis="NQ 5")
    actions.move_unit(d12, p2, day=d[2])
    parts = [
        NewUnit("P2A", "Tỉnh 2A", lv["province"], root),
        NewUnit("P2B", "Tỉnh 2B", lv["province"], root, staff_count=3),
    ]
    p2a, p2b = actions.split_unit(p2, parts, day=d[3], children={d21.pk: 0, d22.pk: 1, d12.pk: 0})
    actions.merge_units([p1, x], new=NewUnit("PN", "Tỉnh Mới", lv["province"], root), day=d[4])
    actions.merge_units([p2b], into=p2a, day=d[5], note="sáp nhập")
    actions.close_unit(OrgUnit.objects.get(code="D22"), successor=d21, day=d[6])
    actions.move_unit(OrgUnit.objects.get(code="D21"), None, day=d[7])
    assert d11


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_rebuilds_the_same_tree_from_its_exported_events(fmt, superuser):
    build_history()
    expected = snapshot()
    exported = exports.export_units(superuser, dt.date(2025, 1, 1), fmt, what="events")
    wipe_tree()
    data = read_table(
        exported.filename, exported.content, prefer=header_matches(UNIT_COLUMNS, UNIT_REQUIRED)
    )
    result = run_import(data)
    assert result.ok, result.errors
    assert snapshot() == expected


@pytest.mark.django_db
def test_it_rebuilds_the_standard_cast_from_its_exported_events(cast, superuser):
    expected = snapshot()
    exported = exports.export_units(superuser, dt.date(2025, 1, 1), "csv", what="events")
    wipe_tree()
    assert run_import(read_table("events.csv", exported.content)).ok
    assert snapshot() == expected


# --- staff -----------------------------------------------------------------------------------

PEOPLE_HEADER = "Mã cán bộ,Họ và tên,Giới tính,Ngày sinh,Ngày vào ngành,Mã đơn vị,Chức vụ,Từ ngày"


@pytest.mark.django_db
def test_it_creates_and_updates_people_and_their_positions(cast):
    person = actions.save_person(Person(code="CB1", full_name="Nguyễn Văn A", gender="male"))
    actions.assign_position(person, cast.pc, "Chuyên viên", day=dt.date(2021, 1, 1))
    lines = [
        "CB1,Nguyễn Văn A,Nam,05/03/1980,,PC-1,Trưởng phòng,01/08/2025",
        "CB2,Trần Thị B,Nữ,,01/01/2010,PC,Chuyên viên,01/01/2024",
        "CB3,Lê Văn C,male,,,,,",
    ]
    before = counts()
    previewed = import_people(table(*lines, header=PEOPLE_HEADER))
    assert previewed.pending and counts() == before
    assert previewed.preview is not None
    [update] = previewed.preview.updates
    assert (update.row, update.subject) == (2, "Nguyễn Văn A (CB1)")
    assert {(f.label, f.old, f.new) for f in update.fields} == {
        ("Date of birth", "", "05/03/1980"),
        ("Position", "Chuyên viên, Tỉnh Cà Mau", "Trưởng phòng, Huyện C1, from 01/08/2025"),
    }
    assert [c.row for c in previewed.preview.creates] == [3, 4]
    stale = import_people(
        table(*lines, header=PEOPLE_HEADER), confirm_updates=True, expect="not-the-digest"
    )
    assert stale.pending and stale.stale and counts() == before
    result = import_people(
        table(*lines, header=PEOPLE_HEADER),
        confirm_updates=True,
        expect=previewed.preview.digest(),
    )
    assert result.ok, result.errors
    assert result.counts == {"created": 2, "updated": 1, "position": 2}
    person.refresh_from_db()
    assert person.birth_date == dt.date(1980, 3, 5)
    current = person.positions.get(valid_to=dt.date(9999, 12, 31))
    assert (current.unit, current.title, current.valid_from) == (
        cast.pc1,
        "Trưởng phòng",
        dt.date(2025, 8, 1),
    )
    assert Person.objects.get(code="CB2").gender == "female"
    again = import_people(table(lines[1], header=PEOPLE_HEADER))
    assert again.ok
    assert again.counts == {}


@pytest.mark.django_db
def test_a_file_that_only_creates_people_is_applied_without_a_preview(cast):
    result = import_people(
        table("CB7,Đỗ Thị G,Nữ,,,PC,Chuyên viên,01/01/2024", header=PEOPLE_HEADER)
    )
    assert result.ok and not result.pending
    assert result.counts == {"created": 1, "position": 1}


@pytest.mark.django_db
def test_a_reused_staff_code_with_another_name_is_refused(cast):
    actions.save_person(Person(code="CB1", full_name="Nguyễn Văn A"))
    result = import_people(
        table("CB1,Phạm Thị Khác,Nữ,,,,,", header=PEOPLE_HEADER), confirm_updates=True
    )
    [error] = result.errors
    assert error.startswith("Row 2:")
    assert "already belongs to “Nguyễn Văn A”, not “Phạm Thị Khác”" in error
    assert Person.objects.get(code="CB1").gender == ""


@pytest.mark.django_db
def test_a_person_outside_the_importers_units_is_refused(cast):
    person = actions.save_person(Person(code="CB1", full_name="Nguyễn Văn A"))
    actions.assign_position(person, cast.pc, "Chuyên viên", day=dt.date(2021, 1, 1))
    lines = table("CB1,Nguyễn Văn A,Nam,,,,,", header=PEOPLE_HEADER)
    result = import_people(lines, confirm_updates=True, scope_units=frozenset({cast.pa.pk}))
    assert any("belongs to a person outside your units" in e for e in result.errors)
    inside = import_people(lines, confirm_updates=True, scope_units=frozenset({cast.pc.pk}))
    assert inside.ok and inside.counts == {"updated": 1}


BAD_PEOPLE_FILES = [
    (["CB1,A,Khác,,,,,"], "Row 2", "unknown gender “Khác”"),
    (["CB1,A,Nam,30/02/1990,,,,"], "Row 2", "“30/02/1990” is not a real date"),
    (["CB1,A,Nam,,,NOPE,Chuyên viên,01/01/2024"], "Row 2", "no unit has the code “NOPE”"),
    (["CB1,A,Nam,,,PC,,01/01/2024"], "Row 2", "give the unit code, the position and the date"),
    (["CB1,A,,,,,,", "CB1,B,,,,,,"], "Row 3", "already appears on row 2"),
    (["CB1,,,,,,,"], "Row 2", "the staff code and the full name are required"),
    (["CB1,A,,,,PB,Chuyên viên,01/08/2025"], "Row 2", "not in operation on 01/08/2025"),
    (
        ["CB9,A,,,,PC,Chuyên viên,01/01/2024", "OLD,Người cũ,,,,PC-1,Phó phòng,01/01/2020"],
        "Row 3",
        "must start after it",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("lines", "row", "fragment"), BAD_PEOPLE_FILES)
def test_it_refuses_a_bad_staff_file_with_the_row_number_and_writes_nothing(
    cast, lines, row, fragment
):
    old = actions.save_person(Person(code="OLD", full_name="Người cũ"))
    actions.assign_position(old, cast.pc, "Chuyên viên", day=dt.date(2021, 1, 1))
    before = counts()
    result = import_people(table(*lines, header=PEOPLE_HEADER))
    assert any(m.startswith(f"{row}:") and fragment in m for m in result.errors), result.errors
    assert counts() == before


@pytest.mark.django_db
def test_it_exports_people_in_the_import_format(cast, superuser):
    person = actions.save_person(
        Person(
            code="CB1", full_name="Nguyễn Thị A", gender="female", birth_date=dt.date(1985, 2, 1)
        )
    )
    actions.assign_position(person, cast.pc1, "Chuyên viên", day=dt.date(2024, 1, 1))
    exported = exports.export_people(superuser, "csv")
    Position.objects.all().delete()
    Person.objects.all().delete()
    result = import_people(read_table("people.csv", exported.content))
    assert result.ok, result.errors
    again = Person.objects.get(code="CB1")
    assert (again.full_name, again.gender, again.birth_date) == (
        "Nguyễn Thị A",
        "female",
        dt.date(1985, 2, 1),
    )
    assert again.positions.get().unit == cast.pc1


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("root-admin", password="x-password-123")


# --- history floors per subtree ----------------------------------------------------------------

PROVINCE_TREE = [
    "create,01/01/2020,STC,Sở Tài chính tỉnh X,top,,",
    "create,01/01/2020,STC-VP,Văn phòng Sở,province,STC,",
    "create,01/03/2020,STC-NS,Phòng Ngân sách,province,STC,",
    "rename,01/06/2021,STC-NS,Phòng Quản lý ngân sách,,,",
]


@pytest.mark.django_db
def test_a_second_body_imports_its_tree_with_dates_before_another_subtrees_reorganisation(cast):
    """The KSND subtree (PA) was reorganised on 01/07/2025; a province's own tree, under its own
    root, still takes 2020 dates, and so do untouched KSND units (PC)."""
    result = run_import(table(*PROVINCE_TREE, "create,01/01/2021,PC-9,Huyện C9,district,PC,"))
    assert result.ok, result.errors
    assert unit("STC-NS").name == "Phòng Quản lý ngân sách"
    assert tree.ancestor_ids(unit("STC-NS").pk, dt.date(2020, 6, 1)) == [unit("STC").pk]
    assert unit("PC-9").valid_from == dt.date(2021, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("create,01/01/2021,PA-9,Huyện A9,district,PA,", "PA"),
        ("rename,01/01/2021,PA,Tỉnh Hà Giang cũ,,,", "PA"),
        ("move,01/01/2021,PC-1,,,PA,", "PA"),
        ("move,01/01/2021,PA,,,STC,", "PA"),
        ("close,01/01/2021,PC-1,,,,PA", "PA"),
        ("merge,01/01/2021,PC,,,,PA", "PA"),
    ],
)
def test_a_row_hitting_a_reorganised_subtree_is_refused_with_its_floor(cast, line, code):
    before = counts()
    result = run_import(table(*PROVINCE_TREE, line))
    assert not result.ok
    [error] = result.errors
    assert error.startswith("Row 6:"), error
    assert f"before 01/07/2025, when a reorganisation of “{code}” was recorded" in error
    assert counts() == before


@pytest.mark.django_db
def test_a_reorganisation_deep_in_a_subtree_fixes_the_history_of_the_units_above_it_moving(cast):
    """Moving ROOT's province PA (whose district was merged on 01/07/2025) is refused before
    that date, while a unit outside is free."""
    result = run_import(table("move,01/01/2024,PC,,,,"))
    assert result.ok, result.errors
    result = run_import(table("create,01/01/2024,N1,Mới,top,,", "move,02/01/2024,PA,,,N1,"))
    assert any("Row 3:" in e and "01/07/2025" in e for e in result.errors), result.errors


@pytest.mark.django_db
def test_a_level_added_to_the_install_is_accepted_by_code_or_name(cast):
    OrgLevel.objects.create(code="so", name="Sở", name_en="Department", rank=1)
    result = run_import(
        table(
            "create,01/01/2020,STC,Sở Tài chính tỉnh X,top,,",
            "create,01/01/2020,STC-1,Phòng Ngân sách,Sở,STC,",
            "create,01/01/2020,STC-2,Phòng Kế hoạch,department,STC,",
        )
    )
    assert result.ok, result.errors
    assert {unit("STC-1").level.code, unit("STC-2").level.code} == {"so"}


@pytest.mark.django_db
def test_an_unknown_level_names_the_installs_levels_and_where_to_add_one(cast):
    result = run_import(table("create,01/01/2020,X1,Xã Một,Xã,,"))
    [error] = result.errors
    assert error.startswith("Row 2: this install has no level “Xã”")
    assert "Trung ương, Cấp tỉnh, Cấp huyện, Khu vực" in error
    assert "“Reference data administration”" in error
    with translation.override("vi"):
        [vietnamese] = run_import(table("create,01/01/2020,X1,Xã Một,Xã,,")).errors
    assert "quản trị viên thêm cấp tại “Quản trị danh mục”" in vietnamese
