"""The one scope check (DESIGN.md §7): user × role × org subtree × date. Every page and API
endpoint fetches through these helpers; anything outside the scope is a 404."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, Min, OuterRef
from django.http import Http404

from thidua.lib.dates import today
from thidua.org import tree
from thidua.org.models import OrgUnit, Person, Position, Reorganisation, TreePath

from .models import ORG_ADMIN_ROLES, READ_ONLY_ROLES, Role, RoleAssignment


@dataclass
class Scope:
    """What one user may see and do today. `unit_ids` None means every unit."""

    roles: set[str] = field(default_factory=set)
    unit_ids: frozenset[int] | None = frozenset()
    writable_ids: frozenset[int] | None = frozenset()
    home_units: list[OrgUnit] = field(default_factory=list)
    units_by_role: dict[str, set[int]] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return bool(self.roles & ORG_ADMIN_ROLES)

    def sees(self, unit_id: int) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids

    def writes(self, unit_id: int) -> bool:
        return self.writable_ids is None or unit_id in self.writable_ids

    def role_units(self, roles: set[str]) -> set[int]:
        """The units where the user holds one of `roles` on the scope's day."""
        return set().union(*(self.units_by_role.get(r, set()) for r in roles))


def _lineage(root_ids: set[int], day: dt.date) -> set[int]:
    """Units ever under the roots, plus every unit whose work flowed into them (predecessors
    through merges and splits) and everything ever under those: a unit's history is its own.
    A unit still open on `day` counts only while it is under a root: one that moved away
    belongs to its new parent's scope from then on."""
    seen: set[int] = set()
    frontier = set(root_ids)
    while frontier:
        below = TreePath.objects.filter(ancestor_id__in=frontier).values_list("descendant_id")
        new = ({i for (i,) in below} | frontier) - seen
        seen |= new
        frontier = tree.predecessor_ids(new) - seen
    open_now = set(OrgUnit.objects.at(day).filter(id__in=seen).values_list("id", flat=True))
    under_now = (
        TreePath.objects.at(day).filter(ancestor_id__in=root_ids).values_list("descendant_id")
    )
    return seen - (open_now - {i for (i,) in under_now})


# Scopes computed in this process, by (user, day): a lineage walk costs about ten queries,
# and every request needs the scope. An entry is used only while its token still holds: the
# user's role assignments as stored (any grant, change or end of a role changes them) and the
# last reorganisation event (every change of the tree records one).
_SCOPES: OrderedDict[tuple[int, dt.date], tuple[tuple[Any, ...], Scope]] = OrderedDict()
_SCOPES_LOCK = threading.Lock()
_SCOPES_MAX = 2048


def forget_scopes() -> None:
    """Empty the process's scope cache (tests, whose rolled-back ids are reused)."""
    with _SCOPES_LOCK:
        _SCOPES.clear()


def _token(user: Any) -> tuple[Any, ...]:
    rows = tuple(
        RoleAssignment.objects.filter(user=user)
        .order_by("pk")
        .values_list("pk", "role", "unit_id", "valid_from", "valid_to")
    )
    last_event = Reorganisation.objects.aggregate(m=Max("pk"))["m"]
    return (bool(user.is_superuser), last_event, rows)


def scope_for(user: Any, day: dt.date | None = None) -> Scope:
    """The scope for `day` (today by default): cached on the user object for the request, and
    in the process while the user's roles and the tree are unchanged."""
    day = day or today()
    cached = getattr(user, "_thidua_scope", None)
    if cached is not None and cached[0] == day:
        return cached[1]  # type: ignore[no-any-return]
    if not getattr(user, "is_authenticated", False):
        return Scope()
    token, key = _token(user), (user.pk, day)
    with _SCOPES_LOCK:
        hit = _SCOPES.get(key)
    if hit is not None and hit[0] == token:
        scope = hit[1]
    else:
        scope = _compute_scope(user, day)
        with _SCOPES_LOCK:
            _SCOPES[key] = (token, scope)
            _SCOPES.move_to_end(key)
            while len(_SCOPES) > _SCOPES_MAX:
                _SCOPES.popitem(last=False)
    user._thidua_scope = (day, scope)
    return scope


def _compute_scope(user: Any, day: dt.date) -> Scope:
    scope = Scope()
    assignments = list(RoleAssignment.objects.at(day).filter(user=user).select_related("unit"))
    scope.roles = {a.role for a in assignments}
    scope.home_units = sorted({a.unit for a in assignments}, key=lambda u: u.code)
    scope.units_by_role = {}
    for a in assignments:
        scope.units_by_role.setdefault(a.role, set()).add(a.unit_id)
    if user.is_superuser or scope.is_admin:
        scope.unit_ids = None
        scope.writable_ids = None
    else:
        read = {a.unit_id for a in assignments}
        write = {a.unit_id for a in assignments if a.role not in READ_ONLY_ROLES}
        scope.unit_ids = frozenset(_lineage(read, day))
        # The same roots (no read-only role) give the same lineage: not computed twice.
        scope.writable_ids = scope.unit_ids if write == read else frozenset(_lineage(write, day))
    return scope


def get_unit_for_user(user: Any, pk: int, *, write: bool = False) -> OrgUnit:
    scope = scope_for(user)
    allowed = scope.writes(pk) if write else scope.sees(pk)
    if not allowed:
        raise Http404
    try:
        return OrgUnit.objects.select_related("level").get(pk=pk)  # type: ignore[no-any-return]
    except OrgUnit.DoesNotExist as exc:
        raise Http404 from exc


def units_for_user(user: Any) -> Any:
    scope = scope_for(user)
    qs = OrgUnit.objects.all()
    return qs if scope.unit_ids is None else qs.filter(id__in=scope.unit_ids)


Period = tuple[dt.date, dt.date]
"""A half-open period [start, end) of days, as the tree's validity periods."""


def year_period(year: int) -> Period:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _held_in_scope(scope: Scope, period: Period) -> Exists:
    """The person held a position in a unit of the scope during some day of `period`."""
    start, end = period
    positions = Position.objects.filter(
        person=OuterRef("pk"), valid_from__lt=end, valid_to__gt=start
    )
    if scope.unit_ids is not None:
        positions = positions.filter(unit_id__in=scope.unit_ids)
    return Exists(positions)


def _role_period(user: Any) -> Period:
    """From the start of the user's roles in force today to today, included."""
    day = today()
    start = RoleAssignment.objects.at(day).filter(user=user).aggregate(m=Min("valid_from"))["m"]
    return (start or day + dt.timedelta(days=1)), day + dt.timedelta(days=1)


def get_person_for_user(user: Any, pk: int, *, period: Period | None = None) -> Person:
    """A staff record, visible when the person held a position in the user's scope during
    `period` (the period the page views), by default while the user has held the roles in
    force today: not someone who left the units before, nor a colleague elsewhere
    (docs/architecture.md, the scope rule)."""
    scope = scope_for(user)
    people = Person.objects.filter(pk=pk)
    if scope.unit_ids is not None:
        people = people.filter(_held_in_scope(scope, period or _role_period(user)))
    person = people.first()
    if person is None:
        raise Http404
    return person


def persons_for_user(user: Any, *, period: Period | None = None) -> Any:
    """People who held a position in the user's scope during `period`; by default today, so
    the lists show today's staff. Administrators see every record unless a period is asked."""
    scope = scope_for(user)
    people = Person.objects.all()
    if scope.unit_ids is None and period is None:
        return people
    day = today()
    return people.filter(_held_in_scope(scope, period or (day, day + dt.timedelta(days=1))))


def require_admin(user: Any) -> None:
    scope = scope_for(user)
    if not (user.is_superuser or scope.is_admin):
        raise Http404


def menu_for(user: Any) -> dict[str, Any]:
    scope = scope_for(user)
    return {
        "roles": sorted(Role(r).label for r in scope.roles),
        "home_units": scope.home_units,
        "is_admin": user.is_superuser or scope.is_admin,
        # Imports of staff ratings, discipline and initiatives (awards/access.py).
        "manages_staff": user.is_superuser or bool(scope.roles & {Role.ADMIN, Role.UNIT_HEAD}),
        # The publishing page of the public portal (disclosures/access.py, issue 12).
        "publishes": user.is_superuser or bool(scope.roles & {Role.ADMIN, Role.COUNCIL_SECRETARY}),
    }


def body_unit_ids(user: Any, day: dt.date | None = None) -> frozenset[int] | None:
    """The units of the body an administrator runs: the whole subtree (with its history) of
    the root above each unit where the user holds the administrator role on `day`. None for
    the superuser (every body); empty for a user who administers nothing."""
    if user.is_superuser:
        return None
    day = day or today()
    homes = set(
        RoleAssignment.objects.at(day)
        .filter(user=user, role__in=ORG_ADMIN_ROLES)
        .values_list("unit_id", flat=True)
    )
    roots = set()
    for unit_id in homes:
        top = (
            TreePath.objects.at(day)
            .filter(descendant_id=unit_id)
            .order_by("-depth")
            .values_list("ancestor_id", flat=True)
            .first()
        )
        roots.add(top or unit_id)
    return frozenset(_lineage(roots, day)) if roots else frozenset()


def require_body_admin(user: Any) -> frozenset[int] | None:
    """The body's unit ids (None: every body) for an administrator; 403 for anyone else."""
    if not (user.is_superuser or scope_for(user).is_admin):
        raise PermissionDenied
    return body_unit_ids(user)


def in_body(body: frozenset[int] | None, unit_id: int) -> None:
    """404 for a row of another body."""
    if body is not None and unit_id not in body:
        raise Http404
