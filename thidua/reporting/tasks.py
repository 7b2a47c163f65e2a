"""Background jobs of the reporting app, run by huey's worker (`manage.py run_huey`)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import importing


@db_task()
def run_import_job(job_id: int) -> None:
    """Import one uploaded Excel file or zip (reporting/importing.py: run_job)."""
    importing.run_job(job_id)
