"""The evaluation over the API (/api/v1/evaluation/...): the same access helpers, forms and
actions as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from thidua.accounts.access import get_unit_for_user, scope_for
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.api import (
    LongText,
    PathId,
    PathYear,
    QueryCode,
    QueryYear,
    ShortText,
    answers,
)
from thidua.movements.access import movements_for_user

from . import actions, board
from .access import (
    can_edit_unit,
    can_review,
    clusters_for_user,
    get_assessment_for_user,
    require,
)
from .forms import ReviewScoreForm
from .models import Assessment, Programme, Score
from .rankings import MEASURES, rank
from .targets import programme_progress

router = Router(tags=["evaluation"])


class ScoreOut(Schema):
    id: int
    criterion: str
    group: str
    kind: str
    max_points: Decimal
    value: Decimal | None
    inputs: dict[str, str | None]
    computed_points: Decimal | None
    self_points: Decimal | None
    violations: int | None
    review_points: Decimal | None
    review_reason: str


class AssessmentOut(Schema):
    id: int
    unit: str
    year: int
    rubric: str
    status: str
    self_total: Decimal | None
    total: Decimal | None
    grade: str
    scores: list[ScoreOut]


class RankedOut(Schema):
    position: int
    unit: str
    total: Decimal | None
    measure: Decimal | None


class TargetOut(Schema):
    indicator: str
    kind: str
    comparator: str
    value: Decimal
    status: str
    achieved: Decimal | None
    actual: Decimal | None
    baseline: Decimal | None
    quarters: int


class ProgrammeOut(Schema):
    unit: str
    year: int
    status: str
    issued_on: str | None
    key_tasks: str
    measures: str
    responsible_units: str
    targets: list[TargetOut]


class ClusterOut(Schema):
    id: int
    year: int
    code: str
    name: str
    kind: str
    organiser: str
    chair: str | None
    deputy: str | None
    pact_signed_on: str | None
    members: list[str]


class ScoreIn(Schema):
    points: Annotated[str, Field(max_length=20)] | None = None
    violations: Annotated[int, Field(ge=0, le=100_000)] | None = None
    evidence_link: ShortText = ""
    note: ShortText = ""


class ReviewIn(Schema):
    points: Annotated[str, Field(max_length=20)] | None = None
    reason: LongText = ""


def _out(a: Assessment) -> dict[str, object]:
    scores = [
        {
            "id": s.pk,
            "criterion": s.criterion.code,
            "group": s.criterion.group.code,
            "kind": s.criterion.kind,
            "max_points": s.criterion.max_points,
            "value": s.value,
            "inputs": s.inputs,
            "computed_points": s.computed_points,
            "self_points": s.self_points,
            "violations": s.violations,
            "review_points": s.review_points,
            "review_reason": s.review_reason,
        }
        for s in a.scores.select_related("criterion__group")
    ]
    return {
        "id": a.pk,
        "unit": a.unit.code,
        "year": a.year,
        "rubric": a.rubric.code,
        "status": a.status,
        "self_total": a.self_total,
        "total": a.total,
        "grade": a.grade,
        "scores": scores,
    }


def _refused(exc: ValidationError) -> HttpError:
    return HttpError(422, "; ".join(exc.messages))


@router.get(
    "/evaluation/assessments/{assessment_id}",
    response=answers(AssessmentOut, 404, 422),
    summary="An assessment with every score and how it was reached",
)
def assessment(request: AuthedHttpRequest, assessment_id: PathId) -> dict[str, object]:
    return _out(get_assessment_for_user(request.user, assessment_id))


@router.get(
    "/evaluation/rankings/{year}",
    response=answers(list[RankedOut], 422),
    summary="Units of the caller's scope ranked by a measure (ties broken, see docs)",
)
def rankings(
    request: AuthedHttpRequest,
    year: PathYear,
    measure: QueryCode = "total",
    movement: int | None = None,
) -> list[dict[str, object]]:
    """The rankings of one movement's assessments (`movement`, default the oldest running)."""
    if measure not in MEASURES:
        raise HttpError(422, f"Thước đo không hợp lệ / unknown measure: {measure}")
    chosen = board.year_movement(year, movement, movements_for_user(request.user))
    entries = board.entries(year, scope_for(request.user).unit_ids, movement=chosen)
    return [
        {"position": r.position, "unit": r.entry.code, "total": r.entry.total, "measure": r.measure}
        for r in rank(entries, MEASURES[measure])
    ]


@router.post(
    "/evaluation/scores/{score_id}/self",
    response=answers(AssessmentOut, 400, 403, 404, 422),
    summary="The unit's own points (manual, with evidence) or violations",
)
def self_score(request: AuthedHttpRequest, score_id: PathId, payload: ScoreIn) -> dict[str, object]:
    score = get_object_or_404(Score.objects.select_related("criterion"), pk=score_id)
    a = get_assessment_for_user(request.user, score.assessment_id)
    require(can_edit_unit(request.user, a.unit_id))
    try:
        actions.save_self_score(
            score,
            by=request.user,
            points=payload.points,
            violations=payload.violations,
            evidence_link=payload.evidence_link,
            note=payload.note,
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    a.refresh_from_db()
    return _out(a)


@router.post(
    "/evaluation/scores/{score_id}/review",
    response=answers(AssessmentOut, 400, 403, 404, 422),
    summary="The level above changes a criterion's points, with a reason",
)
def review_score(
    request: AuthedHttpRequest, score_id: PathId, payload: ReviewIn
) -> dict[str, object]:
    score = get_object_or_404(Score.objects.select_related("criterion"), pk=score_id)
    a = get_assessment_for_user(request.user, score.assessment_id)
    require(can_review(request.user, a))
    form = ReviewScoreForm({"points": payload.points or "", "reason": payload.reason})
    if not form.is_valid():
        raise HttpError(422, form.errors.as_json())
    try:
        actions.review_score(
            score,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    a.refresh_from_db()
    return _out(a)


@router.get(
    "/evaluation/units/{unit_id}/programmes/{year}",
    response=answers(ProgrammeOut, 404, 422),
    summary="A unit's THTK-CLP programme: targets and their progress from approved reports",
)
def programme(request: AuthedHttpRequest, unit_id: PathId, year: PathYear) -> dict[str, object]:
    unit = get_unit_for_user(request.user, unit_id)
    found = Programme.objects.filter(unit=unit, year=year).first()
    if found is None:
        raise HttpError(404, f"Chưa có chương trình / no programme for {year}")
    return {
        "unit": unit.code,
        "year": found.year,
        "status": found.status,
        "issued_on": found.issued_on.isoformat() if found.issued_on else None,
        "key_tasks": found.key_tasks,
        "measures": found.measures,
        "responsible_units": found.responsible_units,
        "targets": [
            {
                "indicator": row.target.indicator.code,
                "kind": row.target.kind,
                "comparator": row.target.comparator,
                "value": row.target.value,
                "status": row.progress.status,
                "achieved": row.progress.achieved,
                "actual": row.progress.actual,
                "baseline": row.progress.baseline,
                "quarters": row.quarters,
            }
            for row in programme_progress(found)
        ],
    }


@router.get(
    "/evaluation/clusters",
    response=answers(list[ClusterOut], 422),
    summary="Emulation clusters and blocks of a year that the caller can see",
)
def clusters(request: AuthedHttpRequest, year: QueryYear) -> list[dict[str, object]]:
    found = clusters_for_user(request.user).filter(year=year).prefetch_related("memberships__unit")
    return [
        {
            "id": c.pk,
            "year": c.year,
            "code": c.code,
            "name": c.name,
            "kind": c.kind,
            "organiser": c.organiser.code,
            "chair": c.chair.code if c.chair else None,
            "deputy": c.deputy.code if c.deputy else None,
            "pact_signed_on": c.pact_signed_on.isoformat() if c.pact_signed_on else None,
            "members": sorted(m.unit.code for m in c.memberships.all()),
        }
        for c in found
    ]
