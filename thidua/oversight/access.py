"""Scope checks of oversight's pages: records and findings of the units in the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from thidua.accounts.access import scope_for
from thidua.accounts.models import Role

from .models import Finding, FindingState, WasteReport

SUPERVISING = {Role.SUPERVISOR, Role.ADMIN}


def findings_for_user(user: Any) -> QuerySet[Finding]:
    scope = scope_for(user)
    qs = Finding.objects.select_related("unit", "assignee")
    return qs if scope.unit_ids is None else qs.filter(unit_id__in=scope.unit_ids)


def get_finding_for_user(user: Any, pk: int) -> Finding:
    try:
        return findings_for_user(user).get(pk=pk)
    except Finding.DoesNotExist as exc:
        raise Http404 from exc


def supervises(user: Any, unit_id: int) -> bool:
    """A supervisor (or administrator) whose scope covers the unit."""
    scope = scope_for(user)
    return (user.is_superuser or bool(scope.roles & SUPERVISING)) and scope.sees(unit_id)


def can_explain(user: Any, finding: Finding) -> bool:
    """The unit's own people (write scope) answer a finding under review."""
    return finding.status == FindingState.REVIEW and scope_for(user).writes(finding.unit_id)


def can_enter(user: Any, unit_id: int) -> bool:
    return scope_for(user).writes(unit_id)


def reports_for_user(user: Any) -> QuerySet[WasteReport]:
    """Anonymous waste reports go to supervisors (and administrators) whose scope covers the
    unit, never to the unit's own people."""
    scope = scope_for(user)
    qs = WasteReport.objects.select_related("unit", "assignee")
    if not (user.is_superuser or scope.roles & SUPERVISING):
        return qs.none()
    return qs if scope.unit_ids is None else qs.filter(unit_id__in=scope.unit_ids)


def get_report_for_user(user: Any, pk: int) -> WasteReport:
    try:
        return reports_for_user(user).get(pk=pk)
    except WasteReport.DoesNotExist as exc:
        raise Http404 from exc
