"""Who may see and do what in awards. Every page and API call fetches through here; anything
outside the caller's scope is a 404 (DESIGN.md §7)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from thidua.accounts.access import scope_for
from thidua.accounts.models import Role
from thidua.lib.dates import today
from thidua.org import tree

from .models import Proposal, Registration

WRITERS: set[str] = {Role.REPORTER, Role.UNIT_HEAD, Role.REVIEWER, Role.ADMIN}
APPROVERS: set[str] = {Role.UNIT_HEAD, Role.REVIEWER, Role.ADMIN}


def _role_units(user: Any, roles: set[str]) -> set[int]:
    return scope_for(user).role_units(roles)


def _at_or_above(user: Any, unit_id: int, roles: set[str]) -> bool:
    """A role on the unit itself or on a unit above it (today)."""
    if getattr(user, "is_superuser", False):
        return True
    mine = _role_units(user, roles)
    return bool(mine & ({unit_id} | set(tree.ancestor_ids(unit_id, today()))))


def can_edit_registration(user: Any, reg: Registration) -> bool:
    """The unit's reporters and head, and the reviewers above, edit and submit it."""
    return scope_for(user).writes(reg.unit_id) and _at_or_above(user, reg.unit_id, WRITERS)


def can_approve_registration(user: Any, reg: Registration) -> bool:
    """The unit head approves (or returns); a reviewer above may too."""
    return scope_for(user).writes(reg.unit_id) and _at_or_above(user, reg.unit_id, APPROVERS)


def can_propose(user: Any, unit_id: int) -> bool:
    """The unit head proposes for the unit (and reviewers above it)."""
    return scope_for(user).writes(unit_id) and _at_or_above(user, unit_id, APPROVERS)


def can_return_proposal(user: Any, proposal: Proposal) -> bool:
    """The level above the proposing unit, or the council secretary, sends a proposal back."""
    roles: set[str] = {Role.REVIEWER, Role.COUNCIL_SECRETARY, Role.ADMIN}
    above = set(tree.ancestor_ids(proposal.proposing_unit_id, today()))
    return bool(_role_units(user, roles) & above) or getattr(user, "is_superuser", False)


def registrations_for_user(user: Any) -> QuerySet[Registration]:
    scope = scope_for(user)
    qs = Registration.objects.select_related("unit")
    return qs if scope.unit_ids is None else qs.filter(unit_id__in=scope.unit_ids)


def get_registration_for_user(user: Any, pk: int) -> Registration:
    try:
        return registrations_for_user(user).get(pk=pk)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc


def proposals_for_user(user: Any) -> QuerySet[Proposal]:
    """Proposals made by a unit in scope, or sent to a council of a unit in scope, or on the
    agenda of a council session the user sits in (the voters read the dossier)."""
    scope = scope_for(user)
    qs = Proposal.objects.select_related("title", "person", "unit", "proposing_unit", "council")
    if scope.unit_ids is None:
        return qs
    from django.db.models import Q

    ids = scope.unit_ids
    on_agenda = Proposal.objects.filter(agenda_items__session__members__user_id=user.pk)
    return qs.filter(
        Q(proposing_unit_id__in=ids)
        | Q(council__unit_id__in=ids)
        | Q(pk__in=on_agenda.values("pk"))
    )


def get_proposal_for_user(user: Any, pk: int) -> Proposal:
    try:
        return proposals_for_user(user).get(pk=pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc


def require(allowed: bool) -> None:
    if not allowed:
        raise Http404


STAFF_RECORD_MANAGERS: set[str] = {Role.UNIT_HEAD, Role.ADMIN}
"""Who imports staff ratings, discipline and initiatives: the administrator (every unit of
the scope) and unit heads (their units and the units under them)."""


def can_import_staff_facts(user: Any) -> bool:
    scope = scope_for(user)
    return bool(getattr(user, "is_superuser", False) or scope.role_units(STAFF_RECORD_MANAGERS))


def staff_fact_units(user: Any) -> frozenset[int] | None:
    """The units whose staff records the user manages (None: every unit); 404 for anyone
    else."""
    scope = scope_for(user)
    if getattr(user, "is_superuser", False) or scope.is_admin:
        return scope.writable_ids
    heads = scope.role_units({Role.UNIT_HEAD})
    if not heads:
        raise Http404
    from thidua.org.models import TreePath

    below = set(
        TreePath.objects.filter(ancestor_id__in=heads).values_list("descendant_id", flat=True)
    )
    writable = scope.writable_ids
    return frozenset(below if writable is None else below & writable)
