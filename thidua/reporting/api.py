"""Reporting over the API (/api/v1/...): the same access helpers and actions as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Body, Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from thidua.accounts.access import get_unit_for_user
from thidua.accounts.requests import AuthedHttpRequest
from thidua.lib.api import (
    DATE_TEXT,
    MAX_ID,
    Code,
    Id,
    LongText,
    Offset,
    PathId,
    QueryCode,
    QueryId,
    QueryYear,
    Version,
    answers,
)
from thidua.lib.dates import InvalidDate, parse_vn_date

from . import actions, rollups
from .access import (
    can_accept,
    can_enter,
    can_review,
    can_send_back,
    can_submit,
    get_report_for_user,
    reports_for_user,
)
from .models import FormRow, Indicator, Period, Report, ReportForm

router = Router(tags=["reporting"])


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    group: str
    unit: str
    aggregation: str
    direction: str
    decimals: int
    minimum: Decimal | None
    formula: str
    legal_basis: str


@router.get("/indicators", response=answers(list[IndicatorOut]), summary="The indicator catalogue")
def list_indicators(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    return [
        {
            **{
                f: getattr(i, f)
                for f in (
                    "id",
                    "code",
                    "name",
                    "name_en",
                    "unit",
                    "aggregation",
                    "direction",
                    "decimals",
                    "formula",
                    "legal_basis",
                )
            },
            "group": i.group.code,
            "minimum": plain(i.minimum),
        }
        for i in Indicator.objects.select_related("group")
    ]


class RowOut(Schema):
    number: str
    indicator: str


class SectionOut(Schema):
    code: str
    name: str
    rows: list[RowOut]


class FormOut(Schema):
    id: int
    code: str
    name: str
    periodicity: str
    levels: list[str]
    sections: list[SectionOut]
    narrative_parts: list[str]


@router.get("/forms", response=answers(list[FormOut]), summary="Report forms and their layout")
def list_forms(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    out = []
    for form in ReportForm.objects.prefetch_related(
        "levels", "sections__rows__indicator", "narrative_parts"
    ):
        out.append(
            {
                "id": form.pk,
                "code": form.code,
                "name": form.name,
                "periodicity": form.periodicity,
                "levels": [lv.code for lv in form.levels.all()],
                "sections": [
                    {
                        "code": s.code,
                        "name": s.name,
                        "rows": [
                            {"number": r.number, "indicator": r.indicator.code}
                            for r in s.rows.all()
                        ],
                    }
                    for s in form.sections.all()
                ],
                "narrative_parts": [p.code for p in form.narrative_parts.all()],
            }
        )
    return out


class PeriodOut(Schema):
    id: int
    year: int
    kind: str
    number: int
    start: dt.date
    end: dt.date
    label: str


@router.get("/periods", response=answers(list[PeriodOut], 422), summary="Reporting periods")
def list_periods(
    request: AuthedHttpRequest, year: QueryYear | None = None, kind: QueryCode | None = None
) -> list[Period]:
    qs = Period.objects.all()
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


class ValueOut(Schema):
    indicator: str
    value: Decimal | None
    comment: str
    version: int


class ReportOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    form: str
    period_id: int
    status: str
    version: int
    deadline: dt.date | None
    values: list[ValueOut]


def _report_out(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "unit_id": report.unit_id,
        "unit_code": report.unit.code,
        "form": report.form.code,
        "period_id": report.period_id,
        "status": report.status,
        "version": report.version,
        "deadline": report.deadline,
        "values": [
            {
                "indicator": v.indicator.code,
                "value": plain(v.value),
                "comment": v.comment,
                "version": v.version,
            }
            for v in report.values.select_related("indicator").order_by("indicator__code")
        ],
    }


@router.get(
    "/reports", response=answers(list[ReportOut], 422), summary="Reports in the caller's scope"
)
def list_reports(
    request: AuthedHttpRequest,
    period_id: QueryId | None = None,
    unit_id: QueryId | None = None,
    status: QueryCode | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    qs = reports_for_user(request.user).order_by("-period__end", "unit__code")
    if period_id:
        qs = qs.filter(period_id=period_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    return [_report_out(r) for r in qs[offset : offset + limit]]


class OpenIn(Schema):
    unit_id: Id
    form_id: Id
    period_id: Id


def plain(value: Decimal | None) -> Decimal | None:
    """1100.500000 -> 1100.5 and 1000.000000 -> 1000 (never 1E+3)."""
    return None if value is None else Decimal(format(value.normalize(), "f"))


def _refuse(exc: ValidationError, code: int = 422) -> HttpError:
    return HttpError(code, "; ".join(exc.messages))


@router.post(
    "/reports",
    response=answers(ReportOut, 400, 404, 422),
    summary="Open (or fetch) a unit's report",
)
def open_report(request: AuthedHttpRequest, payload: OpenIn) -> dict[str, Any]:
    unit = get_unit_for_user(request.user, payload.unit_id, write=True)
    form = get_object_or_404(ReportForm, pk=payload.form_id)
    period = get_object_or_404(Period, pk=payload.period_id)
    try:
        report = actions.open_report(unit, form, period, by=request.user)
    except ValidationError as exc:
        raise _refuse(exc) from exc
    return _report_out(report)


@router.get(
    "/reports/{report_id}",
    response=answers(ReportOut, 404, 422),
    summary="A report and its values",
)
def report_detail(request: AuthedHttpRequest, report_id: PathId) -> dict[str, Any]:
    return _report_out(get_report_for_user(request.user, report_id))


class ValueIn(Schema):
    indicator: Code
    value: Annotated[str, Field(max_length=50)] | None = Field(
        None,
        description=(
            "The figure as Vietnamese users write it: 1.234.567,5 or 1234567,5 (a dot groups "
            "thousands, a comma marks decimals); 1.5 or 1,234 are refused as ambiguous. At most "
            "the indicator's `decimals`, not below its `minimum`. Empty or null clears the cell."
        ),
    )
    version: Version
    comment: LongText | None = None


MAX_ENTRIES = 1000
"""More rows than any form has: the declared bound; each form's own row count is checked too."""


def _check_entries(report: Report, payload: list[ValueIn]) -> None:
    """At most one entry per row of the report's form, each row once."""
    rows = FormRow.objects.filter(section__form_id=report.form_id).count()
    if len(payload) > rows:
        raise HttpError(
            422,
            f"Biểu mẫu chỉ có {rows} dòng, nhưng gửi {len(payload)} số liệu / "
            f"the form has {rows} rows but {len(payload)} entries were sent",
        )
    seen: set[str] = set()
    for item in payload:
        if item.indicator in seen:
            raise HttpError(
                422,
                f"Chỉ tiêu {item.indicator} được gửi nhiều lần / "
                f"indicator {item.indicator} was sent more than once",
            )
        seen.add(item.indicator)


@router.put(
    "/reports/{report_id}/values",
    response=answers(ReportOut, 400, 403, 404, 409, 422),
    summary="Save values (all or nothing, at most one per form row); a stale version answers 409",
)
def save_values(
    request: AuthedHttpRequest,
    report_id: PathId,
    payload: Annotated[list[ValueIn], Body(max_length=MAX_ENTRIES)],
) -> dict[str, Any]:
    report = get_report_for_user(request.user, report_id)
    if not can_enter(request.user, report):
        raise HttpError(403, "Không có quyền nhập số liệu / not allowed to enter figures")
    _check_entries(report, payload)
    codes = {i.code: i for i in Indicator.objects.filter(code__in=[v.indicator for v in payload])}
    try:
        with transaction.atomic():
            for item in payload:
                if item.indicator not in codes:
                    raise ValidationError(
                        f"Chỉ tiêu không tồn tại / unknown indicator {item.indicator}"
                    )
                actions.store_value(
                    report,
                    codes[item.indicator],
                    item.value or "",
                    by=request.user,
                    expected_version=item.version,
                    comment=item.comment,
                )
    except actions.ConflictError as exc:
        raise _refuse(exc, 409) from exc
    except ValidationError as exc:
        raise _refuse(exc) from exc
    return _report_out(Report.objects.get(pk=report.pk))


class ReasonIn(Schema):
    reason: LongText = ""


ReportAction = Literal["submit", "withdraw", "approve", "return", "reopen", "accept"]
"""The workflow steps; any other word is a 422 (a POST to …/values would meet the PUT route)."""

CHECKS = {
    "submit": can_submit,
    "approve": can_review,
    "return": can_send_back,
    "reopen": can_send_back,
    "accept": can_accept,
    "withdraw": can_submit,
}


@router.post(
    "/reports/{report_id}/{action}",
    response=answers(ReportOut, 400, 403, 404, 422),
    summary="Move a report: submit, withdraw, approve, return, reopen or accept",
)
def move_report(
    request: AuthedHttpRequest,
    report_id: PathId,
    action: Annotated[ReportAction, Path()],
    payload: ReasonIn,
) -> dict[str, Any]:
    report = get_report_for_user(request.user, report_id)
    if action not in CHECKS:
        raise HttpError(404, "Không tìm thấy / not found")
    if not CHECKS[action](request.user, report):
        raise HttpError(403, "Không có quyền / not allowed")
    runs = {
        "submit": lambda: actions.submit_report(report, by=request.user),
        "withdraw": lambda: actions.withdraw_report(report, by=request.user, reason=payload.reason),
        "approve": lambda: actions.approve_report(report, by=request.user),
        "accept": lambda: actions.accept_report(report, by=request.user),
        "return": lambda: actions.return_report(report, by=request.user, reason=payload.reason),
        "reopen": lambda: actions.reopen_report(report, by=request.user, reason=payload.reason),
    }
    try:
        runs[action]()
    except ValidationError as exc:
        raise _refuse(exc) from exc
    return _report_out(Report.objects.get(pk=report.pk))


class RollupOut(Schema):
    unit_id: int
    periods: list[int]
    structure: str
    includes_unapproved: bool
    values: dict[str, Decimal | None]


MAX_PERIODS = 60
"""Fifteen years of quarters: more than any comparison asks for."""
MAX_INDICATORS = 500


@router.get(
    "/rollups", response=answers(RollupOut, 404, 422), summary="Totals for a subtree over periods"
)
def rollup(
    request: AuthedHttpRequest,
    unit_id: QueryId,
    period_ids: Annotated[
        str,
        Query(description="comma-separated period ids", pattern=r"^[0-9]{1,19}(,[0-9]{1,19})*$"),
    ],
    indicators: Annotated[
        str,
        Query(description="comma-separated indicator codes", pattern=r"^[A-Za-z0-9_,.-]*$"),
    ] = "",
    mapped_to: Annotated[str, Query(max_length=10, pattern=DATE_TEXT)] | None = None,
    include_unapproved: bool = False,
) -> dict[str, Any]:
    get_unit_for_user(request.user, unit_id)
    ids = {int(p) for p in period_ids.split(",")}
    codes = {c for c in indicators.split(",") if c}
    if len(ids) > MAX_PERIODS or len(codes) > MAX_INDICATORS or max(ids) > MAX_ID:
        raise HttpError(
            422,
            f"Tối đa {MAX_PERIODS} kỳ và {MAX_INDICATORS} chỉ tiêu / "
            f"at most {MAX_PERIODS} periods and {MAX_INDICATORS} indicators",
        )
    periods = list(Period.objects.filter(id__in=ids))
    if not periods:
        raise HttpError(422, "Cần ít nhất một kỳ báo cáo / give at least one period id")
    wanted = list(Indicator.objects.filter(code__in=codes)) if codes else None
    try:
        day = parse_vn_date(mapped_to) if mapped_to else None
    except InvalidDate as exc:
        raise HttpError(422, f"Ngày không hợp lệ / invalid date: {mapped_to}") from exc
    result = rollups.query(
        unit_id, periods, wanted, mapped_to=day, include_unapproved=include_unapproved
    )
    return {
        "unit_id": unit_id,
        "periods": [p.pk for p in periods],
        "structure": f"mapped:{day.isoformat()}" if day else "as_was",
        "includes_unapproved": result.includes_unapproved,
        "values": {k: plain(v) for k, v in result.values.items()},
    }
