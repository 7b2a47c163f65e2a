"""The completeness board (issue 10, point 5): which period is due now, each unit's report
counted once in its current state (lateness is a flag beside the state), and at sector level a
province × state matrix instead of a flat list of hundreds of units. Read-only.

The period due now is the latest period of the form's kind whose deadline has passed or falls
within `SOON_DAYS` days: on 2 December a quarterly form opens on Q3 (due 15 October), on
10 January on Q4 (due 15 January). Without a deadline rule, the latest ended period."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from thidua.audit.models import AuditEvent
from thidua.lib.text import vn_sort_key
from thidua.org import tree
from thidua.org.models import OrgUnit, TreePath

from .catalogue import deadline_for
from .models import Period, Report, ReportForm
from .sanctions import days_late, sanction_for

SOON_DAYS = 7
STATES = ["missing", "draft", "returned", "submitted", "approved", "accepted"]
"""A report's current state on the board, each row in exactly one of them."""
OWED = frozenset({"missing", "draft", "returned"})
IN = frozenset({"submitted", "approved", "accepted"})
REMIND_ACTION = "reporting.report.remind"


def due_period(form: ReportForm, periods: Sequence[Period], day: dt.date) -> Period | None:
    """The latest of `periods` (the form's kind) whose deadline is on or before
    `day + SOON_DAYS`; a period with no deadline rule counts once it has ended."""
    horizon = day + dt.timedelta(days=SOON_DAYS)
    for period in sorted(periods, key=lambda p: p.end, reverse=True):
        if period.start > day:
            continue
        deadline = deadline_for(form, period)[0]
        if (deadline is not None and deadline <= horizon) or (
            deadline is None and period.end < day
        ):
            return period
    return None


def board_rows(
    unit: OrgUnit, form: ReportForm, period: Period, scope: Any, day: dt.date
) -> list[dict[str, Any]]:
    """One row per unit of the subtree (as it stood at the period's end) whose level fills the
    form: its state (one of STATES), `late` (submitted after the deadline, or owed and the
    deadline passed), `overdue` (owed and late), days late and the sanction tier reached."""
    ids = [i for i in tree.subtree_ids(unit.pk, period.end) if scope.sees(i)]
    levels = set(form.levels.values_list("id", flat=True))
    units = OrgUnit.objects.filter(id__in=ids, level_id__in=levels).select_related("level")
    reports = {
        r.unit_id: r for r in Report.objects.filter(form=form, period=period, unit_id__in=ids)
    }
    names = tree.names_at(ids, period.end)
    deadline = deadline_for(form, period)[0]
    rows = []
    for u in units:
        report = reports.get(u.pk)
        state = report.status if report else "missing"
        # Owed (never opened, draft, or returned to be sent again): late once the deadline has
        # passed, whenever it was first sent. Filed: late if it was sent after the deadline.
        overdue = state in OWED and deadline is not None and day > deadline
        late = overdue or (report is not None and state not in OWED and report.is_late(day))
        filed = timezone.localdate(report.submitted_at) if report and report.submitted_at else None
        late_by = days_late(deadline, None if overdue else filed, day) if late else 0
        rows.append(
            {
                "unit": u,
                "name": names.get(u.pk, u.name),
                "report": report,
                "status": state,
                "state": state,
                "late": late,
                "overdue": overdue,
                "deadline": deadline,
                "days_late": late_by,
                "sanction": sanction_for(form.periodicity, late_by, deadline) if deadline else None,
            }
        )
    rows.sort(key=lambda r: (not r["overdue"], STATES.index(r["state"]), vn_sort_key(r["name"])))
    return rows


@dataclass
class Tally:
    """Counts per state of a set of rows; the states sum to `total`."""

    states: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    filed_late: int = 0

    def add(self, row: dict[str, Any]) -> None:
        self.states[row["state"]] += 1
        self.overdue += row["overdue"]
        self.filed_late += row["late"] and not row["overdue"]

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def filed(self) -> int:
        return sum(self.states[s] for s in IN)

    @property
    def share_filed(self) -> int:
        """Per cent submitted or approved, rounded down (100 only when all are in)."""
        return 100 * self.filed // self.total if self.total else 0

    def counts(self) -> list[int]:
        return [self.states[s] for s in STATES]


def tally(rows: Sequence[dict[str, Any]]) -> Tally:
    found = Tally()
    for row in rows:
        found.add(row)
    return found


@dataclass
class Branch:
    """A matrix row: a unit directly below the board's unit and the rows of its subtree."""

    unit_id: int
    name: str
    tally: Tally
    own: bool = False  # the board's unit itself (not a branch to drill into)


def matrix(unit: OrgUnit, rows: Sequence[dict[str, Any]], day: dt.date) -> list[Branch] | None:
    """At a level with at least two levels below it on the board (a sector with its provinces
    and their units), the rows grouped by the unit directly below; None otherwise (the board
    is then a flat list)."""
    children = tree.children_ids(unit.pk, day)
    wanted = {r["unit"].pk for r in rows}
    branch_of = dict(
        TreePath.objects.at(day)
        .filter(ancestor_id__in=children, descendant_id__in=wanted)
        .values_list("descendant_id", "ancestor_id")
    )
    if not any(branch_of.get(i, i) != i for i in wanted if i != unit.pk):
        return None
    names = tree.names_at(children, day)
    branches: dict[int, Branch] = {}
    for row in rows:
        pk = row["unit"].pk
        key = branch_of.get(pk, pk)
        if key not in branches:
            branches[key] = Branch(key, names.get(key, row["name"]), Tally(), own=key == unit.pk)
        branches[key].tally.add(row)
    return sorted(branches.values(), key=lambda b: (not b.own, vn_sort_key(b.name)))


@dataclass(frozen=True)
class Reminded:
    at: dt.datetime
    by: str


def last_reminders(form: ReportForm, period: Period) -> dict[int, Reminded]:
    """unit id → when its people were last reminded to submit this form for this period, and
    by whom (from the audit log, where each "Nhắc nộp" is recorded)."""
    events = AuditEvent.objects.filter(
        action=REMIND_ACTION, object_type="reporting.reportform", object_id=str(form.pk)
    ).order_by("seq")
    found: dict[int, Reminded] = {}
    for event in events:
        after = event.after or {}
        if after.get("period") != period.pk:
            continue
        for unit_id in after.get("reminded", []):
            found[int(unit_id)] = Reminded(event.at, after.get("by_name") or event.actor_label)
    return found
