"""Roll-ups over approved data.

Maintained incrementally: approving a report adds its typed values to the Rollup rows of its
unit and of every unit above it *as the tree was on the period's last day*; returning or
reopening it subtracts them. Derived indicators are never stored: they are computed from the
aggregated inputs, so a ratio of sums stays a ratio of sums.

Queries answer either on the structure as it was, or mapped onto the structure at a chosen
date D: a unit's figures then count under the unit that carries its work on D (Hà Giang's 2023
figures under Tuyên Quang). The mapping is exact without touching raw values: with c(X) the
share of X's work that lands in the target subtree on D,

    Σ_Z c(Z)·own(Z) = Σ_X (c(X) − c(parent(X)))·rollup(X)

and c changes only at a few boundary units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from thidua.org import tree
from thidua.org.models import OrgUnit, OrgUnitVersion, ReorgLink

from .checks import with_derived
from .models import DataValue, Indicator, Period, Report, Rollup

ZERO = Decimal(0)


def apply_report(report: Report, *, sign: int) -> int:
    """Add (sign=1) or remove (sign=-1) an approved report's values from the roll-ups of its
    unit and all units above it on the period's last day. Returns rows touched."""
    values = list(
        DataValue.objects.filter(
            report=report, value__isnull=False, indicator__formula=""
        ).select_related("indicator")
    )
    if not values:
        return 0
    chain = [report.unit_id, *tree.ancestor_ids(report.unit_id, report.period.end)]
    weights = {v.indicator_id: v.value for v in values}
    indicator_ids = [v.indicator_id for v in values]
    Rollup.objects.bulk_create(
        [
            Rollup(unit_id=u, period_id=report.period_id, indicator_id=i)
            for u in chain
            for i in indicator_ids
        ],
        ignore_conflicts=True,
    )
    rows = list(
        Rollup.objects.select_for_update().filter(
            unit_id__in=chain, period_id=report.period_id, indicator_id__in=indicator_ids
        )
    )
    by_indicator = {v.indicator_id: v for v in values}
    for row in rows:
        cell = by_indicator[row.indicator_id]
        value = cell.value if cell.value is not None else ZERO
        weight_id = cell.indicator.weight_id
        weight = weights.get(weight_id, ZERO) if weight_id else ZERO
        row.total += sign * value
        row.weighted += sign * value * (weight or ZERO)
        row.weight += sign * (weight or ZERO)
        row.reports += sign
    Rollup.objects.bulk_update(rows, ["total", "weighted", "weight", "reports"], batch_size=500)
    return len(rows)


@dataclass
class Cell:
    """An aggregated figure; `partial` marks figures that include unapproved data."""

    total: Decimal | None = None
    weighted: Decimal = ZERO
    weight: Decimal = ZERO
    reports: int = 0
    partial: bool = False


@dataclass
class RollupResult:
    unit_id: int
    periods: list[Period]
    values: dict[str, Decimal | None] = field(default_factory=dict)
    reports: dict[str, int] = field(default_factory=dict)
    includes_unapproved: bool = False


def _per_period(
    unit_weights: dict[int, Decimal], periods: list[Period], indicators: list[Indicator]
) -> dict[int, dict[int, Cell]]:
    """Σ weight·rollup(unit) per period and indicator."""
    out: dict[int, dict[int, Cell]] = {p.pk: {} for p in periods}
    if not unit_weights:
        return out
    rows = Rollup.objects.filter(
        unit_id__in=list(unit_weights), period__in=periods, indicator__in=indicators
    ).values_list("unit_id", "period_id", "indicator_id", "total", "weighted", "weight", "reports")
    for unit_id, period_id, indicator_id, total, weighted, weight, reports in rows:
        share = unit_weights[unit_id]
        cell = out[period_id].setdefault(indicator_id, Cell(total=ZERO))
        cell.total = (cell.total or ZERO) + share * total
        cell.weighted += share * weighted
        cell.weight += share * weight
        cell.reports += int(share * reports)
    return out


def _combine(
    per_period: dict[int, dict[int, Cell]], periods: list[Period], indicators: list[Indicator]
) -> tuple[dict[str, Decimal | None], dict[str, int]]:
    """Aggregate across periods by each indicator's rule, then compute derived indicators."""
    ordered = sorted(periods, key=lambda p: (p.end, p.start))
    values: dict[str, Decimal | None] = {}
    counts: dict[str, int] = {}
    for ind in indicators:
        if ind.formula:
            continue
        cells = [per_period[p.pk][ind.pk] for p in ordered if ind.pk in per_period[p.pk]]
        if not cells:
            values[ind.code] = None
            continue
        counts[ind.code] = max(c.reports for c in cells)
        if ind.aggregation == Indicator.Aggregation.LAST:
            values[ind.code] = cells[-1].total
        elif ind.aggregation == Indicator.Aggregation.WEIGHTED_AVERAGE:
            weight = sum((c.weight for c in cells), ZERO)
            values[ind.code] = sum((c.weighted for c in cells), ZERO) / weight if weight else None
        else:
            values[ind.code] = sum((c.total or ZERO for c in cells), ZERO)
    return with_derived(values, indicators), counts


def query(
    unit_id: int,
    periods: list[Period],
    indicators: list[Indicator] | None = None,
    *,
    mapped_to: dt.date | None = None,
    include_unapproved: bool = False,
) -> RollupResult:
    """Totals for a unit's subtree over periods: on the structure as it was, or mapped onto
    the structure on `mapped_to`. Unapproved data can be added (and is then marked)."""
    indicators = indicators if indicators is not None else list(Indicator.objects.all())
    per_period: dict[int, dict[int, Cell]] = {}
    for period in periods:
        weights = (
            {unit_id: Decimal(1)}
            if mapped_to is None
            else boundary_weights(unit_id, mapped_to, period.end)
        )
        per_period.update(_per_period(weights, [period], indicators))
    result = RollupResult(unit_id=unit_id, periods=periods)
    if include_unapproved:
        result.includes_unapproved = _add_unapproved(
            unit_id, periods, indicators, per_period, mapped_to
        )
    result.values, result.reports = _combine(per_period, periods, indicators)
    return result


def _add_unapproved(
    unit_id: int,
    periods: list[Period],
    indicators: list[Indicator],
    per_period: dict[int, dict[int, Cell]],
    mapped_to: dt.date | None,
) -> bool:
    found = False
    wanted = {i.pk for i in indicators if not i.formula}
    for period in periods:
        shares = (
            _shares_in(unit_id, mapped_to, period.end)
            if mapped_to
            else dict.fromkeys(tree.subtree_ids(unit_id, period.end), Decimal(1))
        )
        rows = (
            DataValue.objects.filter(
                report__period=period,
                report__unit_id__in=list(shares),
                value__isnull=False,
                indicator_id__in=wanted,
            )
            .exclude(report__status__in=Report.LOCKED)
            .values_list("report__unit_id", "indicator_id", "value")
        )
        for unit, indicator_id, value in rows:
            cell = per_period[period.pk].setdefault(indicator_id, Cell(total=ZERO))
            cell.total = (cell.total or ZERO) + shares[unit] * (value or ZERO)
            cell.partial = found = True
    return found


def _successor_shares(day_then: dt.date, target_day: dt.date) -> dict[int, dict[int, Decimal]]:
    """For every unit open on `day_then`: the units carrying its work on `target_day`, with
    equal shares across the parts of a split."""
    links: dict[int, list[int]] = defaultdict(list)
    for pred, succ in ReorgLink.objects.filter(date__gt=day_then, date__lte=target_day).values_list(
        "predecessor_id", "successor_id"
    ):
        links[pred].append(succ)
    open_then = list(OrgUnit.objects.at(day_then).values_list("id", flat=True))
    open_later = set(
        OrgUnit.objects.at(target_day).filter(id__in=open_then).values_list("id", flat=True)
    )

    def resolve(unit: int, share: Decimal, out: dict[int, Decimal], depth: int = 0) -> None:
        if unit in open_later or not links.get(unit) or depth > 50:
            out[unit] = out.get(unit, ZERO) + share
            return
        parts = links[unit]
        for succ in parts:
            resolve(succ, share / len(parts), out, depth + 1)

    shares: dict[int, dict[int, Decimal]] = {}
    for unit in open_then:
        out: dict[int, Decimal] = {}
        resolve(unit, Decimal(1), out)
        shares[unit] = out
    return shares


def _shares_in(target: int, target_day: dt.date, day_then: dt.date) -> dict[int, Decimal]:
    """c(X) for every unit X open on `day_then` with any work landing under `target` on
    `target_day`."""
    inside = set(tree.subtree_ids(target, target_day))
    result: dict[int, Decimal] = {}
    for unit, parts in _successor_shares(day_then, target_day).items():
        share = sum((s for u, s in parts.items() if u in inside), ZERO)
        if share:
            result[unit] = share
    return result


def boundary_weights(target: int, target_day: dt.date, day_then: dt.date) -> dict[int, Decimal]:
    """Coefficients c(X) − c(parent(X)) of the telescoping sum, non-zero only at the edges."""
    shares = _shares_in(target, target_day, day_then)
    if not shares:
        return {}
    parents = dict(
        OrgUnitVersion.objects.at(day_then)
        .filter(Q(unit_id__in=list(shares)) | Q(parent_id__in=list(shares)))
        .values_list("unit_id", "parent_id")
    )
    weights: dict[int, Decimal] = {}
    for unit in set(shares) | {u for u, p in parents.items() if p in shares}:
        parent = parents.get(unit)
        coefficient = shares.get(unit, ZERO) - (shares.get(parent, ZERO) if parent else ZERO)
        if coefficient:
            weights[unit] = coefficient
    return weights


def rebuild(periods: Iterable[Period] | None = None) -> int:
    """Recompute every roll-up from the approved reports (after a bulk load or a repair)."""
    qs = Rollup.objects.all()
    if periods is not None:
        qs = qs.filter(period__in=list(periods))
    qs.delete()
    reports = Report.objects.filter(status__in=Report.LOCKED).select_related("period")
    if periods is not None:
        reports = reports.filter(period__in=list(periods))
    touched = 0
    for report in reports.iterator():
        touched += apply_report(report, sign=1)
    return touched
