"""What the council tells people (issue 10): members when a ballot opens, awardees (the person,
or the unit's reporters and head) when a decision naming them is issued."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.accounts.queries import UNIT_PEOPLE, holders_by_unit
from thidua.notifications.actions import notify
from thidua.notifications.models import Kind

from .models import CouncilSession, Decision


def ballot_opened(session: CouncilSession) -> None:
    members = [m.user for m in session.members.select_related("user")]
    notify(
        members,
        Kind.BALLOT_OPENED,
        title=_("Ballot open: %(council)s, session of %(date)s"),
        body=_("Cast your vote on each proposal of the agenda before the session closes."),
        params={"council": session.council.name, "date": session.date},
        link=reverse("council:session", args=[session.pk]),
        dedupe_key=f"ballot:{session.pk}",
    )


def decision_issued(decision: Decision) -> None:
    """Each awardee: the person's own account, or the awarded unit's reporters and head."""
    awardees = list(
        decision.awardees.select_related(
            "proposal__title", "proposal__unit", "proposal__person__user"
        )
    )
    unit_ids = {a.proposal.unit_id for a in awardees if a.proposal.unit_id}
    people = holders_by_unit(unit_ids, UNIT_PEOPLE, timezone.localdate())
    link = reverse("council:decision", args=[decision.pk])
    for awardee in awardees:
        proposal = awardee.proposal
        users: list[Any] = []
        if proposal.person_id is not None:
            users = [getattr(proposal.person, "user", None)]
        elif proposal.unit_id is not None:
            users = [user for _role, user in people.get(proposal.unit_id, [])]
        notify(
            users,
            Kind.DECISION_ISSUED,
            title=_("Decision %(number)s: %(title)s"),
            body=_("%(issuer)s issued decision %(number)s of %(date)s awarding %(title)s."),
            params={
                "number": decision.number_text,
                "title": proposal.title,
                "issuer": decision.issuer_name,
                "date": decision.date,
            },
            link=link,
            unit_name=proposal.unit.name if proposal.unit is not None else "",
            dedupe_key=f"decision:{decision.pk}:{proposal.pk}",
        )
