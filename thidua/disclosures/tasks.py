"""Background jobs of the disclosures app, run by huey's worker (`manage.py run_huey`)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .actions import anchor_audit_chain


@db_periodic_task(crontab(minute="5", hour="0"))
def anchor_audit_chain_daily() -> None:
    """Anchor the audit chain's head in the public log every day (issue 12 §5), so deleting
    or rewriting events older than a day is caught by audit_verify even without a publication."""
    anchor_audit_chain()


@db_periodic_task(crontab(minute="*/10"))
def publish_on_schedule() -> None:
    """Publish what became final, for the kinds set to publish automatically (schedule.py)."""
    from .schedule import run

    run()
