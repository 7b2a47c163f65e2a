"""Scoring THTK-CLP results on a rubric (Circular 129/2017/TT-BTC): pure functions over plain
values, no ORM.

- Circular 129/2017 Art. 4 (direct-spending unit): savings on specific recurrent items 70,
  savings of the autonomy budget 30, compliance with norms as deductions.
- Art. 6 (unit with subordinate budget units): direction 10, savings of the recurrent estimate
  40, results of the directly subordinate units 40, propaganda and inspection 10.
- Art. 7 (commune budget): 60, 40, deductions.

The Circular fixes the groups and their maxima; the rows inside a group, the formula from a
figure to points, the deductions and any grading are set by the sector (data, labelled so).

A criterion scores in one of three ways:
- computed: a formula over indicator codes (reporting/expressions.py), then thresholds
  ([[threshold, points], …], best first: the points of the first threshold reached) or, with no
  thresholds, the value itself as points; always within 0 and the criterion's maximum;
- manual: points entered by the unit, within 0 and the maximum, with evidence;
- deduction: −points per violation, at most the criterion's maximum; the violations are typed,
  or counted from data when the criterion has a formula (LATE_REPORTS: the unit's reports of
  the year filed late or overdue, read from reporting).

Group sums stay within 0 and the group's maximum (deduction groups within −maximum and 0); the
total stays within 0 and 100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from thidua.reporting.expressions import ExpressionError, compile_expression, evaluate

ZERO = Decimal(0)
HUNDRED = Decimal(100)
POINTS = Decimal("0.01")

COMPUTED, MANUAL, DEDUCTION = "computed", "manual", "deduction"


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    group: str
    kind: str
    max_points: Decimal
    formula: str = ""
    thresholds: tuple[tuple[Decimal, Decimal], ...] = ()
    per_violation: Decimal | None = None


@dataclass(frozen=True)
class GroupSpec:
    code: str
    max_points: Decimal
    is_deduction: bool = False


@dataclass(frozen=True)
class Computed:
    """The points of a computed criterion and why: the formula's value, the figures it read,
    and the threshold reached (None: none reached, or linear points)."""

    points: Decimal
    value: Decimal | None
    inputs: dict[str, Decimal | None]
    threshold: Decimal | None = None


@dataclass(frozen=True)
class Totals:
    groups: dict[str, Decimal] = field(default_factory=dict)
    raw: Decimal = ZERO
    total: Decimal = ZERO


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def _round(value: Decimal) -> Decimal:
    return value.quantize(POINTS, rounding=ROUND_HALF_UP)


def thresholds_of(raw: Sequence[Sequence[object]]) -> tuple[tuple[Decimal, Decimal], ...]:
    """Thresholds from data, best (highest) first."""
    pairs = [(Decimal(str(t)), Decimal(str(p))) for t, p in raw]
    return tuple(sorted(pairs, key=lambda pair: pair[0], reverse=True))


def check_formula(formula: str) -> str | None:
    """None when the formula compiles, else the reason."""
    try:
        compile_expression(formula)
    except ExpressionError as exc:
        return str(exc)
    return None


def score_computed(spec: CriterionSpec, values: Mapping[str, Decimal | None]) -> Computed:
    """Points of a computed criterion from the unit's approved figures. A missing figure (no
    approved report) scores 0 and says so: the value is None."""
    expr = compile_expression(spec.formula)
    inputs = {code: values.get(code) for code in sorted(expr.codes)}
    value = evaluate(expr, values)
    if value is None:
        return Computed(ZERO, None, inputs)
    if not spec.thresholds:
        return Computed(_round(clamp(value, ZERO, spec.max_points)), value, inputs)
    for threshold, points in spec.thresholds:
        if value >= threshold:
            return Computed(_round(clamp(points, ZERO, spec.max_points)), value, inputs, threshold)
    return Computed(ZERO, value, inputs)


def manual_points(spec: CriterionSpec, points: Decimal | None) -> Decimal:
    """Points entered by hand, within 0 and the criterion's maximum."""
    return _round(clamp(points or ZERO, ZERO, spec.max_points))


def counted_violations(spec: CriterionSpec, values: Mapping[str, Decimal | None]) -> int:
    """The violations of a deduction counted by its formula from data (never typed): a whole
    number, 0 when the data are missing."""
    value = evaluate(compile_expression(spec.formula), values)
    return max(int(value), 0) if value is not None else 0


def deduction_points(spec: CriterionSpec, violations: int | None) -> Decimal:
    """−(points per violation × violations), at most the criterion's maximum (a negative
    number or zero). Circular 129/2017 Art. 4(3), 7(3): compliance scored as deductions."""
    per = spec.per_violation if spec.per_violation is not None else spec.max_points
    return -_round(clamp(per * (violations or 0), ZERO, spec.max_points))


def total(
    groups: Sequence[GroupSpec], points: Mapping[str, Decimal], by_group: Mapping[str, str]
) -> Totals:
    """Group sums within their bounds, and the total within 0–100.

    `points` holds the effective points per criterion code, `by_group` its group code."""
    sums: dict[str, Decimal] = {g.code: ZERO for g in groups}
    for code, value in points.items():
        sums[by_group[code]] = sums.get(by_group[code], ZERO) + value
    clamped: dict[str, Decimal] = {}
    for group in groups:
        low, high = (-group.max_points, ZERO) if group.is_deduction else (ZERO, group.max_points)
        clamped[group.code] = clamp(sums[group.code], low, high)
    raw = sum(clamped.values(), ZERO)
    return Totals(clamped, raw, _round(clamp(raw, ZERO, HUNDRED)))


def grade_for(score: Decimal | None, grades: Sequence[Mapping[str, object]]) -> str:
    """The code of the first grade whose minimum the score reaches ('' without a score)."""
    if score is None:
        return ""
    for grade in sorted(grades, key=lambda g: Decimal(str(g["min"])), reverse=True):
        if score >= Decimal(str(grade["min"])):
            return str(grade["code"])
    return ""
