from __future__ import annotations

from typing import Any

from django.http import Http404

from .models import Notification


def get_notification_for_user(user: Any, pk: int) -> Notification:
    """One of the user's own notifications; anyone else's is a 404."""
    note = Notification.objects.filter(pk=pk, recipient=user).first()
    if note is None:
        raise Http404
    return note
