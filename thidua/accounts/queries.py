"""Who holds a role where: the people an event concerns (for notifications and reminders)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .models import Role, RoleAssignment, User

UNIT_PEOPLE = (Role.REPORTER, Role.UNIT_HEAD)
"""Who is told of what happens to a unit's own reports: its reporters and its head."""


def holders(unit_ids: Iterable[int], roles: Iterable[str], day: dt.date) -> list[User]:
    """Active users holding one of `roles` on one of the units on `day`."""
    user_ids = (
        RoleAssignment.objects.at(day)
        .filter(unit_id__in=list(unit_ids), role__in=list(roles))
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def holders_by_unit(
    unit_ids: Iterable[int], roles: Iterable[str], day: dt.date
) -> dict[int, list[tuple[str, User]]]:
    """unit id → [(role, user)] for active users holding one of `roles` there on `day`."""
    rows = (
        RoleAssignment.objects.at(day)
        .filter(unit_id__in=list(unit_ids), role__in=list(roles), user__is_active=True)
        .select_related("user")
    )
    found: dict[int, list[tuple[str, User]]] = {}
    for row in rows:
        found.setdefault(row.unit_id, []).append((row.role, row.user))
    return found
