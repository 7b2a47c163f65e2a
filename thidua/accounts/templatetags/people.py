"""People on user pages by full name and position, never by login: ``{{ t.by|user_label }}``
(a user) and ``{{ e.actor_id|user_label:e.actor_label }}`` (an audit event's actor)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from thidua.accounts.models import User

register = template.Library()


@register.filter
def user_label(user: User | int | None, fallback: str = "") -> str:
    """ "Full name (position, unit)"; for an event with no user, "the system" or nothing."""
    if isinstance(user, int):
        user = User.objects.filter(pk=user).select_related("person").first()
    if user is None:
        return _("the system") if fallback == "system" else ""
    return user.display_label()


@register.filter
def user_name(user: User | None) -> str:
    return user.display_name() if user is not None else ""
