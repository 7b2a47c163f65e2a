"""Sector packs as data (thidua/packs/<name>/) and the set-up of a clean install."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.audit.models import AuditEvent
from thidua.awards.models import BaseSalary, RegistrationDeadline, Title, TitleRule
from thidua.evaluation.models import Criterion, ProgrammeDeadline, Rubric, RubricGroup
from thidua.movements.models import ContentArea, Milestone, Movement, Phase
from thidua.org.actions import NewUnit, create_unit
from thidua.org.body import Body
from thidua.org.models import OrgLevel, OrgUnit
from thidua.packs import loader
from thidua.packs.loader import PackError, load_pack, read_pack
from thidua.packs.setup import BodySpec, install_pack, setup_body
from thidua.reporting.models import (
    DeadlineRule,
    FormRow,
    FormSection,
    Indicator,
    IndicatorGroup,
    NarrativePart,
    Period,
    ReportForm,
    ValidationRule,
)
from thidua.reporting.validation import default_rules

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-rat-dai-2026"
SECTOR_MODELS: list[type[Model]] = [
    OrgLevel,
    IndicatorGroup,
    Indicator,
    ReportForm,
    FormSection,
    FormRow,
    NarrativePart,
    DeadlineRule,
    ValidationRule,
    Rubric,
    RubricGroup,
    Criterion,
    ProgrammeDeadline,
    Title,
    TitleRule,
    BaseSalary,
    RegistrationDeadline,
    Movement,
    Phase,
    ContentArea,
    Milestone,
]
# What `load_demo` (with load_rubrics and load_awards_catalogue) put in a database before the
# data moved into the pack (main at a6ae0c0).
BEFORE_THE_MOVE = {
    OrgLevel: 6,
    IndicatorGroup: 6 + 1,  # the phase figures of the review forms (issue 11)
    Indicator: 42 + 16,
    ReportForm: 4 + 2,  # the two phase-review forms (issue 11)
    FormSection: 24 + 2 * 5,
    FormRow: 114 + 2 * 16,
    NarrativePart: 6 + 2 * 5,
    DeadlineRule: 5,
    ValidationRule: 39,
    Rubric: 3,
    RubricGroup: 10,
    Criterion: 14,
    ProgrammeDeadline: 2,
    Title: 15,
    TitleRule: 60,
    BaseSalary: 3,
    RegistrationDeadline: 1,
    Movement: 1,
    Phase: 2,
    ContentArea: 6,
    Milestone: 4,
}
KSND = BodySpec(
    name="Viện kiểm sát nhân dân tối cao",
    short_name="VKSNDTC",
    seat="Hà Nội",
    pack="ksnd",
    admin_username="quantri",
    admin_password=PASSWORD,
)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the sector's tables with its id, as plain values."""
    models: list[type[Model]] = [*SECTOR_MODELS, Period, OrgUnit, User, RoleAssignment, Body]
    return {
        model.__name__: [
            {k: str(v) for k, v in model_to_dict(o).items()} | {"pk": o.pk}
            for o in model._default_manager.order_by("pk")
        ]
        for model in models
    }


def test_the_ksnd_pack_gives_what_the_demo_loaded_before_the_move() -> None:
    root = setup_body(KSND).body.unit
    assert {m: m._default_manager.count() for m in SECTOR_MODELS} == BEFORE_THE_MOVE
    levels = list(OrgLevel.objects.values_list("code", "rank"))
    assert levels[0] == ("toi-cao", 0) and ("khu-vuc", 2) in levels
    quarterly = ReportForm.objects.get(code="thtk-quy")
    assert set(quarterly.levels.values_list("code", flat=True)) == {
        "toi-cao",
        "cap-cao",
        "cap-tinh",
        "cap-huyen",
        "khu-vuc",
    }
    assert DeadlineRule.objects.get(periodicity="quarter").days_after_end == 15
    assert Indicator.objects.get(code="EST_RECURRENT").group.code == "rec"
    assert Rubric.objects.get(code="tt129-upper-2018").entity_type == "upper"
    assert TitleRule.objects.filter(title__code="CSTD_NGANH").count() == 4
    movement = Movement.objects.get(code="ksnd-thtk-clp-2023-2030")
    assert (movement.organisation, movement.start_year, movement.end_year) == (root, 2023, 2030)
    # The validation rules were Python (reporting/validation.py); the pack's file says the same.
    for rule in default_rules():
        row = ValidationRule.objects.get(code=rule.code)
        assert (row.left, row.operator, row.right, row.severity) == (
            rule.left,
            rule.operator,
            rule.right,
            rule.severity,
        )
        assert (row.message_vi, row.waivable_by_comment) == (
            rule.message_vi,
            rule.waivable_by_comment,
        )


def test_loading_a_pack_twice_changes_nothing() -> None:
    install_pack("ksnd", by="test")
    before, events = snapshot(), AuditEvent.objects.count()
    counts = load_pack("ksnd")
    install_pack("ksnd", by="test")
    assert snapshot() == before and AuditEvent.objects.count() == events
    assert counts["movements"] == 0  # no body yet: the movement waits for setup_body
    call_command("load_pack", "ksnd", stdout=io.StringIO())
    assert snapshot() == before


def test_a_new_pack_version_updates_rows_and_keeps_the_bodys_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_body(KSND)
    milestone = Milestone.objects.filter(status="planned").first()
    assert milestone is not None
    milestone.status = "done"
    milestone.save()
    ids = snapshot()
    shutil.copytree(read_pack("ksnd").directory, tmp_path / "ksnd")
    monkeypatch.setattr(loader, "PACKS_DIR", tmp_path)
    manifest = json.loads((tmp_path / "ksnd" / "pack.json").read_text(encoding="utf-8"))
    manifest["version"] = "2027.1"
    (tmp_path / "ksnd" / "pack.json").write_text(json.dumps(manifest), encoding="utf-8")
    catalogue = json.loads((tmp_path / "ksnd" / "catalogue.json").read_text(encoding="utf-8"))
    catalogue["indicators"][0]["name"] = "Dự toán chi thường xuyên (sửa 2027)"
    (tmp_path / "ksnd" / "catalogue.json").write_text(json.dumps(catalogue), encoding="utf-8")

    install_pack("ksnd", by="test")

    code = catalogue["indicators"][0]["code"]
    assert Indicator.objects.get(code=code).name == "Dự toán chi thường xuyên (sửa 2027)"
    after = snapshot()
    for model in ("FormSection", "FormRow", "Phase", "Milestone", "TitleRule", "Criterion"):
        assert [r["pk"] for r in after[model]] == [r["pk"] for r in ids[model]], model
    milestone.refresh_from_db()
    assert milestone.status == "done"
    assert Body.objects.get().pack_version == "2027.1"
    event = AuditEvent.objects.filter(action="pack.load").order_by("-seq").first()
    assert event is not None and event.before == {"version": "2026.2"}
    assert (event.after or {})["version"] == "2027.1"


def test_setup_body_makes_a_clean_install_usable(client: Client) -> None:
    result = setup_body(KSND)
    assert result.created and result.admin_created
    root = OrgUnit.objects.get(code="VKSNDTC")
    assert root.level.code == "toi-cao" and root.budget_role == "budget_level"
    assert Body.objects.get().seat == "Hà Nội"
    # Periods for the movement's whole span (phase 1 from 2022), through 2030 Q4.
    assert Period.objects.filter(year=2030, kind="quarter", number=4).exists()
    assert Period.objects.filter(year=2022, kind="quarter", number=1).exists()
    assert Period.objects.count() == 9 * 7
    admin = User.objects.get(username="quantri")
    assert admin.person is not None
    assert RoleAssignment.objects.filter(user=admin, role=Role.ADMIN, unit=root).exists()
    login = client.post("/accounts/login/", {"username": "quantri", "password": PASSWORD})
    assert login.status_code == 302
    page = client.get("/org/")
    assert page.status_code == 200 and "Viện kiểm sát nhân dân tối cao" in page.content.decode()
    assert client.get("/reports/").status_code == 200


def test_a_second_setup_of_the_same_body_is_a_no_op() -> None:
    setup_body(KSND)
    before, events = snapshot(), AuditEvent.objects.count()
    again = setup_body(KSND)
    assert not again.created and not again.admin_created and again.periods == 0
    assert snapshot() == before and AuditEvent.objects.count() == events


def test_another_body_on_the_same_install_is_refused(tmp_path: Path) -> None:
    setup_body(KSND)
    before = snapshot()
    other = BodySpec(**{**KSND.__dict__, "name": "Sở Tài chính", "short_name": "STC"})
    with pytest.raises(PackError):
        setup_body(other)
    password = tmp_path / "pw"
    password.write_text(PASSWORD, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command(
            "setup_body",
            "--name=Sở Tài chính",
            "--short-name=STC",
            "--pack=ksnd",
            "--admin-username=a",
            f"--admin-password-file={password}",
        )
    message = str(refused.value)
    assert "đã có cơ quan" in message and "already holds the body" in message
    assert snapshot() == before


def test_an_install_with_units_but_no_body_is_refused() -> None:
    OrgLevel.objects.create(code="top", name="Trung ương", rank=0)
    create_unit(NewUnit("ROOT", "Gốc", OrgLevel.objects.get(), None), day=dt.date(2020, 1, 1))
    with pytest.raises(PackError, match="ROOT"):
        setup_body(KSND)
    assert not Body.objects.exists()


def test_a_taken_user_name_and_a_weak_password_are_refused() -> None:
    User.objects.create_user(username="quantri", password=PASSWORD)
    with pytest.raises(PackError, match="quantri"):
        setup_body(KSND)
    assert not Body.objects.exists()
    with pytest.raises(PackError):
        setup_body(BodySpec(**{**KSND.__dict__, "admin_username": "qt2", "admin_password": "1"}))
    assert not OrgUnit.objects.exists()


def test_an_unknown_pack_is_refused_in_both_languages() -> None:
    with pytest.raises(CommandError) as refused:
        call_command("load_pack", "tinh")
    assert "Không có gói ngành" in str(refused.value)
    assert "There is no sector pack" in str(refused.value)


def test_ensure_periods_extends_the_years() -> None:
    call_command("ensure_periods", "--from=2025", "--until=2030", stdout=io.StringIO())
    assert Period.objects.filter(year=2030, kind="quarter", number=4).exists()
    count = Period.objects.count()
    call_command("ensure_periods", "--until=2030", stdout=io.StringIO())
    assert Period.objects.count() == count == 6 * 7
    with pytest.raises(CommandError):
        call_command("ensure_periods", "--from=2031", "--until=2030")
