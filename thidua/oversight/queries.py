"""What the higher apps read of oversight (evaluation, awards): small public queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from thidua.lib.text import vn_sort_key

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
    A province is the unit's branch directly below the root on the day received."""
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
