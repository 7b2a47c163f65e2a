"""Deadline reminders (issue 10, point 3): for every report a unit still owes (and for next
year's THTK-CLP programme not yet approved, and this year's emulation registration not yet
sent: `run_unit_reminders`), its reporters and head are told 7 days before the deadline and
on the last working day before it; once the deadline has passed the head is told, and after
a grace period of working days the reviewers of the level above. Each message has a dedupe
key (unit, item, threshold): a run that is repeated, or a worker that restarts, tells nobody twice.

Working days skip weekends and the official days off and count the Saturdays worked in
exchange (council.models.working_calendar, loaded from council/data/holidays-vn.json).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from thidua.accounts.models import Role
from thidua.accounts.queries import UNIT_PEOPLE, holders_by_unit
from thidua.awards import queries as awards_q
from thidua.awards.models import Registration
from thidua.council import queries as council_q
from thidua.council.models import working_calendar
from thidua.evaluation.models import Programme, ProgrammeDeadline
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
    """Send the reminders due on `day` over every open unit: reports, programmes and
    registrations; returns how many people were told at each threshold. Safe to run any
    number of times a day."""
    off, work = working_calendar()
    cal = Calendar(off, work)
    unit_ids = list(
        OrgUnit.objects.filter(valid_from__lte=day, valid_to__gt=day).values_list("id", flat=True)
    )
    told = run_report_reminders(day, cal, unit_ids)
    told.update(run_unit_reminders(day, cal, unit_ids))
    return told


def run_report_reminders(day: dt.date, cal: Calendar, unit_ids: list[int]) -> Counter[str]:
    """The reminders of the reports the units still owe."""
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


@dataclass(frozen=True)
class UnitDue:
    """Something a unit itself owes by a date: next year's programme, this year's
    registration."""

    subject: str  # "programme" or "registration"
    unit_id: int
    unit_name: str
    year: int
    deadline: dt.date
    link: str


UNIT_TEXTS = {
    ("programme", "7d"): (
        _("THTK-CLP programme %(year)s due on %(date)s"),
        _("The THTK-CLP programme %(year)s of %(unit)s is due on %(date)s, in %(days)s days."),
    ),
    ("programme", "1d"): (
        _("THTK-CLP programme %(year)s due on %(date)s"),
        _(
            "The THTK-CLP programme %(year)s of %(unit)s is due on %(date)s: "
            "the last working day is today."
        ),
    ),
    ("programme", "passed"): (
        _("THTK-CLP programme %(year)s overdue"),
        _(
            "The THTK-CLP programme %(year)s of %(unit)s was due on %(date)s and has not "
            "been approved."
        ),
    ),
    ("programme", "escalated"): (
        _("Overdue THTK-CLP programme %(year)s of %(unit)s"),
        _(
            "The THTK-CLP programme %(year)s of %(unit)s was due on %(date)s and is still "
            "missing after %(late)s working days."
        ),
    ),
    ("registration", "7d"): (
        _("Emulation registration %(year)s due on %(date)s"),
        _("The emulation registration %(year)s of %(unit)s is due on %(date)s, in %(days)s days."),
    ),
    ("registration", "1d"): (
        _("Emulation registration %(year)s due on %(date)s"),
        _(
            "The emulation registration %(year)s of %(unit)s is due on %(date)s: "
            "the last working day is today."
        ),
    ),
    ("registration", "passed"): (
        _("Emulation registration %(year)s overdue"),
        _(
            "The emulation registration %(year)s of %(unit)s was due on %(date)s and has not "
            "been sent."
        ),
    ),
    ("registration", "escalated"): (
        _("Overdue emulation registration %(year)s of %(unit)s"),
        _(
            "The emulation registration %(year)s of %(unit)s was due on %(date)s and is still "
            "missing after %(late)s working days."
        ),
    ),
}
OWED_REGISTRATION = {Registration.Status.DRAFT, Registration.Status.RETURNED}


def programmes_owed(
    unit_ids: Collection[int], day: dt.date, *, horizon: int
) -> list[tuple[OrgUnit, int, dt.date, Programme | None]]:
    """Programmes not yet approved whose due date is within `horizon` days or passed in the
    last `PASSED_LOOKBACK_DAYS`: next year's, and this year's too (due on 31/12 of last year
    under Decree 266/2026, it is still owed in January)."""
    found = []
    for year in (day.year, day.year + 1):
        rule = ProgrammeDeadline.objects.at(dt.date(year, 1, 1)).first()
        if rule is None:
            continue
        due = rule.due_for(year)
        if not -PASSED_LOOKBACK_DAYS <= (due - day).days <= horizon:
            continue
        drafts = {
            p.unit_id: p for p in Programme.objects.filter(unit_id__in=list(unit_ids), year=year)
        }
        units = OrgUnit.objects.filter(id__in=list(unit_ids), valid_from__lte=day, valid_to__gt=day)
        approved = {pk for pk, p in drafts.items() if p.status == Programme.Status.APPROVED}
        found += [(u, year, due, drafts.get(u.pk)) for u in units if u.pk not in approved]
    return found


def units_due(day: dt.date, unit_ids: list[int], cal: Calendar) -> list[UnitDue]:
    """What the open units owe themselves with a reminder due on `day`: next year's programme
    not yet approved (ProgrammeDeadline), this year's registration not yet sent or sent back
    (RegistrationDeadline). A fixed number of queries."""
    found = []
    for unit, year, due, _programme in programmes_owed(unit_ids, day, horizon=SOON_DAYS):
        if thresholds(due, day, cal):
            link = reverse("evaluation:programme", args=[unit.pk, year])
            found.append(UnitDue("programme", unit.pk, unit.name, year, due, link))
    registration = awards_q.registration_due(day)
    if registration is not None and thresholds(registration, day, cal):
        existing = awards_q.registrations_open(unit_ids, day.year)
        units = OrgUnit.objects.filter(id__in=unit_ids).values_list("id", "name")
        for pk, name in units:
            reg = existing.get(pk)
            if reg is None or reg.status in OWED_REGISTRATION:
                link = reverse("awards:registration", args=[pk, day.year])
                found.append(UnitDue("registration", pk, name, day.year, registration, link))
    return found


def run_unit_reminders(day: dt.date, cal: Calendar, unit_ids: list[int]) -> Counter[str]:
    """Programmes and registrations: the same thresholds as the reports (7 days, the last
    working day, passed to the head, escalated to the reviewers above after the grace), each
    once per person, item and threshold."""
    items = units_due(day, unit_ids, cal)
    if not items:
        return Counter()
    owing = {i.unit_id for i in items}
    people = holders_by_unit(owing, UNIT_PEOPLE, day)
    parents = dict(
        TreePath.objects.at(day)
        .filter(descendant_id__in=owing, depth=1)
        .values_list("descendant_id", "ancestor_id")
    )
    reviewers = holders_by_unit(set(parents.values()), [Role.REVIEWER], day)
    told: Counter[str] = Counter()
    for item in items:
        own = people.get(item.unit_id, [])
        for step in thresholds(item.deadline, day, cal):
            if step == "escalated":
                who = [u for _r, u in reviewers.get(parents.get(item.unit_id, 0), [])]
            elif step == "passed":
                who = [u for role, u in own if role == Role.UNIT_HEAD]
            else:
                who = [u for _r, u in own]
            title, body = UNIT_TEXTS[(item.subject, step)]
            with transaction.atomic():
                sent = notify(
                    who,
                    Kind.DEADLINE_PASSED if step in {"passed", "escalated"} else Kind.DEADLINE_SOON,
                    title=title,
                    body=body,
                    params={
                        "year": item.year,
                        "unit": item.unit_name,
                        "date": item.deadline,
                        "days": (item.deadline - day).days,
                        "late": cal.between(item.deadline, day),
                    },
                    link=item.link,
                    unit_name=item.unit_name,
                    deadline=item.deadline,
                    dedupe_key=f"{item.subject}:{item.unit_id}:{item.year}:{step}",
                )
            told[f"{item.subject}-{step}"] += len(sent)
    return told
