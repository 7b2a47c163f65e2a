"""The council over the API (/api/v1/council/...): the same access helpers and actions as the
pages. A vote answers only that it was recorded; no endpoint returns a voter's choice."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router, Schema
from ninja.errors import HttpError

from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.api import Code, PathId, answers
from thidua.lib.dates import format_vn_date

from . import access, actions
from .forms import VoteForm
from .models import CouncilSession, Decision

router = Router(tags=["council"])


class ItemOut(Schema):
    id: int
    proposal_id: int
    nominee: str
    title: str
    result: str
    agree: int
    disagree: int
    abstain: int
    written: int
    members_total: int
    consultation_ends_on: str


class SessionOut(Schema):
    id: int
    council: str
    date: str
    place: str
    status: str
    members: int
    present: int
    items: list[ItemOut]


class VoteIn(Schema):
    choice: Code


class VoteOut(Schema):
    recorded: bool


class AwardeeOut(Schema):
    nominee: str
    title: str
    year: int
    cash_amount: int | None


class DecisionOut(Schema):
    id: int
    number: str
    date: str
    status: str
    subject: str
    signer: str
    awardees: list[AwardeeOut]


def _item(item: Any) -> dict[str, Any]:
    proposal = item.proposal
    closed = item.session.status == CouncilSession.Status.CLOSED
    return {
        "id": item.pk,
        "proposal_id": proposal.pk,
        "nominee": str(proposal.nominee),
        "title": proposal.title.name,
        "result": item.result,
        # Counts only once the ballot is closed: a running tally would leak votes one by one.
        **{
            k: getattr(item, k) if closed else 0
            for k in ("agree", "disagree", "abstain", "written")
        },
        "members_total": item.members_total,
        "consultation_ends_on": format_vn_date(item.consultation_ends_on),
    }


def _session(session: CouncilSession) -> dict[str, Any]:
    members = list(session.members.all())
    items = session.items.select_related(
        "session", "proposal__title", "proposal__person", "proposal__unit"
    )
    return {
        "id": session.pk,
        "council": session.council.name,
        "date": format_vn_date(session.date),
        "place": session.place,
        "status": session.status,
        "members": len(members),
        "present": sum(m.present for m in members),
        "items": [_item(i) for i in items],
    }


@router.get(
    "/council/sessions",
    response=answers(list[SessionOut]),
    summary="Council sessions I sit in or run",
)
def list_sessions(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    sessions = access.sessions_for_user(request.user).order_by("-date", "-id")[:100]
    return [_session(s) for s in sessions]


@router.get(
    "/council/sessions/{session_id}", response=answers(SessionOut, 404, 422), summary="One session"
)
def get_session(request: AuthedHttpRequest, session_id: PathId) -> dict[str, Any]:
    return _session(access.get_session_for_user(request.user, session_id))


@router.post(
    "/council/items/{item_id}/vote",
    response=answers(VoteOut, 400, 404, 422),
    summary="Cast my secret vote",
)
def vote(request: AuthedHttpRequest, item_id: PathId, payload: VoteIn) -> dict[str, bool]:
    item = access.get_item_for_user(request.user, item_id)
    form = VoteForm(payload.dict())
    if not form.is_valid():
        raise HttpError(422, form.errors.as_json())
    try:
        actions.cast_ballot(item, user=request.user, choice=form.cleaned_data["choice"])
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc
    return {"recorded": True}


def _decision(decision: Decision) -> dict[str, Any]:
    awardees = decision.awardees.select_related(
        "proposal__title", "proposal__person", "proposal__unit"
    )
    signer = f"{decision.authority} {decision.authority_of}".strip()
    return {
        "id": decision.pk,
        "number": decision.number_text if decision.number else "",
        "date": format_vn_date(decision.date),
        "status": decision.status,
        "subject": decision.subject,
        "signer": f"{signer}, {decision.signer_position} {decision.signer_name}".strip(", "),
        "awardees": [
            {
                "nominee": str(a.proposal.nominee),
                "title": a.proposal.title.name,
                "year": a.proposal.year,
                "cash_amount": None if a.cash_amount is None else int(a.cash_amount),
            }
            for a in awardees
        ],
    }


@router.get(
    "/council/decisions", response=answers(list[DecisionOut]), summary="Commendation decisions"
)
def list_decisions(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    decisions = access.decisions_for_user(request.user).order_by("-date", "-id")[:100]
    return [_decision(d) for d in decisions]


@router.get(
    "/council/decisions/{decision_id}",
    response=answers(DecisionOut, 404, 422),
    summary="One decision",
)
def get_decision(request: AuthedHttpRequest, decision_id: PathId) -> dict[str, Any]:
    return _decision(access.get_decision_for_user(request.user, decision_id))
