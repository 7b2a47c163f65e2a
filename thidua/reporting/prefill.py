"""Rows of a form prefilled from the unit's approved periodic reports (the phase-review forms'
figures). A row's `prefill` (form data: {"from": CODE, "phase": "total" | "end"}) names the
indicator it is computed from and how the phase's years combine: the phase's total (a flow,
money saved) or the figure of the phase's last year (a stock, or the parts of a rate, so that
a rate computed from them is the end-of-phase rate).

A year's figure is what the dashboard and the roll-up page show for that year (the four
quarters, and the annual report for the indicators only it carries: `exports.rollup_table`),
taken over the unit's *own* reports: the level above rolls the units' review figures up the
tree like any other report, so a province's consolidated figures equal its subtree's. A unit
formed by a merger during the phase counts, besides its own, the own reports of the units
merged into it (with their shares, `rollups.own_work_of`): a regional unit of July 2025
reviews 2022–2025 with its districts' figures, as the dashboard shows it on today's structure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from thidua.audit.chain import record
from thidua.movements.models import Phase
from thidua.org import tree

from . import rollups
from .checks import form_indicators, typed_values, with_derived
from .exports import _annual_only, _merge
from .models import DataValue, FormRow, Indicator, Period, Report
from .validation import Finding, fill


@dataclass(frozen=True)
class Prefill:
    """The figure computed for one prefilled row, and where it came from."""

    indicator: Indicator
    source: Indicator
    phase: str
    value: Decimal | None
    years: tuple[int, ...]
    """The years whose figures were used: those of the phase with one for a total, the
    phase's last year otherwise."""
    reports: int
    """The unit's approved periodic reports of those years."""

    @property
    def span(self) -> str:
        if not self.years:
            return ""
        first, last = self.years[0], self.years[-1]
        return str(first) if first == last else f"{first}–{last}"


def phase_of(report: Report) -> Phase | None:
    """The phase a review report covers: the phase of the form's movement reviewed in the
    report's year, else the one the year falls in."""
    movement_id = report.form.movement_id
    if movement_id is None:
        return None
    phases = Phase.objects.filter(movement_id=movement_id)
    year = report.period.year
    return (
        phases.filter(review_year=year).first()
        or phases.filter(start_year__lte=year, end_year__gte=year).first()
    )


def own_year_figures(
    unit_id: int,
    year: int,
    indicators: list[Indicator],
    shares: dict[int, Decimal] | None = None,
) -> dict[str, Decimal | None]:
    """The unit's own approved figures of a calendar year, as the dashboard computes a year:
    the four quarters, and the annual report for the indicators only it carries. `shares`
    (`rollups.own_work_of`) adds the own reports of the units merged into it."""
    quarters = list(Period.objects.filter(kind=Period.Kind.QUARTER, year=year).order_by("start"))
    if not quarters:
        return {}
    result = rollups.query_own(unit_id, quarters, indicators, shares=shares)
    annual = _annual_only(quarters, indicators)
    if annual is not None:
        year_period, only = annual
        yearly = rollups.query_own(unit_id, [year_period], only, shares=shares)
        _merge(result, yearly, {i.code for i in only})
    return result.values


def prefill_rows(report: Report) -> list[FormRow]:
    return list(
        FormRow.objects.filter(section__form_id=report.form_id)
        .exclude(prefill={})
        .select_related("indicator")
        .order_by("section__order", "order")
    )


def compute(report: Report, rows: list[FormRow] | None = None) -> dict[str, Prefill]:
    """Each prefilled row's figure (by the row's indicator code) for the report's unit and
    phase; empty when the form has no prefilled row or the phase is unknown."""
    rows = prefill_rows(report) if rows is None else rows
    phase = phase_of(report) if rows else None
    if phase is None:
        return {}
    sources = {
        i.code: i for i in Indicator.objects.filter(code__in=[r.prefill["from"] for r in rows])
    }
    years = list(range(phase.start_year, phase.end_year + 1))
    # a unit formed in a merger during the phase carries the merged units' own reports
    shares = rollups.own_work_of(report.unit_id, report.period.end)
    wanted = list(sources.values())
    by_year = {y: own_year_figures(report.unit_id, y, wanted, shares) for y in years}
    counted = Report.objects.filter(
        unit_id__in=list(shares), status__in=list(Report.LOCKED), period__year__in=years
    ).exclude(form__sections__rows__prefill__has_key="from")
    out = {}
    for row in rows:
        source = sources.get(row.prefill["from"])
        if source is None:
            continue
        known = [(y, v) for y in years if (v := by_year[y].get(source.code)) is not None]
        if row.prefill["phase"] == "total":
            used = [y for y, _v in known]
            value = sum((v for _y, v in known), Decimal(0)) if known else None
        else:  # the phase's last year, as the dashboard shows it (and as the level above sums)
            used = [years[-1]]
            value = by_year[years[-1]].get(source.code)
        if value is not None:
            value = value.quantize(Decimal(1).scaleb(-row.indicator.decimals))
        reports = (
            counted.filter(period__year__in=used).distinct().count() if value is not None else 0
        )
        out[row.indicator.code] = Prefill(
            row.indicator, source, row.prefill["phase"], value, tuple(used), reports
        )
    return out


def apply(report: Report, *, by: Any) -> int:
    """Store the computed figure in each prefilled row of an editable report that has no cell
    yet, and bring up to date a prefilled figure nobody has saved since (a periodic report
    approved meanwhile); a cell someone saved — typed, emptied or corrected — is kept. One
    audit event. Returns the number of cells written."""
    if not report.is_editable:
        return 0
    found = compute(report)
    if not found:
        return 0
    cells = {c.indicator.code: c for c in report.values.select_related("indicator")}
    written = {}
    for code, p in found.items():
        cell = cells.get(code)
        if cell is None:
            if p.value is None:
                continue
            DataValue.objects.create(report=report, indicator=p.indicator, value=p.value, version=1)
        elif untouched(cell) and cell.value != p.value:
            cell.value = p.value
            cell.version += 1
            cell.save(update_fields=["value", "version", "updated_at"])
        else:
            continue
        written[code] = None if p.value is None else str(p.value)
    if written:
        record(
            "reporting.value.prefill",
            by=by,
            object_type="reporting.report",
            object_id=report.pk,
            after={"values": written},
        )
    return len(written)


def refresh_reviews(changed: Report, *, by: Any) -> int:
    """After a periodic report of a unit is approved or reopened: bring up to date the
    prefilled figures of the unit's review reports still being written (`apply`: the cells
    nobody has saved). The unit sees the figures follow its approvals without reopening the
    review. Returns the number of cells written."""
    reviews = Report.objects.filter(
        unit_id=changed.unit_id,
        status__in=list(Report.EDITABLE),
        form__sections__rows__prefill__has_key="from",
        period__year__gte=changed.period.year,
    ).exclude(form_id=changed.form_id)
    return sum(apply(review, by=by) for review in reviews.distinct().select_related("form"))


def untouched(cell: DataValue) -> bool:
    """A prefilled cell nobody has saved since (a person's save records who, and a
    correction carries its note)."""
    return cell.updated_by_id is None and not cell.comment


def differs(prefill: Prefill, value: Decimal | None) -> bool:
    """Whether the figure in the report is not the computed one (a correction)."""
    return prefill.value is not None and value is not None and value != prefill.value


CORRECTED = "PREFILL_CORRECTED"
CORRECTED_VI = (
    "Số liệu này khác số tính từ các báo cáo đã duyệt ({right}): ghi rõ lý do sửa trong phần "
    "ghi chú trước khi gửi."
)
CORRECTED_EN = (
    "This figure differs from the one computed from the approved reports ({right}): give the "
    "reason for the correction in the comment before sending."
)


def corrections_without_note(
    report: Report, values: Mapping[str, Decimal | None], comments: Mapping[str, str], language: str
) -> list[Finding]:
    """A blocking finding for each prefilled figure a person changed from the computed one
    without saying why: the level above, and the phase report that quotes the figure, must
    see the reason. Nothing is computed unless such a cell exists."""
    rows = prefill_rows(report)
    if not rows:  # a periodic form: the usual case, one query
        return []
    saved = set(
        report.values.filter(
            indicator_id__in=[r.indicator_id for r in rows], updated_by__isnull=False
        ).values_list("indicator__code", flat=True)
    )
    unexplained = {c for c in saved if not (comments.get(c) or "").strip()}
    if not unexplained:
        return []
    template = CORRECTED_EN if language.startswith("en") else CORRECTED_VI
    out = []
    for code, p in compute(report, rows).items():
        value = values.get(code)
        if code in unexplained and differs(p, value):
            message = fill(template, value, p.value)
            out.append(Finding(CORRECTED, "blocking", message, (code,), value, p.value))
    return out


__all__ = [
    "CORRECTED",
    "Prefill",
    "apply",
    "compute",
    "corrections_without_note",
    "differs",
    "own_year_figures",
    "phase_of",
    "refresh_reviews",
]


@dataclass
class FiguresBelow:
    """The figure rows of the reports of the units directly below, submitted or approved (the
    consolidation a review report's page shows): one column per unit, and their total
    computed as the roll-ups do (typed figures summed, rates from the sums)."""

    units: list[tuple[str, str]]
    """Each unit's name and its report's status."""
    rows: list[tuple[Indicator, list[Decimal | None], Decimal | None]]


def figures_below(report: Report) -> FiguresBelow | None:
    """None for a form without prefilled rows, or when no unit below has sent its report."""
    if not prefill_rows(report):
        return None
    day = report.period.end
    children = tree.children_ids(report.unit_id, day)
    sent = list(
        Report.objects.filter(form=report.form, period=report.period, unit_id__in=children)
        .exclude(status__in=list(Report.EDITABLE))
        .order_by("unit__code")
    )
    if not sent:
        return None
    names = tree.names_at([r.unit_id for r in sent], day)
    indicators = form_indicators(report)
    typed = [typed_values(r)[0] for r in sent]
    values = [with_derived(t, indicators) for t in typed]
    summed: dict[str, Decimal | None] = {}
    for t in typed:
        for code, value in t.items():
            if value is not None:
                summed[code] = (summed.get(code) or Decimal(0)) + value
    total = with_derived(summed, indicators)
    return FiguresBelow(
        [(names.get(r.unit_id, ""), str(r.get_status_display())) for r in sent],
        [(i, [v.get(i.code) for v in values], total.get(i.code)) for i in indicators],
    )
