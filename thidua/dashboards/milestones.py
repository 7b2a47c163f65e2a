"""The plan's milestones as the data shows them (issue 11, point 5).

A milestone due in the review year of its phase is met by the phase's review report generated
for the movement's organisation (review_jobs); one due in the first year of its phase (the
launch) is met when the units' programmes for that year are approved (evaluation.Programme):
in progress while only some are. Any other milestone keeps the state typed in by the
secretariat. Nothing is written: the state is read each time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min
from django.utils.translation import gettext as _

from thidua.evaluation.models import Programme
from thidua.lib.dates import format_vn_date
from thidua.movements.models import Milestone, Movement
from thidua.org import tree

from . import review_jobs

PLANNED, IN_PROGRESS, DONE = "planned", "in_progress", "done"


@dataclass(frozen=True)
class MilestoneState:
    title: str
    due_date: dt.date
    status: str
    status_label: str
    done_on: dt.date | None
    evidence: str
    overdue: bool
    from_data: bool


LABELS = {
    PLANNED: Milestone.Status.PLANNED.label,
    IN_PROGRESS: Milestone.Status.IN_PROGRESS.label,
    DONE: Milestone.Status.DONE.label,
}


def _review_state(m: Milestone, movement: Movement) -> tuple[str, dt.date | None, str]:
    jobs = review_jobs.finished_for(movement.organisation_id, m.phase_id)
    if not jobs:
        return PLANNED, None, _("No review report generated yet.")
    first = min(jobs)
    return DONE, first, _("Review report generated on %(date)s.") % {"date": format_vn_date(first)}


def _launch_state(
    m: Milestone, movement: Movement, today: dt.date
) -> tuple[str, dt.date | None, str]:
    assert m.phase is not None
    year = m.phase.start_year
    day = min(today, dt.date(year, 12, 31))
    units = set(tree.children_ids(movement.organisation_id, day)) | {movement.organisation_id}
    approved = Programme.objects.filter(
        year=year, status=Programme.Status.APPROVED, unit_id__in=units
    )
    count = approved.count()
    if not count:
        return PLANNED, None, _("No programme for %(year)s approved yet.") % {"year": year}
    first = approved.aggregate(first=Min("issued_on"))["first"]
    text = _("%(count)s of %(total)s units have an approved programme for %(year)s.") % {
        "count": count,
        "total": len(units),
        "year": year,
    }
    return (DONE if count >= len(units) else IN_PROGRESS), first, text


def states(movement: Movement, *, today: dt.date) -> list[MilestoneState]:
    """Each milestone of the movement with the state its data gives it, by due date."""
    out = []
    for m in movement.milestones.select_related("phase").order_by("due_date"):
        phase = m.phase
        from_data = phase is not None and m.due_date.year in (phase.review_year, phase.start_year)
        if phase is not None and m.due_date.year == phase.review_year:
            status, done_on, evidence = _review_state(m, movement)
        elif phase is not None and m.due_date.year == phase.start_year:
            status, done_on, evidence = _launch_state(m, movement, today)
        else:
            status, done_on, evidence = m.status, m.done_on, m.note
        out.append(
            MilestoneState(
                title=m.display_title,
                due_date=m.due_date,
                status=status,
                status_label=str(LABELS.get(status, status)),
                done_on=done_on,
                evidence=evidence,
                overdue=status != DONE and m.due_date < today,
                from_data=from_data,
            )
        )
    return out
