"""Gather a report's figures (typed, derived, previous period, same period last year) and run
the validation rules in force for its period (rules are data: ValidationRule)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q

from .expressions import ExpressionError, compile_expression, dependency_order, evaluate
from .models import DataValue, Indicator, Period, Report, ValidationRule
from .validation import Cells, Finding, Rule, check

Values = dict[str, Decimal | None]


def previous_period(period: Period) -> Period | None:
    """The period before (quarter before; otherwise the same period of the year before)."""
    if period.kind == Period.Kind.QUARTER:
        year, number = (
            (period.year, period.number - 1) if period.number > 1 else (period.year - 1, 4)
        )
        return Period.objects.filter(kind=period.kind, year=year, number=number).first()
    return same_period_last_year(period)


def same_period_last_year(period: Period) -> Period | None:
    return Period.objects.filter(
        kind=period.kind, year=period.year - 1, number=period.number
    ).first()


def typed_values(report: Report) -> tuple[Values, dict[str, str]]:
    rows = DataValue.objects.filter(report=report).values_list(
        "indicator__code", "value", "comment"
    )
    return {c: v for c, v, _m in rows}, {c: m for c, _v, m in rows if m}


def with_derived(values: Values, indicators: list[Indicator]) -> Values:
    """Add every derived indicator computed from the typed values (never typed)."""
    formulas = {}
    for ind in indicators:
        if ind.formula:
            try:
                formulas[ind.code] = compile_expression(ind.formula)
            except ExpressionError:
                continue
    out = dict(values)
    for code in dependency_order(formulas):
        out[code] = evaluate(formulas[code], out)
    return out


def values_for(unit_id: int, form_id: int, period: Period | None) -> Values:
    """A unit's figures for a period; a unit that did not exist then gets the sum of the units
    it replaced (its predecessors)."""
    if period is None:
        return {}
    report = Report.objects.filter(unit_id=unit_id, form_id=form_id, period=period).first()
    if report is not None:
        return typed_values(report)[0]
    from thidua.org.models import ReorgLink

    preds = list(
        ReorgLink.objects.filter(successor_id=unit_id).values_list("predecessor_id", flat=True)
    )
    total: dict[str, Decimal] = {}
    rows = DataValue.objects.filter(
        report__unit_id__in=preds,
        report__period=period,
        report__form_id=form_id,
        value__isnull=False,
    )
    for code, value in rows.values_list("indicator__code", "value"):
        total[code] = total.get(code, Decimal(0)) + (value or Decimal(0))
    return dict(total)


def form_indicators(report: Report) -> list[Indicator]:
    return list(Indicator.objects.filter(formrow__section__form=report.form).distinct())


def rules_for(report: Report) -> list[Rule]:
    rows = ValidationRule.objects.at(report.period.end).filter(
        Q(form__isnull=True) | Q(form=report.form)
    )
    return [
        Rule(
            code=r.code,
            left=r.left,
            operator=r.operator,
            right=r.right,
            severity=r.severity,
            message_vi=r.message_vi,
            message_en=r.message_en,
            waivable_by_comment=r.waivable_by_comment,
        )
        for r in rows
    ]


def _neighbours(period: Period) -> tuple[Period | None, Period | None]:
    """previous_period and same_period_last_year in one query."""
    last = Q(kind=period.kind, year=period.year - 1, number=period.number)
    if period.kind == Period.Kind.QUARTER:
        year, number = (
            (period.year, period.number - 1) if period.number > 1 else (period.year - 1, 4)
        )
        before = Q(kind=period.kind, year=year, number=number)
    else:
        before = last
    found = {(p.kind, p.year, p.number): p for p in Period.objects.filter(before | last)}
    key_last = (period.kind, period.year - 1, period.number)
    key_before = key_last if before is last else (period.kind, year, number)
    return found.get(key_before), found.get(key_last)


def values_beside(unit_id: int, form_id: int, periods: list[Period | None]) -> list[Values]:
    """values_for each period, in two queries when the unit reported in all of them."""
    wanted = [p.pk for p in periods if p is not None]
    reports = dict(
        Report.objects.filter(unit_id=unit_id, form_id=form_id, period_id__in=wanted).values_list(
            "period_id", "pk"
        )
    )
    by_report: dict[int, Values] = {pk: {} for pk in reports.values()}
    rows = DataValue.objects.filter(report_id__in=list(by_report)).values_list(
        "report_id", "indicator__code", "value"
    )
    for report_id, code, value in rows:
        by_report[report_id][code] = value
    out: list[Values] = []
    for period in periods:
        if period is None:
            out.append({})
        elif period.pk in reports:
            out.append(by_report[reports[period.pk]])
        else:
            out.append(values_for(unit_id, form_id, period))
    return out


def cells_for(report: Report, indicators: list[Indicator] | None = None) -> Cells:
    """The report's figures as the rules and the entry grid see them."""
    indicators = form_indicators(report) if indicators is None else indicators
    typed, comments = typed_values(report)
    previous, last_year = values_beside(
        report.unit_id, report.form_id, [*_neighbours(report.period)]
    )
    return Cells(
        values=with_derived(typed, indicators),
        previous=previous,
        last_year=last_year,
        comments=comments,
    )


def findings_for(report: Report, *, language: str = "vi") -> list[Finding]:
    """All warnings and blocking problems of the report as it stands."""
    return check_report(report, language=language)[1]


def check_report(report: Report, *, language: str = "vi") -> tuple[Cells, list[Finding]]:
    """The report's figures, and the findings of the rules in force on them."""
    indicators = form_indicators(report)
    on_form = {i.code for i in indicators}
    cells = cells_for(report, indicators)
    rules = [r for r in rules_for(report) if _rule_codes(r) <= on_form]
    from .prefill import corrections_without_note  # prefill reads the figures through here

    found = check(rules, cells, language=language)
    return cells, found + corrections_without_note(report, cells.values, cells.comments, language)


def _rule_codes(rule: Rule) -> set[str]:
    codes: set[str] = set()
    for side in (rule.left, rule.right):
        try:
            codes |= set(compile_expression(side).codes)
        except ExpressionError:
            return {"__invalid__"}
    return codes
