"""Phase review reports generated in the background (huey), with progress.

A job is a folder in the default storage (`reviews/<token>/`): `state.json` (who asked, for
which unit, phase and structure, the steps done, the status) and, once done, the .docx and
.pdf. No table: the dashboards app owns no model, and a job's files are its result.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from thidua.lib.documents import render_docx, render_pdf
from thidua.movements.models import Phase
from thidua.org import tree
from thidua.org.models import OrgUnit

from . import review, review_docs
from .series import Choice, KeyIndicators

log = logging.getLogger(__name__)
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STEPS = 7  # review.build's five, then the .docx and the .pdf


@dataclass
class Job:
    token: str
    user_id: int
    unit_id: int
    phase_id: int
    child_ids: list[int]
    mapped_to: str | None
    language: str
    status: str = QUEUED
    done: int = 0
    total: int = STEPS
    step: str = ""
    created_at: str = ""
    finished_on: str = ""
    files: dict[str, str] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)


def _path(token: str, name: str) -> str:
    return f"reviews/{token}/{name}"


def save(job: Job) -> None:
    path = _path(job.token, "state.json")
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps(asdict(job)).encode()))


def load(token: str) -> Job | None:
    if not token.isalnum():
        return None
    path = _path(token, "state.json")
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as f:
        data: dict[str, Any] = json.loads(f.read())
    return Job(**data)


def read_file(job: Job, kind: str) -> bytes | None:
    name = job.files.get(kind)
    if not name:
        return None
    with default_storage.open(_path(job.token, name), "rb") as f:
        content: bytes = f.read()
    return content


def new_job(user_id: int, choice: Choice, phase: Phase) -> Job:
    job = Job(
        token=secrets.token_hex(12),
        user_id=user_id,
        unit_id=choice.unit.pk,
        phase_id=phase.pk,
        child_ids=list(choice.child_ids),
        mapped_to=choice.mapped_to.isoformat() if choice.mapped_to else None,
        language=translation.get_language() or "vi",
        created_at=timezone.now().isoformat(),
    )
    save(job)
    return job


def run(token: str, *, today: dt.date) -> None:
    """Build the review of the job's unit and phase; write its .docx and .pdf; progress is
    saved at each step. A failure marks the job failed (the page says so)."""
    job = load(token)
    if job is None or job.finished:
        return
    try:
        _run(job, today)
    except Exception:
        log.exception("Review job %s failed", token)
        job.status = FAILED
        save(job)
        raise


def _run(job: Job, today: dt.date) -> None:
    phase = Phase.objects.select_related("movement").get(pk=job.phase_id)
    unit = OrgUnit.objects.get(pk=job.unit_id)
    mapped = dt.date.fromisoformat(job.mapped_to) if job.mapped_to else None
    day = mapped or dt.date(phase.end_year, 12, 31)
    choice = Choice(
        unit,
        list(range(phase.start_year, phase.end_year + 1)),
        job.child_ids,
        tree.names_at([unit.pk, *job.child_ids], day),
        mapped,
        KeyIndicators.of(phase.movement),
    )

    def progress(done: int, total: int, step: str) -> None:
        job.status, job.done, job.step = RUNNING, done, step
        save(job)

    with translation.override(job.language):
        data = review.build(choice, phase.movement, phase, progress)
        document = review_docs.review_document(data, date=today)
        docx = render_docx(document)
        progress(6, STEPS, "pdf")
        pdf = render_pdf(document)
    for kind, content in (("docx", docx), ("pdf", pdf)):
        name = f"{document.filename_stem}.{kind}"
        saved = default_storage.save(_path(job.token, name), ContentFile(content))
        job.files[kind] = saved.rsplit("/", 1)[-1]
    job.status, job.done, job.step = DONE, STEPS, "done"
    job.finished_on = today.isoformat()
    save(job)


def finished_for(unit_id: int, phase_id: int | None) -> list[dt.date]:
    """The days the review of the phase was generated for the unit (finished jobs)."""
    if not default_storage.exists("reviews"):
        return []
    folders, _files = default_storage.listdir("reviews")
    out = []
    for token in folders:
        job = load(token)
        if job and job.status == DONE and job.unit_id == unit_id and job.phase_id == phase_id:
            out.append(dt.date.fromisoformat(job.finished_on or job.created_at[:10]))
    return out
