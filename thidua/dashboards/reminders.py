"""Deadline reminders (issue 10, point 3): for every report a unit still owes, its reporters
and head are told 7 days before the deadline and on the last working day before it; once the
deadline has passed the head is told, and after a grace period of working days the reviewers
of the level above. Each message has a dedupe key (unit, form, period, threshold): a run that
is repeated, or a worker that restarts, tells nobody twice.

Working days skip weekends and the official days off and count the Saturdays worked in
exchange (council.models.working_calendar, loaded from council/data/holidays-vn.json).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from thidua.accounts.models import Role
from thidua.accounts.queries import UNIT_PEOPLE, holders_by_unit
from thidua.council import queries as council_q
from thidua.council.models import working_calendar
from thidua.lib.workdays import add_working_days, working_days_between
from thidua.notifications.actions import notify
from thidua.notifications.models import Kind
from thidua.org.models import OrgUnit, TreePath
from thidua.reporting import queries as reporting_q
from thidua.reporting.queries import ReportTask

SOON_DAYS = 7
GRACE_WORKING_DAYS = 5
"""Working days after the deadline before the level above is told: the sector's choice (no
legal text fixes it), editable here."""
PASSED_LOOKBACK_DAYS = 60
"""Deadlines older than this are left to the completeness board (no reminder for old debts)."""


@dataclass(frozen=True)
class Calendar:
    days_off: frozenset[dt.date]
    workdays: frozenset[dt.date]

    def add(self, day: dt.date, n: int) -> dt.date:
        return add_working_days(day, n, self.days_off, self.workdays)

    def between(self, start: dt.date, end: dt.date) -> int:
        return working_days_between(start, end, self.days_off, self.workdays)


def thresholds(deadline: dt.date, day: dt.date, cal: Calendar) -> list[str]:
    """The reminders due on `day` for a report still owed: "7d", "1d", "passed" and
    "escalated" (the latter two together once the grace period is over)."""
    if day > deadline:
        if (day - deadline).days > PASSED_LOOKBACK_DAYS:
            return []
        late = ["passed"]
        if day > cal.add(deadline, GRACE_WORKING_DAYS):
            late.append("escalated")
        return late
    if day >= cal.add(deadline, -1):
        return ["1d"]
    if (deadline - day).days <= SOON_DAYS:
        return ["7d"]
    return []


def _params(task: ReportTask, day: dt.date, cal: Calendar) -> dict[str, Any]:
    assert task.deadline is not None
    return {
        "form": task.form,
        "period": task.period,
        "unit": task.unit_name,
        "date": task.deadline,
        "days": (task.deadline - day).days,
        "late": cal.between(task.deadline, day),
    }


TEXTS = {
    "7d": (
        _("Report due on %(date)s: %(form)s, %(period)s"),
        _("The report of %(unit)s is due on %(date)s, in %(days)s days."),
    ),
    "1d": (
        _("Report due on %(date)s: %(form)s, %(period)s"),
        _("The report of %(unit)s is due on %(date)s: the last working day is today."),
    ),
    "passed": (
        _("Report overdue: %(form)s, %(period)s"),
        _("The report of %(unit)s was due on %(date)s and has not been submitted."),
    ),
    "escalated": (
        _("Overdue report of %(unit)s: %(form)s, %(period)s"),
        _(
            "The report of %(unit)s was due on %(date)s and is still missing after "
            "%(late)s working days."
        ),
    ),
}


def _recipients(
    task: ReportTask,
    step: str,
    people: dict[int, list[tuple[str, Any]]],
    parents: dict[int, int],
    reviewers: dict[int, list[tuple[str, Any]]],
) -> list[Any]:
    if step == "escalated":
        return [u for _r, u in reviewers.get(parents.get(task.unit_id, 0), [])]
    own = people.get(task.unit_id, [])
    if step == "passed":
        return [u for role, u in own if role == Role.UNIT_HEAD]
    return [u for _r, u in own]


def tell_consultations_ended(day: dt.date) -> int:
    """The council's secretaries learn, once per item, that a public consultation is over and
    the decision may be issued (issue 10: "a consultation period ended")."""
    items = list(council_q.consultations_ended(day))
    units = {i.session.council.unit_id for i in items}
    secretaries = holders_by_unit(units, [Role.COUNCIL_SECRETARY], day)
    told = 0
    for item in items:
        proposal = item.proposal
        who = (
            proposal.person.full_name
            if proposal.person
            else (proposal.unit.name if proposal.unit else "")
        )
        with transaction.atomic():
            told += len(
                notify(
                    [u for _r, u in secretaries.get(item.session.council.unit_id, [])],
                    Kind.CONSULTATION_ENDED,
                    title=_("Consultation ended: %(title)s — %(who)s"),
                    body=_(
                        "The public consultation ended on %(date)s: the decision can be issued."
                    ),
                    params={"title": proposal.title, "who": who, "date": item.consultation_ends_on},
                    link=reverse("council:session", args=[item.session_id]),
                    dedupe_key=f"consultation:{item.pk}",
                )
            )
    return told


def run_reminders(day: dt.date) -> Counter[str]:
    """Send the reminders due on `day` over every open unit; returns how many people were
    told at each threshold. Safe to run any number of times a day."""
    off, work = working_calendar()
    cal = Calendar(off, work)
    unit_ids = list(
        OrgUnit.objects.filter(valid_from__lte=day, valid_to__gt=day).values_list("id", flat=True)
    )
    tasks = [
        t
        for t in reporting_q.reports_to_file(unit_ids, day, horizon=SOON_DAYS)
        if t.deadline is not None and thresholds(t.deadline, day, cal)
    ]
    if not tasks:
        return Counter()
    owing = {t.unit_id for t in tasks}
    people = holders_by_unit(owing, UNIT_PEOPLE, day)
    parents = dict(
        TreePath.objects.at(day)
        .filter(descendant_id__in=owing, depth=1)
        .values_list("descendant_id", "ancestor_id")
    )
    reviewers = holders_by_unit(set(parents.values()), [Role.REVIEWER], day)
    told: Counter[str] = Counter()
    for task in tasks:
        assert task.deadline is not None
        link = (
            reverse("reporting:report", args=[task.report_id])
            if task.report_id
            else reverse("home")
        )
        for step in thresholds(task.deadline, day, cal):
            title, body = TEXTS[step]
            with transaction.atomic():
                sent = notify(
                    _recipients(task, step, people, parents, reviewers),
                    Kind.DEADLINE_PASSED if step in {"passed", "escalated"} else Kind.DEADLINE_SOON,
                    title=title,
                    body=body,
                    params=_params(task, day, cal),
                    link=link,
                    unit_name=task.unit_name,
                    deadline=task.deadline,
                    dedupe_key=f"deadline:{task.unit_id}:{task.form.pk}:{task.period.pk}:{step}",
                )
            told[step] += len(sent)
    return told
