"""Phase review reports (báo cáo sơ kết / tổng kết) as plain data, built from the dashboard's
own series so that a review's figures equal the dashboard's for the same unit and phase.

The document is written in Vietnamese (as the council's documents are): it is an official
document of a Vietnamese body. `review_docs.py` turns it into an OfficialDocument with charts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from thidua.evaluation.models import Target
from thidua.lib.documents import in_full
from thidua.lib.numbers import format_vn_number
from thidua.movements.models import ContentArea, Movement, Phase
from thidua.org import tree
from thidua.reporting import prefill
from thidua.reporting.checks import form_indicators, typed_values, with_derived
from thidua.reporting.models import Indicator, Period, Report, ReportForm

from . import charts, series
from .charts import Chart
from .series import Choice, YearFigures

Progress = Callable[[int, int, str], None]


@dataclass
class AreaFigures:
    """One content area: its indicators' figures by year, and the change over the phase."""

    number: int
    title: str
    rows: list[tuple[Indicator, list[Decimal | None]]] = field(default_factory=list)
    targets: dict[int, str] = field(default_factory=dict)
    """The unit's own programme target of an indicator (the phase's latest), as text."""


@dataclass
class ReviewData:
    choice: Choice
    movement: Movement
    phase: Phase
    unit_name: str
    years: list[int]
    areas: list[AreaFigures]
    charts: list[Chart]
    best: list[tuple[str, Decimal]]
    improved: list[tuple[str, Decimal]]
    missed: list[tuple[str, str]]
    awards: series.Awards
    approved_reports: int
    pending_reports: list[tuple[str, str, str]]
    """Reports of the phase in the subtree not yet approved: unit, period, status."""
    findings: series.Findings | None = None
    contributions: list[Contribution] = field(default_factory=list)
    """The unit's own review report and its children's (the phase-review form), in order."""


@dataclass
class Contribution:
    """One unit's phase-review report (its narrative by part code), approved or not yet."""

    unit_name: str
    own: bool
    status: str
    approved: bool
    parts: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Part code → (the part's name, the text)."""
    figures: list[ContributionFigure] = field(default_factory=list)
    """The review form's figure rows: what the unit reported beside what its approved
    periodic reports give (the prefill, `reporting.prefill`)."""


@dataclass
class ContributionFigure:
    """One figure row of a unit's review report."""

    indicator: Indicator
    value: Decimal | None
    computed: Decimal | None
    comment: str = ""

    @property
    def differs(self) -> bool:
        return self.value != self.computed and not (self.value is None or self.computed is None)


REVIEW_SECTIONS = ("lessons", "recommendations")
"""The sections of the review document that take the units' contributions; the movement's
`dashboard.review_parts` (pack data) names the form's narrative part feeding each."""


def review_forms(movement: Movement) -> list[ReportForm]:
    """The movement's phase-review forms (pack data: `dashboard.review_forms`)."""
    codes = movement.dashboard.get("review_forms") or []
    return list(ReportForm.objects.filter(code__in=codes, movement=movement))


def review_parts(movement: Movement) -> dict[str, str]:
    """Section of the document → the narrative part code that feeds it."""
    found = movement.dashboard.get("review_parts") or {}
    return {k: v for k, v in found.items() if k in REVIEW_SECTIONS and isinstance(v, str)}


def _contributions(choice: Choice, movement: Movement, phase: Phase) -> list[Contribution]:
    """The units' phase-review reports for the phase's review year: the unit's own first, then
    each child's (a child without one is listed as not yet sent)."""
    forms = review_forms(movement)
    period = Period.objects.filter(kind=Period.Kind.YEAR, year=phase.review_year).first()
    if not forms or period is None:
        return []
    units = [choice.unit.pk, *choice.child_ids]
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(form__in=forms, period=period, unit_id__in=units)
        .select_related("form")
        .prefetch_related("narratives__part")
    }
    out = []
    for unit_id in units:
        name = in_full(choice.names.get(unit_id, ""))
        report = reports.get(unit_id)
        if report is None:
            if unit_id != choice.unit.pk:
                out.append(Contribution(name, False, "Chưa gửi", False))
            continue
        approved = report.status in Report.LOCKED
        parts = {
            n.part.code: (n.part.name, n.text.strip())
            for n in sorted(report.narratives.all(), key=lambda n: n.part.order)
            if n.text.strip()
        }
        status = str(report.get_status_display())
        out.append(
            Contribution(name, unit_id == choice.unit.pk, status, approved, parts, _figures(report))
        )
    return out


def _figures(report: Report) -> list[ContributionFigure]:
    """The figure rows of a review report (typed and derived), each beside the figure its
    unit's approved periodic reports give (derived rows: computed from those)."""
    indicators = form_indicators(report)
    if not indicators:
        return []
    typed, comments = typed_values(report)
    found = prefill.compute(report)
    values = with_derived(typed, indicators)
    computed = with_derived({code: p.value for code, p in found.items()}, indicators)
    return [
        ContributionFigure(i, values.get(i.code), computed.get(i.code), comments.get(i.code, ""))
        for i in indicators
    ]


def _targets(unit_id: int, years: list[int]) -> dict[int, str]:
    """Per indicator, the unit's latest programme target in the phase ("2025: ≥ 95")."""
    out: dict[int, str] = {}
    rows = Target.objects.filter(programme__unit_id=unit_id, programme__year__in=years)
    for t in rows.select_related("programme").order_by("programme__year"):
        value = format_vn_number(t.value, 0 if t.value == t.value.to_integral_value() else 2)
        suffix = "% so với năm trước" if t.kind == Target.Kind.PERCENT_CHANGE else ""
        out[t.indicator_id] = f"{t.programme.year}: {t.get_comparator_display()} {value}{suffix}"
    return out


def _areas(movement: Movement, figures: list[YearFigures], unit_id: int) -> list[AreaFigures]:
    """Per content area of the movement (a real relation: Indicator.area), the indicators that
    have a figure in some year of the phase."""
    out = []
    areas = list(ContentArea.objects.filter(movement=movement).order_by("number"))
    targets = _targets(unit_id, [f.year for f in figures])
    for area in areas:
        block = AreaFigures(area.number, area.display_title, targets=targets)
        for ind in Indicator.objects.filter(area=area).order_by("group__order", "order", "pk"):
            values = [f.total.get(ind.code) for f in figures]
            if any(v is not None for v in values):
                block.rows.append((ind, values))
        out.append(block)
    return out


def _leaders(
    rows: list[series.ScoreRow], names: dict[int, str], years: list[int]
) -> tuple[list[tuple[str, Decimal]], list[tuple[str, Decimal]]]:
    """The best units (highest mean score over the phase) and the most improved (largest
    rise from their first scored year to their last), three each."""
    means, rises = [], []
    for row in rows:
        scored = [(y, s) for y in years if (s := row.scores.get(y)) is not None]
        if not scored:
            continue
        mean = (sum((s for _y, s in scored), Decimal(0)) / len(scored)).quantize(Decimal("0.01"))
        means.append((names.get(row.unit_id, ""), mean))
        if len(scored) > 1:
            rises.append((names.get(row.unit_id, ""), scored[-1][1] - scored[0][1]))
    means.sort(key=lambda t: -t[1])
    rises.sort(key=lambda t: -t[1])
    return means[:3], [r for r in rises if r[1] > 0][:3]


def _missed(choice: Choice, figures: list[YearFigures]) -> list[tuple[str, str]]:
    """Children whose savings rate fell below zero, who never reported in a year of the phase
    (a commitment to report and to save) or who missed a target of their programme: one row
    per unit in the children's order, naming each shortfall once with its years ("Chưa đạt
    mục tiêu “…” các năm 2022, 2023")."""
    found: dict[int, dict[str, list[int]]] = {}

    def note(child: int, what: str, year: int) -> None:
        years = found.setdefault(child, {}).setdefault(what, [])
        if year not in years:
            years.append(year)

    for child in choice.child_ids:
        for f in figures:
            values = f.children.get(child, {})
            rate = values.get(choice.keys.saving_rate) if choice.keys.saving_rate else None
            if all(v is None for v in values.values()):
                note(child, "Không có số liệu được duyệt", f.year)
            elif rate is not None and rate < 0:
                note(child, "Chi vượt dự toán", f.year)
    missed = Target.objects.filter(
        programme__unit_id__in=choice.child_ids, programme__year__in=choice.years, status="missed"
    ).select_related("programme", "indicator")
    for t in missed.order_by("programme__year", "pk"):
        note(t.programme.unit_id, f"Chưa đạt mục tiêu “{t.indicator.name}”", t.programme.year)
    out = []
    for child in choice.child_ids:
        if child not in found:
            continue
        parts = []
        for what, years in found[child].items():
            listed = ", ".join(str(y) for y in sorted(years))
            parts.append(f"{what} {'các năm' if len(years) > 1 else 'năm'} {listed}")
        out.append((in_full(choice.names.get(child, "")), "; ".join(parts) + "."))
    return out


def _reports(choice: Choice, movement: Movement) -> tuple[int, list[tuple[str, str, str]]]:
    """Figure reports of the phase in the subtree: how many approved, those not yet (the units'
    own phase-review reports are left out: they carry no figures)."""
    periods = Period.objects.filter(year__in=choice.years)
    days = {dt.date(y, 12, 31) for y in choice.years} | {dt.date(y, 1, 1) for y in choice.years}
    if choice.mapped_to:
        days.add(choice.mapped_to)
    below: set[int] = set()
    for day in days:  # the units below at some point of the phase (merged ones included)
        below.update(tree.subtree_ids(choice.unit.pk, day))
    rows = (
        Report.objects.filter(period__in=periods, unit_id__in=below)
        .exclude(form__in=review_forms(movement))
        .select_related("unit", "period")
    )
    approved = rows.filter(status__in=list(Report.LOCKED)).count()
    pending = [
        (in_full(r.unit.name), r.period.label, str(r.get_status_display()))
        for r in rows.exclude(status__in=list(Report.LOCKED)).order_by("period__start")[:50]
    ]
    return approved, pending


def build(choice: Choice, movement: Movement, phase: Phase, progress: Progress) -> ReviewData:
    """Every figure of the review for the unit and phase, reporting progress by step."""
    steps = 5
    progress(0, steps, "figures")
    figures = series.year_figures(choice)
    progress(1, steps, "charts")
    built = charts.build(choice)
    progress(2, steps, "scores")
    full = {pk: in_full(name) for pk, name in choice.names.items()}
    best, improved = _leaders(series.scores(choice), full, choice.years)
    progress(3, steps, "awards")
    awards = series.awards(choice)
    approved, pending = _reports(choice, movement)
    found = series.findings(choice)
    contributions = _contributions(choice, movement, phase)
    progress(4, steps, "document")
    return ReviewData(
        choice=choice,
        movement=movement,
        phase=phase,
        unit_name=in_full(choice.names.get(choice.unit.pk, choice.unit.name)),
        years=[f.year for f in figures] or choice.years,
        areas=_areas(movement, figures, choice.unit.pk),
        charts=[c for c in built if not c.empty],
        best=best,
        improved=improved,
        missed=_missed(choice, figures),
        awards=awards,
        approved_reports=approved,
        pending_reports=pending,
        findings=None if found.empty else found,
        contributions=contributions,
    )
