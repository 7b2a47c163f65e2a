""" "Việc của tôi": what needs this person now, what is coming in the next 30 days, what was
done lately (issue 10, point 1). Reads the other apps through their query functions; the
user's roles and units come from the view (the scope check), the day is a parameter.

The cost is a fixed number of queries whatever the number of units the person covers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.models import Role
from thidua.awards import queries as awards_q
from thidua.awards.models import Proposal, Registration
from thidua.council import queries as council_q
from thidua.evaluation import queries as evaluation_q
from thidua.evaluation.models import Assessment
from thidua.notifications.models import Notification
from thidua.org import tree
from thidua.reporting import queries as reporting_q
from thidua.reporting.models import Report
from thidua.reporting.queries import DoneStep, ReportTask

from .reminders import programmes_owed

URGENT_DAYS = 7
HORIZON_DAYS = 30
RECENT_DAYS = 14
OWN_ROLES = {Role.REPORTER, Role.UNIT_HEAD}


@dataclass
class Item:
    """One thing to do: what, for which unit, by when, and the one click that does it."""

    kind: str
    title: str
    unit_name: str
    deadline: dt.date | None
    link: str
    action: str
    detail: str = ""
    progress: int | None = None
    open_report: dict[str, int] | None = None  # POST fields to open a report not yet opened
    returned: bool = False

    def days_left(self, day: dt.date) -> int | None:
        return (self.deadline - day).days if self.deadline else None


@dataclass
class MyWork:
    day: dt.date
    now: list[Item] = field(default_factory=list)
    soon: list[Item] = field(default_factory=list)
    returned: list[Item] = field(default_factory=list)
    more: list[tuple[str, int, str]] = field(default_factory=list)  # (label, hidden, link)
    done: list[DoneStep] = field(default_factory=list)
    unread: list[Notification] = field(default_factory=list)
    unread_count: int = 0

    def add(self, item: Item) -> None:
        if item.returned:
            self.returned.append(item)
        urgent = item.deadline is None or (item.deadline - self.day).days <= URGENT_DAYS
        (self.now if urgent or item.returned else self.soon).append(item)

    @property
    def is_empty(self) -> bool:
        return not (self.now or self.soon)


def _report_item(task: ReportTask, *, reviewer: bool = False, accept: bool = False) -> Item:
    title = f"{task.form.display_name} · {task.period.label}"
    if task.report_id is None:
        return Item(
            "report",
            title,
            task.unit_name,
            task.deadline,
            reverse("reporting:open"),
            _("Open and fill in"),
            detail=_("Not started"),
            progress=0,
            open_report={"unit": task.unit_id, "form": task.form.pk, "period": task.period.pk},
        )
    link = reverse("reporting:report", args=[task.report_id])
    if accept:
        return Item("report", title, task.unit_name, task.deadline, link, _("Accept"))
    if reviewer:
        detail = (
            _("Submitted on %(date)s")
            % {"date": timezone.localtime(task.submitted_at).strftime("%d/%m/%Y")}
            if task.submitted_at
            else ""
        )
        return Item(
            "report", title, task.unit_name, task.deadline, link, _("Approve or return"), detail
        )
    if task.status == Report.Status.RETURNED:
        detail = _("Returned by %(who)s: %(reason)s") % {
            "who": task.returned_by or _("the level above"),
            "reason": task.returned_reason,
        }
        return Item(
            "report",
            title,
            task.unit_name,
            task.deadline,
            link,
            _("Correct and resubmit"),
            detail,
            progress=task.share_filled,
            returned=True,
        )
    full = task.cells and task.filled >= task.cells
    return Item(
        "report",
        title,
        task.unit_name,
        task.deadline,
        link,
        _("Check and submit") if full else _("Continue filling in"),
        _("%(share)s%% of the cells filled") % {"share": task.share_filled},
        progress=task.share_filled,
    )


def _reports(work: MyWork, roles: dict[str, set[int]], roots: set[int]) -> None:
    own = roles_units(roles, OWN_ROLES)
    for task in reporting_q.reports_to_file(own, work.day, horizon=HORIZON_DAYS):
        work.add(_report_item(task))
    reviewing = roles_units(roles, {Role.REVIEWER})
    if reviewing:
        tasks, total = reporting_q.reports_awaiting(reviewing, work.day)
        for task in tasks:
            work.add(_report_item(task, reviewer=True))
        _more(
            work,
            _("reports to approve"),
            total - len(tasks),
            reverse("reporting:list") + "?status=submitted",
        )
    accepting = roles_units(roles, {Role.REVIEWER, Role.COUNCIL_SECRETARY}) & roots
    if accepting:
        tasks, total = reporting_q.reports_awaiting(
            accepting, work.day, status=Report.Status.APPROVED, limit=20
        )
        for task in tasks:
            work.add(_report_item(task, accept=True))
        _more(
            work,
            _("reports to accept"),
            total - len(tasks),
            reverse("reporting:list") + "?status=approved",
        )


def _more(work: MyWork, label: str, hidden: int, link: str) -> None:
    if hidden > 0:
        work.more.append((label, hidden, link))


def _evaluation(work: MyWork, roles: dict[str, set[int]]) -> None:
    heads = roles_units(roles, {Role.UNIT_HEAD})
    for a in evaluation_q.assessments_of(heads, [Assessment.Status.DRAFT])[:20]:
        work.add(
            Item(
                "assessment",
                _("THTK-CLP self-assessment %(year)s") % {"year": a.year},
                a.unit.name,
                None,
                reverse("evaluation:assessment", args=[a.pk]),
                _("Self-score"),
            )
        )
    reviewing = roles_units(roles, {Role.REVIEWER})
    if reviewing:
        rows, total = evaluation_q.assessments_to_review(reviewing, work.day, limit=20)
        for a in rows:
            work.add(
                Item(
                    "assessment",
                    _("THTK-CLP self-assessment %(year)s") % {"year": a.year},
                    a.unit.name,
                    None,
                    reverse("evaluation:assessment", args=[a.pk]),
                    _("Review the scores"),
                )
            )
        _more(work, _("assessments to review"), total - len(rows), reverse("evaluation:index"))
    for unit, year, due, programme in programmes_owed(heads, work.day, horizon=HORIZON_DAYS):
        work.add(
            Item(
                "programme",
                _("THTK-CLP programme %(year)s") % {"year": year},
                unit.name,
                due,
                reverse("evaluation:programme", args=[unit.pk, year]),
                _("Prepare the programme") if programme is None else _("Approve the programme"),
            )
        )


def _registration_item(
    reg: Registration | None, unit_id: int, name: str, due: dt.date | None, day: dt.date
) -> Item | None:
    """This year's registration: returned (always shown), or due within the horizon."""
    title = _("Emulation registration %(year)s") % {"year": day.year}
    link = reverse("awards:registration", args=[unit_id, day.year])
    if reg is not None and reg.status == Registration.Status.RETURNED:
        detail = _("Returned: %(reason)s") % {"reason": reg.return_reason}
        return Item(
            "registration", title, name, due, link, _("Correct and resubmit"), detail, returned=True
        )
    unregistered = reg is None or reg.status == Registration.Status.DRAFT
    if unregistered and due and 0 <= (due - day).days <= HORIZON_DAYS:
        return Item("registration", title, name, due, link, _("Register"))
    return None


def _awards(work: MyWork, roles: dict[str, set[int]]) -> None:
    heads = roles_units(roles, {Role.UNIT_HEAD})
    if not heads:
        return
    due = awards_q.registration_due(work.day)
    existing = awards_q.registrations_open(heads, work.day.year)
    names = tree.names_at(heads, work.day)
    for unit_id in sorted(heads):
        item = _registration_item(
            existing.get(unit_id), unit_id, names.get(unit_id, ""), due, work.day
        )
        if item is not None:
            work.add(item)
    statuses = [Proposal.Status.DRAFT, Proposal.Status.RETURNED]
    for p in awards_q.proposals_of(heads, statuses)[:20]:
        who = p.person.full_name if p.person else (p.unit.name if p.unit else "")
        back = p.status == Proposal.Status.RETURNED
        work.add(
            Item(
                "proposal",
                _("Award proposal: %(title)s") % {"title": p.title},
                who,
                None,
                reverse("awards:proposal", args=[p.pk]),
                _("Complete and submit"),
                detail=_("Returned") if back else "",
                returned=back,
            )
        )


def _council(work: MyWork, user: Any, roles: dict[str, set[int]]) -> None:
    for b in council_q.open_ballots(user):
        if b.voted >= b.items:
            continue
        work.add(
            Item(
                "ballot",
                _("Secret ballot: %(council)s") % {"council": b.session.council.name},
                "",
                b.session.date,
                reverse("council:session", args=[b.session.pk]),
                _("Vote"),
                _("%(voted)s of %(items)s items voted") % {"voted": b.voted, "items": b.items},
            )
        )
    secretary = roles_units(roles, {Role.COUNCIL_SECRETARY})
    if not secretary:
        return
    waiting = awards_q.proposals_for_council(secretary).count()
    if waiting:
        work.add(
            Item(
                "session",
                _("%(count)s proposals wait for a council session") % {"count": waiting},
                "",
                None,
                reverse("council:session_new"),
                _("Plan a session"),
            )
        )
    for s in council_q.sessions_planned(secretary)[:10]:
        work.add(
            Item(
                "session",
                _("Council session of %(date)s") % {"date": s.date.strftime("%d/%m/%Y")},
                s.council.name,
                s.date,
                reverse("council:session", args=[s.pk]),
                _("Prepare the agenda and open the ballot"),
            )
        )


def roles_units(roles: dict[str, set[int]], wanted: Collection[str]) -> set[int]:
    return set().union(*(roles.get(r, set()) for r in wanted))


def build_mywork(user: Any, roles: dict[str, set[int]], day: dt.date) -> MyWork:
    """The personal page of `user` holding `roles` (role → unit ids) on `day`."""
    work = MyWork(day=day)
    roots = (
        set(tree.roots(day))
        if roles_units(roles, {Role.REVIEWER, Role.COUNCIL_SECRETARY})
        else set()
    )
    _reports(work, roles, roots)
    _evaluation(work, roles)
    _awards(work, roles)
    _council(work, user, roles)
    work.now.sort(key=lambda i: (not i.returned, i.deadline or dt.date.max))
    work.soon.sort(key=lambda i: i.deadline or dt.date.max)
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    work.done = reporting_q.recent_steps(user, roles_units(roles, OWN_ROLES), since)
    unread = Notification.objects.filter(recipient=user, read_at=None)
    work.unread = list(unread[:5])
    work.unread_count = len(work.unread) if len(work.unread) < 5 else unread.count()
    return work
