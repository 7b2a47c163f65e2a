"""The phase-review forms' figure rows: prefilled from the unit's own approved periodic reports
with the dashboard's numbers, consolidated by the ordinary roll-ups, shown in the review
document beside the computed figures."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from thidua.audit.models import AuditEvent
from thidua.dashboards import series
from thidua.lib.numbers import format_vn_exact
from thidua.lib.packs import PACKS_DIR as PACKS
from thidua.movements.models import Movement
from thidua.reporting import actions, prefill, rollups
from thidua.reporting.catalogue import _load_form
from thidua.reporting.checks import form_indicators, typed_values, with_derived
from thidua.reporting.models import DataValue, Indicator, Period, Report, ReportForm
from thidua.reporting.testing import ReportingCast

from .test_dashboard import TODAY, approved, choice
from .test_dashboard import data as data  # the fixture
from .test_review import _generate
from .test_review import media as media  # the fixture

pytestmark = pytest.mark.django_db
YEARS = [2024, 2025]


def pack_review_form(rc: ReportingCast, movement: Movement) -> ReportForm:
    """The KSND pack's phase-1 review form as the pack ships it (figure rows with their
    prefill, narrative parts), moved onto the cast's phase 1 (2024–2025) and levels."""
    spec = next(
        f
        for f in json.loads((PACKS / "ksnd" / "forms.json").read_text(encoding="utf-8"))["forms"]
        if f["code"] == "ksnd-so-ket-gd1"
    )
    form = _load_form(spec, {i.code: i for i in Indicator.objects.all()})
    form.levels.set(rc.cast.levels.values())
    form.movement = movement
    form.save()
    movement.dashboard = {
        **movement.dashboard,
        "review_forms": [form.code],
        "review_parts": {"lessons": "bai-hoc", "recommendations": "kien-nghi"},
    }
    movement.save()
    return form


@pytest.fixture
def figures(data: ReportingCast) -> ReportingCast:
    """Cà Mau (pc) and its district C1 report their own quarters in both years of the phase."""
    approved(data, "pc1", 2024, 1, EST_RECURRENT="400", SETTLE_RECURRENT="380", SAV_CONF="7,5")
    approved(data, "pc1", 2025, 2, EST_RECURRENT="300", SETTLE_RECURRENT="270", SAV_CONF="3")
    approved(data, "pc1", 2025, 3, EST_RECURRENT="100", SETTLE_RECURRENT="95", SAV_CONF="1,25")
    approved(data, "pc", 2024, 1, EST_RECURRENT="900", SETTLE_RECURRENT="850", SAV_CONF="20")
    approved(data, "pc", 2025, 2, EST_RECURRENT="800", SETTLE_RECURRENT="700", SAV_CONF="10")
    return data


def _open(rc: ReportingCast, unit_code: str, form: ReportForm) -> Report:
    period = Period.objects.get(kind="year", year=2025)
    return actions.open_report(getattr(rc.cast, unit_code), form, period, by=rc.cast.reporter)


def _values(report: Report) -> dict[str, Decimal | None]:
    return with_derived(typed_values(report)[0], form_indicators(report))


def test_the_pack_forms_carry_phase_figures_of_the_key_indicators() -> None:
    for name in ["ksnd", "province"]:
        movement = json.loads((PACKS / name / "movement.json").read_text(encoding="utf-8"))
        forms = json.loads((PACKS / name / "forms.json").read_text(encoding="utf-8"))["forms"]
        catalogue = json.loads((PACKS / name / "catalogue.json").read_text(encoding="utf-8"))
        by_code = {i["code"]: i for i in catalogue["indicators"]}
        keys = movement["dashboard"]
        for form in (f for f in forms if f["code"] in keys["review_forms"]):
            rows = [r for s in form["sections"] for r in s["rows"]]
            codes = {r if isinstance(r, str) else r["code"] for r in rows}
            # every key indicator has its phase figure on the form
            for key in [
                keys["savings"],
                keys["saving_rate"],
                keys["disbursement"],
                *keys["shares"],
            ]:
                assert f"PH_{key}" in codes
            for r in rows:
                if isinstance(r, str):  # a rate: computed from the phase figures of its parts
                    assert "PH_" in by_code[r]["formula"]
                else:
                    assert r["prefill"]["from"] in by_code and not by_code[r["code"]]["formula"]
                    expected = "total" if r["prefill"]["from"] == keys["savings"] else "end"
                    assert r["prefill"]["phase"] == expected


def test_opening_a_review_prefills_the_dashboards_figures(figures: ReportingCast) -> None:
    """A leaf unit's prefilled figures are the dashboard's for the unit and phase: the phase's
    total of the savings, the last year's estimate, settlement and savings rate."""
    form = pack_review_form(figures, Movement.objects.get(code="thtk"))
    report = _open(figures, "pc1", form)
    dash = series.year_figures(choice(figures, "pc1", YEARS, None))
    assert [f.year for f in dash] == YEARS
    values = _values(report)
    total = sum((f.total["SAV_TOTAL"] or Decimal(0) for f in dash), Decimal(0))
    assert values["PH_SAV_TOTAL"] == total == Decimal("11.75")
    assert values["PH_EST_RECURRENT"] == dash[-1].total["EST_RECURRENT"] == Decimal(400)
    assert values["PH_SETTLE_RECURRENT"] == dash[-1].total["SETTLE_RECURRENT"]
    assert values["PH_SAVING_RATE_RECURRENT"] == dash[-1].total["SAVING_RATE_RECURRENT"]
    assert values.get("PH_INV_PLAN") is None  # nothing reported: nothing prefilled
    assert DataValue.objects.filter(report=report, version=1, updated_by=None).count() == 3
    event = AuditEvent.objects.filter(action="reporting.value.prefill", object_id=str(report.pk))
    assert event.count() == 1
    # opened again: the unit's own corrections are kept
    cell = DataValue.objects.get(report=report, indicator__code="PH_SAV_TOTAL")
    actions.save_value(
        report,
        cell.indicator,
        "12",
        by=figures.cast.reporter,
        expected_version=1,
        comment="Bổ sung tiết kiệm điện quý IV",
    )
    # a periodic report approved since: opened again, the untouched figures follow it, the
    # unit's own correction is kept
    approved(figures, "pc1", 2025, 4, EST_RECURRENT="50", SETTLE_RECURRENT="50", SAV_CONF="2")
    _open(figures, "pc1", form)
    again = _values(report)
    assert again["PH_SAV_TOTAL"] == Decimal(12)
    assert again["PH_EST_RECURRENT"] == Decimal(450)


def test_the_level_above_consolidates_the_review_figures(
    client: Client, figures: ReportingCast
) -> None:
    """Cà Mau's own review plus its district's, approved, roll up to Cà Mau's subtree figures
    on the dashboard (the province's own figures are only its own reports')."""
    form = pack_review_form(figures, Movement.objects.get(code="thtk"))
    district = _open(figures, "pc1", form)
    province = _open(figures, "pc", form)
    assert _values(province)["PH_SAV_TOTAL"] == Decimal(30)  # its own 20 + 10, not C1's
    actions.submit_report(district, by=figures.head)
    # the province's page shows its district's sent figures, to consolidate
    client.force_login(figures.top_reviewer)
    html = client.get(reverse("reporting:report", args=[province.pk])).content.decode()
    table = html[html.index('data-testid="figures-below"') :]
    table = table[: table.index("</table>")]
    assert figures.cast.pc1.name in table and "11,75" in table
    # an entered figure reads as in the unit's own grid (450, not 450,00)
    entered = _values(district)["PH_EST_RECURRENT"]
    assert entered is not None and f">{format_vn_exact(entered)}<" in table
    assert f">{format_vn_exact(entered)},00<" not in table
    actions.approve_report(district, by=figures.top_reviewer)
    actions.submit_report(province, by=figures.head)
    actions.approve_report(province, by=figures.top_reviewer)
    year = Period.objects.get(kind="year", year=2025)
    wanted = list(Indicator.objects.filter(code__in=["PH_SAV_TOTAL", "PH_SAVING_RATE_RECURRENT"]))
    rolled = rollups.query(figures.cast.pc.pk, [year], wanted).values
    dash = series.year_figures(choice(figures, "pc", YEARS, None))
    total = sum((f.total["SAV_TOTAL"] or Decimal(0) for f in dash), Decimal(0))
    assert rolled["PH_SAV_TOTAL"] == total == Decimal("41.75")
    assert rolled["PH_SAVING_RATE_RECURRENT"] == dash[-1].total["SAVING_RATE_RECURRENT"]
    # the periodic year figures are not counted twice: the review rows are indicators of their own
    again = series.year_figures(choice(figures, "pc", YEARS, None))
    assert again[-1].total["SAV_TOTAL"] == dash[-1].total["SAV_TOTAL"]


def test_the_review_page_shows_the_prefilled_figures(
    client: Client, figures: ReportingCast
) -> None:
    form = pack_review_form(figures, Movement.objects.get(code="thtk"))
    report = _open(figures, "pc1", form)
    client.force_login(figures.top_reviewer)
    html = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert 'data-testid="prefill-PH_SAV_TOTAL"' in html
    assert "11,75" in html and "2024–2025" in html
    assert 'data-testid="prefill-differs"' not in html
    assert 'data-testid="prefill-PH_INV_PLAN"' in html  # nothing to prefill: said so
    # one review per phase: no previous period, so no empty history columns
    assert "entry-before" not in html and "Kỳ trước" not in html and 'colspan="5"' in html
    periodic = Report.objects.filter(unit=figures.cast.pc1, period__year=2025, period__number=3)
    html = client.get(reverse("reporting:report", args=[periodic.get().pk])).content.decode()
    assert "entry-before" in html and 'colspan="7"' in html  # Q2/2025 beside Q3
    cell = DataValue.objects.get(report=report, indicator__code="PH_SAV_TOTAL")
    actions.save_value(report, cell.indicator, "12", by=figures.cast.reporter, expected_version=1)
    html = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert 'data-testid="prefill-differs"' in html
    assert "ghi rõ lý do ở cột ghi chú" in html  # a corrected figure without its reason
    actions.save_value(
        report, cell.indicator, "12", by=figures.cast.reporter, expected_version=2, comment="x"
    )
    html = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert 'data-testid="prefill-differs"' in html
    assert "lý do ở cột ghi chú" in html and "ghi rõ lý do" not in html  # the reason is given


def test_the_review_document_shows_the_units_figures_beside_the_computed(
    client: Client, figures: ReportingCast, media: Any
) -> None:
    form = pack_review_form(figures, Movement.objects.get(code="thtk"))
    c = figures.cast
    for unit in ["pa", "pc"]:  # the root's children that fill the review
        report = _open(figures, unit, form)
        part = form.narrative_parts.get(code="bai-hoc")
        actions.save_narrative(
            report, part.pk, f"Bài học của {unit}.", by=c.reporter, expected_version=0
        )
    district = _open(figures, "pc1", form)
    actions.submit_report(district, by=figures.head)
    actions.approve_report(district, by=figures.top_reviewer)
    pc = Report.objects.get(unit=c.pc, form=form)
    cell = DataValue.objects.get(report=pc, indicator__code="PH_SAV_TOTAL")
    actions.save_value(
        pc,
        cell.indicator,
        "31",
        by=c.reporter,
        expected_version=1,
        comment="Kể cả khoản tiết kiệm chưa báo cáo quý",
    )
    actions.submit_report(pc, by=figures.head)
    actions.approve_report(pc, by=figures.top_reviewer)
    location = _generate(client, figures)
    word = Document(io.BytesIO(client.get(location + "docx/").content))
    cells = [[x.text for x in row.cells] for t in word.tables for row in t.rows]
    header = ["Đơn vị", "Chỉ tiêu", "Đơn vị báo cáo", "Tính từ báo cáo định kỳ", "Ghi chú"]
    assert header in cells
    saving = [r for r in cells if r[0] == c.pc.name and r[1].startswith("Tổng số tiền")]
    assert saving == [
        [
            c.pc.name,
            "Tổng số tiền tiết kiệm cả giai đoạn (triệu đồng)",
            "31,00",
            "30,00",
            "Khác số liệu tính được (+1,00): Kể cả khoản tiết kiệm chưa báo cáo quý",
        ]
    ]
    estimate = [r for r in cells if r[0] == c.pc.name and r[1].startswith("Dự toán")]
    assert estimate[0][2:] == ["800,00", "800,00", ""]
    assert not [r for r in cells if r[0] == c.pa.name]  # not approved: left out


def test_a_corrected_figure_cannot_be_sent_without_its_reason(figures: ReportingCast) -> None:
    """Changing a prefilled figure without a comment is a blocking finding beside the cell
    (in Vietnamese, with the computed figure); the comment lifts it, and a figure a person
    retyped equal to the computed one needs none."""
    from django.core.exceptions import ValidationError

    from thidua.reporting.checks import findings_for
    from thidua.reporting.prefill import CORRECTED

    form = pack_review_form(figures, Movement.objects.get(code="thtk"))
    report = _open(figures, "pc1", form)
    cell = DataValue.objects.get(report=report, indicator__code="PH_SAV_TOTAL")
    by = figures.cast.reporter
    actions.save_value(report, cell.indicator, "11,75", by=by, expected_version=1)
    assert not [f for f in findings_for(report) if f.rule == CORRECTED]
    result = actions.save_value(report, cell.indicator, "12", by=by, expected_version=2)
    [finding] = [f for f in result.findings if f.rule == CORRECTED]
    assert finding.indicators == ("PH_SAV_TOTAL",) and finding.severity == "blocking"
    assert "khác số tính từ các báo cáo đã duyệt (11,75)" in finding.message
    english = [f for f in findings_for(report, language="en") if f.rule == CORRECTED]
    assert "differs from the one computed from the approved reports (11,75)" in english[0].message
    with pytest.raises(ValidationError, match="ghi rõ lý do"):
        actions.submit_report(report, by=figures.head)
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT
    actions.save_value(
        report, cell.indicator, "12", by=by, expected_version=3, comment="Thêm quý IV"
    )
    assert not [f for f in findings_for(report) if f.rule == CORRECTED]
    actions.submit_report(report, by=figures.head)


def test_an_approval_brings_the_open_review_up_to_date(figures: ReportingCast) -> None:
    """A quarter approved (or reopened) while the unit writes its review: the review's
    untouched prefilled figures follow at once, without reopening it; a figure the unit
    saved stays."""
    form = pack_review_form(figures, Movement.objects.get(code="thtk"))
    report = _open(figures, "pc1", form)
    cell = DataValue.objects.get(report=report, indicator__code="PH_EST_RECURRENT")
    actions.save_value(report, cell.indicator, "401", by=figures.cast.reporter, expected_version=1)
    assert _values(report)["PH_SAV_TOTAL"] == Decimal("11.75")
    q4 = approved(figures, "pc1", 2025, 4, EST_RECURRENT="50", SETTLE_RECURRENT="50", SAV_CONF="2")
    assert _values(report)["PH_SAV_TOTAL"] == Decimal("13.75")
    assert _values(report)["PH_EST_RECURRENT"] == Decimal(401)  # the unit's own figure
    actions.return_report(q4, by=figures.cast.reviewer, reason="Sai số liệu quý IV")
    assert _values(report)["PH_SAV_TOTAL"] == Decimal("11.75")
    events = AuditEvent.objects.filter(action="reporting.value.prefill", object_id=str(report.pk))
    assert events.count() == 3  # opened, the approval, the return


def test_a_unit_formed_by_the_merger_reviews_with_its_predecessors_figures(
    data: ReportingCast,
) -> None:
    """The regional unit opened on 01/07/2025 reviews 2024–2025 with the own reports of the
    three districts merged into it (as the dashboard counts it on today's structure); the
    province that absorbed another counts that province's own reports."""
    c = data.cast
    assert rollups.own_work_of(c.regional.pk, dt.date(2025, 12, 31)) == {
        c.regional.pk: 1,
        c.pa1.pk: 1,
        c.pa2.pk: 1,
        c.pb1.pk: 1,
    }
    assert rollups.own_work_of(c.pa.pk, dt.date(2025, 12, 31)) == {c.pa.pk: 1, c.pb.pk: 1}
    assert rollups.own_work_of(c.pa1.pk, dt.date(2024, 12, 31)) == {c.pa1.pk: 1}
    form = pack_review_form(data, Movement.objects.get(code="thtk"))
    report = _open(data, "regional", form)
    values = _values(report)
    dash = series.year_figures(choice(data, "regional", YEARS, TODAY))
    total = sum((f.total["SAV_TOTAL"] or Decimal(0) for f in dash), Decimal(0))
    assert values["PH_SAV_TOTAL"] == total == Decimal("46.5")  # 12,5 + 30 + 4
    # the last year's stock: the districts' 2025 figure (Q1 of PA-2), as the dashboard's
    assert values["PH_EST_RECURRENT"] == dash[-1].total["EST_RECURRENT"] == Decimal(500)
    found = prefill.compute(report)
    assert found["PH_SAV_TOTAL"].reports == 3  # the districts' three approved quarters
