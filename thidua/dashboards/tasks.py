"""The worker's periodic jobs of the personal page: deadline reminders every morning."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from thidua.lib.dates import today

from .reminders import run_reminders, tell_consultations_ended


@db_periodic_task(crontab(hour="6", minute="30"))
def send_deadline_reminders() -> None:
    """Every morning (and again is harmless: each reminder has its dedupe key)."""
    run_reminders(today())
    tell_consultations_ended(today())
