"""Approved THTK-CLP figures per unit and year, read in bulk through the reporting roll-ups'
public query (the unit's subtree as it was at each quarter's end, approved and accepted reports
only). Nothing is typed twice: scores and target progress read these; evaluation never reads the
Rollup table itself."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from thidua.reporting import rollups
from thidua.reporting.expressions import Values
from thidua.reporting.models import Indicator, Period

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
    return rollups.with_inputs(list(Indicator.objects.filter(code__in=set(codes))))


def quarters_of(year: int, *, upto: int = QUARTERS) -> list[Period]:
    return list(
        Period.objects.filter(year=year, kind=Period.Kind.QUARTER, number__lte=upto).order_by(
            "number"
        )
    )


def year_figures(
    year: int,
    indicators: list[Indicator],
    unit_ids: Collection[int] | None = None,
    *,
    upto: int = QUARTERS,
) -> dict[int, YearFigures]:
    """Figures of the year's quarters (up to quarter `upto`) for every unit with approved data,
    or for the given units, read through reporting.rollups.query_units (which first brings the
    roll-ups in line with recorded reorganisations); derived indicators computed from the
    combined inputs."""
    periods = quarters_of(year, upto=upto)
    number = {p.pk: p.number for p in periods}
    found = rollups.query_units(periods, indicators, unit_ids)
    return {
        unit: YearFigures(result.values, {number[pk] for pk in result.covered})
        for unit, result in found.items()
    }


def with_extra(values: Values, extra: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
    merged = dict(values)
    merged.update(extra)
    return merged
