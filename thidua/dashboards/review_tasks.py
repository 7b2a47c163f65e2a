"""Background job of the phase reviews, run by huey's worker (`manage.py run_huey`)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from thidua.lib.dates import today

from . import review_jobs


@db_task()
def run_review_job(token: str) -> None:
    """Generate one phase review's .docx and .pdf (dashboards/review_jobs.py: run)."""
    review_jobs.run(token, today=today())
