"""Which movements a user sees and may edit: a movement is visible to everyone working in
its organisation; it is edited by administrators and the council secretary."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from thidua.accounts.access import scope_for
from thidua.accounts.models import Role
from thidua.lib.dates import today
from thidua.org import tree

from .models import Movement


def movements_for_user(user: Any) -> QuerySet[Movement]:
    scope = scope_for(user)
    if scope.unit_ids is None:
        return Movement.objects.all()
    day = today()
    related: set[int] = set(scope.unit_ids)
    for unit in scope.home_units:
        related.update(tree.ancestor_ids(unit.pk, day))
    return Movement.objects.filter(organisation_id__in=related)


def get_movement_for_user(user: Any, pk: int, *, write: bool = False) -> Movement:
    try:
        movement = movements_for_user(user).select_related("organisation").get(pk=pk)
    except Movement.DoesNotExist as exc:
        raise Http404 from exc
    if write and not can_edit(user, movement):
        raise Http404
    return movement


def can_edit(user: Any, movement: Movement | None = None) -> bool:
    scope = scope_for(user)
    if scope.is_admin or user.is_superuser:
        return True
    if Role.COUNCIL_SECRETARY not in scope.roles:
        return False
    return movement is None or scope.writes(movement.organisation_id)
