"""Read-only questions of the personal page: open ballots of a member, sessions to hold."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .models import AgendaItem, BallotReceipt, CouncilSession, SessionMember


@dataclass
class OpenBallot:
    session: CouncilSession
    items: int
    voted: int


def open_ballots(user: Any) -> list[OpenBallot]:
    """The open sessions where the user sits and is present, with how many agenda items the
    user has voted on (from the receipts; votes themselves stay secret). Three queries."""
    seats = list(
        SessionMember.objects.filter(
            user=user, present=True, session__status=CouncilSession.Status.OPEN
        ).select_related("session__council")
    )
    if not seats:
        return []
    sessions = [s.session_id for s in seats]
    items = Counter(
        AgendaItem.objects.filter(session_id__in=sessions).values_list("session_id", flat=True)
    )
    voted = Counter(
        BallotReceipt.objects.filter(member__in=seats).values_list("session_id", flat=True)
    )
    return [OpenBallot(s.session, items[s.session_id], voted[s.session_id]) for s in seats]


def sessions_planned(council_unit_ids: Collection[int]) -> QuerySet[CouncilSession]:
    """Sessions planned (not yet open) by the councils of these units."""
    return (
        CouncilSession.objects.filter(
            council__unit_id__in=list(council_unit_ids), status=CouncilSession.Status.PLANNED
        )
        .select_related("council")
        .order_by("date")
    )


def consultations_ended(day: dt.date, *, within_days: int = 14) -> QuerySet[AgendaItem]:
    """Passed items whose public consultation ended before `day` (in the last `within_days`
    days): the decision may now be issued."""
    return (
        AgendaItem.objects.filter(
            result=AgendaItem.Result.PASSED,
            consultation_ends_on__lt=day,
            consultation_ends_on__gte=day - dt.timedelta(days=within_days),
        )
        .select_related("session__council", "proposal__title", "proposal__person", "proposal__unit")
        .order_by("consultation_ends_on", "id")
    )
