"""Read-only questions of the personal page and the reminders: registrations due, proposals
waiting for the unit or for the council. A fixed number of queries each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import QuerySet

from .models import Proposal, Registration, RegistrationDeadline


def registration_due(day: dt.date) -> dt.date | None:
    """This year's registration deadline (data: RegistrationDeadline in force on 01/01)."""
    rule = RegistrationDeadline.objects.at(dt.date(day.year, 1, 1)).first()
    return dt.date(day.year, rule.month, rule.day) if rule else None


def registrations_open(unit_ids: Collection[int], year: int) -> dict[int, Registration]:
    """unit id → this year's registration, for the units that have one."""
    rows = Registration.objects.filter(unit_id__in=list(unit_ids), year=year)
    return {r.unit_id: r for r in rows}


def proposals_of(unit_ids: Collection[int], statuses: Collection[str]) -> QuerySet[Proposal]:
    """Proposals prepared by the units (proposing unit) in one of `statuses`."""
    return (
        Proposal.objects.filter(proposing_unit_id__in=list(unit_ids), status__in=list(statuses))
        .select_related("title", "person", "unit")
        .order_by("-year", "id")
    )


def proposals_for_council(council_unit_ids: Collection[int]) -> QuerySet[Proposal]:
    """Proposals submitted to the councils of these units, not yet on a session's agenda."""
    return Proposal.objects.filter(
        council__unit_id__in=list(council_unit_ids), status=Proposal.Status.SUBMITTED
    )
