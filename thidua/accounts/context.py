from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .access import menu_for


def site(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's roles and home units, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": None}
    return {"menu": menu_for(user)}
