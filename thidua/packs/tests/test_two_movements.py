"""The movement at the centre (issue 15, point 4): the pack links a movement to the forms,
rubrics and titles it uses and its content areas to their indicators; two movements of one body
run side by side, each page of one movement showing only its own forms, rubric and titles."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client

from thidua.awards.catalogue import load_catalogue as load_titles
from thidua.awards.models import Registration, RegistrationItem, Title
from thidua.evaluation import board
from thidua.evaluation.actions import (
    finalise_assessment,
    open_assessment,
    rubric_for,
    save_self_score,
    submit_assessment,
)
from thidua.evaluation.catalogue import load_rubrics
from thidua.evaluation.models import Assessment, Criterion, Rubric, RubricGroup
from thidua.evaluation.results import unit_results
from thidua.lib.packs import pack_file
from thidua.movements.actions import load_movement
from thidua.movements.models import ContentArea, Movement, Phase
from thidua.movements.scope import movement_for, movements_of
from thidua.org.models import Person, Position
from thidua.packs.loader import PackError, link_movement
from thidua.packs.setup import setup_body
from thidua.packs.tests.test_packs import KSND
from thidua.reporting.models import FormRow, FormSection, Indicator, ReportForm
from thidua.reporting.testing import ReportingCast
from thidua.testing import START

pytestmark = pytest.mark.django_db

THEMATIC_FORM = "Biểu số liệu chuyển đổi số"
THEMATIC_RUBRIC = "Bảng điểm phong trào chuyển đổi số"
THEMATIC_TITLE = "Giấy khen chuyển đổi số"
KSND_RUBRIC = "Bảng điểm đơn vị dự toán trực tiếp sử dụng ngân sách"


@dataclass
class World:
    rc: ReportingCast
    thrift: Movement
    digital: Movement
    form: ReportForm
    rubric: Rubric
    title: Title
    open_title: Title
    person: Person


def _thematic(rc: ReportingCast) -> tuple[Movement, ReportForm, Rubric, Title]:
    """A thematic movement of the same body, 2026 only, with its own form, rubric and title."""
    digital = Movement.objects.create(
        code="chuyen-doi-so-2026",
        title="Phong trào thi đua chuyên đề “Chuyển đổi số” năm 2026",
        launching_body="Hội đồng Thi đua – Khen thưởng",
        organisation=rc.cast.root,
        start_year=2026,
        end_year=2026,
    )
    Phase.objects.create(
        movement=digital, number=1, start_year=2026, end_year=2026, review="final", review_year=2026
    )
    area = ContentArea.objects.create(movement=digital, number=1, title="Số hóa hồ sơ")
    form = ReportForm.objects.create(
        code="cds-quy",
        name=THEMATIC_FORM,
        periodicity="quarter",
        valid_from=START,
        movement=digital,
    )
    form.levels.set(rc.cast.levels.values())
    section = FormSection.objects.create(form=form, code="I", name="Số hóa")
    FormRow.objects.create(
        section=section, indicator=Indicator.objects.get(code="DOCS_TOTAL"), order=0, number="1"
    )
    Indicator.objects.filter(code__in=["DOCS_TOTAL", "DOCS_ELECTRONIC"]).update(area=area)
    rubric = Rubric.objects.create(
        code="cds-direct-2026",
        name=THEMATIC_RUBRIC,
        entity_type=Rubric.EntityType.DIRECT,
        version="2026",
        legal_basis="Kế hoạch phong trào chuyên đề",
        valid_from=dt.date(2026, 1, 1),
        movement=digital,
    )
    group = RubricGroup.objects.create(rubric=rubric, code="A", name="Số hóa", max_points=100)
    Criterion.objects.create(
        group=group, code="A1", name="Hồ sơ điện tử", kind="manual", max_points=Decimal(100)
    )
    title = Title.objects.create(
        code="GK_CDS", name=THEMATIC_TITLE, subject="individual", kind="title", sort_order=99
    )
    title.movements.add(digital)
    return digital, form, rubric, title


def build_world(rcast: ReportingCast) -> World:
    """The ksnd THTK-CLP movement linked as its file says (with the test cast's forms) and the
    thematic movement beside it, a title no movement claims, and one person at PA-R1."""
    load_rubrics()
    load_titles()
    data = json.loads(pack_file("movement.json").read_text(encoding="utf-8"))
    data["forms"] = [rcast.form.code, rcast.annual.code]  # the test cast's forms
    data.get("dashboard", {}).pop("review_forms", None)  # the cast has no phase-review forms
    thrift = load_movement(pack_file("movement.json"), organisation=rcast.cast.root)
    link_movement(thrift, data)
    digital, form, rubric, title = _thematic(rcast)
    open_title = Title.objects.create(
        code="GK_CHUNG", name="Giấy khen chung", subject="individual", kind="title", sort_order=98
    )
    person = Person.objects.create(
        code="KV900", full_name="Trần Thị Mai", joined_on=dt.date(2015, 1, 1), search_key="mai"
    )
    Position.objects.create(
        person=person, unit=rcast.cast.regional, title="Chuyên viên", valid_from=START
    )
    return World(rcast, thrift, digital, form, rubric, title, open_title, person)


@pytest.fixture
def world(rcast: ReportingCast) -> World:
    return build_world(rcast)


def test_the_pack_links_the_movement_to_what_it_uses() -> None:
    setup_body(KSND)
    movement = Movement.objects.get(code="ksnd-thtk-clp-2023-2030")
    assert set(ReportForm.objects.values_list("movement", flat=True)) == {movement.pk}
    assert set(Rubric.objects.values_list("movement", flat=True)) == {movement.pk}
    assert Title.objects.filter(movements=movement).count() == Title.objects.count() == 15
    by_area = {
        a.number: set(a.indicators.values_list("code", flat=True)) for a in movement.areas.all()
    }
    assert "DOCS_ELECTRONIC" in by_area[4] and "PUBLIC_DISCLOSURES" in by_area[6]
    # every periodic indicator; the review forms' phase figures belong to no content area
    # (section II of the review shows the periodic figures year by year)
    periodic = Indicator.objects.exclude(group__code="phase")
    assert sum(len(codes) for codes in by_area.values()) == periodic.count()
    # Idempotent: loading the pack again links the same rows, once.
    setup_body(KSND)
    assert Title.movements.through.objects.count() == 15


def test_a_movement_naming_what_the_pack_lacks_is_refused(world: World) -> None:
    with pytest.raises(PackError) as refused:
        link_movement(world.digital, {"titles": ["KHONG_CO"]})
    assert "KHONG_CO" in refused.value.bilingual()
    assert not Title.objects.filter(movements=world.digital).exclude(pk=world.title.pk).exists()


def test_the_unit_takes_part_in_both_the_oldest_by_default(world: World) -> None:
    regional = world.rc.cast.regional
    assert movements_of(regional.pk, 2026) == [world.thrift, world.digital]
    assert movements_of(regional.pk, 2025) == [world.thrift]
    assert movement_for(regional.pk, 2026) == world.thrift
    assert movement_for(regional.pk, 2026, str(world.digital.pk)) == world.digital
    assert movement_for(regional.pk, 2025, str(world.digital.pk)) == world.thrift
    assert movement_for(10**6, 2026) is None  # a unit unknown to the tree


def test_each_movement_scores_with_its_own_rubric(world: World, client: Client) -> None:
    direct = Rubric.EntityType.DIRECT
    assert rubric_for(direct, 2026, world.thrift).code == "tt129-direct-2018"
    assert rubric_for(direct, 2026, world.digital) == world.rubric
    cast = world.rc.cast
    thrift = open_assessment(cast.pc1, 2026, by=cast.admin)
    assert thrift.rubric.code == "tt129-direct-2018"
    client.force_login(world.rc.head)
    unit_page = client.get(f"/evaluation/unit/{cast.regional.pk}/?year=2026").content.decode()
    assert 'data-testid="assessment-movement"' in unit_page and world.digital.title in unit_page
    client.post(f"/evaluation/unit/{cast.regional.pk}/assess/2026/", {"movement": world.digital.pk})
    digital = Assessment.objects.get(unit=cast.regional, year=2026)
    assert digital.rubric == world.rubric
    page = client.get(f"/evaluation/assessment/{digital.pk}/").content.decode()
    assert "Hồ sơ điện tử" in page and "Tỷ lệ tiết kiệm chi thường xuyên" not in page


def test_phases_come_from_the_movement(world: World, client: Client) -> None:
    assert board.phases() == {"2022-2025": (2022, 2025), "2026-2030": (2026, 2030)}
    assert board.phases(world.digital) == {"2026-2026": (2026, 2026)}
    client.force_login(world.rc.cast.admin)
    page = client.get(f"/evaluation/phase/?movement={world.digital.pk}").content.decode()
    assert ">2026-2026<" in page and "2022-2025" not in page


def test_registration_offers_only_the_movements_titles(world: World, client: Client) -> None:
    cast = world.rc.cast
    client.force_login(cast.reporter)
    url = f"/awards/registrations/{cast.regional.pk}/2026/"
    client.post(url)
    thrift = client.get(url).content.decode()
    assert "Lao động tiên tiến" in thrift and THEMATIC_TITLE not in thrift
    assert "Giấy khen chung" in thrift  # a title no movement claims is open to all
    digital = client.get(f"{url}?movement={world.digital.pk}").content.decode()
    assert THEMATIC_TITLE in digital and "Giấy khen chung" in digital
    assert "Lao động tiên tiến" not in digital
    # Saving one movement's registration keeps the other movement's items.
    client.post(url, {"item": [f"{world.person.pk}:LDTT"]})
    client.post(url, {"item": [f"{world.person.pk}:GK_CDS"], "movement": world.digital.pk})
    reg = Registration.objects.get(unit=cast.regional, year=2026)
    codes = set(
        RegistrationItem.objects.filter(registration=reg).values_list("title__code", flat=True)
    )
    assert codes == {"LDTT", "GK_CDS"}


def test_reports_and_the_movement_page_show_the_movements_own(world: World, client: Client) -> None:
    client.force_login(world.rc.cast.admin)
    reports = client.get(f"/reports/?movement={world.digital.pk}").content.decode()
    assert THEMATIC_FORM in reports and world.rc.form.name not in reports
    reports = client.get(f"/reports/?movement={world.thrift.pk}").content.decode()
    assert world.rc.form.name in reports and THEMATIC_FORM not in reports
    page = client.get(f"/movements/{world.thrift.pk}/").content.decode()
    assert world.rc.form.name in page and "Lao động tiên tiến" in page
    assert KSND_RUBRIC in page
    assert f"/evaluation/rubric/{Rubric.objects.get(code='tt129-direct-2018').pk}/" in page
    assert THEMATIC_FORM not in page and THEMATIC_RUBRIC not in page and THEMATIC_TITLE not in page
    # Area 4 keeps its other indicators; the two moved to the thematic movement's area left it.
    assert Indicator.objects.get(code="ONLINE_MEETINGS").name in page
    assert "Số văn bản xử lý hoàn toàn trên môi trường điện tử" not in page
    assert "tt129" not in page and "CSTD_NGANH" not in page  # names, never codes
    other = client.get(f"/movements/{world.digital.pk}/").content.decode()
    assert THEMATIC_FORM in other and THEMATIC_RUBRIC in other and THEMATIC_TITLE in other
    assert world.rc.form.name not in other and "Lao động tiên tiến" not in other
    assert "Số văn bản xử lý hoàn toàn trên môi trường điện tử" in other


def test_a_unit_has_one_assessment_per_movement(world: World, client: Client) -> None:
    """Two movements, two assessments of one unit in one year, each on its movement's rubric;
    each movement's rankings list only its own; finalising one leaves the other alone."""
    cast = world.rc.cast
    thrift = open_assessment(cast.regional, 2026, by=cast.admin)
    digital = open_assessment(cast.regional, 2026, by=cast.admin, movement=world.digital)
    other = open_assessment(cast.pc1, 2026, by=cast.admin, movement=world.thrift)
    assert (thrift.movement, digital.movement, other.movement) == (
        world.thrift,
        world.digital,
        world.thrift,
    )
    assert thrift.pk != digital.pk
    assert thrift.rubric.code == "tt129-direct-2018" and digital.rubric == world.rubric
    assert open_assessment(cast.regional, 2026, by=cast.admin, movement=world.digital) == digital
    assert Assessment.objects.filter(unit=cast.regional, year=2026).count() == 2
    score = digital.scores.get()
    save_self_score(score, by=cast.admin, points="80", evidence_link="https://example.vn/cds")
    submit_assessment(Assessment.objects.get(pk=digital.pk), by=cast.admin)
    thrift_before = Assessment.objects.get(pk=thrift.pk)
    finalise_assessment(Assessment.objects.get(pk=digital.pk), by=cast.admin)
    digital.refresh_from_db()
    thrift.refresh_from_db()
    assert digital.status == Assessment.Status.FINAL and digital.total == Decimal(80)
    assert thrift.status == Assessment.Status.DRAFT
    assert (thrift.total, thrift.grade) == (thrift_before.total, thrift_before.grade)
    # The rankings and results of one movement hold only its assessments.
    assert {e.unit_id for e in board.entries(2026, movement=world.digital)} == {cast.regional.pk}
    thrift_units = {e.unit_id for e in board.entries(2026, movement=world.thrift)}
    assert thrift_units == {cast.regional.pk, cast.pc1.pk}
    assert unit_results(2026, world.digital)[cast.regional.pk].final
    assert not unit_results(2026, world.thrift)[cast.regional.pk].final
    assert cast.pc1.pk not in unit_results(2026, world.digital)
    client.force_login(cast.admin)
    page = client.get(f"/evaluation/?year=2026&movement={world.digital.pk}").content.decode()
    assert 'data-testid="ranking-movement"' in page
    assert f"/evaluation/assessment/{digital.pk}/" in page
    assert f"/evaluation/assessment/{thrift.pk}/" not in page and "PC-1" not in page
    page = client.get("/evaluation/?year=2026").content.decode()  # the oldest movement
    assert f"/evaluation/assessment/{thrift.pk}/" in page and 'data-unit="PC-1"' in page
    assert f"/evaluation/assessment/{digital.pk}/" not in page
    # The unit page shows the chosen movement's assessment.
    url = f"/evaluation/unit/{cast.regional.pk}/?year=2026"
    assert f"/evaluation/assessment/{thrift.pk}/" in client.get(url).content.decode()
    chosen = client.get(f"{url}&movement={world.digital.pk}").content.decode()
    assert f"/evaluation/assessment/{digital.pk}/" in chosen
    assert f"/evaluation/assessment/{thrift.pk}/" not in chosen


def test_the_migration_gives_each_assessment_its_movement(world: World) -> None:
    fill = importlib.import_module("thidua.evaluation.migrations.0004_assessment_movement")
    cast = world.rc.cast
    national = Rubric.objects.get(code="tt129-direct-2018")
    national.movement = None  # a rubric no movement owns: the unit's oldest movement
    national.save()
    digital = Assessment.objects.create(unit=cast.regional, year=2026, rubric=world.rubric)
    thrift = Assessment.objects.create(unit=cast.pc1, year=2026, rubric=national)
    before = Assessment.objects.create(unit=cast.pc1, year=2019, rubric=national)
    fill.fill_movement(apps, None)
    for a in (digital, thrift, before):
        a.refresh_from_db()
    assert (digital.movement, thrift.movement, before.movement) == (
        world.digital,
        world.thrift,
        None,  # no movement ran in 2019
    )
