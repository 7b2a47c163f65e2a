"""Progress of programme targets from approved figures (never typed twice): live for a unit's
page, and in bulk for a year (cached on Target.status for the contract's targets_exceeded)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from thidua.reporting.models import Indicator

from . import wording
from .figures import QUARTERS, YearFigures, indicators_for, year_figures
from .models import Programme, Target
from .progress import Progress, target_progress


@dataclass(frozen=True)
class TargetRow:
    target: Target
    progress: Progress
    quarters: int
    """How many quarters of the year the figures cover."""

    @property
    def unit(self) -> str:
        """The indicator's unit of measure as shown beside a figure (none for a count)."""
        indicator = self.target.indicator
        return "" if indicator.unit == Indicator.Unit.COUNT else str(indicator.get_unit_display())

    def _figure(self, value: Decimal | None) -> str:
        return wording.figure_words(value, self.unit, max(self.target.indicator.decimals, 2))

    @property
    def target_text(self) -> str:
        t = self.target
        return wording.target_words(
            t.kind, t.comparator, t.value, self.unit, max(t.indicator.decimals, 2)
        )

    @property
    def actual_text(self) -> str:
        return self._figure(self.progress.actual)

    @property
    def baseline_text(self) -> str:
        return self._figure(self.progress.baseline)

    @property
    def achieved_text(self) -> str:
        if self.target.kind == Target.Kind.PERCENT_CHANGE:
            return wording.change_words(self.progress.achieved)
        return self._figure(self.progress.achieved)


def _progress(target: Target, now: YearFigures, before: YearFigures | None) -> Progress:
    code = target.indicator.code
    return target_progress(
        target.kind,
        target.comparator,
        target.value,
        now.values.get(code),
        before.values.get(code) if before else None,
        complete=now.complete,
    )


def programme_progress(programme: Programme) -> list[TargetRow]:
    """Each target of the programme with its progress from the unit's approved figures."""
    targets = list(programme.targets.select_related("indicator"))
    if not targets:
        return []
    indicators = indicators_for({t.indicator.code for t in targets})
    unit = programme.unit_id
    now = year_figures(programme.year, indicators, [unit]).get(unit, YearFigures())
    upto = max(now.quarters, default=QUARTERS)
    before = year_figures(programme.year - 1, indicators, [unit], upto=upto).get(unit)
    return [TargetRow(t, _progress(t, now, before), len(now.quarters)) for t in targets]


def target_codes(year: int) -> set[str]:
    return set(
        Target.objects.filter(programme__year=year)
        .values_list("indicator__code", flat=True)
        .distinct()
    )


def refresh_targets(year: int, figures: dict[int, YearFigures] | None = None) -> int:
    """Recompute the status of every target of the year's programmes; returns how many
    changed. A few queries: one for this year's figures (unless given), at most four for last
    year's."""
    targets = list(Target.objects.filter(programme__year=year).select_related("indicator"))
    if not targets:
        return 0
    units = set(Programme.objects.filter(year=year).values_list("unit_id", flat=True))
    indicators = indicators_for({t.indicator.code for t in targets})
    now = figures if figures is not None else year_figures(year, indicators, units)
    by_upto: dict[int, list[int]] = defaultdict(list)
    for unit in units:
        by_upto[max(now.get(unit, YearFigures()).quarters, default=QUARTERS)].append(unit)
    before: dict[int, YearFigures] = {}
    for upto, ids in by_upto.items():
        before.update(year_figures(year - 1, indicators, ids, upto=upto))
    unit_of = dict(Programme.objects.filter(year=year).values_list("id", "unit_id"))
    changed = []
    for t in targets:
        unit = unit_of[t.programme_id]
        status = _progress(t, now.get(unit, YearFigures()), before.get(unit)).status
        if status != t.status:
            t.status = status
            changed.append(t)
    Target.objects.bulk_update(changed, ["status"], batch_size=500)
    return len(changed)
