"""Read-only questions of the personal page and the reminders: assessments and programmes
waiting for a unit or for its reviewer. A fixed number of queries each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import QuerySet

from thidua.org.models import OrgUnit, TreePath

from .models import Assessment, Programme, ProgrammeDeadline


def assessments_of(unit_ids: Collection[int], statuses: Collection[str]) -> QuerySet[Assessment]:
    """The units' own assessments in one of `statuses`, latest year first."""
    return (
        Assessment.objects.filter(unit_id__in=list(unit_ids), status__in=list(statuses))
        .select_related("unit")
        .order_by("-year", "unit__name")
    )


def assessments_to_review(
    reviewer_unit_ids: Collection[int], day: dt.date, *, limit: int = 50
) -> tuple[list[Assessment], int]:
    """Self-assessments submitted by the units directly below, waiting for the reviewer."""
    children = (
        TreePath.objects.at(day)
        .filter(ancestor_id__in=list(reviewer_unit_ids), depth=1)
        .values("descendant_id")
    )
    waiting = Assessment.objects.filter(status=Assessment.Status.SUBMITTED, unit_id__in=children)
    total = waiting.count()
    rows = (
        list(waiting.select_related("unit").order_by("year", "unit__name")[:limit]) if total else []
    )
    return rows, total


def programmes_due(
    unit_ids: Collection[int], day: dt.date, *, horizon: int = 30
) -> list[tuple[OrgUnit, int, dt.date, Programme | None]]:
    """(unit, year, due date, programme or None) for next year's programme not yet approved
    whose due date (ProgrammeDeadline, as data) is within `horizon` days or passed this year."""
    year = day.year + 1
    rule = ProgrammeDeadline.objects.at(dt.date(year, 1, 1)).first()
    if rule is None:
        return []
    due = rule.due_for(year)
    if not (day - dt.timedelta(days=60) <= due <= day + dt.timedelta(days=horizon)):
        return []
    programmes = {
        p.unit_id: p for p in Programme.objects.filter(unit_id__in=list(unit_ids), year=year)
    }
    units = OrgUnit.objects.filter(id__in=list(unit_ids), valid_from__lte=day, valid_to__gt=day)
    return [
        (u, year, due, programmes.get(u.pk))
        for u in units
        if programmes.get(u.pk) is None or programmes[u.pk].status != Programme.Status.APPROVED
    ]
