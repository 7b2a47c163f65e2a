"""Who may do what with a report. Every page and API call fetches reports through here; a
report outside the caller's scope is a 404 (DESIGN.md §7)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from thidua.accounts.access import scope_for
from thidua.accounts.models import Role
from thidua.lib.dates import today
from thidua.org import tree

from .models import Report


def reports_for_user(user: Any) -> QuerySet[Report]:
    scope = scope_for(user)
    qs = Report.objects.select_related("unit", "form", "period")
    return qs if scope.unit_ids is None else qs.filter(unit_id__in=scope.unit_ids)


def get_report_for_user(user: Any, pk: int) -> Report:
    """One report, if its unit is in the caller's scope (checked on the fetched row: a
    province's scope is thousands of ids, too many for an IN list on every request)."""
    try:
        report: Report = Report.objects.select_related("unit", "form", "period").get(pk=pk)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    if not scope_for(user).sees(report.unit_id):
        raise Http404
    return report


def sees_report(user: Any, report: Report) -> bool:
    """Whether the report's unit is in the user's scope: the check for work done on the user's
    behalf outside a request (the Excel import job), where a 404 means nothing."""
    return scope_for(user).sees(report.unit_id)


def _role_units(user: Any, roles: set[str]) -> set[int]:
    return scope_for(user).role_units(roles)


def can_enter(user: Any, report: Report) -> bool:
    """Reporters and the unit head of the report's own unit enter figures."""
    return report.unit_id in _role_units(user, {Role.REPORTER, Role.UNIT_HEAD})


def can_submit(user: Any, report: Report) -> bool:
    """The unit head submits the unit's report (DESIGN.md §2)."""
    return report.unit_id in _role_units(user, {Role.UNIT_HEAD})


def _upper_units(report: Report) -> set[int]:
    """The units above the report's unit when the period ended, and today."""
    return set(tree.ancestor_ids(report.unit_id, report.period.end)) | set(
        tree.ancestor_ids(report.unit_id, today())
    )


def can_review(user: Any, report: Report) -> bool:
    """A reviewer at any level above the unit approves, returns and reopens its report."""
    if not scope_for(user).writes(report.unit_id):
        return False
    return bool(_role_units(user, {Role.REVIEWER}) & _upper_units(report))


def can_accept(user: Any, report: Report) -> bool:
    """Acceptance happens at the top: a reviewer or the council secretary on a root unit."""
    mine = _role_units(user, {Role.REVIEWER, Role.COUNCIL_SECRETARY})
    roots = {i for i in mine if not tree.ancestor_ids(i, today())}
    return bool(roots & (_upper_units(report) | {report.unit_id}))


def require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def can_send_back(user: Any, report: Report) -> bool:
    """Return or reopen: the reviewers above, and the top for a report it accepted."""
    if can_review(user, report):
        return True
    return report.status == Report.Status.ACCEPTED and can_accept(user, report)
