"""Read the facts the eligibility engine needs, set-wise: a handful of queries for the whole
sector (or for a few people), turned into the engine's plain dataclasses."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from thidua.org.models import OrgUnit, OrgUnitVersion, Person, Position

from . import eligibility as engine
from .models import (
    Absence,
    AwardRecord,
    Discipline,
    Initiative,
    OpenCase,
    PerformanceRating,
)


@dataclass
class Staff:
    """Who worked where at the end of the year: person id → unit id."""

    home: dict[int, int]

    def members(self) -> dict[int, list[int]]:
        by_unit: dict[int, list[int]] = defaultdict(list)
        for person_id, unit_id in self.home.items():
            by_unit[unit_id].append(person_id)
        return by_unit


def staff_at(day: dt.date, unit_ids: Collection[int] | None = None) -> Staff:
    """The unit of each person with a position in force on `day` (the latest one wins)."""
    qs = Position.objects.filter(valid_from__lte=day, valid_to__gt=day)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    rows = qs.order_by("valid_from", "id").values_list("person_id", "unit_id")
    return Staff(home=dict(rows))


def _restrict(qs: Any, person_ids: Collection[int] | None, field: str = "person_id") -> Any:
    return qs if person_ids is None else qs.filter(**{f"{field}__in": list(person_ids)})


def person_facts(
    year: int,
    as_of: dt.date,
    person_ids: Collection[int] | None = None,
    *,
    lookback: int = 2,
) -> dict[int, engine.PersonFacts]:
    """Facts of every person (or of `person_ids`) for evaluating `year`, with the ratings and
    awards of the `lookback` years before it (the longest chain of the rules in force,
    eligibility.lookback_years): 10 queries."""
    end = engine.year_end(year)
    first = year - max(lookback, 2)
    people = _restrict(Person.objects.all(), person_ids, "id").values_list("id", "joined_on")
    ratings: dict[int, dict[int, str]] = defaultdict(dict)
    for pid, y, level in _restrict(
        PerformanceRating.objects.filter(year__gte=first, year__lte=year), person_ids
    ).values_list("person_id", "year", "level"):
        ratings[pid][y] = level
    absences: dict[int, list[engine.AbsenceFact]] = defaultdict(list)
    for pid, y, months, reason in _restrict(
        Absence.objects.filter(year=year), person_ids
    ).values_list("person_id", "year", "months", "reason"):
        absences[pid].append(engine.AbsenceFact(y, months, reason))
    disciplines: dict[int, list[engine.DisciplineFact]] = defaultdict(list)
    for pid, level, on, served, used in _restrict(
        Discipline.objects.filter(decided_on__lte=end), person_ids
    ).values_list("person_id", "level", "decided_on", "served_until", "used_to_refuse_year"):
        disciplines[pid].append(engine.DisciplineFact(level, on, served, used))
    cases = _cases(as_of, person_ids, "person_id")
    for pid, found in _named(as_of, person_ids).items():
        cases[pid].extend(found)
    awards = _awards(year, person_ids, "person_id", first)
    initiatives = _initiatives(end, person_ids)
    resumed = _resumed(end, person_ids)
    return {
        pid: engine.PersonFacts(
            person_id=pid,
            joined_on=joined,
            ratings=ratings.get(pid, {}),
            absences=tuple(absences.get(pid, ())),
            disciplines=tuple(disciplines.get(pid, ())),
            cases=tuple(cases.get(pid, ())),
            awards=awards.get(pid, {}),
            initiatives=tuple(initiatives.get(pid, ())),
            resumed_on=resumed.get(pid, ()),
        )
        for pid, joined in people
    }


def _cases(
    as_of: dt.date, ids: Collection[int] | None, field: str
) -> dict[int, list[engine.CaseFact]]:
    out: dict[int, list[engine.CaseFact]] = defaultdict(list)
    qs = OpenCase.objects.filter(opened_on__lte=as_of).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=as_of)
    )
    qs = qs.filter(**{f"{field}__isnull": False})
    for key, opened, closed in _restrict(qs, ids, field).values_list(
        field, "opened_on", "closed_on"
    ):
        out[key].append(engine.CaseFact(opened, closed))
    return out


def _named(as_of: dt.date, person_ids: Collection[int] | None) -> dict[int, list[engine.CaseFact]]:
    """Open oversight findings naming each person (issue 13): a hold until the case closes."""
    from thidua.oversight.models import OPEN_STATES, Finding

    through = Finding.named_people.through
    rows = _restrict(
        through.objects.filter(finding__status__in=list(OPEN_STATES)), person_ids
    ).values_list("person_id", "finding_id", "finding__found_at")
    out: dict[int, list[engine.CaseFact]] = defaultdict(list)
    for pid, fid, found_at in rows:
        opened = min(found_at.date(), as_of)
        out[pid].append(engine.CaseFact(opened, None, fid))
    return out


def _resumed(end: dt.date, person_ids: Collection[int] | None) -> dict[int, tuple[dt.date, ...]]:
    """The days each person came back after a break in service: a position starting after
    every earlier one had ended (positions are half-open periods)."""
    rows = _restrict(Position.objects.filter(valid_from__lte=end), person_ids).order_by(
        "person_id", "valid_from"
    )
    out: dict[int, list[dt.date]] = defaultdict(list)
    reach: dict[int, dt.date] = {}
    for pid, start, stop in rows.values_list("person_id", "valid_from", "valid_to"):
        if pid in reach and start > reach[pid]:
            out[pid].append(start)
        reach[pid] = max(reach.get(pid, stop), stop)
    return {pid: tuple(days) for pid, days in out.items()}


def _awards(
    year: int, ids: Collection[int] | None, field: str, first: int | None = None
) -> dict[int, dict[int, frozenset[str]]]:
    """Award history (not revoked) of the chain years (from `first`), plus every award given
    once per person (a commemorative medal)."""
    raw: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    first = year - 2 if first is None else first
    qs = AwardRecord.objects.filter(revoked_on__isnull=True, year__lte=year).filter(
        Q(year__gte=first) | Q(title__law_title=engine.COMMEMORATIVE_MEDAL)
    )
    qs = qs.filter(**{f"{field}__isnull": False})
    for key, y, code in _restrict(qs, ids, field).values_list(field, "year", "title__code"):
        raw[key][y].add(code)
    return {k: {y: frozenset(c) for y, c in v.items()} for k, v in raw.items()}


def _initiatives(
    end: dt.date, person_ids: Collection[int] | None
) -> dict[int, list[engine.InitiativeFact]]:
    rows = Initiative.objects.filter(recognised_on__lte=end).values_list(
        "id", "level", "recognised_on", "used_for__title__code", "used_for__year"
    )
    facts = {
        i: engine.InitiativeFact(i, level, on, (code, y) if code else None)
        for i, level, on, code, y in rows
    }
    links = Initiative.authors.through.objects.all()
    out: dict[int, list[engine.InitiativeFact]] = defaultdict(list)
    wanted = None if person_ids is None else set(person_ids)
    for initiative_id, person_id in links.values_list("initiative_id", "person_id"):
        if initiative_id in facts and (wanted is None or person_id in wanted):
            out[person_id].append(facts[initiative_id])
    return out


def unit_levels(unit_ids: Collection[int]) -> dict[int, str]:
    return dict(OrgUnit.objects.filter(id__in=list(unit_ids)).values_list("id", "level__code"))


def parents_at(day: dt.date) -> dict[int, int | None]:
    return dict(OrgUnitVersion.objects.at(day).values_list("unit_id", "parent_id"))


def unit_results(year: int) -> Mapping[int, engine.ResultFact]:
    """The THTK-CLP evaluation of each unit (thidua.evaluation.results, decision 0004);
    empty while the evaluation app does not offer it."""
    try:
        from thidua.evaluation.results import unit_results as evaluated
    except ImportError:
        return {}
    out = {}
    for unit_id, r in evaluated(year).items():
        total = r.total if r.total is None else Decimal(r.total)
        out[unit_id] = engine.ResultFact(
            total, bool(r.final), r.targets_exceeded, r.rank_in_cluster
        )
    return out


def unit_cases(
    as_of: dt.date, unit_ids: Collection[int] | None = None
) -> dict[int, list[engine.CaseFact]]:
    return _cases(as_of, unit_ids, "unit_id")


def unit_awards(
    year: int, unit_ids: Collection[int] | None = None, lookback: int = 2
) -> dict[int, dict[int, frozenset[str]]]:
    return _awards(year, unit_ids, "unit_id", year - max(lookback, 2))
