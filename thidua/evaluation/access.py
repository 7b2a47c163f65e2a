"""Who may see and do what in the evaluation. Every page and API call fetches through here;
anything outside the caller's scope is a 404 (DESIGN.md §7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from thidua.accounts.access import scope_for
from thidua.accounts.models import Role
from thidua.lib.dates import today
from thidua.org import tree

from .models import Assessment, Cluster, Programme


def _role_units(user: Any, roles: set[str]) -> set[int]:
    return scope_for(user).role_units(roles)


def assessments_for_user(user: Any) -> QuerySet[Assessment]:
    scope = scope_for(user)
    qs = Assessment.objects.select_related("unit", "rubric")
    return qs if scope.unit_ids is None else qs.filter(unit_id__in=scope.unit_ids)


def get_assessment_for_user(user: Any, pk: int) -> Assessment:
    try:
        return assessments_for_user(user).get(pk=pk)
    except Assessment.DoesNotExist as exc:
        raise Http404 from exc


def get_programme_for_user(user: Any, pk: int) -> Programme:
    scope = scope_for(user)
    qs = Programme.objects.select_related("unit")
    if scope.unit_ids is not None:
        qs = qs.filter(unit_id__in=scope.unit_ids)
    try:
        return qs.get(pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc


def clusters_for_user(user: Any) -> QuerySet[Cluster]:
    """Clusters the user can see: organised in the scope, or with a member in it."""
    scope = scope_for(user)
    qs = Cluster.objects.select_related("organiser", "chair", "deputy", "rubric")
    if scope.unit_ids is None:
        return qs
    ids = list(scope.unit_ids)
    return qs.filter(Q(organiser_id__in=ids) | Q(memberships__unit_id__in=ids)).distinct()


def get_cluster_for_user(user: Any, pk: int) -> Cluster:
    try:
        return clusters_for_user(user).get(pk=pk)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc


def can_edit_unit(user: Any, unit_id: int) -> bool:
    """Reporters and the head of the unit itself draft its programme and self-assessment."""
    return unit_id in _role_units(user, {Role.REPORTER, Role.UNIT_HEAD})


def is_unit_head(user: Any, unit_id: int) -> bool:
    """The unit head approves the programme and submits the self-assessment."""
    return unit_id in _role_units(user, {Role.UNIT_HEAD})


def _above(unit_id: int, year: int) -> set[int]:
    return set(tree.ancestor_ids(unit_id, dt.date(year, 12, 31))) | set(
        tree.ancestor_ids(unit_id, today())
    )


def can_review(user: Any, a: Assessment) -> bool:
    """A reviewer of a unit above reviews and finalises the assessment."""
    if not scope_for(user).writes(a.unit_id):
        return False
    return bool(_role_units(user, {Role.REVIEWER}) & _above(a.unit_id, a.year))


def can_manage_clusters(user: Any) -> bool:
    """The council secretary sets up the clusters (DESIGN.md §2); administrators too."""
    scope = scope_for(user)
    return bool(user.is_superuser or scope.is_admin or Role.COUNCIL_SECRETARY in scope.roles)


def cluster_organisers(user: Any) -> list[Any]:
    """The units whose clusters the user may set up: where they are council secretary (an
    administrator: the roots of the tree)."""
    scope = scope_for(user)
    units = [u for u in scope.home_units if u.pk in scope.role_units({Role.COUNCIL_SECRETARY})]
    if not units and (user.is_superuser or scope.is_admin):
        from thidua.org.models import OrgUnit

        units = list(OrgUnit.objects.filter(pk__in=tree.roots(today())))
    return units


def require(allowed: bool) -> None:
    if not allowed:
        raise Http404
