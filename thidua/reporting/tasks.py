"""Background jobs of the reporting app, run by huey's worker (`manage.py run_huey`)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import close_db, db_periodic_task, db_task, on_startup

from . import uploads


@db_task()
def run_import_job(job_id: int) -> None:
    """Import one uploaded Excel file or zip (reporting/importing.py: run_job)."""
    uploads.run_job(job_id)


@on_startup()
@close_db
def close_stalled_imports() -> None:
    """A worker that starts closes the imports a stopped worker left running (kill -9 or a
    restart: huey does not run a task again), so that no page shows "Importing" forever."""
    uploads.fail_stalled_jobs(timezone.now())


@db_periodic_task(crontab(minute="*"))
def close_stalled_imports_every_minute() -> None:
    """The same check every minute: a job stopped a moment before the worker restarted has a
    fresh heartbeat at start-up and is stalled only a few minutes later."""
    uploads.fail_stalled_jobs(timezone.now())
