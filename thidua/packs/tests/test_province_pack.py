"""The second sector pack, `province`: a province's own emulation system after the 2025
reorganisation, loaded by the same machinery as ksnd (docs/packs.md)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from thidua.audit.models import AuditEvent
from thidua.awards.models import Title, TitleRule
from thidua.evaluation.actions import entity_type_for, open_assessment
from thidua.movements.models import Movement
from thidua.org.actions import NewUnit, create_unit
from thidua.org.models import OrgLevel, OrgUnit
from thidua.packs.loader import available_packs, load_pack, read_pack
from thidua.packs.setup import BodySpec, setup_body
from thidua.reporting.models import Period, ReportForm

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-rat-dai-2026"
LAW_TITLES = {
    "advanced_labourer",
    "base_fighter",
    "ministerial_fighter",
    "national_fighter",
    "advanced_collective",
    "excellent_collective",
    "ministerial_flag",
    "government_flag",
    "commemorative_medal",
    "commendation",
}
PROVINCE = BodySpec(
    name="Ủy ban nhân dân tỉnh Tuyên Quang",
    short_name="UBND-TQ",
    seat="Tuyên Quang",
    pack="province",
    admin_username="quantri",
    admin_password=PASSWORD,
)


def _json(pack: str, key: str) -> Any:
    return json.loads(read_pack(pack).file(key).read_text(encoding="utf-8"))


def test_both_packs_are_shipped() -> None:
    assert {"ksnd", "province"} <= set(available_packs())


@pytest.mark.parametrize("name", ["ksnd", "province"])
def test_each_pack_loads_on_a_clean_database(name: str) -> None:
    counts = load_pack(name)
    levels = {row["code"] for row in _json(name, "levels")["levels"]}
    assert counts["levels"] == len(levels) and counts["forms"] == 6  # 4 periodic, 2 reviews
    assert counts["title rules"] > 0 and counts["rubrics"] == 3
    assert set(Title.objects.values_list("code", flat=True)) == {
        t["code"] for t in _json(name, "titles")["titles"]
    }


@pytest.mark.parametrize("name", ["ksnd", "province"])
def test_every_form_names_levels_of_its_own_pack(name: str) -> None:
    levels = {row["code"] for row in _json(name, "levels")["levels"]}
    assert read_pack(name).top_level in levels
    for form in _json(name, "forms")["forms"]:
        assert form["levels"] and set(form["levels"]) <= levels, form["code"]


def test_every_province_title_names_its_law_title_and_dates_its_rules() -> None:
    data = _json("province", "titles")
    for title in data["titles"]:
        assert title["law_title"] in LAW_TITLES, title["code"]
        for rule in title["rules"]:
            assert set(rule["regimes"]) <= set(data["regimes"])
            assert rule["confidence"] in {"high", "medium", "low"}
            assert rule["note"] and rule["note_en"]
    names = {t["name"] for t in data["titles"]}
    assert {"Chiến sĩ thi đua cấp tỉnh", "Cờ thi đua của Ủy ban nhân dân tỉnh"} <= names
    assert data["regimes"]["R2025"]["valid_from"] == "2025-07-01"
    assert "152/2025" in data["regimes"]["R2025"]["basis"]
    assert "98/2023" in data["regimes"]["R2024"]["basis"]


def test_the_province_pack_sets_up_a_province_idempotently() -> None:
    result = setup_body(PROVINCE)
    assert result.created and result.admin_created
    root = OrgUnit.objects.get(code="UBND-TQ")
    assert root.level.code == "tinh" and root.budget_role == "budget_level"
    assert Title.objects.filter(code="CO_TINH").exists()
    assert TitleRule.objects.filter(title__code="CSTD_TINH").count() == 3
    quarterly = ReportForm.objects.get(code="thtk-quy")
    assert set(quarterly.levels.values_list("code", flat=True)) == {"tinh", "so", "xa", "don-vi"}
    movement = Movement.objects.get()
    assert movement.organisation == root and (movement.phases.count(), movement.areas.count()) == (
        2,
        6,
    )
    assert Period.objects.filter(year=2026, kind="quarter", number=1).exists()
    assert not Period.objects.filter(year=2025).exists()
    events = AuditEvent.objects.count()
    again = setup_body(PROVINCE)
    assert not again.created and again.periods == 0
    call_command("load_pack", "province", stdout=io.StringIO())
    assert AuditEvent.objects.count() == events and Movement.objects.count() == 1


def test_load_pack_province_on_a_clean_database_twice() -> None:
    out = io.StringIO()
    call_command("load_pack", "province", stdout=out)
    assert out.getvalue().startswith("province 2026.1:")
    rules, events = TitleRule.objects.count(), AuditEvent.objects.count()
    call_command("load_pack", "province", stdout=io.StringIO())
    assert AuditEvent.objects.count() == events  # the same version: not recorded again
    assert TitleRule.objects.count() == rules == 30  # 10 titles × 3 regimes
    assert Path(read_pack("province").directory).name == "province"


def test_setup_body_command_with_the_province_pack(tmp_path: Path) -> None:
    password = tmp_path / "pw"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    args = [
        "setup_body",
        "--name=Ủy ban nhân dân tỉnh Tuyên Quang",
        "--short-name=UBND-TQ",
        "--seat=Tuyên Quang",
        "--pack=province",
        "--admin-username=quantri",
        f"--admin-password-file={password}",
    ]
    out = io.StringIO()
    call_command(*args, stdout=out)
    assert "Đã tạo: Ủy ban nhân dân tỉnh Tuyên Quang (UBND-TQ), gói province 2026.1." in (
        out.getvalue()
    )
    again = io.StringIO()
    call_command(*args, stdout=again)
    assert "Đã có sẵn" in again.getvalue() and "0 kỳ báo cáo mới" in again.getvalue()


def test_a_commune_is_scored_on_the_commune_table_and_a_department_on_its_own() -> None:
    """Circular 129/2017 Art. 7: a commune's budget (a budget level below the province) is
    scored 60/40/deductions; a department with units under it on the upper-level table, one
    without on the direct-spending table. KSND has no budget level below its root, so its
    units keep the upper/direct tables."""
    setup_body(PROVINCE)
    root = OrgUnit.objects.get(code="UBND-TQ")
    day = dt.date(2026, 1, 1)
    levels = {level.code: level for level in OrgLevel.objects.all()}

    def unit(code: str, level: str, parent: OrgUnit, role: str) -> OrgUnit:
        return create_unit(
            NewUnit(code, f"Đơn vị {code}", levels[level], parent, budget_role=role),
            day=day,
        )

    commune = unit("XA-1", "xa", root, OrgUnit.BudgetRole.BUDGET_LEVEL)
    department = unit("SO-1", "so", root, OrgUnit.BudgetRole.UPPER_LEVEL)
    unit("SO-1-CC", "don-vi", department, OrgUnit.BudgetRole.DIRECT_SPENDING)
    lone = unit("SO-2", "so", root, OrgUnit.BudgetRole.UPPER_LEVEL)
    assert entity_type_for(commune, 2026) == "commune"
    assert entity_type_for(department, 2026) == "upper"
    assert entity_type_for(lone, 2026) == "direct"
    assert entity_type_for(root, 2026) == "upper"
    assessment = open_assessment(commune, 2026, by=None)
    assert assessment.rubric.entity_type == "commune"
