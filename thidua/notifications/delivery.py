"""Sending the queued e-mails: each attempt claims the row for a while (so that two workers
or a retry never send it twice), sends outside any transaction and records the outcome."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone

from .models import OutgoingEmail

LEASE = dt.timedelta(minutes=2)
"""How long an attempt owns its e-mail: longer than the SMTP time-out (EMAIL_TIMEOUT)."""
MAX_ATTEMPTS = 8


class SendFailed(Exception):
    """An attempt failed; the error is stored on the row and the task retries."""


def _claim(email_id: int, now: dt.datetime) -> bool:
    free = Q(last_attempt_at=None) | Q(last_attempt_at__lt=now - LEASE)
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id, sent_at=None)
        .filter(free)
        .update(last_attempt_at=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def send_one(email_id: int, *, now: dt.datetime | None = None) -> bool:
    """Send one queued e-mail unless it is sent or another attempt holds it. Returns True if
    sent now; raises SendFailed (after recording the error) if the server refused or failed."""
    now = now or timezone.now()
    if not _claim(email_id, now):
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"X-Thidua-Email": str(email.pk)},
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        OutgoingEmail.objects.filter(pk=email_id).update(
            last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise SendFailed(str(exc)) from exc
    OutgoingEmail.objects.filter(pk=email_id).update(sent_at=timezone.now(), last_error="")
    return True


def send_pending(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Try every unsent e-mail whose last attempt is old enough (the worker's sweep after a
    restart or a long SMTP outage). Returns (sent, failed)."""
    now = now or timezone.now()
    due = OutgoingEmail.objects.filter(sent_at=None, attempts__lt=MAX_ATTEMPTS).filter(
        Q(last_attempt_at=None) | Q(last_attempt_at__lt=now - LEASE)
    )
    sent = failed = 0
    for email_id in list(due.values_list("pk", flat=True)[:500]):
        try:
            sent += send_one(email_id, now=now)
        except SendFailed:
            failed += 1
    return sent, failed


def retry_now(email: OutgoingEmail) -> None:
    """The administrator asks for another try: the attempt count starts again."""
    OutgoingEmail.objects.filter(pk=email.pk, sent_at=None).update(attempts=0, last_attempt_at=None)
