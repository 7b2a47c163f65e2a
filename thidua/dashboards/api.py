"""The dashboard's series and the phase reviews' data as JSON (/api/v1/dashboards/…), with the
same scope as the pages: a unit outside the caller's scope is a 404. Figures are decimal
strings (exact), null where there is no approved figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.utils import translation
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.api import answers
from thidua.lib.dates import today

from . import charts, milestones, review, views

router = Router(tags=["dashboards"])
Choice = Annotated[
    str, Query(description="phase-N or a year", pattern=r"^(phase-[0-9]{1,2}|[0-9]{4})?$")
]
Structure = Annotated[str, Query(pattern=r"^(mapped|as_was)?$")]


class DatasetOut(Schema):
    label: str
    values: list[str | None]
    links: list[str | None]


class ChartOut(Schema):
    key: str
    title: str
    kind: str
    unit: str
    labels: list[str]
    datasets: list[DatasetOut]


class MilestoneOut(Schema):
    title: str
    due_date: dt.date
    status: str
    done_on: dt.date | None
    evidence: str
    from_data: bool


class SeriesOut(Schema):
    unit_id: int
    unit: str
    years: list[int]
    structure: str
    charts: list[ChartOut]
    milestones: list[MilestoneOut]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _picked(request: AuthedHttpRequest, unit_id: int | None, period: str, structure: str) -> Any:
    params = request.GET.copy()
    params["unit"] = str(unit_id) if unit_id else ""
    params["period"] = period
    params["structure"] = structure or views.MAPPED
    picked = views.pick(request, params)
    if picked.notice:  # a phase or year the movement does not have: not another one instead
        with translation.override("en"):
            english = views.pick(request, params).notice
        raise HttpError(422, f"{picked.notice} / {english}")
    return picked


@router.get(
    "/dashboards/series",
    response=answers(SeriesOut, 404, 422),
    summary="The dashboard's charts of a unit over a phase or a year",
)
def dashboard_series(
    request: AuthedHttpRequest,
    unit_id: int | None = None,
    period: Choice = "",
    structure: Structure = "",
) -> dict[str, Any]:
    picked = _picked(request, unit_id, period, structure)
    choice = views.choice_for(request.user, picked)
    found = milestones.states(picked.movement, today=today()) if picked.movement else []
    return {
        "unit_id": picked.unit.pk,
        "unit": choice.names.get(picked.unit.pk, picked.unit.name),
        "years": picked.years,
        "structure": f"mapped:{picked.mapped_to.isoformat()}" if picked.mapped_to else "as_was",
        "charts": [
            {
                "key": c.key,
                "title": c.title,
                "kind": c.kind,
                "unit": c.unit,
                "labels": c.labels,
                "datasets": [
                    {"label": d.label, "values": [_text(v) for v in d.values], "links": d.links}
                    for d in c.datasets
                ],
            }
            for c in charts.build(choice)
        ],
        "milestones": [
            {
                "title": m.title,
                "due_date": m.due_date,
                "status": m.status,
                "done_on": m.done_on,
                "evidence": m.evidence,
                "from_data": m.from_data,
            }
            for m in found
        ],
    }


class AreaOut(Schema):
    number: int
    title: str
    indicators: list[dict[str, Any]]


class ReviewOut(Schema):
    unit_id: int
    unit: str
    phase: int
    years: list[int]
    areas: list[AreaOut]
    best: list[dict[str, Any]]
    most_improved: list[dict[str, Any]]
    missed: list[dict[str, str]]
    awards_by_title: dict[str, dict[int, int]]
    leadership_awards: int
    front_line_awards: int
    approved_reports: int
    pending_reports: list[dict[str, str]]


@router.get(
    "/dashboards/review",
    response=answers(ReviewOut, 404, 422),
    summary="The figures of a phase review report for a unit",
)
def review_data(
    request: AuthedHttpRequest,
    unit_id: int | None = None,
    period: Choice = "",
    structure: Structure = "",
) -> dict[str, Any]:
    picked = _picked(request, unit_id, period, structure)
    if picked.phase is None or picked.movement is None:
        raise HttpError(422, "Chọn một giai đoạn / choose a phase (period=phase-N)")
    choice = views.choice_for(request.user, picked)
    data = review.build(choice, picked.movement, picked.phase, lambda *_: None)
    return {
        "unit_id": picked.unit.pk,
        "unit": data.unit_name,
        "phase": picked.phase.number,
        "years": data.years,
        "areas": [
            {
                "number": a.number,
                "title": a.title,
                "indicators": [
                    {"code": ind.code, "name": ind.display_name, "values": [_text(v) for v in vals]}
                    for ind, vals in a.rows
                ],
            }
            for a in data.areas
        ],
        "best": [{"unit": n, "mean_score": _text(s)} for n, s in data.best],
        "most_improved": [{"unit": n, "rise": _text(s)} for n, s in data.improved],
        "missed": [{"unit": n, "what": w} for n, w in data.missed],
        "awards_by_title": data.awards.by_title,
        "leadership_awards": data.awards.leadership,
        "front_line_awards": data.awards.front_line,
        "approved_reports": data.approved_reports,
        "pending_reports": [
            {"unit": u, "period": p, "status": s} for u, p, s in data.pending_reports
        ],
    }
