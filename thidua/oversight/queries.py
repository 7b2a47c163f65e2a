"""What the higher apps read of oversight (evaluation, awards): small public queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

from .models import OPEN_STATES, Finding, FindingHistory, FindingState
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


@dataclass(frozen=True)
class FindingTally:
    """Findings of one rule for one unit over some years: confirmed ones and open ones (new,
    under review, explained by the unit), with the amount at stake of the confirmed."""

    unit_id: int
    rule: str
    confirmed: int
    open: int
    amount: Decimal


def finding_tallies(unit_ids: list[int], years: list[int]) -> list[FindingTally]:
    """Confirmed and open findings by unit and rule over the years (dismissed ones are not
    counted): the dashboards' "findings by rule". Rules come from the rows, not a list."""
    confirmed = Q(status=FindingState.CONFIRMED)
    rows = (
        Finding.objects.filter(unit_id__in=unit_ids, year__in=years)
        .values("unit_id", "rule")
        .annotate(
            confirmed=Count("id", filter=confirmed),
            open=Count("id", filter=Q(status__in=list(OPEN_STATES))),
            amount=Sum("amount", filter=confirmed),
        )
        .order_by("unit_id", "rule")
    )
    return [
        FindingTally(r["unit_id"], r["rule"], r["confirmed"], r["open"], r["amount"] or Decimal(0))
        for r in rows
        if r["confirmed"] or r["open"]
    ]


def rule_title(code: str) -> str:
    """The rule's title from the rule registry (the code itself for a rule since removed)."""
    found = REGISTRY.get(code)
    return str(found.title) if found is not None else code


def findings_version() -> str:
    """Changes whenever a finding is added, removed or moves (its history grows): the key
    under which the dashboards may reuse their tallies."""
    found = Finding.objects.aggregate(n=Count("id"), last=Max("id"), at=Max("found_at"))
    steps = FindingHistory.objects.aggregate(n=Count("id"), last=Max("id"), at=Max("at"))
    return f"{found}|{steps}"
