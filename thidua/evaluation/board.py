"""What the pages show, read set-wise: the year's rankings (sector, cluster, similar units,
size-normalised) and the phase-review candidates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from thidua.movements.models import Movement
from thidua.movements.scope import covers
from thidua.org.body import profile_for
from thidua.org.models import OrgUnit, Position, TreePath

from .figures import indicators_for, year_figures
from .models import Assessment, Score
from .rankings import Entry, Measure, Ranked, rank


def phase_movement(chosen: Any = None, among: QuerySet[Movement] | None = None) -> Movement | None:
    """The movement whose phases the phase pages show: the one `chosen` (a movement id, the
    page's `movement` parameter) if it has phases, else the oldest movement with phases; only
    movements `among` (those the user sees) when given."""
    movements = Movement.objects.all() if among is None else among
    with_phases = movements.filter(phases__isnull=False).distinct().order_by("pk")
    picked = with_phases.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    return picked or with_phases.first()


def year_movement(
    year: int, chosen: Any = None, among: QuerySet[Movement] | None = None
) -> Movement | None:
    """The movement whose assessments a page of the year shows: the one `chosen` (a movement
    id, the page's `movement` parameter) if it runs in `year`, else the oldest running in
    `year`; only movements `among` (those the user sees) when given; None when none runs."""
    movements = Movement.objects.all() if among is None else among
    running = movements.filter(covers(year)).distinct().order_by("pk")
    picked = running.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    return picked or running.first()


def of_movement(qs: QuerySet[Assessment], movement: Movement | None) -> QuerySet[Assessment]:
    """The assessments of `movement` (with those of no movement: made for a unit in none);
    every assessment when `movement` is None (an install without movements)."""
    if movement is None:
        return qs
    return qs.filter(Q(movement=movement) | Q(movement__isnull=True))


def phases(movement: Movement | None = None) -> dict[str, tuple[int, int]]:
    """The movement's phases (movements.Phase rows, in order) by their span "first-last",
    e.g. {"2022-2025": (2022, 2025), "2026-2030": (2026, 2030)} for the ksnd movement: a
    preliminary review (sơ kết) or final review (tổng kết) at the end of each. Without a
    movement, those of `phase_movement()`; empty when no movement has phases."""
    movement = movement or phase_movement()
    if movement is None:
        return {}
    rows = movement.phases.order_by("number").values_list("start_year", "end_year")
    return {f"{first}-{last}": (first, last) for first, last in rows}


def staff_counts(unit_ids: Collection[int], day: dt.date) -> dict[int, int]:
    """People holding a position in each unit's subtree on `day` (thidua.org positions)."""
    below: dict[int, set[int]] = defaultdict(set)
    rows = TreePath.objects.at(day).filter(ancestor_id__in=list(unit_ids))
    owner: dict[int, list[int]] = defaultdict(list)
    for ancestor, descendant in rows.values_list("ancestor_id", "descendant_id"):
        owner[descendant].append(ancestor)
    positions = Position.objects.filter(
        valid_from__lte=day, valid_to__gt=day, unit_id__in=list(owner)
    ).values_list("unit_id", "person_id")
    for unit, person in positions:
        for ancestor in owner[unit]:
            below[ancestor].add(person)
    return {u: len(below[u]) for u in unit_ids}


def _deductions(year: int, movement: Movement | None = None) -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    rows = Score.objects.filter(
        assessment__in=of_movement(Assessment.objects.filter(year=year), movement),
        criterion__group__is_deduction=True,
    ).values_list("assessment__unit_id", "review_points", "self_points", "computed_points")
    for unit, reviewed, own, _computed in rows:
        out[unit] += reviewed if reviewed is not None else (own or Decimal(0))
    return dict(out)


def entries(
    year: int,
    unit_ids: Collection[int] | None = None,
    *,
    final_only: bool = False,
    movement: Movement | None = None,
) -> list[Entry]:
    """One ranking entry per assessed unit of the year (in `unit_ids` if given), in
    `movement` when given (see `of_movement`)."""
    qs = of_movement(Assessment.objects.filter(year=year, total__isnull=False), movement)
    if final_only:
        qs = qs.filter(status=Assessment.Status.FINAL)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    rows = list(qs.values_list("unit_id", "unit__code", "total"))
    units = [r[0] for r in rows]
    previous = dict(
        of_movement(
            Assessment.objects.filter(year=year - 1, unit_id__in=units, total__isnull=False),
            movement,
        ).values_list("unit_id", "total")
    )
    figures = year_figures(year, indicators_for({"SAV_TOTAL", "EST_RECURRENT"}), units)
    staff = staff_counts(units, dt.date(year, 12, 31))
    deductions = _deductions(year, movement)
    out = []
    for unit, code, total in rows:
        values = figures[unit].values if unit in figures else {}
        out.append(
            Entry(
                unit,
                code,
                total,
                deductions.get(unit, Decimal(0)),
                previous.get(unit),
                values.get("SAV_TOTAL"),
                staff.get(unit, 0),
                values.get("EST_RECURRENT"),
            )
        )
    return out


def similar_groups(entries_: list[Entry], measure: Measure) -> dict[int, list[Ranked]]:
    """Rankings among units of the same level (similar units), by level id."""
    levels = dict(
        OrgUnit.objects.filter(id__in=[e.unit_id for e in entries_]).values_list("id", "level_id")
    )
    groups: dict[int, list[Entry]] = defaultdict(list)
    for e in entries_:
        groups[levels[e.unit_id]].append(e)
    return {level: rank(group, measure) for level, group in groups.items()}


@dataclass(frozen=True)
class Candidate:
    unit_id: int
    code: str
    average: Decimal
    years: int
    best: Decimal
    savings: Decimal


def phase_candidates(
    first: int,
    last: int,
    unit_ids: Collection[int] | None = None,
    *,
    limit: int = 20,
    movement: Movement | None = None,
) -> list[Candidate]:
    """Units with the best THTK-CLP results over a whole phase: the mean of their final totals
    over the phase's years, for units finally assessed in all the phase's years but at most
    one (a unit created by the 2025 reorganisation misses the earlier years). Ties by the rule
    of rankings.py (the higher best year, then the code)."""
    qs = Assessment.objects.filter(
        year__gte=first, year__lte=last, status=Assessment.Status.FINAL, total__isnull=False
    )
    qs = of_movement(qs, movement)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    totals: dict[int, list[Decimal]] = defaultdict(list)
    codes: dict[int, str] = {}
    for unit, code, total in qs.values_list("unit_id", "unit__code", "total"):
        if total is None:
            continue
        totals[unit].append(total)
        codes[unit] = code
    years_done = len(set(qs.values_list("year", flat=True)))
    needed = max(1, years_done - 1)
    savings: dict[int, Decimal] = defaultdict(Decimal)
    indicators = indicators_for({"SAV_TOTAL"})
    for year in range(first, last + 1):
        for unit, figures in year_figures(year, indicators, list(totals)).items():
            savings[unit] += figures.values.get("SAV_TOTAL") or Decimal(0)
    out = [
        Candidate(
            unit,
            codes[unit],
            (sum(ts, Decimal(0)) / len(ts)).quantize(Decimal("0.01")),
            len(ts),
            max(ts),
            Decimal(savings[unit]).quantize(Decimal("0.01")),
        )
        for unit, ts in totals.items()
        if len(ts) >= needed
    ]
    out.sort(key=lambda c: (-c.average, -c.best, c.code, c.unit_id))
    return out[:limit]


def phase_leaders(unit_ids: Collection[int], first: int, last: int) -> dict[int, list[str]]:
    """The people who headed each unit at some time during the phase (the position title the
    unit's body gives its head, `profile_for(unit).head_title`): candidates for the individual
    thematic commendation of the phase review."""
    start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    ids = list(unit_ids)
    titles = {profile_for(ids[0]).head_title} if ids else set()
    rows = (
        Position.objects.filter(
            unit_id__in=ids, title__in=titles, valid_from__lte=end, valid_to__gt=start
        )
        .order_by("valid_from")
        .values_list("unit_id", "person__full_name")
    )
    out: dict[int, list[str]] = defaultdict(list)
    for unit, name in rows:
        if name not in out[unit]:
            out[unit].append(name)
    return dict(out)
