"""Which of a unit's reports came in after their deadline: read by the evaluation's
late-reporting deduction (Circular 129/2017/TT-BTC Art. 4(3): compliance scored as deductions;
the sector deducts per report late or wrong).

A report counts as filed late when its first submission came after the deadline (a report sent
back and sent again later was still filed on time), and as overdue when it was never submitted
and the deadline has passed. A report with no deadline rule is never late.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection

from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Report


def filed_late(deadline: dt.date | None, first_submitted: dt.date | None, today: dt.date) -> bool:
    """Late: first submitted after the deadline, or never submitted and the deadline passed.
    The deadline day itself is on time."""
    if deadline is None:
        return False
    if first_submitted is not None:
        return first_submitted > deadline
    return today > deadline


def late_report_counts(year: int, unit_ids: Collection[int], *, today: dt.date) -> dict[int, int]:
    """How many of each unit's own reports for periods of `year` were filed late or are
    overdue on `today` (units with none are absent). One query."""
    rows = (
        Report.objects.filter(unit_id__in=list(unit_ids), period__year=year)
        .exclude(deadline=None)
        .annotate(
            first=Coalesce(
                Min("transitions__at", filter=Q(transitions__to_status=Report.Status.SUBMITTED)),
                "submitted_at",
            )
        )
        .values_list("unit_id", "deadline", "first")
    )
    late: Counter[int] = Counter()
    for unit_id, deadline, first in rows:
        submitted = timezone.localdate(first) if first is not None else None
        if filed_late(deadline, submitted, today):
            late[unit_id] += 1
    return dict(late)
