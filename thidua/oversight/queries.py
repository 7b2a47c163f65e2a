"""What the higher apps read of oversight (evaluation, awards): small public queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

from thidua.lib.text import vn_sort_key

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
class MonthlyCount:
    """Confirmed violations of one province (the unit's ancestor at the pack's province level,
    org.tree.province_of) in one month of confirmation: a count, nothing about any person."""

    province: str
    month: int
    confirmed: int


def public_monthly_counts(year: int) -> list[MonthlyCount]:
    """Findings in state confirmed, counted per province and month of their confirmation in
    `year` (the month of the first move to confirmed; the finding's own date when the history
    lacks it). Sorted by province, then month."""
    from collections import Counter

    from django.db.models import Min, Q
    from django.utils import timezone

    from thidua.org.models import OrgUnit
    from thidua.org.tree import province_level_code, province_of

    rows = (
        Finding.objects.filter(status=FindingState.CONFIRMED)
        .annotate(
            confirmed_at=Min("history__at", filter=Q(history__to_status=FindingState.CONFIRMED))
        )
        .values_list("unit_id", "confirmed_at", "found_at")
    )
    counts: Counter[tuple[int, int]] = Counter()
    provinces: dict[tuple[int, dt.date], int] = {}
    level = province_level_code()
    for unit_id, confirmed_at, found_at in rows:
        moment = confirmed_at or found_at
        moment = None if moment is None else timezone.localtime(moment)
        if moment is None or moment.year != year:
            continue
        at = (unit_id, moment.date())  # the province the unit was under on that day
        if at not in provinces:
            provinces[at] = province_of(unit_id, moment.date(), level)
        counts[(provinces[at], moment.month)] += 1
    names = dict(OrgUnit.objects.filter(pk__in=set(provinces.values())).values_list("pk", "name"))
    out = [MonthlyCount(names.get(p, ""), month, n) for (p, month), n in counts.items()]
    return sorted(out, key=lambda r: (r.province, r.month))


@dataclass(frozen=True)
class ReportMonth:
    """Anonymous waste reports of one province received in one month, by state today."""

    province: str
    month: dt.date
    received: int
    review: int
    confirmed: int
    dismissed: int


def waste_report_counts(start: dt.date, end: dt.date) -> list[ReportMonth]:
    """Per province and month of receipt in [start, end): reports received, and how many of
    them are under review, confirmed and dismissed now (public page /public/phan-anh/thong-ke/).
    A province is the unit's ancestor at the pack's province level on the day received
    (org.tree.province_of), stored on the report."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth

    from .models_reports import WasteReport

    rows = (
        WasteReport.objects.filter(received_on__gte=start, received_on__lt=end)
        .annotate(month=TruncMonth("received_on"))
        .values("province__name", "month")
        .annotate(
            received=Count("pk"),
            review=Count("pk", filter=Q(status=FindingState.REVIEW)),
            confirmed=Count("pk", filter=Q(status=FindingState.CONFIRMED)),
            dismissed=Count("pk", filter=Q(status=FindingState.DISMISSED)),
        )
    )
    out = [
        ReportMonth(
            r["province__name"],
            r["month"] if isinstance(r["month"], dt.date) else r["month"].date(),
            r["received"],
            r["review"],
            r["confirmed"],
            r["dismissed"],
        )
        for r in rows
    ]
    return sorted(out, key=lambda m: (m.month, vn_sort_key(m.province)))


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
