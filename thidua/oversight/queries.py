"""What the higher apps read of oversight (evaluation, awards): small public queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import Finding, FindingState
from .rules import REGISTRY
from .wording import describe


@dataclass(frozen=True)
class Violation:
    """A confirmed violation, as the assessment page shows it."""

    finding_id: int
    rule: str
    title: str
    text: str
    amount: Decimal


def confirmed_violations(unit_id: int, year: int) -> list[Violation]:
    """The unit's violations of the year that a supervisor confirmed (oldest first)."""
    rows = Finding.objects.filter(unit_id=unit_id, year=year, status=FindingState.CONFIRMED)
    return [
        Violation(
            f.pk,
            f.rule,
            str(REGISTRY[f.rule].title) if f.rule in REGISTRY else f.rule,
            describe(f.rule, f.numbers),
            f.amount,
        )
        for f in rows.order_by("pk")
    ]


def confirmed_counts(unit_ids: list[int], year: int) -> dict[int, int]:
    """Confirmed violations per unit of the year, for a batch of assessments."""
    out: dict[int, int] = {}
    rows = Finding.objects.filter(
        unit_id__in=unit_ids, year=year, status=FindingState.CONFIRMED
    ).values_list("unit_id", flat=True)
    for unit_id in rows:
        out[unit_id] = out.get(unit_id, 0) + 1
    return out
