"""Roll-ups over approved data.

A Rollup row holds, for one unit, period and typed indicator, the sum over the approved
reports of the unit's subtree *as the tree was on the period's last day*. Rows are maintained
incrementally: approving a report adds its values to the rows of its unit and of every unit
above it on that day; returning or reopening it subtracts them. A row that no report feeds any
more stays, with zeros and `reports` = 0, until rebuild() drops it; queries ignore it. Derived
indicators are never stored: they are computed from the aggregated inputs, so a ratio of sums
stays a ratio of sums.

Queries answer either on the structure as it was, or mapped onto the structure at a chosen
date D: a unit's figures then count under the unit that carries its work on D (Hà Giang's 2023
figures under Tuyên Quang). The mapping is exact without touching raw values: with c(X) the
share of X's own work that lands in the target subtree on D (1, 0, or a fraction after a
split: equal shares across the parts),

    Σ_Z c(Z)·own(Z) = Σ_X (c(X) − c(parent(X)))·rollup(X)

over the tree as it was. c(X) differs from c(parent(X)) only at the target and at units whose
version changed between the two dates (moved, merged, split, closed), so a query reads a
handful of Rollup rows, however large the subtree.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Min, Q, QuerySet
from django.utils import timezone

from thidua.org.models import OrgUnit, OrgUnitVersion, Reorganisation, ReorgLink, TreePath

from .checks import Values
from .expressions import (
    Expression,
    ExpressionError,
    compile_expression,
    dependency_order,
    evaluate,
)
from .models import DataValue, Indicator, Period, Report, Rollup, RollupState

ZERO = Decimal(0)
ONE = Decimal(1)
SHARE_PLACES = Decimal("1e-12")
"""Shares and coefficients are rounded here, so 1/3 + 1/3 + 1/3 telescopes to exactly 1."""
VALUE_PLACES = Decimal("1e-6")
"""The database keeps six decimals (DataValue.value, Rollup.total)."""
COUNTED = sorted(Report.LOCKED)
"""Statuses whose figures are in the roll-ups: approved and accepted."""
MAX_HOPS = 50
SMALL_SUBTREE = 1_000
"""Up to this many units below the target, a mapping looks up the changed units near it
through the indexes; above, it scans every changed version (see _changed_parents)."""


# --- maintenance ---------------------------------------------------------------------------

SOURCE_SQL = """
FROM {value} dv
JOIN {report} r ON r.id = dv.report_id
JOIN {period} p ON p.id = r.period_id
JOIN {indicator} i ON i.id = dv.indicator_id
JOIN {path} tp ON tp.descendant_id = r.unit_id
             AND tp.valid_from <= p.{end} AND tp.valid_to > p.{end}
WHERE dv.value IS NOT NULL AND i.formula = '' AND {condition}
"""
"""Each typed value of a report, once for its unit and once for every unit above it on the
period's last day. Shared by the incremental path and rebuild(), so both count exactly the
same rows."""

WEIGHT_SQL = """CASE WHEN i.weight_id IS NULL THEN 0 ELSE COALESCE((
    SELECT w.value FROM {value} w WHERE w.report_id = dv.report_id AND w.indicator_id = i.weight_id
), 0) END"""
"""The value of the indicator's weight indicator in the same report, looked up (by the unique
index) only for indicators that have one: a join would read the whole value table."""

ADD_SQL = """
INSERT INTO {rollup} (unit_id, period_id, indicator_id, total, weighted, weight, reports)
SELECT tp.ancestor_id, r.period_id, dv.indicator_id,
       dv.value, dv.value * {weight}, {weight}, 1
{source}
ON CONFLICT (unit_id, period_id, indicator_id) DO UPDATE SET
    total = {rollup}.total + excluded.total,
    weighted = {rollup}.weighted + excluded.weighted,
    weight = {rollup}.weight + excluded.weight,
    reports = {rollup}.reports + excluded.reports
"""

SUBTRACT_SQL = """
UPDATE {rollup} SET
    total = {rollup}.total - s.total,
    weighted = {rollup}.weighted - s.weighted,
    weight = {rollup}.weight - s.weight,
    reports = {rollup}.reports - 1
FROM (
    SELECT tp.ancestor_id AS unit_id, r.period_id AS period_id, dv.indicator_id AS indicator_id,
           dv.value AS total, dv.value * {weight} AS weighted, {weight} AS weight
    {source}
) s
WHERE {rollup}.unit_id = s.unit_id AND {rollup}.period_id = s.period_id
  AND {rollup}.indicator_id = s.indicator_id
"""

REBUILD_SQL = """
INSERT INTO {rollup} (unit_id, period_id, indicator_id, total, weighted, weight, reports)
SELECT tp.ancestor_id, r.period_id, dv.indicator_id,
       SUM(dv.value), SUM(dv.value * {weight}), SUM({weight}), COUNT(*)
{source}
GROUP BY tp.ancestor_id, r.period_id, dv.indicator_id
"""


def _sql(template: str, condition: str) -> str:
    """A statement with the tables' quoted names (portable to SQLite and PostgreSQL)."""
    qn = connection.ops.quote_name
    names = {
        "rollup": qn(Rollup._meta.db_table),
        "value": qn(DataValue._meta.db_table),
        "report": qn(Report._meta.db_table),
        "period": qn(Period._meta.db_table),
        "indicator": qn(Indicator._meta.db_table),
        "path": qn(TreePath._meta.db_table),
        "end": qn("end"),
    }
    source = SOURCE_SQL.format(condition=condition, **names)
    weight = WEIGHT_SQL.format(value=names["value"])
    return template.format(source=source, weight=weight, rollup=names["rollup"])


def apply_report(report: Report, *, sign: int) -> int:
    """Add (sign=1, on approval) or remove (sign=-1, on return or reopening) an approved
    report's typed values in the roll-ups of its unit and of every unit above it on the
    period's last day (THTK-CLP reports are aggregated up the tree, Decree 266/2026 Art. 36),
    in one statement: INSERT … ON CONFLICT DO UPDATE to add, UPDATE … FROM to subtract (the
    rows exist then; an upsert would check a negative count against the column's constraint
    first). Returns the number of rows written."""
    if sign not in (1, -1):
        raise ValueError("sign must be 1 or -1")
    with connection.cursor() as cursor:
        template = ADD_SQL if sign > 0 else SUBTRACT_SQL
        cursor.execute(_sql(template, "dv.report_id = %s"), [report.pk])
        return int(max(cursor.rowcount, 0))


@transaction.atomic
def rebuild(periods: Iterable[Period] | None = None, *, batch: int = 1) -> int:
    """Recompute the roll-ups of these periods (all by default) from the approved reports,
    after a bulk load or a repair: one INSERT … SELECT … GROUP BY per batch of `batch`
    periods, in one transaction. Returns the number of rows written."""
    if periods is None:
        Rollup.objects.all().delete()
        period_ids = sorted(
            Report.objects.filter(status__in=COUNTED)
            .order_by()
            .values_list("period_id", flat=True)
            .distinct()
        )
    else:
        period_ids = sorted({p.pk for p in periods})
        Rollup.objects.filter(period_id__in=period_ids).delete()
    written = 0
    step = max(batch, 1)
    with connection.cursor() as cursor:
        for start in range(0, len(period_ids), step):
            chunk = period_ids[start : start + step]
            condition = "r.status IN ({}) AND r.period_id IN ({})".format(
                ", ".join(["%s"] * len(COUNTED)), ", ".join(["%s"] * len(chunk))
            )
            cursor.execute(_sql(REBUILD_SQL, condition), [*COUNTED, *chunk])
            written += max(cursor.rowcount, 0)
    if periods is None:
        _mark_seen(Reorganisation.objects.aggregate(m=Max("id"))["m"] or 0)
    return written


def _mark_seen(event_id: int) -> None:
    RollupState.objects.update_or_create(
        pk=1, defaults={"reorganisations_seen": event_id, "rebuilt_at": timezone.now()}
    )


def ensure_current() -> int:
    """Bring the roll-ups in line with reorganisations recorded since they were last built:
    rebuild every period that ends on or after the earliest such event's date. One indexed
    MAX per call when nothing changed; the org app stays unaware of roll-ups. Returns the
    number of rows written."""
    latest = Reorganisation.objects.aggregate(m=Max("id"))["m"] or 0
    seen = RollupState.objects.filter(pk=1).values_list("reorganisations_seen", flat=True)
    if latest <= (seen.first() or 0):
        return 0
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        if latest <= state.reorganisations_seen:
            return 0  # another request rebuilt meanwhile
        new_events = Reorganisation.objects.filter(
            id__gt=state.reorganisations_seen, id__lte=latest
        )
        first_day = new_events.aggregate(d=Min("date"))["d"]
        written = rebuild(Period.objects.filter(end__gte=first_day)) if first_day else 0
        _mark_seen(latest)
    return written


def rebuild_from(day: dt.date) -> int:
    """Recompute the roll-ups of every period that ends on or after `day`: to run when a
    reorganisation dated `day` is recorded after reports of those periods were approved (the
    roll-ups follow the tree as it was on each period's last day, which it has just changed)."""
    return rebuild(Period.objects.filter(end__gte=day))


# --- mapping onto the structure at a date ----------------------------------------------------


@dataclass
class Mapping:
    """How the tree on one `day_then` counts under `target` on `target_day`: the non-zero
    coefficients c(X) − c(parent(X)) of the telescoping sum, and the share c(X) of every unit
    closed by `target_day` whose work lands (partly) under the target."""

    weights: dict[int, Decimal] = field(default_factory=dict)
    closed_shares: dict[int, Decimal] = field(default_factory=dict)


def _landing(closed: set[int], target_day: dt.date) -> dict[int, dict[int, Decimal]]:
    """For each unit open on some earlier day but not on `target_day`: the units carrying its
    work on `target_day`, with their shares. It passed its work on through the merges and
    splits it ended in (equal shares across the parts of a split); work that reaches no unit
    open on `target_day` is lost, and so is the work of a unit that did not exist yet."""
    landing: dict[int, dict[int, Decimal]] = {u: {} for u in closed}
    frontier = {u: [(u, ONE)] for u in closed}
    for _hop in range(MAX_HOPS):
        if not frontier:
            break
        current = {c for moves in frontier.values() for c, _s in moves}
        links: dict[int, list[int]] = defaultdict(list)
        arrived: set[int] = set()
        for pred, succ, is_open in (
            ReorgLink.objects.filter(predecessor_id__in=current, date__lte=target_day)
            .annotate(is_open=_open_on(target_day, "successor"))
            .values_list("predecessor_id", "successor_id", "is_open")
        ):
            links[pred].append(succ)
            if is_open:
                arrived.add(succ)
        nxt: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        for origin, moves in frontier.items():
            for unit, share in moves:
                parts = links.get(unit, [])
                for succ in parts:
                    part = share / len(parts)
                    if succ in arrived:
                        landing[origin][succ] = landing[origin].get(succ, ZERO) + part
                    else:
                        nxt[origin].append((succ, part))
        frontier = dict(nxt)
    return landing


def _coverage(landing: dict[int, dict[int, Decimal]], below: set[int]) -> dict[int, Decimal]:
    """c(X): the share of each unit's work that lands in the target's subtree (`below`)."""
    return {
        unit: sum((s for p, s in parts.items() if p in below), ZERO).quantize(SHARE_PLACES)
        for unit, parts in landing.items()
    }


def _open_on(day: dt.date, relation: str) -> ExpressionWrapper[Q]:
    """Whether the related unit is in operation on `day`, computed by the database."""
    condition = Q(**{f"{relation}__valid_from__lte": day, f"{relation}__valid_to__gt": day})
    return ExpressionWrapper(condition, output_field=BooleanField())


Changed = dict[dt.date, dict[int, int | None]]


def _flowing_in(below: QuerySet[Any, Any], since: dt.date, target_day: dt.date) -> set[int]:
    """Units closed after `since` (by `target_day`) whose work flowed, through merges and
    splits, into one of the units `below` (a subquery of descendant ids)."""
    links = ReorgLink.objects.filter(date__gt=since, date__lte=target_day)
    found: set[int] = set()
    frontier: Any = below
    for _hop in range(MAX_HOPS):
        frontier = (
            set(links.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True))
            - found
        )
        if not frontier:
            break
        found |= frontier
    return found


VersionRow = tuple[int, int | None, dt.date, dt.date]


def _versions_near(
    versions: QuerySet[OrgUnitVersion, VersionRow],
    target: int,
    below_ids: QuerySet[Any, Any],
    flowing: set[int],
) -> tuple[set[VersionRow], set[int]]:
    """The changed versions of the units under the target, of their children, and of the
    units that flowed into them; each looked up through an index. Also the units among them
    whose operation on the target day is not yet known."""
    queries = [
        versions.filter(unit_id__in=below_ids),
        versions.filter(parent_id__in=below_ids),
        versions.filter(Q(unit_id__in=flowing | {target}) | Q(parent_id__in=flowing)),
    ]
    rows = set(queries[0].union(*queries[1:], all=True))  # one round trip, an index each
    return rows, {u for row in rows for u in row[:2] if u is not None}


def _changed_parents(
    target: int, target_day: dt.date, days_then: list[dt.date]
) -> tuple[Changed, dict[int, Decimal], set[int], set[int]]:
    """For each day then: the parent that day of the target and of every unit whose version
    changed between that day and `target_day` (moved, merged, split, closed, renamed, or not
    yet open): the only units where c(X) can differ from c(parent(X)). Also c(X) for those
    units and their parents that are open on `target_day` (1 under the target, else 0), and
    the ones that are not.

    Only a changed unit whose work, or whose parent's, lands under the target can bear a
    non-zero coefficient. Below a small subtree those are found through the indexes; for a
    large one a plain scan of the changed versions is cheaper (their number grows with the
    reorganisations, not with the size of the tree)."""
    first, last = min(days_then), max(days_then)
    below_ids = TreePath.objects.at(target_day).filter(ancestor_id=target).values("descendant_id")
    below = set(below_ids.values_list("descendant_id", flat=True))
    versions = (
        OrgUnitVersion.objects.filter(valid_from__lte=last, valid_to__gt=first)
        .filter(Q(valid_to__lte=target_day) | Q(valid_from__gt=target_day) | Q(unit_id=target))
        .order_by()
    )
    if len(below) <= SMALL_SUBTREE:
        flowing = _flowing_in(below_ids, first, target_day) if target_day > first else set()
        fields = versions.values_list("unit_id", "parent_id", "valid_from", "valid_to")
        rows, seen = _versions_near(fields, target, below_ids, flowing)
        opened = below | set(
            OrgUnit.objects.at(target_day).filter(id__in=seen - below).values_list("id", flat=True)
        )
    else:
        scanned = list(
            versions.annotate(
                unit_open=_open_on(target_day, "unit"),
                parent_open=_open_on(target_day, "parent"),
            ).values_list(
                "unit_id", "parent_id", "valid_from", "valid_to", "unit_open", "parent_open"
            )
        )
        rows = {(u, p, start, end) for u, p, start, end, _uo, _po in scanned}
        opened = {u for u, _p, _s, _e, uo, _po in scanned if uo}
        opened |= {p for _u, p, _s, _e, _uo, po in scanned if po and p is not None}
    changed: Changed = {day: {} for day in days_then}
    c: dict[int, Decimal] = {}
    gone: set[int] = set()
    for unit, parent, start, end in rows:
        for u in (unit, parent):
            if u is None:
                continue
            if u in opened:
                c[u] = ONE if u in below else ZERO
            else:
                gone.add(u)
        for day in days_then:
            if not start <= day < end:
                continue
            moved = end <= target_day if day <= target_day else start > target_day
            if moved or unit == target:
                changed[day][unit] = parent
    return changed, c, gone, below


_MAPPINGS: contextvars.ContextVar[dict[tuple[int, dt.date], dict[dt.date, Mapping]] | None] = (
    contextvars.ContextVar("rollup_mappings", default=None)
)


@contextlib.contextmanager
def reusing_mappings() -> Iterator[None]:
    """Within the block, `mappings` answers a unit and day it has already mapped from memory
    (the structure does not change while a page reads figures): a dashboard asks the same
    child for each year, and the year's annual figures again. Nothing is kept afterwards.
    Nested in another such block, it shares the outer block's memory."""
    if _MAPPINGS.get() is not None:
        yield
        return
    token = _MAPPINGS.set({})
    try:
        yield
    finally:
        _MAPPINGS.reset(token)


def prefetch_mappings(
    targets: Iterable[int], target_day: dt.date, days_then: Iterable[dt.date]
) -> None:
    """Map every target for all the days at once (a handful of queries for them all, not a
    handful per target) so that later queries inside `reusing_mappings` read them from
    memory. Outside such a block it does nothing: nothing would keep the answers."""
    memo = _MAPPINGS.get()
    days = sorted(set(days_then))
    wanted = list(dict.fromkeys(targets))
    if memo is None or not days or not wanted:
        return
    todo = [t for t in wanted if any(d not in memo.get((t, target_day), {}) for d in days)]
    if len(todo) == 1:
        mappings(todo[0], target_day, days)
        return
    for target, by_day in _bulk_mappings(todo, target_day, days).items():
        memo.setdefault((target, target_day), {}).update(by_day)


def _bulk_mappings(
    targets: list[int], target_day: dt.date, days: list[dt.date]
) -> dict[int, dict[dt.date, Mapping]]:
    """`_mappings` for many targets at once, with the same answers: one scan of the versions
    that changed between the days and `target_day` (the large-subtree way of
    `_changed_parents`), one walk of where closed units' work went, one read of the targets'
    subtrees; then, per target, only the changed units whose coefficient can be non-zero
    (those in its subtree or whose work lands there, and their children)."""
    first, last = days[0], days[-1]
    below_of: dict[int, set[int]] = {t: set() for t in targets}
    for ancestor, descendant in (
        TreePath.objects.at(target_day)
        .filter(ancestor_id__in=targets)
        .values_list("ancestor_id", "descendant_id")
    ):
        below_of[ancestor].add(descendant)
    scanned = (
        OrgUnitVersion.objects.filter(valid_from__lte=last, valid_to__gt=first)
        .filter(Q(valid_to__lte=target_day) | Q(valid_from__gt=target_day) | Q(unit_id__in=targets))
        .order_by()
        .annotate(
            unit_open=_open_on(target_day, "unit"), parent_open=_open_on(target_day, "parent")
        )
        .values_list("unit_id", "parent_id", "valid_from", "valid_to", "unit_open", "parent_open")
    )
    opened: set[int] = set()
    gone: set[int] = set()
    # per day: the changed units' parents that day (shared by every target), and the targets'
    # own versions (a target always counts, moved or not)
    moved: dict[dt.date, dict[int, int | None]] = {d: {} for d in days}
    own: dict[dt.date, dict[int, int | None]] = {d: {} for d in days}
    for unit, parent, start, end, unit_open, parent_open in scanned:
        for u, is_open in ((unit, unit_open), (parent, parent_open)):
            if u is None:
                continue
            (opened if is_open else gone).add(u)
        for day in days:
            if not start <= day < end:
                continue
            if (end <= target_day) if day <= target_day else (start > target_day):
                moved[day][unit] = parent
            elif unit in below_of:
                own[day][unit] = parent
    gone -= opened
    landing = _landing(gone, target_day) if gone else {}
    children: dict[dt.date, dict[int, list[int]]] = {}
    for day, by_unit in moved.items():
        kids = children[day] = defaultdict(list)
        for unit, parent in by_unit.items():
            if parent is not None:
                kids[parent].append(unit)
    reaching: dict[int, set[int]] = defaultdict(set)  # unit open on target_day -> origins
    for origin, parts in landing.items():
        for part in parts:
            reaching[part].add(origin)
    out: dict[int, dict[dt.date, Mapping]] = {}
    for target in targets:
        below = below_of[target]
        c: dict[int, Decimal] = dict.fromkeys(below, ONE)
        origins = {o for u in below for o in reaching.get(u, ())}
        covered = _coverage({o: landing[o] for o in origins}, below)
        shares = {u: s for u, s in covered.items() if s}
        c.update(shares)
        result = out[target] = {}
        for day in days:
            found = result[day] = Mapping()
            by_unit = moved[day]
            units = {u for u in c if u in by_unit}
            units.update(k for u in c for k in children[day].get(u, ()))
            picked = {u: by_unit[u] for u in units}
            picked.update((u, p) for u, p in own[day].items() if u == target and u not in by_unit)
            for unit, parent in picked.items():
                mine = c.get(unit, ZERO)
                coefficient = mine - (c.get(parent, ZERO) if parent is not None else ZERO)
                if coefficient:
                    found.weights[unit] = coefficient
                if mine and unit in shares:
                    found.closed_shares[unit] = mine
    return out


def mappings(
    target: int, target_day: dt.date, days_then: Iterable[dt.date]
) -> dict[dt.date, Mapping]:
    """The telescoping coefficients for figures of each day then (a period's last day) viewed
    under `target` on `target_day`; a handful of queries whatever the number of days."""
    days = sorted(set(days_then))
    if not days:
        return {}
    memo = _MAPPINGS.get()
    if memo is None:
        return _mappings(target, target_day, days)
    known = memo.setdefault((target, target_day), {})
    missing = [d for d in days if d not in known]
    if missing:
        known.update(_mappings(target, target_day, missing))
    return {d: known[d] for d in days}


def _mappings(target: int, target_day: dt.date, days: list[dt.date]) -> dict[dt.date, Mapping]:
    changed, c, gone, below = _changed_parents(target, target_day, days)
    if gone:  # closed by the target day (or not open yet): follow where the work went
        c.update(_coverage(_landing(gone, target_day), below))
    result: dict[dt.date, Mapping] = {}
    for day, by_unit in changed.items():
        found = result[day] = Mapping()
        for unit, parent in by_unit.items():
            coefficient = c[unit] - (c[parent] if parent is not None else ZERO)
            if coefficient:
                found.weights[unit] = coefficient
            if c[unit] and unit in gone:
                found.closed_shares[unit] = c[unit]
    return result


def own_work_of(unit_id: int, target_day: dt.date) -> dict[int, Decimal]:
    """The unit itself (share 1) and every unit closed by `target_day` whose own work went,
    through merges and splits, to this unit, with the share that did (a district merged
    into a regional unit: 1; one of three parts of a split: 1/3). A unit's own figures over
    years that cross a reorganisation count these units' own reports with these shares."""
    found: set[int] = set()
    frontier = {unit_id}
    for _hop in range(MAX_HOPS):
        frontier = (
            set(
                ReorgLink.objects.filter(
                    successor_id__in=frontier, date__lte=target_day
                ).values_list("predecessor_id", flat=True)
            )
            - found
            - {unit_id}
        )
        if not frontier:
            break
        found |= frontier
    still_open = set(
        OrgUnit.objects.at(target_day).filter(id__in=found).values_list("id", flat=True)
    )
    out = {unit_id: ONE}
    for unit, parts in _landing(found - still_open, target_day).items():
        share = parts.get(unit_id, ZERO).quantize(SHARE_PLACES)
        if share:
            out[unit] = share
    return out


def mapping(target: int, target_day: dt.date, day_then: dt.date) -> Mapping:
    """The telescoping coefficients for figures of `day_then` viewed under `target` on
    `target_day`."""
    return mappings(target, target_day, [day_then])[day_then]


def boundary_weights(target: int, target_day: dt.date, day_then: dt.date) -> dict[int, Decimal]:
    """Coefficients c(X) − c(parent(X)) of the telescoping sum, non-zero only at the edges."""
    return mapping(target, target_day, day_then).weights


# --- queries ---------------------------------------------------------------------------------


@dataclass
class Cell:
    """An aggregated figure for one period; `partial` marks figures with unapproved data."""

    total: Decimal = ZERO
    weighted: Decimal = ZERO
    weight: Decimal = ZERO
    reports: Decimal = ZERO
    partial: bool = False

    def add(self, share: Decimal, total: Decimal, weighted: Decimal, weight: Decimal) -> None:
        self.total += share * total
        self.weighted += share * weighted
        self.weight += share * weight


@dataclass
class RollupResult:
    """Figures by indicator code for a unit's subtree over some periods. `reports` counts
    the reports (summed over the periods) behind each typed figure; `partial` holds the codes
    whose figure includes unapproved data."""

    unit_id: int
    periods: list[Period]
    mapped_to: dt.date | None = None
    values: dict[str, Decimal | None] = field(default_factory=dict)
    reports: dict[str, int] = field(default_factory=dict)
    partial: set[str] = field(default_factory=set)
    covered: set[int] = field(default_factory=set)
    """The periods (ids) with figures behind them."""

    @property
    def includes_unapproved(self) -> bool:
        return bool(self.partial)


PerPeriod = dict[int, dict[int, Cell]]


@functools.lru_cache(maxsize=1024)
def _compiled(formula: str) -> Expression | None:
    """A formula compiled once per process (a query evaluates every derived indicator)."""
    try:
        return compile_expression(formula)
    except ExpressionError:
        return None


def _formula_codes(indicator: Indicator) -> frozenset[str]:
    compiled = _compiled(indicator.formula)
    return compiled.codes if compiled is not None else frozenset()


def _with_derived(values: dict[str, Decimal | None], indicators: list[Indicator]) -> Values:
    """checks.with_derived, with the formulas compiled once: each derived indicator computed
    from the aggregated figures."""
    formulas = {
        i.code: compiled for i in indicators if i.formula and (compiled := _compiled(i.formula))
    }
    out = dict(values)
    for code in dependency_order(formulas):
        out[code] = evaluate(formulas[code], out)
    return out


def with_inputs(indicators: Sequence[Indicator]) -> list[Indicator]:
    """The indicators and, for each derived one, the indicators its formula reads."""
    chosen = {i.code: i for i in indicators}
    missing = {c for i in indicators if i.formula for c in _formula_codes(i)} - set(chosen)
    while missing:
        found = list(Indicator.objects.filter(code__in=missing))
        chosen.update((i.code, i) for i in found)
        missing = {c for i in found if i.formula for c in _formula_codes(i)} - set(chosen)
    return list(chosen.values())


RollupRow = tuple[Any, ...]
"""(unit, period, indicator, reports, total[, weighted, weight]) of a Rollup row."""


def _rollup_rows(
    periods: Collection[int], units: Collection[int], typed: list[Indicator]
) -> list[RollupRow]:
    rows = Rollup.objects.filter(
        period_id__in=list(periods), unit_id__in=units, indicator_id__in=[i.pk for i in typed]
    )
    averaged = any(i.aggregation == Indicator.Aggregation.WEIGHTED_AVERAGE for i in typed)
    columns = ["unit_id", "period_id", "indicator_id", "reports", "total"]
    # the weighted columns cost a decimal conversion each: read them only when needed
    return list(rows.values_list(*columns, *(["weighted", "weight"] if averaged else [])))


def _read_rollups(
    weights: dict[int, dict[int, Decimal]],
    typed: list[Indicator],
    rows: list[RollupRow] | None = None,
) -> PerPeriod:
    """Σ weight·rollup(unit) per period and indicator (over `rows` when already read)."""
    out: PerPeriod = {pk: {} for pk in weights}
    units = {u for by_unit in weights.values() for u in by_unit}
    if not units or not typed:
        return out
    if rows is None:
        rows = _rollup_rows(list(weights), units, typed)
    for unit, period, indicator, reports, total, *weighted in rows:
        share = weights.get(period, {}).get(unit)
        if share is None:
            continue
        cell = out[period].setdefault(indicator, Cell())
        cell.add(share, total, *(weighted or (ZERO, ZERO)))
        cell.reports += share * reports
    return out


def _unapproved_filter(
    unit_id: int, period: Period, mapped_to: dt.date | None, found: Mapping | None
) -> tuple[Q, dict[int, Decimal]]:
    """Which reports' units count for the period, and the share of those that count partly."""
    if mapped_to is None or found is None:
        below = TreePath.objects.at(period.end).filter(ancestor_id=unit_id)
        return Q(report__unit_id__in=below.values("descendant_id")), {}
    below = TreePath.objects.at(mapped_to).filter(ancestor_id=unit_id)
    condition = Q(report__unit_id__in=below.values("descendant_id"))
    if found.closed_shares:
        condition |= Q(report__unit_id__in=list(found.closed_shares))
    return condition, found.closed_shares


def _add_unapproved(
    unit_id: int,
    periods: list[Period],
    typed: list[Indicator],
    per_period: PerPeriod,
    mapped_to: dt.date | None,
    maps: dict[int, Mapping],
) -> None:
    """Add the values of reports not yet approved (draft, submitted, returned), marked."""
    wanted = {i.pk: i for i in typed}
    for period in periods:
        condition, shares = _unapproved_filter(unit_id, period, mapped_to, maps.get(period.pk))
        rows = (
            DataValue.objects.filter(condition, report__period=period, value__isnull=False)
            .exclude(report__status__in=COUNTED)
            .values_list("report_id", "report__unit_id", "indicator_id", "value")
        )
        by_report: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
        for report_id, unit, indicator, value in rows:
            if value is not None:
                by_report[(report_id, unit)][indicator] = value
        for (_report, unit), values in by_report.items():
            share = shares.get(unit, ONE)
            for indicator, value in values.items():
                if indicator not in wanted:
                    continue
                weight_id = wanted[indicator].weight_id
                weight = values.get(weight_id, ZERO) if weight_id else ZERO
                cell = per_period[period.pk].setdefault(indicator, Cell())
                cell.add(share, value, value * weight, weight)
                cell.reports += share
                cell.partial = True


def _combine_one(indicator: Indicator, cells: list[Cell]) -> Decimal | None:
    """One typed indicator across periods, by its aggregation rule."""
    if indicator.aggregation == Indicator.Aggregation.LAST:
        return cells[-1].total.quantize(VALUE_PLACES)
    if indicator.aggregation == Indicator.Aggregation.WEIGHTED_AVERAGE:
        weight = sum((c.weight for c in cells), ZERO)
        return sum((c.weighted for c in cells), ZERO) / weight if weight else None
    return sum((c.total for c in cells), ZERO).quantize(VALUE_PLACES)


def _combine(
    per_period: PerPeriod, periods: list[Period], indicators: list[Indicator], result: RollupResult
) -> None:
    """Aggregate across periods by each indicator's rule, then compute derived indicators
    from the aggregated inputs (a ratio of sums, never an average of ratios)."""
    ordered = sorted(periods, key=lambda p: (p.end, p.start))
    values: dict[str, Decimal | None] = {}
    for ind in indicators:
        if ind.formula:
            continue
        cells = [
            c
            for p in ordered
            if (c := per_period[p.pk].get(ind.pk)) is not None
            and (c.reports.quantize(SHARE_PLACES) > 0 or c.partial)
        ]
        if not cells:
            values[ind.code] = None
            continue
        counted = cells[-1:] if ind.aggregation == Indicator.Aggregation.LAST else cells
        values[ind.code] = _combine_one(ind, cells)
        result.reports[ind.code] = int(sum((c.reports for c in counted), ZERO).to_integral_value())
        if any(c.partial for c in counted):
            result.partial.add(ind.code)
    result.values = _with_derived(values, indicators)
    result.covered = {
        pk
        for pk, cells in per_period.items()
        if any(c.reports.quantize(SHARE_PLACES) > 0 or c.partial for c in cells.values())
    }
    derived = [i for i in indicators if i.formula]
    changed = True
    while changed:  # a derived figure is partial when any figure it reads is
        changed = False
        for ind in derived:
            if ind.code not in result.partial and _formula_codes(ind) & result.partial:
                result.partial.add(ind.code)
                changed = True


def query(
    unit_id: int,
    periods: Sequence[Period],
    indicators: Sequence[Indicator] | None = None,
    *,
    mapped_to: dt.date | None = None,
    include_unapproved: bool = False,
) -> RollupResult:
    """Totals for a unit's subtree over periods: on the structure as it was at each period's
    end, or mapped onto the structure on `mapped_to`. Unapproved data can be added; the
    figures it touches are then marked partial. Derived indicators are computed from the
    aggregated inputs (added to the computation when not asked for)."""
    ensure_current()
    chosen = list(Indicator.objects.all()) if indicators is None else with_inputs(indicators)
    typed = [i for i in chosen if not i.formula]
    periods = list(periods)
    maps: dict[int, Mapping] = {}
    if mapped_to is not None:
        by_day = mappings(unit_id, mapped_to, [p.end for p in periods])
        maps = {p.pk: by_day[p.end] for p in periods}
        weights = {p.pk: maps[p.pk].weights for p in periods}
    else:
        weights = {p.pk: {unit_id: ONE} for p in periods}
    per_period = _read_rollups(weights, typed)
    if include_unapproved:
        _add_unapproved(unit_id, periods, typed, per_period, mapped_to, maps)
    result = RollupResult(unit_id=unit_id, periods=periods, mapped_to=mapped_to)
    _combine(per_period, periods, chosen, result)
    return result


def query_many(
    unit_ids: Sequence[int],
    periods: Sequence[Period],
    indicators: Sequence[Indicator],
    *,
    mapped_to: dt.date | None = None,
    include_unapproved: bool = False,
) -> list[RollupResult]:
    """query() for each of `unit_ids`, in order, with one read of the roll-ups for them all
    (a roll-up table's columns): the same figures as asking one unit at a time."""
    if include_unapproved or len(unit_ids) < 2:
        return [
            query(
                u, periods, indicators, mapped_to=mapped_to, include_unapproved=include_unapproved
            )
            for u in unit_ids
        ]
    ensure_current()
    chosen = with_inputs(indicators)
    typed = [i for i in chosen if not i.formula]
    periods = list(periods)
    weights_of: list[dict[int, dict[int, Decimal]]] = []
    for unit_id in unit_ids:
        if mapped_to is not None:
            by_day = mappings(unit_id, mapped_to, [p.end for p in periods])
            weights_of.append({p.pk: by_day[p.end].weights for p in periods})
        else:
            weights_of.append({p.pk: {unit_id: ONE} for p in periods})
    units = {u for weights in weights_of for by_unit in weights.values() for u in by_unit}
    rows = _rollup_rows([p.pk for p in periods], units, typed) if units and typed else []
    out = []
    for unit_id, weights in zip(unit_ids, weights_of, strict=True):
        mine = {u for by_unit in weights.values() for u in by_unit}
        per_period = _read_rollups(weights, typed, [r for r in rows if r[0] in mine])
        result = RollupResult(unit_id=unit_id, periods=periods, mapped_to=mapped_to)
        _combine(per_period, periods, chosen, result)
        out.append(result)
    return out


def query_units(
    periods: Sequence[Period],
    indicators: Sequence[Indicator],
    unit_ids: Collection[int] | None = None,
) -> dict[int, RollupResult]:
    """Approved figures over `periods` for many units at once, each on its subtree as it was
    at each period's end: query() in bulk (one read of the roll-ups), for the units given or
    every unit with approved figures. The roll-ups first catch up with reorganisations recorded
    since they were built (ensure_current); figures combine across periods, round and derive
    exactly as query() does."""
    ensure_current()
    chosen = with_inputs(indicators)
    typed = [i for i in chosen if not i.formula]
    periods = list(periods)
    rows = Rollup.objects.filter(
        period_id__in=[p.pk for p in periods], indicator_id__in=[i.pk for i in typed], reports__gt=0
    )
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    averaged = any(i.aggregation == Indicator.Aggregation.WEIGHTED_AVERAGE for i in typed)
    columns = ["unit_id", "period_id", "indicator_id", "reports", "total"]
    per_unit: dict[int, PerPeriod] = {}
    # the weighted columns cost a decimal conversion each: read them only when needed
    for unit, period, indicator, reports, total, *weighted in rows.values_list(
        *columns, *(["weighted", "weight"] if averaged else [])
    ):
        cells = per_unit.setdefault(unit, {p.pk: {} for p in periods})
        w, wt = weighted or (ZERO, ZERO)
        cells[period][indicator] = Cell(total, w, wt, Decimal(reports))
    out = {}
    for unit, per_period in per_unit.items():
        out[unit] = RollupResult(unit_id=unit, periods=periods)
        _combine(per_period, periods, chosen, out[unit])
    return out


def query_own(
    unit_id: int,
    periods: Sequence[Period],
    indicators: Sequence[Indicator],
    *,
    shares: dict[int, Decimal] | None = None,
) -> RollupResult:
    """The approved figures of one unit's own reports over `periods` (not its subtree: what
    the unit itself reported), combined across periods and derived exactly as query() does.
    A parent's own figures plus its children's roll up to the parent's subtree figure.
    `shares` counts other units' own reports too, each with its share (`own_work_of`: the
    units merged into this one), as the mapped roll-ups count them."""
    shares = {unit_id: ONE} if shares is None else shares
    chosen = with_inputs(indicators)
    typed = {i.pk: i for i in chosen if not i.formula}
    periods = list(periods)
    per_period: PerPeriod = {p.pk: {} for p in periods}
    rows = DataValue.objects.filter(
        report__unit_id__in=list(shares),
        report__period_id__in=list(per_period),
        report__status__in=COUNTED,
        indicator_id__in=list(typed),
        value__isnull=False,
    ).values_list("report_id", "report__unit_id", "report__period_id", "indicator_id", "value")
    by_report: dict[tuple[int, int, int], dict[int, Decimal]] = defaultdict(dict)
    for report_id, unit, period_id, indicator, value in rows:
        if value is not None:
            by_report[(report_id, unit, period_id)][indicator] = value
    for (_report, unit, period_id), values in by_report.items():
        share = shares[unit]
        for indicator, value in values.items():
            weight_id = typed[indicator].weight_id
            weight = values.get(weight_id, ZERO) if weight_id else ZERO
            cell = per_period[period_id].setdefault(indicator, Cell())
            cell.add(share, value, value * weight, weight)
            cell.reports += share
    result = RollupResult(unit_id=unit_id, periods=periods)
    _combine(per_period, periods, chosen, result)
    return result
