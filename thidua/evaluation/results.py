"""What the evaluation gives the other apps (decision 0004): one result per evaluated unit and
year. `awards` reads it for the THTK-CLP criterion of collective titles."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

from thidua.movements.models import Movement

from .board import of_movement
from .models import Assessment, ClusterMember, Score, Target
from .progress import MET, MISSED
from .rankings import Entry, positions


@dataclass(frozen=True)
class UnitResult:
    unit_id: int
    total: Decimal | None
    """0–100 after review; None before any score is computed."""
    final: bool
    """The level above has finalised the assessment."""
    grade: str
    """Grade code from the rubric's bands (set by the sector), '' without a total."""
    targets_exceeded: bool | None
    """Every target of the unit's programme met or beaten (True), one missed (False), or not
    known yet: no programme, no target, or the year still under way (None)."""
    cluster_id: int | None
    rank_in_cluster: int | None
    """Position among the cluster's members with a final total (ties broken by the rule in
    rankings.py); None when not final or not in a cluster."""


def _targets(year: int) -> dict[int, bool | None]:
    by_unit: dict[int, list[str]] = defaultdict(list)
    rows = Target.objects.filter(programme__year=year).values_list("programme__unit_id", "status")
    for unit_id, status in rows:
        by_unit[unit_id].append(status)
    out: dict[int, bool | None] = {}
    for unit_id, statuses in by_unit.items():
        if any(s == MISSED for s in statuses):
            out[unit_id] = False
        elif all(s == MET for s in statuses):
            out[unit_id] = True
        else:
            out[unit_id] = None
    return out


def _deductions(year: int) -> dict[int, Decimal]:
    """Deduction points per assessment of the year (for the tie rule)."""
    out: dict[int, Decimal] = defaultdict(Decimal)
    rows = Score.objects.filter(
        assessment__year=year, criterion__group__is_deduction=True
    ).values_list("assessment_id", "review_points", "self_points")
    for assessment_id, reviewed, own in rows:
        out[assessment_id] += reviewed if reviewed is not None else (own or Decimal(0))
    return out


def unit_results(year: int, movement: Movement | None = None) -> dict[int, UnitResult]:
    """Every unit assessed for `year`, by unit id, in `movement` when given (see
    `board.of_movement`); without one, a unit assessed in two movements has the result of its
    oldest movement. Four queries, whatever the number of units."""
    assessments = list(
        of_movement(Assessment.objects.filter(year=year), movement)
        .order_by("unit_id", F("movement_id").desc(nulls_first=True))
        .values_list("id", "unit_id", "unit__code", "total", "status", "grade")
    )
    assessments = list({row[1]: row for row in assessments}.values())  # one per unit
    members = dict(
        ClusterMember.objects.filter(year=year, kind="cluster").values_list("unit_id", "cluster_id")
    )
    targets = _targets(year)
    deductions = _deductions(year)
    by_cluster: dict[int, list[Entry]] = defaultdict(list)
    for pk, unit_id, code, total_, status, _grade in assessments:
        cluster = members.get(unit_id)
        if cluster is not None and status == Assessment.Status.FINAL and total_ is not None:
            by_cluster[cluster].append(Entry(unit_id, code, total_, deductions.get(pk, Decimal(0))))
    ranks: dict[int, int] = {}
    for entries in by_cluster.values():
        ranks.update(positions(entries))
    return {
        unit_id: UnitResult(
            unit_id=unit_id,
            total=total_,
            final=status == Assessment.Status.FINAL,
            grade=grade,
            targets_exceeded=targets.get(unit_id),
            cluster_id=members.get(unit_id),
            rank_in_cluster=ranks.get(unit_id),
        )
        for _pk, unit_id, _code, total_, status, grade in assessments
    }
