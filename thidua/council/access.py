"""Who sees and runs what in the council. Members of a council see its sessions and vote; a
council secretary (Role.COUNCIL_SECRETARY) whose scope covers the council's unit, the member
seated today as the council's own secretary (CouncilMember role "secretary"), or an
administrator, runs sessions and issues decisions; everyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from thidua.accounts.access import scope_for
from thidua.accounts.models import Role
from thidua.awards.models import AwardRecord, CouncilMember
from thidua.lib.dates import today
from thidua.org.models import Position

from .models import AgendaItem, CouncilSession, Decision


def _seated_units(user: Any) -> frozenset[int]:
    """The units of the councils where the user holds the secretary's seat today."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    day = today()
    seats = CouncilMember.objects.filter(
        user=user, role=CouncilMember.Role.SECRETARY, valid_from__lte=day, valid_to__gt=day
    )
    return frozenset(seats.values_list("council__unit_id", flat=True))


def is_secretary(user: Any) -> bool:
    scope = scope_for(user)
    if user.is_superuser or scope.is_admin or Role.COUNCIL_SECRETARY in scope.roles:
        return True
    return bool(_seated_units(user))


def _managed_units(user: Any) -> frozenset[int] | None:
    """Units whose councils the user runs; None means all; empty when the user runs none."""
    scope = scope_for(user)
    if user.is_superuser or scope.is_admin:
        return None
    seated = _seated_units(user)
    if Role.COUNCIL_SECRETARY not in scope.roles:
        return seated
    return None if scope.unit_ids is None else frozenset(scope.unit_ids) | seated


def can_manage(user: Any, unit_id: int) -> bool:
    units = _managed_units(user)
    return units is None or unit_id in units


def sessions_for_user(user: Any) -> QuerySet[CouncilSession]:
    units = _managed_units(user)
    qs = CouncilSession.objects.select_related("council", "council__unit")
    if units is None:
        return qs
    return qs.filter(Q(council__unit_id__in=units) | Q(members__user=user)).distinct()


def get_session_for_user(user: Any, pk: int, *, manage: bool = False) -> CouncilSession:
    """A session the user sits in or runs; `manage` demands the secretary's right."""
    try:
        session = sessions_for_user(user).get(pk=pk)
    except CouncilSession.DoesNotExist as exc:
        raise Http404 from exc
    if manage and not can_manage(user, session.council.unit_id):
        raise Http404
    return session


def get_item_for_user(user: Any, pk: int, *, manage: bool = False) -> AgendaItem:
    try:
        item = AgendaItem.objects.select_related("session").get(pk=pk)
    except AgendaItem.DoesNotExist as exc:
        raise Http404 from exc
    get_session_for_user(user, item.session_id, manage=manage)
    return item


def decisions_for_user(user: Any) -> QuerySet[Decision]:
    scope = scope_for(user)
    qs = Decision.objects.select_related("issuer")
    if scope.unit_ids is None:
        return qs
    units = _managed_units(user)
    sat_in = Q(session__members__user=user)
    return qs.filter(sat_in | Q(issuer_id__in=units or ())).distinct()


def get_decision_for_user(user: Any, pk: int, *, manage: bool = False) -> Decision:
    try:
        decision = decisions_for_user(user).get(pk=pk)
    except Decision.DoesNotExist as exc:
        raise Http404 from exc
    if manage and not can_manage(user, decision.issuer_id):
        raise Http404
    return decision


def get_award_for_user(user: Any, pk: int) -> AwardRecord:
    """An award the user may revoke: a council secretary whose scope covers the awarded unit,
    or a unit the awarded person worked in."""
    try:
        award = AwardRecord.objects.select_related("title", "person", "unit").get(pk=pk)
    except AwardRecord.DoesNotExist as exc:
        raise Http404 from exc
    units = _managed_units(user)
    if not is_secretary(user):
        raise Http404
    if units is None:
        return award
    if award.unit_id:
        subject_units = {award.unit_id}
    else:
        subject_units = set(
            Position.objects.filter(person=award.person).values_list("unit_id", flat=True)
        )
    if not subject_units & units:
        raise Http404
    return award
