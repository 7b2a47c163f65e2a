"""Rankings of units by their THTK-CLP evaluation: pure functions, no ORM.

Every ranking orders by one measure (the total score, the improvement over last year, savings
per staff member or per billion VND of budget), best first. Ties are broken by this rule, the
same everywhere (written on the rankings page and in docs/glossary.md):

1. the higher measure;
2. the higher total score of the year;
3. the fewer deduction points (compliance with norms, Circular 129/2017 Art. 4(3));
4. the unit code, in alphabetical order (codes are unique, so the order is total).

A unit without the measure (no final score, no previous year, no staff) comes after every unit
that has it, in the same order by rules 2–4.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)
THOUSAND = Decimal(1000)


@dataclass(frozen=True)
class Entry:
    unit_id: int
    code: str
    total: Decimal | None
    deductions: Decimal = ZERO
    """Deduction points, zero or negative."""
    previous: Decimal | None = None
    """The total of the previous year."""
    savings: Decimal | None = None
    """Money saved in the year, million VND (SAV_TOTAL)."""
    staff: int = 0
    budget: Decimal | None = None
    """Recurrent estimate of the year, million VND (EST_RECURRENT)."""


@dataclass(frozen=True)
class Ranked:
    position: int
    entry: Entry
    measure: Decimal | None


Measure = Callable[[Entry], Decimal | None]


def by_total(e: Entry) -> Decimal | None:
    return e.total


def by_improvement(e: Entry) -> Decimal | None:
    """Points gained over the previous year's total."""
    if e.total is None or e.previous is None:
        return None
    return e.total - e.previous


def by_savings_per_staff(e: Entry) -> Decimal | None:
    """Million VND saved per staff member."""
    if e.savings is None or e.staff <= 0:
        return None
    return (e.savings / e.staff).quantize(Decimal("0.001"))


def by_savings_per_billion(e: Entry) -> Decimal | None:
    """Million VND saved per billion VND (1,000 million) of recurrent estimate."""
    if e.savings is None or not e.budget or e.budget <= 0:
        return None
    return (e.savings * THOUSAND / e.budget).quantize(Decimal("0.001"))


MEASURES: dict[str, Measure] = {
    "total": by_total,
    "improvement": by_improvement,
    "per_staff": by_savings_per_staff,
    "per_billion": by_savings_per_billion,
}


def sort_key(entry: Entry, measure: Measure) -> tuple[object, ...]:
    """The documented order as a key: best first."""
    value = measure(entry)
    total = entry.total
    return (
        value is None,
        -(value if value is not None else ZERO),
        total is None,
        -(total if total is not None else ZERO),
        -entry.deductions,
        entry.code,
        entry.unit_id,
    )


def rank(entries: Iterable[Entry], measure: Measure = by_total) -> list[Ranked]:
    """Entries ordered by the measure and the tie rule; positions 1, 2, 3… with no two
    equal (ties are broken, never shared)."""
    ordered = sorted(entries, key=lambda e: sort_key(e, measure))
    return [Ranked(i + 1, e, measure(e)) for i, e in enumerate(ordered)]


def positions(entries: Iterable[Entry], measure: Measure = by_total) -> dict[int, int]:
    """unit_id → position among the entries that have the measure."""
    return {r.entry.unit_id: r.position for r in rank(entries, measure) if r.measure is not None}
