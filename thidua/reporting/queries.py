"""Read-only questions other apps ask of reporting (the personal page, reminders): which
reports a unit must file and by when, which wait for a reviewer, what happened lately.
Each function costs a fixed number of queries whatever the number of units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from thidua.org.models import OrgUnit, TreePath

from .models import DataValue, DeadlineRule, FormRow, Period, Report, ReportForm
from .models import ReportTransition as Transition

S = Report.Status
LOOKBACK = dt.timedelta(days=400)
"""How far back an unfiled report still counts as this person's work (older ones stay on the
completeness board)."""


@dataclass
class ReportTask:
    """One report a unit has to file (opened or not) or a reviewer has to act on."""

    unit_id: int
    unit_name: str
    form: ReportForm
    period: Period
    deadline: dt.date | None
    status: str  # a Report.Status value, or "missing" when not opened yet
    report_id: int | None = None
    filled: int = 0
    cells: int = 0
    returned_reason: str = ""
    returned_by: str = ""
    returned_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None

    @property
    def share_filled(self) -> int:
        return round(100 * self.filled / self.cells) if self.cells else 0


def _deadlines(
    forms: Collection[ReportForm], periods: Collection[Period]
) -> dict[tuple[int, int], dt.date | None]:
    """(form, period) → deadline under the rule in force on the period's last day (one query)."""
    rules = list(DeadlineRule.objects.all())
    found: dict[tuple[int, int], dt.date | None] = {}
    for form in forms:
        for period in periods:
            if period.kind != form.periodicity:
                continue
            rule = next(
                (
                    r
                    for r in rules
                    if r.periodicity == form.periodicity and r.valid_from <= period.end < r.valid_to
                ),
                None,
            )
            found[(form.pk, period.pk)] = rule.deadline_for(period) if rule else None
    return found


def _cells(form_ids: Collection[int]) -> dict[int, int]:
    rows = (
        FormRow.objects.filter(section__form_id__in=list(form_ids), indicator__formula="")
        .values("section__form_id")
        .annotate(n=Count("id"))
    )
    return {r["section__form_id"]: r["n"] for r in rows}


def _filled(report_ids: Collection[int]) -> dict[int, int]:
    rows = (
        DataValue.objects.filter(report_id__in=list(report_ids), value__isnull=False)
        .values("report_id")
        .annotate(n=Count("id"))
    )
    return {r["report_id"]: r["n"] for r in rows}


def _last_returns(report_ids: Collection[int]) -> dict[int, Transition]:
    rows = (
        Transition.objects.filter(report_id__in=list(report_ids), to_status=S.RETURNED)
        .select_related("by__person")
        .order_by("at", "id")
    )
    return {t.report_id: t for t in rows}


def _who(user: Any) -> str:
    return user.display_name() if user is not None else ""


def _details(
    task: ReportTask, report: Report, filled: dict[int, int], returns: dict[int, Transition]
) -> None:
    """The opened report's status, share filled, and who returned it and why."""
    task.status, task.report_id = report.status, report.pk
    task.filled = filled.get(report.pk, 0)
    back = returns.get(report.pk)
    if back is not None:
        task.returned_reason, task.returned_at = back.reason, back.at
        task.returned_by = _who(back.by)


def reports_to_file(
    unit_ids: Collection[int], day: dt.date, *, horizon: int = 30
) -> list[ReportTask]:
    """The reports the units must still file, whose deadline has passed (in the last
    `LOOKBACK`) or falls within `horizon` days: every form the unit's level fills, for each
    period of its kind — opened (draft or returned) or not yet opened. Soonest first."""
    units = list(
        OrgUnit.objects.filter(id__in=list(unit_ids), valid_from__lte=day, valid_to__gt=day)
    )
    if not units:
        return []
    forms = list(ReportForm.objects.at(day).prefetch_related("levels"))
    until = day + dt.timedelta(days=horizon)
    periods = list(Period.objects.filter(end__gte=day - LOOKBACK, start__lte=until))
    deadlines = _deadlines(forms, periods)
    rows = Report.objects.filter(unit__in=units).filter(
        Q(period__in=periods) | Q(status=S.RETURNED)
    )
    reports = {
        (r.unit_id, r.form_id, r.period_id): r for r in rows.select_related("form", "period")
    }
    open_ids = [r.pk for r in reports.values() if r.status in Report.EDITABLE]
    filled, cells = _filled(open_ids), _cells([f.pk for f in forms])
    returns = _last_returns([r.pk for r in reports.values() if r.status == S.RETURNED])
    tasks = []
    for unit in units:
        for form in forms:
            if unit.level_id not in {lv.pk for lv in form.levels.all()}:
                continue
            for period in periods:
                key = (form.pk, period.pk)
                if key not in deadlines or not (form.valid_from <= period.end < form.valid_to):
                    continue
                if period.end < unit.valid_from:
                    continue
                deadline = deadlines[key]
                report = reports.get((unit.pk, form.pk, period.pk))
                if report is not None and report.status not in Report.EDITABLE:
                    continue
                if deadline is None or deadline > until or (report is None and period.end > until):
                    continue
                if report is None and deadline < day - LOOKBACK:
                    continue
                task = ReportTask(unit.pk, unit.name, form, period, deadline, "missing")
                task.cells = cells.get(form.pk, 0)
                if report is not None:
                    _details(task, report, filled, returns)
                tasks.append(task)
    # A returned report is this person's work however old its period.
    seen = {(t.unit_id, t.form.pk, t.period.pk) for t in tasks}
    names = {u.pk: u.name for u in units}
    for where, report in reports.items():
        if report.status == S.RETURNED and where not in seen:
            task = ReportTask(
                report.unit_id,
                names[report.unit_id],
                report.form,
                report.period,
                report.deadline,
                "missing",
                cells=cells.get(report.form_id, 0),
            )
            _details(task, report, filled, returns)
            tasks.append(task)
    tasks.sort(key=lambda t: (t.status != S.RETURNED, t.deadline or dt.date.max, t.unit_name))
    return tasks


def reports_awaiting(
    reviewer_unit_ids: Collection[int], day: dt.date, *, status: str = S.SUBMITTED, limit: int = 50
) -> tuple[list[ReportTask], int]:
    """Reports of the units directly below the reviewer's units in `status` (submitted: to
    approve or return; approved: to accept at the top), oldest deadline first, at most
    `limit`, with the total."""
    children = (
        TreePath.objects.at(day)
        .filter(ancestor_id__in=list(reviewer_unit_ids), depth=1)
        .values("descendant_id")
    )
    waiting = Report.objects.filter(status=status, unit_id__in=children)
    total = waiting.count()
    if not total:
        return [], 0
    rows = waiting.select_related("unit", "form", "period").order_by(
        "deadline", "submitted_at", "id"
    )[:limit]
    tasks = [
        ReportTask(
            r.unit_id,
            r.unit.name,
            r.form,
            r.period,
            r.deadline,
            r.status,
            report_id=r.pk,
            submitted_at=r.submitted_at,
        )
        for r in rows
    ]
    return tasks, total


@dataclass
class DoneStep:
    report_id: int
    unit_name: str
    form: ReportForm
    period: Period
    to_status: str
    at: dt.datetime
    by: str


def recent_steps(
    user: Any, unit_ids: Collection[int], since: dt.datetime, *, limit: int = 10
) -> list[DoneStep]:
    """The latest workflow steps the user took, or that reached the user's units."""
    rows = (
        Transition.objects.filter(at__gte=since)
        .filter(Q(by=user) | Q(report__unit_id__in=list(unit_ids)))
        .select_related("report__unit", "report__form", "report__period", "by__person")
        .order_by("-at", "-id")[:limit]
    )
    return [
        DoneStep(
            t.report_id,
            t.report.unit.name,
            t.report.form,
            t.report.period,
            t.to_status,
            t.at,
            _who(t.by),
        )
        for t in rows
    ]
