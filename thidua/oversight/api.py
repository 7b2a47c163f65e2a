"""Oversight over the API (/api/v1/oversight/...): a unit's records of a year by kind (list and
create, through the same forms and actions as the pages) and the findings with their state.
A unit outside the caller's scope is a 404; a refused record is a 400 naming the fields."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import models
from ninja import Body, Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from thidua.accounts.access import get_unit_for_user
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.api import NO_NUL, Offset, PageSize, PathId, PathYear, QueryId, QueryYear, answers

from .access import findings_for_user
from .actions import save_record
from .actions_assets import save_asset_record
from .imports import KINDS
from .models import FindingState, ProcurementPackage, TravelClaim
from .rules import REGISTRY
from .wording import describe

router = Router(tags=["oversight"])

RecordKind = Enum(  # type: ignore[misc]
    "RecordKind", {code.upper(): code for code in KINDS}, type=str
)
State = Enum("State", {s.upper(): s for s in FindingState.values}, type=str)  # type: ignore[misc]
FieldText = Annotated[str, Field(max_length=500, pattern=NO_NUL)]


class RecordOut(Schema):
    id: int
    kind: str
    unit_id: int
    year: int
    fields: dict[str, Any]


class RecordIn(Schema):
    """The record's fields as the entry form takes them: dates dd/mm/yyyy, amounts 1.350.000,
    choices by code (see the .xlsx template for the columns)."""

    fields: Annotated[dict[Annotated[str, Field(max_length=40)], FieldText], Body()]


class FindingOut(Schema):
    id: int
    unit_id: int
    year: int
    rule: str
    title: str
    text: str
    severity: str
    state: str
    amount: Decimal
    deadline: str | None


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _record_out(kind: str, obj: models.Model) -> dict[str, Any]:
    names = [f.attname for f in obj._meta.concrete_fields if f.name not in ("id", "unit", "year")]
    return {
        "id": obj.pk,
        "kind": kind,
        "unit_id": obj.unit_id,  # type: ignore[attr-defined]
        "year": obj.year,  # type: ignore[attr-defined]
        "fields": {n: _plain(getattr(obj, n)) for n in names},
    }


@router.get(
    "/oversight/units/{unit_id}/{year}/{kind}",
    response=answers(list[RecordOut], 404, 422),
    summary="A unit's records of one kind in a year",
)
def list_records(
    request: AuthedHttpRequest,
    unit_id: PathId,
    year: PathYear,
    kind: RecordKind,
    offset: Offset = 0,
    limit: PageSize = 500,
) -> list[dict[str, Any]]:
    unit = get_unit_for_user(request.user, unit_id)
    k = KINDS[kind.value]
    qs = k.model.objects.filter(unit=unit, year=year).order_by("pk")  # type: ignore[attr-defined]
    return [_record_out(k.code, o) for o in qs[offset : offset + limit]]


@router.post(
    "/oversight/units/{unit_id}/{year}/{kind}",
    response=answers(RecordOut, 400, 404, 422, status=201),
    summary="Add a record; the unit's year is checked again",
)
def create_record(
    request: AuthedHttpRequest,
    unit_id: PathId,
    year: PathYear,
    kind: RecordKind,
    payload: RecordIn,
) -> Status[dict[str, Any]]:
    unit = get_unit_for_user(request.user, unit_id, write=True)
    k = KINDS[kind.value]
    form = k.form(dict(payload.fields))
    form.instance.unit, form.instance.year = unit, year
    if not form.is_valid():
        problems = [f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()]
        raise HttpError(400, "; ".join(problems))
    obj = form.instance
    try:
        if isinstance(obj, TravelClaim | ProcurementPackage):
            save_record(obj, by=request.user)
        else:
            save_asset_record(obj, by=request.user)
    except ValidationError as exc:
        problems = [f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items()]
        raise HttpError(400, "; ".join(problems)) from exc
    return Status(201, _record_out(k.code, obj))


@router.get(
    "/oversight/findings",
    response=answers(list[FindingOut], 422),
    summary="Findings (norm excesses and red flags) in the caller's scope, with their state",
)
def list_findings(
    request: AuthedHttpRequest,
    unit_id: Annotated[QueryId | None, Query()] = None,
    year: QueryYear | None = None,
    state: State | None = None,
    offset: Offset = 0,
    limit: PageSize = 500,
) -> list[dict[str, Any]]:
    qs = findings_for_user(request.user)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if year is not None:
        qs = qs.filter(year=year)
    if state is not None:
        qs = qs.filter(status=state.value)
    out = []
    for f in qs.order_by("-year", "unit_id", "rule", "pk")[offset : offset + limit]:
        out.append(
            {
                "id": f.pk,
                "unit_id": f.unit_id,
                "year": f.year,
                "rule": f.rule,
                "title": str(REGISTRY[f.rule].title) if f.rule in REGISTRY else f.rule,
                "text": describe(f.rule, f.numbers),
                "severity": f.severity,
                "state": f.status,
                "amount": f.amount,
                "deadline": f.deadline.isoformat() if f.deadline else None,
            }
        )
    return out
