"""What the reporting workflow tells people (issue 10): the unit's reporters and head when
their report is returned, reopened or approved; the reviewers above when it is submitted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.accounts.models import Role
from thidua.accounts.queries import UNIT_PEOPLE, holders, holders_by_unit
from thidua.audit.chain import record
from thidua.notifications.actions import notify
from thidua.notifications.models import Kind
from thidua.org import tree

from .models import Report


def tree_day(report: Report) -> dt.date:
    """Today, or the unit's last day if it has closed since (a merged unit's old report)."""
    day = timezone.localdate()
    if report.unit.valid_to <= day:
        return report.unit.valid_to - dt.timedelta(days=1)
    return day


def _params(report: Report, by: Any, reason: str = "") -> dict[str, Any]:
    return {
        "form": report.form,
        "period": report.period,
        "unit": report.unit.name,
        "who": by.display_name() if hasattr(by, "display_name") else str(by),
        "reason": reason,
    }


def _link(report: Report) -> str:
    return reverse("reporting:report", args=[report.pk])


def reviewers_above(report: Report, day: dt.date) -> list[Any]:
    """The reviewers of the unit's parent (the level that approves its report)."""
    parents = tree.ancestor_ids(report.unit_id, day)[-1:]
    return holders(parents, [Role.REVIEWER], day)


def report_submitted(report: Report, *, by: Any) -> None:
    day = tree_day(report)
    notify(
        reviewers_above(report, day),
        Kind.REPORT_SUBMITTED,
        title=_("Report to approve: %(form)s, %(period)s — %(unit)s"),
        body=_("%(who)s submitted the report of %(unit)s. Approve it or return it with a reason."),
        params=_params(report, by),
        link=_link(report),
        unit_name=report.unit.name,
        deadline=report.deadline,
    )


def report_returned(report: Report, *, by: Any, reason: str, reopened: bool) -> None:
    day = tree_day(report)
    title = (
        _("Approved report reopened: %(form)s, %(period)s")
        if reopened
        else _("Report returned: %(form)s, %(period)s")
    )
    notify(
        holders([report.unit_id], UNIT_PEOPLE, day),
        Kind.REPORT_REOPENED if reopened else Kind.REPORT_RETURNED,
        title=title,
        body=_("Returned by %(who)s. Reason: %(reason)s"),
        params=_params(report, by, reason),
        link=_link(report),
        unit_name=report.unit.name,
        deadline=report.deadline,
    )


def report_approved(report: Report, *, by: Any) -> None:
    day = tree_day(report)
    notify(
        holders([report.unit_id], UNIT_PEOPLE, day),
        Kind.REPORT_APPROVED,
        title=_("Report approved: %(form)s, %(period)s"),
        body=_("Approved by %(who)s."),
        params=_params(report, by),
        link=_link(report),
        unit_name=report.unit.name,
    )


@transaction.atomic
def remind_late_units(
    form: Any, period: Any, units: list[tuple[int, str]], *, deadline: Any, by: Any, day: Any
) -> tuple[int, int]:
    """ "Nhắc nộp": the level above tells the reporters and heads of each late unit to submit
    (once a day per unit, form and period), and the audit log records who reminded whom and
    when. Returns (units reminded, people told)."""
    people = holders_by_unit([u for u, _n in units], UNIT_PEOPLE, day)
    told = 0
    reminded: list[int] = []
    for unit_id, name in units:
        sent = notify(
            [user for _role, user in people.get(unit_id, [])],
            Kind.REMINDER,
            title=_("Please submit: %(form)s, %(period)s"),
            body=_("%(who)s reminds %(unit)s to submit the report due on %(date)s."),
            params={
                "form": form,
                "period": period,
                "unit": name,
                "who": by.display_name(),
                "date": deadline or "",
            },
            link=reverse("home"),
            unit_name=name,
            deadline=deadline,
            dedupe_key=f"remind:{unit_id}:{form.pk}:{period.pk}:{day.isoformat()}",
        )
        told += len(sent)
        if sent:
            reminded.append(unit_id)
    if reminded:  # the board shows who reminded whom and when from this record
        record(
            "reporting.report.remind",
            by=by,
            object_type="reporting.reportform",
            object_id=form.pk,
            after={
                "period": period.pk,
                "units": [u for u, _n in units],
                "reminded": reminded,
                "by_name": by.display_name(),
                "people": told,
            },
        )
    return len(reminded), told
