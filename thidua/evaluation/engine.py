"""Computing assessments set-wise: a handful of queries for a whole year, whatever the number of
units. The points themselves come from scoring.py (pure)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from thidua.org.models import TreePath
from thidua.oversight.queries import confirmed_counts
from thidua.reporting.expressions import compile_expression
from thidua.reporting.lateness import late_report_counts

from . import scoring
from .figures import YearFigures, indicators_for, year_figures
from .models import Assessment, Criterion, RubricGroup, Score

SUBORDINATE_AVERAGE = "SUBORDINATE_AVERAGE"
"""Not an indicator: the average final-or-current total of the directly subordinate units
assessed for the year (Circular 129/2017: results of the subordinate budget units)."""
LATE_REPORTS = "LATE_REPORTS"
"""Not an indicator: how many of the unit's own reports of the year were filed late or are
overdue (reporting/lateness.py), counted for the late-reporting deduction."""
RANKING_CODES = ("SAV_TOTAL", "EST_RECURRENT")


@dataclass(frozen=True)
class RubricSpec:
    groups: list[scoring.GroupSpec]
    criteria: list[tuple[int, scoring.CriterionSpec]]
    """(criterion id, spec) in order."""
    grades: list[dict[str, object]]

    @property
    def by_group(self) -> dict[str, str]:
        return {spec.code: spec.group for _pk, spec in self.criteria}

    @property
    def counts_late_reports(self) -> bool:
        return any(is_counted(c) and LATE_REPORTS in c.formula for _pk, c in self.criteria)


def is_counted(spec: scoring.CriterionSpec) -> bool:
    """A deduction whose violations a formula counts from data, never typed."""
    return spec.kind == scoring.DEDUCTION and bool(spec.formula)


def rubric_specs(rubric_ids: Collection[int]) -> dict[int, RubricSpec]:
    groups: dict[int, list[scoring.GroupSpec]] = defaultdict(list)
    for g in RubricGroup.objects.filter(rubric_id__in=list(rubric_ids)).order_by("order"):
        groups[g.rubric_id].append(scoring.GroupSpec(g.code, g.max_points, g.is_deduction))
    criteria: dict[int, list[tuple[int, scoring.CriterionSpec]]] = defaultdict(list)
    grades: dict[int, list[dict[str, object]]] = {}
    rows = Criterion.objects.filter(group__rubric_id__in=list(rubric_ids)).select_related(
        "group__rubric"
    )
    for c in rows.order_by("group__order", "order"):
        grades[c.group.rubric_id] = c.group.rubric.grades
        spec = scoring.CriterionSpec(
            code=c.code,
            group=c.group.code,
            kind=c.kind,
            max_points=c.max_points,
            formula=c.formula,
            thresholds=scoring.thresholds_of(c.thresholds),
            per_violation=c.per_violation,
        )
        criteria[c.group.rubric_id].append((c.pk, spec))
    return {r: RubricSpec(groups[r], criteria[r], grades.get(r, [])) for r in rubric_ids}


def formula_codes(specs: Collection[RubricSpec]) -> set[str]:
    codes: set[str] = set(RANKING_CODES)
    for spec in specs:
        for _pk, c in spec.criteria:
            if c.kind == scoring.COMPUTED:
                codes |= compile_expression(c.formula).codes
    codes -= {SUBORDINATE_AVERAGE, LATE_REPORTS}
    return codes


def typed_violations(typed: int | None, confirmed: int) -> int:
    """The violations of a typed deduction: what the unit declared, but never fewer than the
    violations a supervisor confirmed for the unit and year (oversight, issue 13)."""
    return max(typed or 0, confirmed)


def effective(
    spec: scoring.CriterionSpec, score: Score, confirmed: int = 0
) -> tuple[Decimal, Decimal]:
    """(points after review, points as self-assessed) of one score row; `confirmed` is the
    unit's confirmed violations of the year (oversight), the floor of a typed deduction."""
    if spec.kind == scoring.COMPUTED or is_counted(spec):
        own = score.computed_points or Decimal(0)
    elif spec.kind == scoring.DEDUCTION:
        own = scoring.deduction_points(spec, typed_violations(score.violations, confirmed))
    else:
        own = scoring.manual_points(spec, score.self_points)
    return (score.review_points if score.review_points is not None else own), own


def _children(unit_ids: Collection[int], day: dt.date) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    rows = TreePath.objects.at(day).filter(ancestor_id__in=list(unit_ids), depth=1)
    for parent, child in rows.values_list("ancestor_id", "descendant_id"):
        out[parent].append(child)
    return out


def _depths(unit_ids: Collection[int], day: dt.date) -> dict[int, int]:
    rows = TreePath.objects.at(day).filter(descendant_id__in=list(unit_ids))
    depth: dict[int, int] = defaultdict(int)
    for unit, d in rows.values_list("descendant_id", "depth"):
        depth[unit] = max(depth[unit], d)
    return depth


class Batch:
    """Assessments of one year computed together, deepest units first, so that an upper
    unit's "subordinate results" criterion reads its children's fresh totals."""

    def __init__(
        self,
        year: int,
        assessments: list[Assessment],
        figures: dict[int, YearFigures] | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        self.year = year
        self.day = dt.date(year, 12, 31)
        self.assessments = assessments
        self.specs = rubric_specs({a.rubric_id for a in assessments})
        units = [a.unit_id for a in assessments]
        if figures is None:
            codes = formula_codes(self.specs.values())
            figures = year_figures(year, indicators_for(codes), units)
        self.figures = figures
        self.late: dict[int, int] = {}
        if any(spec.counts_late_reports for spec in self.specs.values()):
            self.late = late_report_counts(year, units, today=today or timezone.localdate())
        self.confirmed = confirmed_counts(units, year)
        self.scores: dict[int, list[Score]] = defaultdict(list)
        for s in Score.objects.filter(assessment__in=[a.pk for a in assessments]):
            self.scores[s.assessment_id].append(s)
        self.children = _children(units, self.day)
        self.totals: dict[tuple[int, int | None], Decimal | None] = {}
        """Fresh totals by (unit, movement)."""

    def _subordinate_average(self, unit_id: int, movement_id: int | None) -> Decimal | None:
        """The mean total of the unit's children in the same movement (with those assessed
        in no movement); in every movement when the assessment has none."""
        kids = self.children.get(unit_id, [])
        if not kids:
            return None
        fresh = [(k, movement_id) if (k, movement_id) in self.totals else (k, None) for k in kids]
        known = [self.totals[key] for key in fresh if key in self.totals]
        missing = [key[0] for key in fresh if key not in self.totals]
        if missing:
            rows = Assessment.objects.filter(
                year=self.year, unit_id__in=missing, total__isnull=False
            )
            if movement_id is not None:
                rows = rows.filter(Q(movement_id=movement_id) | Q(movement__isnull=True))
            known += list(rows.values_list("total", flat=True))
        present = [t for t in known if t is not None]
        return sum(present, Decimal(0)) / len(present) if present else None

    def run(self) -> tuple[list[Score], list[Assessment]]:
        """Compute every assessment; return the rows that changed."""
        depth = _depths([a.unit_id for a in self.assessments], self.day)
        changed_scores: list[Score] = []
        changed: list[Assessment] = []
        now = timezone.now()
        for a in sorted(self.assessments, key=lambda x: -depth.get(x.unit_id, 0)):
            values = dict(self.figures.get(a.unit_id, YearFigures()).values)
            values[SUBORDINATE_AVERAGE] = self._subordinate_average(a.unit_id, a.movement_id)
            values[LATE_REPORTS] = Decimal(self.late.get(a.unit_id, 0))
            changed_scores += self._score(a, values)
            if self._total(a):
                a.computed_at = now
                changed.append(a)
            self.totals[(a.unit_id, a.movement_id)] = a.total
        return changed_scores, changed

    def _score(self, a: Assessment, values: dict[str, Decimal | None]) -> list[Score]:
        spec = self.specs[a.rubric_id]
        kinds = dict(spec.criteria)
        out = []
        for s in self.scores[a.pk]:
            c = kinds.get(s.criterion_id)
            if c is not None and is_counted(c):
                out += _counted(c, s, values)
            if c is None or c.kind != scoring.COMPUTED:
                continue
            result = scoring.score_computed(c, values)
            inputs = {k: (None if v is None else str(v)) for k, v in result.inputs.items()}
            if result.threshold is not None:
                inputs["_threshold"] = str(result.threshold)
            value = None if result.value is None else result.value.quantize(Decimal("1e-6"))
            if (s.computed_points, s.value, s.inputs) != (result.points, value, inputs):
                s.computed_points, s.value, s.inputs = result.points, value, inputs
                out.append(s)
        return out

    def _total(self, a: Assessment) -> bool:
        spec = self.specs[a.rubric_id]
        kinds = dict(spec.criteria)
        after: dict[str, Decimal] = {}
        before: dict[str, Decimal] = {}
        for s in self.scores[a.pk]:
            c = kinds.get(s.criterion_id)
            if c is not None:
                confirmed = self.confirmed.get(a.unit_id, 0)
                after[c.code], before[c.code] = effective(c, s, confirmed)
        own = scoring.total(spec.groups, before, spec.by_group).total
        reviewed = scoring.total(spec.groups, after, spec.by_group).total
        grade = scoring.grade_for(reviewed, spec.grades)
        if (a.self_total, a.total, a.grade) == (own, reviewed, grade):
            return False
        a.self_total, a.total, a.grade = own, reviewed, grade
        return True


def _counted(
    spec: scoring.CriterionSpec, s: Score, values: dict[str, Decimal | None]
) -> list[Score]:
    """A counted deduction: the count as the value, the figures it read, the points."""
    count = scoring.counted_violations(spec, values)
    points = scoring.deduction_points(spec, count)
    codes = compile_expression(spec.formula).codes
    inputs = {k: (None if values.get(k) is None else str(values[k])) for k in sorted(codes)}
    value = Decimal(count).quantize(Decimal("1e-6"))
    if (s.computed_points, s.value, s.inputs) == (points, value, inputs):
        return []
    s.computed_points, s.value, s.inputs = points, value, inputs
    return [s]


def compute(
    year: int,
    assessments: list[Assessment],
    figures: dict[int, YearFigures] | None = None,
    *,
    today: dt.date | None = None,
) -> tuple[list[Score], list[Assessment]]:
    """Compute and save; returns the score rows and the assessments that changed. `figures`
    (every unit's figures of the year) may be passed when already read; `today` decides which
    unsubmitted reports are overdue (default: the local date)."""
    if not assessments:
        return [], []
    batch = Batch(year, assessments, figures, today=today)
    scores, changed = batch.run()
    Score.objects.bulk_update(scores, ["computed_points", "value", "inputs"], batch_size=500)
    Assessment.objects.bulk_update(
        changed, ["self_total", "total", "grade", "computed_at"], batch_size=500
    )
    return scores, changed
