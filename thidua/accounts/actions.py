"""Changes to logins and their roles."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.org.models import Person

from .models import RoleAssignment, User


@transaction.atomic
def create_user(
    username: str,
    password: str,
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    person: Person | None = None,
) -> User:
    """A login, optionally linked to a staff record."""
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("This user name is taken."))
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email, person=person
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def grant_role(assignment: RoleAssignment) -> RoleAssignment:
    """Give a role on a unit for a period; the same role on the same unit may not overlap."""
    overlapping = RoleAssignment.objects.filter(
        user=assignment.user,
        role=assignment.role,
        unit=assignment.unit,
        valid_from__lt=assignment.valid_to,
        valid_to__gt=assignment.valid_from,
    )
    if overlapping.exists():
        raise ValidationError(_("The user already holds this role on this unit in that period."))
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def end_role(assignment: RoleAssignment, *, day: dt.date) -> RoleAssignment:
    """The role ends on `day` (kept in the history, never deleted)."""
    if day <= assignment.valid_from:
        raise ValidationError(_("A role cannot end before it starts."))
    if day < assignment.valid_to:
        assignment.valid_to = day
        assignment.save(update_fields=["valid_to"])
    return assignment


@transaction.atomic
def unlock_login(username: str, ip_address: str | None, *, by: User) -> int:
    """Lift the lockout of one user name at one address before its cool-off ends (the locked
    person asked the administrator); audited. Returns the failed attempts cleared."""
    attempts = AccessAttempt.objects.filter(username=username, ip_address=ip_address)
    failures = int(sum(attempts.values_list("failures_since_start", flat=True)))
    if not failures:
        raise ValidationError(_("This login is not locked."))
    attempts.delete()
    record(
        "accounts.login.unlock",
        by=by,
        object_type="accounts.login",
        object_id=username,
        before={"ip_address": ip_address, "failures": failures},
        after={"ip_address": ip_address, "failures": 0},
    )
    return failures
