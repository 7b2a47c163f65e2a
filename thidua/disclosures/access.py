"""Who publishes (issue 12 §1): the council secretary or an administrator, within their scope."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from thidua.accounts.access import Scope, scope_for
from thidua.accounts.models import Role


def is_publisher(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    scope = scope_for(user)
    return bool(user.is_superuser or scope.is_admin or Role.COUNCIL_SECRETARY in scope.roles)


def require_publisher(user: Any) -> Scope:
    """The publisher's scope; 404 for anyone else (the page does not exist for them)."""
    if not is_publisher(user):
        raise Http404
    return scope_for(user)
