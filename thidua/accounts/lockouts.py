"""Login lockouts (django-axes, issue 8 point 4): failures count per user name and address
together, so one person's typos lock only that name on that computer, and nobody can lock
another person's account from elsewhere. An administrator lists and lifts lockouts."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address for the lockout (AXES_CLIENT_IP_CALLABLE).

    With no trusted proxy (THIDUA_TRUSTED_PROXIES=0, the default) it is the connection's
    address and any forwarded header is ignored: a caller cannot pick an address to dodge or
    aim a lockout. Behind N trusted proxies it is the address the outermost one saw: the N-th
    entry from the right of the forwarded list, the connection's address counted as the last
    entry (entries further left are whatever the caller sent)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.THIDUA_TRUSTED_PROXIES
    if proxies <= 0:
        return _address(remote)
    forwarded = request.META.get(settings.THIDUA_PROXY_IP_HEADER, "")
    chain = [*(part for part in forwarded.split(",") if part.strip()), remote]
    return _address(chain[max(len(chain) - 1 - proxies, 0)])


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str | None
    failures: int
    last_attempt: dt.datetime


def lockouts() -> list[Lockout]:
    """The user name and address pairs locked out now, most recent first."""
    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
    return [
        Lockout(r["username"] or "", r["ip_address"], r["failures"], r["last_attempt"])
        for r in rows
    ]
