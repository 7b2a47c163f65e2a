"""The publication schedule: per kind, publish automatically what became final. A periodic
task (tasks.py) scans for newly final items (an accepted annual report, an approved
programme, an issued decision, final assessment results) and publishes them through the
same `actions.publish`, which is idempotent: a second run adds no leaf. Scanning keeps the
lower apps free of any import of this one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from thidua.audit import chain
from thidua.council.models import Decision
from thidua.evaluation.models import Assessment

from . import actions, issued, sources
from .models import Publication, PublishSchedule
from .sources import Draft

SYSTEM = "system"


def automatic_kinds() -> set[str]:
    return set(PublishSchedule.objects.filter(automatic=True).values_list("kind", flat=True))


def set_automatic(kind: str, automatic: bool, *, by: Any) -> PublishSchedule:
    if kind not in Publication.Kind.values:
        raise ValueError(kind)
    with transaction.atomic():
        row, _created = PublishSchedule.objects.update_or_create(
            kind=kind, defaults={"automatic": automatic, "changed_by": actions._actor(by)}
        )
        chain.record(
            "disclosures.schedule",
            by=by,
            object_type="disclosures.publishschedule",
            object_id=kind,
            after={"automatic": automatic},
        )
        return row


def _published_since() -> dict[str, Any]:
    """Each subject's latest publication day (local), withdrawn ones excluded."""
    latest: dict[str, Any] = {}
    for subject, moment in Publication.objects.filter(withdrawn_at__isnull=True).values_list(
        "subject", "published_at"
    ):
        day = timezone.localtime(moment).date()
        if subject not in latest or day > latest[subject]:
            latest[subject] = day
    return latest


def drafts(kinds: set[str]) -> list[Draft]:
    """What is final and not yet published since it became final, for `kinds`."""
    out: list[Draft | None] = []
    since = _published_since()
    if kinds & {
        Publication.Kind.PROGRAMME,
        Publication.Kind.ANNUAL_REPORT,
        Publication.Kind.FIGURES,
    }:
        for item in issued.issued_items():
            fresh = item.subject not in since or since[item.subject] < item.issued_on
            if item.kind in kinds and fresh:
                out.append(issued.draft(item))
            if item.kind == issued.ANNUAL_REPORT and Publication.Kind.FIGURES in kinds:
                subject = f"figures/{item.unit.code}/{item.year}"
                if subject not in since or since[subject] < item.issued_on:
                    out.append(sources.figures(item.unit, item.year))
    if Publication.Kind.DECISION in kinds:
        for decision in Decision.objects.filter(status=Decision.Status.ISSUED).select_related(
            "issuer"
        ):
            subject = f"decision/{decision.issuer.code}/{decision.year}/{decision.number}"
            if subject not in since:
                out.append(sources.decision(decision))
    if Publication.Kind.RANKING in kinds:
        years = Assessment.objects.values_list("year", flat=True).distinct()
        out += [sources.ranking(year) for year in sorted(set(years))]
    return [d for d in out if d is not None]


def run(by: Any = SYSTEM) -> list[Publication]:
    """Publish what the schedule asks for; returns the publications made (new leaves only)."""
    kinds = automatic_kinds()
    if not kinds:
        return []
    made = []
    for draft in drafts(kinds):
        before = Publication.objects.count()
        publication = actions.publish(draft, by=by)
        if Publication.objects.count() > before:
            made.append(publication)
    return made
