"""Which of a unit's reports came in after their deadline: read by the evaluation's
late-reporting deduction (Circular 129/2017/TT-BTC Art. 4(3): compliance scored as deductions;
the sector deducts per report late or wrong).

A report counts as filed late when its first submission came after the deadline (a report sent
back and sent again later was still filed on time), and as overdue when it was never submitted
and the deadline has passed — including a report the unit never even opened: every form its
level fills, for every period of the year whose deadline has passed while the unit was in
operation at the period's end (as the completeness board counts it "missing"). Otherwise a unit
that files nothing would lose fewer points than one that files late. A report with no deadline
rule is never late.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection

from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from thidua.org.models import OrgUnit

from .catalogue import deadline_for
from .models import Period, Report, ReportForm


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
    late.update(never_opened_overdue(year, unit_ids, today=today))
    return dict(late)


def never_opened_overdue(year: int, unit_ids: Collection[int], *, today: dt.date) -> Counter[int]:
    """Per unit, the reports of `year` it had to file and never opened, whose deadline has
    passed on `today`: a form its level fills, of the period's kind and in force at the
    period's end, the unit in operation on that day. A few queries, whatever the units."""
    periods = list(Period.objects.filter(year=year, end__lt=today))
    if not periods:
        return Counter()
    units = list(
        OrgUnit.objects.filter(id__in=list(unit_ids)).values_list(
            "id", "level_id", "valid_from", "valid_to"
        )
    )
    opened = set(
        Report.objects.filter(unit_id__in=list(unit_ids), period__in=periods).values_list(
            "unit_id", "form_id", "period_id"
        )
    )
    missing: Counter[int] = Counter()
    for form in ReportForm.objects.prefetch_related("levels"):
        levels = {level.pk for level in form.levels.all()}
        for period in periods:
            if form.periodicity != period.kind:
                continue
            if not form.valid_from <= period.end < form.valid_to:
                continue
            deadline = deadline_for(form, period)[0]
            if deadline is None or today <= deadline:
                continue
            for unit_id, level_id, valid_from, valid_to in units:
                if (
                    level_id in levels
                    and valid_from <= period.end < valid_to
                    and (unit_id, form.pk, period.pk) not in opened
                ):
                    missing[unit_id] += 1
    return missing
