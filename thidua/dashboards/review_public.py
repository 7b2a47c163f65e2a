"""Finished phase reviews (sơ kết / tổng kết) as public content, for the portal: the review's
key figures (per content area and indicator, by year) and the SHA-256 of its generated .pdf.

The portal (disclosures) sits beside dashboards in the layers and does not import it: it
reads these functions through `settings.THIDUA_PUBLIC_REVIEWS` (as audit reads the anchors).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.utils import translation

from thidua.movements.models import Phase
from thidua.org import tree
from thidua.org.models import OrgUnit

from . import review, review_jobs
from .series import Choice


def _jobs() -> Iterable[review_jobs.Job]:
    if not default_storage.exists("reviews"):
        return
    folders, _files = default_storage.listdir("reviews")
    for token in sorted(folders):
        job = review_jobs.load(token)
        if job is not None and job.status == review_jobs.DONE and job.files.get("pdf"):
            yield job


def finished(unit_ids: frozenset[int] | None) -> list[dict[str, Any]]:
    """Finished reviews of the given units (None: all), newest first: token and a label."""
    jobs = [j for j in _jobs() if unit_ids is None or j.unit_id in unit_ids]
    phases = Phase.objects.select_related("movement").in_bulk({j.phase_id for j in jobs})
    units = OrgUnit.objects.in_bulk({j.unit_id for j in jobs})
    out = []
    for job in sorted(jobs, key=lambda j: j.finished_on, reverse=True):
        phase, unit = phases.get(job.phase_id), units.get(job.unit_id)
        if phase is None or unit is None:
            continue
        day = dt.date.fromisoformat(job.finished_on or job.created_at[:10])
        label = (
            f"{unit.name} · {phase.get_review_display()} {phase.start_year}–{phase.end_year}"
            f" · {day:%d/%m/%Y}"
        )
        out.append({"token": job.token, "label": label})
    return out


def content(token: str) -> dict[str, Any] | None:
    """The public content of a finished review: who, which phase, the key figures (built
    again from approved data, as the review was) and the .pdf's SHA-256."""
    job = review_jobs.load(token)
    if job is None or job.status != review_jobs.DONE:
        return None
    pdf = review_jobs.read_file(job, "pdf")
    if pdf is None:
        return None
    phase = Phase.objects.select_related("movement").get(pk=job.phase_id)
    unit = OrgUnit.objects.get(pk=job.unit_id)
    mapped = dt.date.fromisoformat(job.mapped_to) if job.mapped_to else None
    day = mapped or dt.date(phase.end_year, 12, 31)
    years = list(range(phase.start_year, phase.end_year + 1))
    choice = Choice(
        unit, years, job.child_ids, tree.names_at([unit.pk, *job.child_ids], day), mapped
    )
    with translation.override("vi"):
        data = review.build(choice, phase.movement, phase, lambda *_args: None)
        areas = [
            {
                "number": area.number,
                "title": area.title,
                "rows": [
                    {
                        "indicator": indicator.name,
                        "unit_of_measure": indicator.get_unit_display(),
                        "values": [None if v is None else str(v) for v in values],
                    }
                    for indicator, values in area.rows
                ],
            }
            for area in data.areas
        ]
        review_label = phase.get_review_display()
    return {
        "unit": data.unit_name,
        "unit_code": unit.code,
        "movement": phase.movement.title,
        "movement_code": phase.movement.code,
        "phase": phase.number,
        "review": review_label,
        "years": years,
        "generated_on": job.finished_on,
        "areas": areas,
        "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        "pdf_name": job.files["pdf"],
    }


def pdf(sha256: str) -> bytes | None:
    """The generated .pdf whose SHA-256 is `sha256` (the one a publication names)."""
    for job in _jobs():
        data = review_jobs.read_file(job, "pdf")
        if data is not None and hashlib.sha256(data).hexdigest() == sha256:
            return data
    return None
