"""Personal API tokens (Authorization: Bearer <token>). The API applies exactly the scope of
the token's user, as the pages do."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, User

PREFIX = "thd_"
LAST_USED_EVERY = dt.timedelta(minutes=1)
"""How stale `last_used_at` may be: a write per request would make every API read a write."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100] or "API", prefix=secret[:8], digest=_digest(secret)
    )
    return token, secret


def revoke_token(token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def user_for_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        # Conditional, so that parallel requests of one token write it once.
        ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(
            last_used_at=now
        )
    return token.user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
