"""The dashboard's figures as plain data, read from the other apps' public functions.

Every indicator figure comes from `reporting.rollups.query` (through `reporting.exports
.rollup_table` for whole years, which adds the indicators only the annual report carries), so a
chart shows exactly what the roll-up page shows for the same unit, year and structure. Scores
come from `evaluation` assessments, awards from `awards.AwardRecord`, reporting completeness from
the reports of each child's subtree.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypeVar, cast

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from thidua.awards.models import AwardRecord
from thidua.evaluation.models import Assessment
from thidua.movements.models import Movement
from thidua.org import tree
from thidua.org.models import OrgUnit, Position, Reorganisation, ReorgLink, TreePath
from thidua.oversight import queries as oversight_queries
from thidua.reporting import rollups
from thidua.reporting.exports import rollup_table
from thidua.reporting.models import Indicator, Period, Report, ReportForm

DASHBOARD_KEYS = ("savings", "saving_rate", "disbursement", "shares")
"""The key indicators a movement's `dashboard` (pack data, the movement file's `dashboard`
section) may name: catalogue codes of the money saved, the savings rate, the disbursement rate
and the shares (centralised procurement, electronic documents, staff use…)."""


@dataclass(frozen=True)
class KeyIndicators:
    """The movement's key indicators (catalogue codes, from its pack): a chart whose indicator
    is not named, or that the catalogue lacks, is left out."""

    savings: str | None = None
    saving_rate: str | None = None
    disbursement: str | None = None
    shares: tuple[str, ...] = ()

    @property
    def codes(self) -> frozenset[str]:
        named = (self.savings, self.saving_rate, self.disbursement, *self.shares)
        return frozenset(c for c in named if c)

    @classmethod
    def from_data(cls, data: Mapping[str, object] | None) -> KeyIndicators:
        data = data or {}

        def code(name: str) -> str | None:
            value = data.get(name)
            return value if isinstance(value, str) and value else None

        shares = data.get("shares")
        return cls(
            code("savings"),
            code("saving_rate"),
            code("disbursement"),
            tuple(s for s in shares if isinstance(s, str)) if isinstance(shares, list) else (),
        )

    @classmethod
    def of(cls, movement: Movement | None) -> KeyIndicators:
        return cls.from_data(movement.dashboard if movement is not None else None)


LEADERSHIP_WORDS = ("trưởng", "chánh", "giám đốc", "phó ")
"""A position counts as a leadership post when its title holds one of these (Giám đốc, Phó
Giám đốc, Trưởng phòng, Chánh Văn phòng…); every other post is front-line staff."""


@dataclass(frozen=True)
class Choice:
    """What the dashboard shows: a unit, its children, years, the structure."""

    unit: OrgUnit
    years: list[int]
    child_ids: list[int]
    names: dict[int, str]
    mapped_to: dt.date | None = None
    keys: KeyIndicators = KeyIndicators()


@dataclass
class YearFigures:
    """Figures by indicator code for the unit (`total`) and each child, for one year."""

    year: int
    total: dict[str, Decimal | None] = field(default_factory=dict)
    children: dict[int, dict[str, Decimal | None]] = field(default_factory=dict)
    partial: set[str] = field(default_factory=set)


@dataclass
class HeatCell:
    expected: int
    filed: int
    on_time: int

    @property
    def completeness(self) -> Decimal | None:
        return _share(self.filed, self.expected)

    @property
    def timeliness(self) -> Decimal | None:
        return _share(self.on_time, self.expected)


@dataclass
class ScoreRow:
    unit_id: int
    scores: dict[int, Decimal | None]
    ranks: dict[int, int | None]


@dataclass
class Awards:
    by_title: dict[str, dict[int, int]]
    leadership: int
    front_line: int
    units: int


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def quarters(years: Sequence[int]) -> list[Period]:
    return list(
        Period.objects.filter(kind=Period.Kind.QUARTER, year__in=list(years)).order_by("start")
    )


_T = TypeVar("_T")
CACHE_SECONDS = 3600


def _structure_version() -> str:
    """The latest reorganisation recorded (the roll-ups follow it on their next query)."""
    return str(Reorganisation.objects.aggregate(m=Max("id"))["m"])


def data_version() -> str:
    """Changes whenever a report changes (saved, submitted, approved, returned, reopened) or a
    reorganisation is recorded: the key under which computed figures may be reused."""
    found = Report.objects.aggregate(last=Max("updated_at"), count=Count("id"))
    return f"{found['last']}|{found['count']}|{_structure_version()}"


_VERSIONS: contextvars.ContextVar[dict[tuple[int, ...], dict[int, str]] | None] = (
    contextvars.ContextVar("dashboard_versions", default=None)
)


@contextlib.contextmanager
def one_reading() -> Iterator[None]:
    """Within the block (one page), the years' versions are read once: the figures, the
    quarters and the heat map of the same years ask for them in turn."""
    token = _VERSIONS.set({})
    try:
        yield
    finally:
        _VERSIONS.reset(token)


def year_versions(years: Sequence[int]) -> dict[int, str]:
    """For each year: a key that changes whenever a report of one of the year's periods
    changes (or is added or deleted) or a reorganisation is recorded. A report approved in
    2026 leaves the figures of 2022–2025 reusable."""
    memo = _VERSIONS.get()
    if memo is not None:
        if tuple(years) not in memo:
            memo[tuple(years)] = _year_versions(years)
        return memo[tuple(years)]
    return _year_versions(years)


def _year_versions(years: Sequence[int]) -> dict[int, str]:
    structure = _structure_version()
    found = {
        year: f"{last}|{n}"
        for year, last, n in Report.objects.filter(period__year__in=list(years))
        .order_by()
        .values_list("period__year")
        .annotate(last=Max("updated_at"), n=Count("id"))
        .values_list("period__year", "last", "n")
    }
    return {y: f"{found.get(y, '-')}|{structure}" for y in years}


def _key(name: str, choice: Choice, version: str) -> str:
    parts = [name, choice.unit.pk, choice.years, choice.child_ids, choice.mapped_to, choice.keys]
    return "dash:" + hashlib.sha256(f"{parts}|{version}".encode()).hexdigest()


def _cached(name: str, choice: Choice, compute: Callable[[], _T], version: str | None = None) -> _T:
    """The figures of the choice, reused while the data they read has not changed (`version`;
    by default any report's change): a sector dashboard asks hundreds of mapped roll-up
    queries, whose answers only change with the reports."""
    key = _key(name, choice, data_version() if version is None else version)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return cast(_T, found)


def _cached_by_year(
    name: str, choice: Choice, compute: Callable[[Choice], Mapping[int, _T]]
) -> dict[int, _T]:
    """Figures kept year by year, each under its year's version (`year_versions`): after a
    change only the years it touched are computed again, all of them in one `compute` call
    (given the choice narrowed to those years; it answers by year, leaving out years it has
    nothing for)."""
    versions = year_versions(choice.years)
    keys = {y: _key(name, replace(choice, years=[y]), versions[y]) for y in choice.years}
    found = cache.get_many(list(keys.values()))
    out: dict[int, _T] = {}
    missing = []
    for year in choice.years:
        if keys[year] in found:
            if found[keys[year]]:  # a 1-tuple; an empty one: nothing that year
                out[year] = found[keys[year]][0]
        else:
            missing.append(year)
    if missing:
        computed = compute(replace(choice, years=missing))
        kept: dict[str, object] = {}
        for year in missing:
            if year in computed:
                out[year] = computed[year]
                kept[keys[year]] = (computed[year],)
            else:
                kept[keys[year]] = ()
        cache.set_many(kept, CACHE_SECONDS)
    return {y: out[y] for y in choice.years if y in out}


def year_figures(choice: Choice) -> list[YearFigures]:
    """For each year with quarters: the roll-up table's figures of the unit (every indicator)
    and of its children (the key indicators only: the charts show no other)."""
    found = _cached_by_year("years", choice, lambda part: {f.year: f for f in _year_figures(part)})
    return list(found.values())


def _year_figures(choice: Choice) -> list[YearFigures]:
    """Each child is mapped onto today's structure once for every day of the phase (not once
    per year and again for the annual figures); the roll-ups are read once per table."""
    found = quarters(choice.years)
    with rollups.reusing_mappings():
        if choice.mapped_to is not None:
            days = {q.end for q in found}
            rollups.prefetch_mappings([choice.unit.pk, *choice.child_ids], choice.mapped_to, days)
        return _year_figures_of(choice, found)


def _year_figures_of(choice: Choice, found: list[Period]) -> list[YearFigures]:
    out = []
    by_year: dict[int, list[Period]] = defaultdict(list)
    for q in found:
        by_year[q.year].append(q)
    for year in choice.years:
        periods = by_year.get(year)
        if not periods:
            continue
        figures = YearFigures(year)
        own = rollup_table(
            choice.unit,
            periods,
            mapped_to=choice.mapped_to,
            include_unapproved=False,
            child_ids=[],
        )
        for group in own.groups:
            for row in group.rows:
                figures.total[row.indicator.code] = row.total.value
        if choice.child_ids:
            table = rollup_table(
                choice.unit,
                periods,
                mapped_to=choice.mapped_to,
                include_unapproved=False,
                child_ids=choice.child_ids,
                codes=choice.keys.codes,
            )
            for group in table.groups:
                for row in group.rows:
                    for column, figure in zip(table.columns, row.children, strict=True):
                        figures.children.setdefault(column.unit_id, {})[row.indicator.code] = (
                            figure.value
                        )
        out.append(figures)
    return out


def quarter_figures(choice: Choice, code: str) -> list[tuple[Period, Decimal | None]]:
    """The indicator's figure for the unit in each quarter of the years."""

    def compute(part: Choice) -> dict[int, list[tuple[Period, Decimal | None]]]:
        by_year: dict[int, list[tuple[Period, Decimal | None]]] = defaultdict(list)
        for period, value in _quarter_figures(part, code):
            by_year[period.year].append((period, value))
        return by_year

    found = _cached_by_year(f"quarters:{code}", choice, compute)
    return [row for year in choice.years for row in found.get(year, [])]


def _quarter_figures(choice: Choice, code: str) -> list[tuple[Period, Decimal | None]]:
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        return []
    out = []
    found = quarters(choice.years)
    with rollups.reusing_mappings():  # the unit mapped once for every quarter
        if choice.mapped_to is not None:
            rollups.prefetch_mappings([choice.unit.pk], choice.mapped_to, [q.end for q in found])
        for period in found:
            result = rollups.query(
                choice.unit.pk, [period], [indicator], mapped_to=choice.mapped_to
            )
            out.append((period, result.values.get(code)))
    return out


def _heat_roots(choice: Choice) -> dict[int, int]:
    """Each unit whose subtree counts for a child: the child, and on today's structure also
    every unit whose work flowed into the child's subtree (the districts merged into a
    regional unit report under it for the years before the merger)."""
    roots = {c: c for c in choice.child_ids}
    if choice.mapped_to is None:
        return roots
    # All the children at once (a query per step back through the reorganisations, not two
    # per child): each predecessor goes to the first child, in the children's order, whose
    # subtree its work flowed into — as asking child by child would give it.
    order = {c: n for n, c in enumerate(choice.child_ids)}
    far = len(order)
    frontier: dict[int, int] = {}
    paths = TreePath.objects.at(choice.mapped_to).filter(ancestor_id__in=choice.child_ids)
    for below, child in paths.values_list("descendant_id", "ancestor_id"):
        frontier[below] = min(frontier.get(below, far), order[child])
    first: dict[int, int] = {}
    expanded: dict[int, int] = {}
    while frontier:
        todo = {u: n for u, n in frontier.items() if expanded.get(u, far) > n}
        if not todo:
            break
        expanded.update(todo)
        frontier = {}
        links = ReorgLink.objects.filter(successor_id__in=list(todo))
        for successor, predecessor in links.values_list("successor_id", "predecessor_id"):
            n = todo[successor]
            first[predecessor] = min(first.get(predecessor, far), n)
            frontier[predecessor] = min(frontier.get(predecessor, far), n)
    for unit_id, n in first.items():
        roots.setdefault(unit_id, choice.child_ids[n])
    return roots


def heat_map(choice: Choice, *, today: dt.date) -> dict[int, dict[int, HeatCell]]:
    """Per child and quarter (id): the units of its subtree that had to file a quarterly
    report, those whose report is approved, and those that first submitted it on time."""

    def compute(part: Choice) -> dict[int, dict[int, dict[int, HeatCell]]]:
        year_of = {p.pk: p.year for p in quarters(part.years)}
        by_year: dict[int, dict[int, dict[int, HeatCell]]] = {
            y: {c: {} for c in part.child_ids} for y in part.years
        }
        for child, cells in _heat_map(part, today).items():
            for period_id, cell in cells.items():
                by_year[year_of[period_id]][child][period_id] = cell
        return by_year

    found = _cached_by_year(f"heat:{today}", choice, compute)
    out: dict[int, dict[int, HeatCell]] = {c: {} for c in choice.child_ids}
    for cells in found.values():
        for child, row in cells.items():
            out[child].update(row)
    return out


def _heat_map(choice: Choice, today: dt.date) -> dict[int, dict[int, HeatCell]]:
    """Four reads for the whole phase (the quarterly forms, the subtrees' paths over the
    phase, the reports), each quarter then counted on the tree as it was at its end."""
    out: dict[int, dict[int, HeatCell]] = {c: {} for c in choice.child_ids}
    periods = [p for p in quarters(choice.years) if p.start <= today]
    if not periods or not choice.child_ids:
        return out
    roots = _heat_roots(choice)
    first, last = min(p.end for p in periods), max(p.end for p in periods)
    forms = ReportForm.objects.filter(
        periodicity=Period.Kind.QUARTER, valid_from__lte=last, valid_to__gt=first
    )
    form_rows = list(forms.values_list("pk", "valid_from", "valid_to", "levels"))
    paths = list(
        TreePath.objects.filter(valid_from__lte=last, valid_to__gt=first)
        .filter(ancestor_id__in=list(roots))
        .filter(descendant__level_id__in={level for *_f, level in form_rows})
        .values_list(
            "descendant_id", "ancestor_id", "valid_from", "valid_to", "descendant__level_id"
        )
    )
    rows = (
        Report.objects.filter(
            period__in=periods,
            form_id__in={pk for pk, *_r in form_rows},
            unit_id__in=TreePath.objects.filter(valid_from__lte=last, valid_to__gt=first)
            .filter(ancestor_id__in=list(roots))
            .values("descendant_id"),
        )
        .annotate(
            first=Coalesce(
                Min("transitions__at", filter=Q(transitions__to_status=Report.Status.SUBMITTED)),
                "submitted_at",
            )
        )
        .values_list("period_id", "form_id", "unit_id", "status", "deadline", "first")
    )
    reports: dict[int, list[tuple[int, int, str, dt.date | None, dt.datetime | None]]] = (
        defaultdict(list)
    )
    for period_id, *rest in rows:
        reports[period_id].append(tuple(rest))
    for period in periods:
        day = period.end
        in_force = {pk for pk, start, end, _l in form_rows if start <= day < end}
        levels = {level for pk, _s, _e, level in form_rows if pk in in_force}
        owner = {
            d: roots[a]
            for d, a, start, end, level in paths
            if start <= day < end and level in levels
        }
        expected = Counter(owner.values())
        filed: dict[int, set[int]] = defaultdict(set)
        on_time: dict[int, set[int]] = defaultdict(set)
        for form_id, unit_id, status, deadline, submitted in reports[period.pk]:
            if form_id not in in_force or unit_id not in owner:
                continue
            if status in Report.LOCKED:
                filed[owner[unit_id]].add(unit_id)
            if submitted is not None and (
                deadline is None or timezone.localdate(submitted) <= deadline
            ):
                on_time[owner[unit_id]].add(unit_id)
        for child in choice.child_ids:
            out[child][period.pk] = HeatCell(
                expected[child], len(filed[child]), len(on_time[child])
            )
    return out


def scores(choice: Choice) -> list[ScoreRow]:
    """Each child's THTK-CLP score by year (the final total, else the reviewed or self
    score) and its rank among the children that year (1 = best)."""
    rows = Assessment.objects.filter(unit_id__in=choice.child_ids, year__in=choice.years)
    found: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for unit_id, year, total, self_total in rows.values_list(
        "unit_id", "year", "total", "self_total"
    ):
        found[unit_id][year] = total if total is not None else self_total
    ranks: dict[int, dict[int, int | None]] = defaultdict(dict)
    for year in choice.years:
        scored = sorted((s, u) for u in choice.child_ids if (s := found[u].get(year)) is not None)
        scored.reverse()
        for rank, (_score, unit_id) in enumerate(scored, start=1):
            ranks[unit_id][year] = rank
    return [
        ScoreRow(u, {y: found[u].get(y) for y in choice.years}, dict(ranks[u]))
        for u in choice.child_ids
    ]


def is_leadership(position_title: str) -> bool:
    text = position_title.casefold()
    return any(word in text for word in LEADERSHIP_WORDS)


def awards(choice: Choice) -> Awards:
    """Awards of the years in the unit's subtree (not revoked): counts by title and year,
    units awarded, and people in leadership posts against front-line staff. A person counts
    where they held a post at the year's end."""
    version = AwardRecord.objects.aggregate(
        n=Count("id"), last=Max("pk"), revoked=Max("revoked_on")
    )
    # the awards, the posts and the structure: a report's change leaves them reusable
    people = Position.objects.aggregate(n=Count("id"), last=Max("pk"), ended=Max("valid_to"))
    return _cached(
        "awards", choice, lambda: _awards(choice), f"{version}|{people}|{_structure_version()}"
    )


def _awards(choice: Choice) -> Awards:
    """Counted by the database, a year at a time (the year's subtree): the units' awards by
    title, the people's awards by title, and those of people who held a leadership post at
    the year's end (an award counts once, whatever the number of posts its holder held)."""
    by_title: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    leadership = front_line = units = 0
    titles = set(Position.objects.order_by().values_list("title", flat=True).distinct())
    leading = sorted(t for t in titles if is_leadership(t))
    for year in choice.years:
        day = dt.date(year, 12, 31)
        below = tree.subtree_ids(choice.unit.pk, day)
        current = AwardRecord.objects.filter(year=year, revoked_on=None, unit_id__in=below)
        for name, n in (
            current.order_by()
            .values_list("title__name")
            .annotate(n=Count("pk"))
            .values_list("title__name", "n")
        ):
            by_title[name][year] += n
            units += n
        posts = Position.objects.filter(
            valid_from__lte=day,
            valid_to__gt=day,
            unit_id__in=below,
            person__awards__year=year,
            person__awards__revoked_on=None,
        ).order_by()
        counted = Count("person__awards__pk", distinct=True)
        led = Count("person__awards__pk", distinct=True, filter=Q(title__in=leading))
        for name, n, leaders in (
            posts.values_list("person__awards__title__name")
            .annotate(n=counted, leaders=led)
            .values_list("person__awards__title__name", "n", "leaders")
        ):
            by_title[name][year] += n
            leadership += leaders
            front_line += n - leaders
    return Awards({k: dict(v) for k, v in by_title.items()}, leadership, front_line, units)


@dataclass
class Findings:
    """Oversight findings of the years in the unit's subtree, by rule and by child: (confirmed,
    open) counts and the amount at stake of the confirmed. Rules are those the rows carry, with
    the rule registry's titles (a rule added later shows without a change here)."""

    rules: list[tuple[str, str]]
    by_rule: dict[str, tuple[int, int, Decimal]]
    by_child: dict[int, tuple[int, int]]

    @property
    def empty(self) -> bool:
        return not self.by_rule


def findings(choice: Choice) -> Findings:
    """Confirmed and open findings (dismissed ones left out) of the unit's subtree, each
    finding counted under the child whose subtree held its unit at the end of its year (on
    today's structure: also the units merged into the child). Reused while neither the
    findings nor the reports change."""
    version = f"{oversight_queries.findings_version()}|{_structure_version()}"
    return _cached("findings", choice, lambda: _findings(choice), version)


def _findings(choice: Choice) -> Findings:
    roots = _heat_roots(choice)
    rules: dict[str, list[int | Decimal]] = {}
    by_child: dict[int, list[int]] = {c: [0, 0] for c in choice.child_ids}
    for year in choice.years:
        day = dt.date(year, 12, 31)
        paths = TreePath.objects.at(day).filter(ancestor_id__in=list(roots))
        owner = {d: roots[a] for d, a in paths.values_list("descendant_id", "ancestor_id")}
        units = [choice.unit.pk, *owner]
        for t in oversight_queries.finding_tallies(units, [year]):
            counts = rules.setdefault(t.rule, [0, 0, Decimal(0)])
            counts[0] += t.confirmed
            counts[1] += t.open
            counts[2] += t.amount
            child = owner.get(t.unit_id)
            if child is not None and t.unit_id != choice.unit.pk:
                by_child[child][0] += t.confirmed
                by_child[child][1] += t.open
    titled = sorted(
        ((code, oversight_queries.rule_title(code)) for code in rules), key=lambda r: r[1]
    )
    return Findings(
        titled,
        {k: (int(v[0]), int(v[1]), Decimal(v[2])) for k, v in rules.items()},
        {c: (v[0], v[1]) for c, v in by_child.items()},
    )
