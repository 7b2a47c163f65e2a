"""The JSON API (/api/v1/, OpenAPI at /api/v1/openapi.json). Same access helpers as the pages:
a unit outside the caller's scope is a 404. Dates are accepted as dd/mm/yyyy or yyyy-mm-dd and
returned in ISO format."""

from __future__ import annotations

import datetime as dt

from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from thidua.accounts.access import (
    get_person_for_user,
    get_unit_for_user,
    persons_for_user,
    scope_for,
    units_for_user,
    year_period,
)
from thidua.accounts.requests import AuthedHttpRequest
from thidua.accounts.tokens import TokenAuth
from thidua.awards.api import router as awards_router
from thidua.council.api import router as council_router
from thidua.dashboards.api import router as dashboards_router
from thidua.disclosures.api import router as public_router
from thidua.disclosures.api_national import router as national_router
from thidua.evaluation.api import router as evaluation_router
from thidua.lib.api import (
    Offset,
    PageSize,
    PathId,
    QueryCode,
    QueryDate,
    QueryText,
    QueryYear,
    answers,
)
from thidua.lib.dates import OPEN_END, InvalidDate, parse_vn_date, today
from thidua.lib.text import fold
from thidua.movements.access import get_movement_for_user, movements_for_user
from thidua.org import tree
from thidua.org.models import OrgUnit, Position, ReorgLink
from thidua.oversight.api import router as oversight_router
from thidua.reporting.api import router as reporting_router

api = NinjaAPI(title="thidua", version="1", urls_namespace="api", auth=[TokenAuth(), django_auth])


def _day(text: str | None) -> dt.date:
    if not text:
        return today()
    try:
        return parse_vn_date(text)
    except InvalidDate as exc:
        raise HttpError(422, f"Ngày không hợp lệ / invalid date: {text}") from exc


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: str
    valid_from: dt.date
    valid_to: dt.date | None


class UnitDetailOut(UnitOut):
    name_on_date: str | None
    parent_id: int | None
    ancestors: list[int]
    children: list[int]
    predecessors: list[int]
    successors: list[int]


def _unit_out(unit: OrgUnit, name: str | None = None) -> dict[str, object]:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": name or unit.name,
        "level": unit.level.code,
        "valid_from": unit.valid_from,
        "valid_to": None if unit.valid_to >= OPEN_END else unit.valid_to,
    }


@api.get(
    "/units",
    response=answers(list[UnitOut], 422),
    summary="Units in the caller's scope open on a date",
)
def list_units(
    request: AuthedHttpRequest,
    date: QueryDate | None = None,
    level: QueryCode | None = None,
    q: QueryText | None = None,
) -> list[dict[str, object]]:
    day = _day(date)
    qs = units_for_user(request.user).at(day).select_related("level")
    if level:
        qs = qs.filter(level__code=level)
    if q:
        qs = qs.filter(search_key__contains=fold(q))
    units = list(qs.order_by("level__rank", "code")[:5000])
    names = tree.names_at([u.pk for u in units], day)
    return [_unit_out(u, names.get(u.pk)) for u in units]


@api.get(
    "/units/{unit_id}", response=answers(UnitDetailOut, 404, 422), summary="One unit on a date"
)
def unit_detail(
    request: AuthedHttpRequest, unit_id: PathId, date: QueryDate | None = None
) -> dict[str, object]:
    unit = get_unit_for_user(request.user, unit_id)
    day, scope = _day(date), scope_for(request.user)
    version = tree.version_at(unit.pk, day)
    return {
        **_unit_out(unit),
        "name_on_date": version.name if version else None,
        "parent_id": version.parent_id if version else None,
        "ancestors": [i for i in tree.ancestor_ids(unit.pk, day) if scope.sees(i)],
        "children": [i for i in tree.children_ids(unit.pk, day) if scope.sees(i)],
        "predecessors": list(
            ReorgLink.objects.filter(successor=unit).values_list("predecessor_id", flat=True)
        ),
        "successors": list(
            ReorgLink.objects.filter(predecessor=unit).values_list("successor_id", flat=True)
        ),
    }


@api.get(
    "/units/{unit_id}/subtree",
    response=answers(list[int], 404, 422),
    summary="Ids of the subtree on a date",
)
def unit_subtree(
    request: AuthedHttpRequest, unit_id: PathId, date: QueryDate | None = None
) -> list[int]:
    get_unit_for_user(request.user, unit_id)
    scope = scope_for(request.user)
    return [i for i in tree.subtree_ids(unit_id, _day(date)) if scope.sees(i)]


@api.get(
    "/units/{unit_id}/successors",
    response=answers(list[UnitOut], 404, 422),
    summary="Where the unit's work is on a date (following merges and splits)",
)
def unit_successors(
    request: AuthedHttpRequest, unit_id: PathId, date: QueryDate | None = None
) -> list[dict[str, object]]:
    get_unit_for_user(request.user, unit_id)
    scope = scope_for(request.user)
    ids = [i for i in tree.successor_ids(unit_id, _day(date)) if scope.sees(i)]
    return [_unit_out(u) for u in OrgUnit.objects.filter(id__in=ids).select_related("level")]


class PositionOut(Schema):
    unit_id: int
    title: str
    valid_from: dt.date
    valid_to: dt.date | None


class PersonOut(Schema):
    id: int
    code: str
    full_name: str
    positions: list[PositionOut]


def _person_out(
    person_id: int, code: str, name: str, positions: list[Position]
) -> dict[str, object]:
    return {
        "id": person_id,
        "code": code,
        "full_name": name,
        "positions": [
            {
                "unit_id": p.unit_id,
                "title": p.title,
                "valid_from": p.valid_from,
                "valid_to": None if p.valid_to >= OPEN_END else p.valid_to,
            }
            for p in positions
        ],
    }


@api.get("/people", response=answers(list[PersonOut], 422), summary="Staff in the caller's scope")
def list_people(
    request: AuthedHttpRequest,
    q: QueryText | None = None,
    limit: PageSize = 100,
    offset: Offset = 0,
    year: QueryYear | None = None,
) -> list[dict[str, object]]:
    """Today's staff by default; with `year`, those who held a position in scope that year."""
    qs = persons_for_user(request.user, period=year_period(year) if year else None)
    for word in fold(q or "").split():
        qs = qs.filter(search_key__contains=word)
    people = list(qs.order_by("sort_key", "code")[offset : offset + limit])
    positions: dict[int, list[Position]] = {}
    for p in Position.objects.filter(person__in=people).order_by("valid_from"):
        positions.setdefault(p.person_id, []).append(p)
    return [_person_out(p.pk, p.code, p.full_name, positions.get(p.pk, [])) for p in people]


@api.get("/people/{person_id}", response=answers(PersonOut, 404, 422), summary="One staff record")
def person_detail(
    request: AuthedHttpRequest, person_id: PathId, year: QueryYear | None = None
) -> dict[str, object]:
    person = get_person_for_user(
        request.user, person_id, period=year_period(year) if year else None
    )
    return _person_out(
        person.pk, person.code, person.full_name, list(person.positions.order_by("valid_from"))
    )


class MilestoneOut(Schema):
    title: str
    due_date: dt.date
    status: str
    done_on: dt.date | None


class PhaseOut(Schema):
    number: int
    start_year: int
    end_year: int
    review: str
    review_year: int


class AreaOut(Schema):
    number: int
    title: str


class MovementOut(Schema):
    id: int
    code: str
    title: str
    launching_body: str
    organisation_id: int
    decision_number: str
    decision_date: dt.date | None
    start_year: int
    end_year: int


class MovementDetailOut(MovementOut):
    phases: list[PhaseOut]
    areas: list[AreaOut]
    milestones: list[MilestoneOut]


@api.get(
    "/movements",
    response=answers(list[MovementOut]),
    summary="Movements the caller takes part in",
)
def list_movements(request: AuthedHttpRequest) -> object:
    return list(movements_for_user(request.user))


@api.get(
    "/movements/{movement_id}",
    response=answers(MovementDetailOut, 404, 422),
    summary="A movement's plan",
)
def movement_detail(request: AuthedHttpRequest, movement_id: PathId) -> object:
    movement = get_movement_for_user(request.user, movement_id)
    return {
        **MovementOut.from_orm(movement).dict(),
        "phases": list(movement.phases.all()),
        "areas": list(movement.areas.all()),
        "milestones": list(movement.milestones.all()),
    }


api.add_router("", reporting_router)
api.add_router("", evaluation_router)
api.add_router("", council_router)
api.add_router("", awards_router)
api.add_router("", dashboards_router)
api.add_router("", public_router)
api.add_router("", national_router)
api.add_router("", oversight_router)
