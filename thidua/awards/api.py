"""Awards in the JSON API (/api/v1/awards/…): the catalogue with the rule in force, stored
eligibility, a person's live answer, proposals (list, create, submit). Same access helpers and
actions as the pages; refusals are 422 with the Vietnamese and English message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from thidua.accounts.access import get_person_for_user, get_unit_for_user, scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.api import (
    Code,
    Id,
    LongText,
    PathId,
    QueryCode,
    QueryDate,
    QueryId,
    QueryYear,
    Year,
    answers,
)
from thidua.lib.dates import InvalidDate, parse_vn_date, today
from thidua.org.models import OrgUnit, Person

from . import actions
from .access import can_propose, get_proposal_for_user, proposals_for_user, require
from .models import BaseSalary, EligibilityResult, Proposal, Title, TitleRule
from .reasons import show
from .verdicts import check_person

router = Router(tags=["awards"])


def _refuse(exc: ValidationError) -> HttpError:
    vi = " ".join(exc.messages)
    with translation.override("en"):
        en = " ".join(str(m) for m in exc.messages)
    return HttpError(422, vi if vi == en else f"{vi} / {en}")


class RuleOut(Schema):
    valid_from: dt.date
    valid_to: dt.date
    legal_basis: str
    confidence: str
    note: str
    vote_threshold: Decimal | None
    vote_body: str
    consultation_working_days: int
    cash_multiple: Decimal
    cash_amount: Decimal | None


class TitleOut(Schema):
    code: str
    name: str
    name_en: str
    subject: str
    kind: str
    rule: RuleOut | None


@router.get(
    "/awards/titles",
    response=answers(list[TitleOut], 422),
    summary="Titles with the rule in force",
)
def titles(request: AuthedHttpRequest, date: QueryDate | None = None) -> list[dict[str, Any]]:
    try:
        day = parse_vn_date(date) if date else today()
    except InvalidDate as exc:
        raise HttpError(422, f"Ngày không hợp lệ / invalid date: {date}") from exc
    salary = BaseSalary.objects.at(day).first()
    rules = {r.title_id: r for r in TitleRule.objects.at(day)}
    out = []
    for t in Title.objects.all():
        r = rules.get(t.pk)
        rule = None
        if r is not None:
            amount = (r.cash_multiple * salary.amount).quantize(Decimal(1)) if salary else None
            rule = {
                **{f: getattr(r, f) for f in RuleOut.model_fields if f != "cash_amount"},
                "cash_amount": amount,
            }
        out.append(
            {
                "code": t.code,
                "name": t.name,
                "name_en": t.name_en,
                "subject": t.subject,
                "kind": t.kind,
                "rule": rule,
            }
        )
    return out


class ReasonOut(Schema):
    code: str
    status: str
    article: str
    text: str


class EligibilityOut(Schema):
    title: str
    year: int
    person_id: int | None
    unit_id: int | None
    home_unit_id: int | None
    outcome: str
    reasons: list[ReasonOut]


@router.get(
    "/awards/eligibility",
    response=answers(list[EligibilityOut], 404, 422),
    summary="Stored eligibility",
)
def eligibility(
    request: AuthedHttpRequest,
    year: QueryYear,
    title: QueryCode,
    unit: QueryId | None = None,
    outcome: QueryCode | None = None,
) -> list[dict[str, Any]]:
    rows = EligibilityResult.objects.filter(year=year, title__code=title).select_related("title")
    scope = scope_for(request.user)
    if unit is not None:
        get_unit_for_user(request.user, unit)
        from thidua.org import tree

        rows = rows.filter(home_unit_id__in=tree.subtree_ids(unit, dt.date(year, 12, 31)) or [unit])
    elif scope.unit_ids is not None:
        rows = rows.filter(home_unit_id__in=scope.unit_ids)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return [
        {
            "title": r.title.code,
            "year": r.year,
            "person_id": r.person_id,
            "unit_id": r.unit_id,
            "home_unit_id": r.home_unit_id,
            "outcome": r.outcome,
            "reasons": [vars(s) for s in show(r.reasons)],
        }
        for r in rows.order_by("id")[:5000]
    ]


@router.get(
    "/awards/people/{person_id}/eligibility",
    response=answers(list[EligibilityOut], 404, 422),
    summary="A person's answer for every individual title, computed now",
)
def person_eligibility(
    request: AuthedHttpRequest, person_id: PathId, year: QueryYear
) -> list[dict[str, Any]]:
    person = get_person_for_user(request.user, person_id)
    out = []
    for t in Title.objects.filter(subject="individual"):
        v = check_person(person, t, year)
        out.append(
            {
                "title": t.code,
                "year": year,
                "person_id": person.pk,
                "unit_id": None,
                "home_unit_id": None,
                "outcome": str(v.outcome),
                "reasons": [vars(s) for s in show([r.as_json() for r in v.reasons])],
            }
        )
    return out


class ProposalOut(Schema):
    id: int
    title: str
    year: int
    person_id: int | None
    unit_id: int | None
    proposing_unit_id: int
    council_id: int | None
    status: str
    override_reason: str
    eligibility: dict[str, Any]


def _proposal_out(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title.code,
        "year": p.year,
        "person_id": p.person_id,
        "unit_id": p.unit_id,
        "proposing_unit_id": p.proposing_unit_id,
        "council_id": p.council_id,
        "status": p.status,
        "override_reason": p.override_reason,
        "eligibility": p.eligibility,
    }


@router.get(
    "/awards/proposals", response=answers(list[ProposalOut], 422), summary="Proposals in scope"
)
def list_proposals(
    request: AuthedHttpRequest, year: QueryYear | None = None, status: QueryCode | None = None
) -> list[dict[str, Any]]:
    qs = proposals_for_user(request.user)
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return [_proposal_out(p) for p in qs.order_by("-id")[:1000]]


class ProposalIn(Schema):
    title: Code
    year: Year
    proposing_unit_id: Id
    person_id: Id | None = None
    unit_id: Id | None = None
    override_reason: LongText = ""


@router.post(
    "/awards/proposals",
    response=answers(ProposalOut, 400, 403, 404, 422, status=201),
    summary="Propose a nominee",
)
def create_proposal(request: AuthedHttpRequest, payload: ProposalIn) -> Status[dict[str, Any]]:
    unit = get_unit_for_user(request.user, payload.proposing_unit_id, write=True)
    require(can_propose(request.user, unit.pk))
    title = Title.objects.filter(code=payload.title).first()
    if title is None:
        raise HttpError(422, f"Danh hiệu không tồn tại / unknown title: {payload.title}")
    person: Person | None = None
    nominee_unit: OrgUnit | None = None
    if payload.person_id is not None:
        person = get_person_for_user(request.user, payload.person_id)
    if payload.unit_id is not None:
        nominee_unit = get_unit_for_user(request.user, payload.unit_id)
    try:
        proposal = actions.create_proposal(
            title=title,
            year=payload.year,
            proposing_unit=unit,
            by=request.user,
            person=person,
            unit=nominee_unit,
            override_reason=payload.override_reason,
        )
    except ValidationError as exc:
        raise _refuse(exc) from exc
    return Status(201, _proposal_out(proposal))


@router.post(
    "/awards/proposals/{proposal_id}/submit",
    response=answers(ProposalOut, 403, 404, 422),
    summary="Submit",
)
def submit_proposal(request: AuthedHttpRequest, proposal_id: PathId) -> dict[str, Any]:
    proposal = get_proposal_for_user(request.user, proposal_id)
    require(can_propose(request.user, proposal.proposing_unit_id))
    try:
        proposal = actions.move_proposal(proposal, Proposal.Status.SUBMITTED, by=request.user)
    except ValidationError as exc:
        raise _refuse(exc) from exc
    return _proposal_out(proposal)
