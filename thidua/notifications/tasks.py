"""The worker's jobs: send each queued e-mail (retried), sweep what is left, daily digests."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import actions, delivery


@db_task(retries=3, retry_delay=150)
def send_email_task(email_id: int) -> None:
    """Send one e-mail; a failure is stored on it and the task tries again later."""
    delivery.send_one(email_id)


@db_periodic_task(crontab(minute="*/5"))
def send_pending_emails() -> None:
    """E-mails whose task was lost (queue down, worker restarted) or failed every retry."""
    delivery.send_pending()


@db_periodic_task(crontab(hour="7", minute="0"))
def send_daily_digests() -> None:
    actions.send_digests(now=timezone.now())
