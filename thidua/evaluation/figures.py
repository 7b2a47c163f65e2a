"""Approved THTK-CLP figures per unit and year, read in bulk from the reporting roll-ups (the
unit's subtree as it was at each quarter's end, approved and accepted reports only). Nothing is
typed twice: scores and target progress read these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from thidua.reporting.expressions import Values, compile_expression, dependency_order, evaluate
from thidua.reporting.models import Indicator, Period, Rollup
from thidua.reporting.rollups import with_inputs

ZERO = Decimal(0)
QUARTERS = 4


@dataclass
class YearFigures:
    """One unit's figures for a year: by indicator code, and how many quarters are in."""

    values: dict[str, Decimal | None] = field(default_factory=dict)
    quarters: set[int] = field(default_factory=set)

    @property
    def complete(self) -> bool:
        return len(self.quarters) >= QUARTERS


def indicators_for(codes: Iterable[str]) -> list[Indicator]:
    """The indicators with these codes (unknown codes are skipped) and their formulas' inputs."""
    return with_inputs(list(Indicator.objects.filter(code__in=set(codes))))


def quarters_of(year: int, *, upto: int = QUARTERS) -> list[Period]:
    return list(
        Period.objects.filter(year=year, kind=Period.Kind.QUARTER, number__lte=upto).order_by(
            "number"
        )
    )


def _combine(ind: Indicator, cells: dict[int, tuple[Decimal, Decimal, Decimal]]) -> Decimal:
    if ind.aggregation == Indicator.Aggregation.LAST:
        return cells[max(cells)][0]
    if ind.aggregation == Indicator.Aggregation.WEIGHTED_AVERAGE:
        weight = sum((c[2] for c in cells.values()), ZERO)
        return sum((c[1] for c in cells.values()), ZERO) / weight if weight else ZERO
    return sum((c[0] for c in cells.values()), ZERO)


def year_figures(
    year: int,
    indicators: list[Indicator],
    unit_ids: Collection[int] | None = None,
    *,
    upto: int = QUARTERS,
) -> dict[int, YearFigures]:
    """Figures of the year's quarters (up to quarter `upto`) for every unit with approved data,
    or for the given units; derived indicators computed from the combined inputs. One query."""
    periods = {p.pk: p.number for p in quarters_of(year, upto=upto)}
    typed = {i.pk: i for i in indicators if not i.formula}
    rows = Rollup.objects.filter(
        period_id__in=list(periods), indicator_id__in=list(typed), reports__gt=0
    )
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    cells: dict[int, dict[int, dict[int, tuple[Decimal, Decimal, Decimal]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    out: dict[int, YearFigures] = defaultdict(YearFigures)
    averaged = any(i.aggregation == Indicator.Aggregation.WEIGHTED_AVERAGE for i in typed.values())
    columns = ["unit_id", "period_id", "indicator_id", "total"]
    # the weighted columns cost a decimal conversion each: read them only when needed
    for unit, period, indicator, total, *weighted in rows.values_list(
        *columns, *(["weighted", "weight"] if averaged else [])
    ):
        w, wt = weighted if weighted else (ZERO, ZERO)
        cells[unit][indicator][periods[period]] = (total, w, wt)
        out[unit].quarters.add(periods[period])
    formulas = {i.code: compile_expression(i.formula) for i in indicators if i.formula}
    order = dependency_order(formulas)
    for unit, by_indicator in cells.items():
        values: dict[str, Decimal | None] = {i.code: None for i in typed.values()}
        for pk, quarter_cells in by_indicator.items():
            values[typed[pk].code] = _combine(typed[pk], quarter_cells)
        for code in order:
            values[code] = evaluate(formulas[code], values)
        out[unit].values = values
    return dict(out)


def with_extra(values: Values, extra: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
    merged = dict(values)
    merged.update(extra)
    return merged
