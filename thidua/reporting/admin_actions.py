"""The administrator's report deadlines (issue 15, point 5): edit a deadline rule version's
values, or add a version from a date that closes the one in force then. Atomic, validated and
audited; the versions before stay as history (late reporting is counted by them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.lib.dates import OPEN_END, format_vn_date, today
from thidua.lib.text import nfc
from thidua.org.models import OrgLevel

from .expressions import compile_expression
from .models import DeadlineRule, Indicator, Report, ReportForm, ValidationRule
from .validation import Rule, validate_rule_definition

FIELDS = ("days_after_end", "next_year_month", "next_year_day", "legal_basis", "confirmed", "note")


def _values(rule: DeadlineRule) -> dict[str, Any]:
    values = {name: getattr(rule, name) for name in FIELDS}
    values["periodicity"] = rule.periodicity
    values["valid_from"] = rule.valid_from.isoformat()
    values["valid_to"] = rule.valid_to.isoformat()
    return values


def _check(values: Mapping[str, Any]) -> dict[str, Any]:
    clean = {name: values.get(name) for name in FIELDS}
    clean["legal_basis"] = nfc(str(clean["legal_basis"] or ""))
    clean["note"] = nfc(str(clean["note"] or ""))
    clean["confirmed"] = bool(clean["confirmed"])
    if not clean["legal_basis"]:
        raise ValidationError(_("A deadline needs its legal basis."))
    days, month, day = clean["days_after_end"], clean["next_year_month"], clean["next_year_day"]
    if days is not None:
        if month is not None or day is not None:
            raise ValidationError(
                _(
                    "Give either a number of days after the period or a day of the next year, "
                    "not both."
                )
            )
        if not 0 <= days <= 365:
            raise ValidationError(_("The number of days after the period is from 0 to 365."))
    elif month is None or day is None:
        raise ValidationError(
            _("Give a number of days after the period, or a day and month of the next year.")
        )
    else:
        try:
            dt.date(2001, month, day)  # not a leap year: 29/02 is refused
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                _("%(day)s/%(month)s is not a day of every year.") % {"day": day, "month": month}
            ) from exc
    return clean


@transaction.atomic
def update_deadline(rule: DeadlineRule, values: Mapping[str, Any], *, by: Any) -> DeadlineRule:
    rule = DeadlineRule.objects.select_for_update().get(pk=rule.pk)
    clean = _check(values)
    before = _values(rule)
    for name, value in clean.items():
        setattr(rule, name, value)
    if _values(rule) != before:
        rule.save(update_fields=list(FIELDS))
        record(
            "reporting.deadline.update",
            by=by,
            object_type="reporting.deadlinerule",
            object_id=rule.pk,
            before=before,
            after=_values(rule),
        )
    return rule


@transaction.atomic
def add_deadline_version(
    periodicity: str, *, valid_from: dt.date, values: Mapping[str, Any], by: Any
) -> DeadlineRule:
    clean = _check(values)
    rules = DeadlineRule.objects.select_for_update().filter(periodicity=periodicity)
    if rules.filter(valid_from=valid_from).exists():
        raise ValidationError(
            _("A version of this deadline already begins on %(day)s; edit it instead.")
            % {"day": format_vn_date(valid_from)}
        )
    current = rules.filter(valid_from__lt=valid_from, valid_to__gt=valid_from).first()
    later = rules.filter(valid_from__gt=valid_from).order_by("valid_from").first()
    end = later.valid_from if later is not None else OPEN_END
    if current is not None:
        before = _values(current)
        end = min(end, current.valid_to)
        current.valid_to = valid_from
        current.save(update_fields=["valid_to"])
        record(
            "reporting.deadline.close",
            by=by,
            object_type="reporting.deadlinerule",
            object_id=current.pk,
            before=before,
            after=_values(current),
        )
    rule = DeadlineRule.objects.create(
        periodicity=periodicity, valid_from=valid_from, valid_to=end, **clean
    )
    record(
        "reporting.deadline.create",
        by=by,
        object_type="reporting.deadlinerule",
        object_id=rule.pk,
        after=_values(rule),
    )
    return rule


# Report forms and their validation rules (issue 15, point 5). The structure of a form (its
# sections and rows) is read-only: filed reports are laid out by it. What a body may change is
# which levels fill the form, its name, legal basis and the day it closes; never so that a filed
# report loses its form.

FORM_FIELDS = ("name", "name_en", "legal_basis", "valid_to")
RULE_FIELDS = (
    "severity",
    "message_vi",
    "message_en",
    "waivable_by_comment",
    "legal_basis",
    "valid_to",
)


def _form_values(form: ReportForm) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(form, name) for name in FORM_FIELDS}
    values["valid_to"] = form.valid_to.isoformat()
    values["levels"] = sorted(form.levels.values_list("pk", flat=True))
    return values


def _end(value: dt.date | None) -> dt.date:
    return value or OPEN_END


@transaction.atomic
def update_report_form(
    form: ReportForm, values: Mapping[str, Any], levels: Iterable[OrgLevel], *, by: Any
) -> ReportForm:
    """Rename the form, change its legal basis, the levels that fill it and the day it closes
    (``valid_to``, empty: open). A level whose units filed reports on this form stays, and the
    form cannot close before a period that has reports on it begins."""
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    before = _form_values(form)
    name = nfc(str(values.get("name") or ""))
    if not name:
        raise ValidationError(_("A form needs its name."))
    valid_to = _end(values.get("valid_to"))
    if valid_to <= form.valid_from:
        raise ValidationError(
            _("The form is in use from %(day)s; it can only close after that day.")
            % {"day": format_vn_date(form.valid_from)}
        )
    filed = Report.objects.filter(form=form)
    kept = {level.pk for level in levels}
    if not kept:
        raise ValidationError(_("Choose at least one level that fills the form."))
    removed = set(before["levels"]) - kept
    orphaned = (
        OrgLevel.objects.filter(pk__in=removed, orgunit__reports__form=form)
        .distinct()
        .order_by("rank", "name")
    )
    if orphaned:
        raise ValidationError(
            _(
                "Units of these levels have filed reports on this form, so the levels stay: "
                "%(levels)s."
            )
            % {"levels": "; ".join(level.name for level in orphaned)}
        )
    later = filed.filter(period__end__gte=valid_to).order_by("period__end").first()
    if later is not None:
        raise ValidationError(
            _(
                "Reports on this form were filed for a period ending on %(day)s; the form can "
                "close only after that day."
            )
            % {"day": format_vn_date(later.period.end)}
        )
    form.name = name
    form.name_en = nfc(str(values.get("name_en") or ""))
    form.legal_basis = nfc(str(values.get("legal_basis") or ""))
    form.valid_to = valid_to
    form.save(update_fields=["name", "name_en", "legal_basis", "valid_to"])
    form.levels.set(sorted(kept))
    after = _form_values(form)
    if after != before:
        record(
            "reporting.form.update",
            by=by,
            object_type="reporting.reportform",
            object_id=form.pk,
            before=before,
            after=after,
        )
    return form


def _rule_values(rule: ValidationRule) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: getattr(rule, name) for name in ("code", "left", "operator", "right", *RULE_FIELDS)
    }
    values["form"] = rule.form_id
    values["valid_from"] = rule.valid_from.isoformat()
    values["valid_to"] = rule.valid_to.isoformat()
    return values


def form_indicator_codes(form: ReportForm) -> set[str]:
    return set(Indicator.objects.filter(formrow__section__form=form).values_list("code", flat=True))


def _check_rule(rule: ValidationRule, codes: set[str] | None) -> None:
    """Refuse a rule the checker could not run, or (for a form's own rule) one that reads an
    indicator the form does not have."""
    for name in ("message_vi", "message_en", "legal_basis", "left", "right"):
        setattr(rule, name, nfc(str(getattr(rule, name) or "")).strip())
    problems = validate_rule_definition(
        Rule(
            code=rule.code,
            left=rule.left,
            operator=rule.operator,
            right=rule.right,
            severity=rule.severity,
            message_vi=rule.message_vi,
            message_en=rule.message_en,
            waivable_by_comment=rule.waivable_by_comment,
        )
    )
    if problems:
        raise ValidationError(problems)
    if rule.valid_to <= rule.valid_from:
        raise ValidationError(
            _("The rule applies from %(day)s; it can only be switched off after that day.")
            % {"day": format_vn_date(rule.valid_from)}
        )
    if codes is not None:
        read: set[str] = set()
        for side in (rule.left, rule.right):
            expr = compile_expression(side)
            read |= expr.codes | expr.history_codes
        unknown = sorted(read - codes)
        if unknown:
            raise ValidationError(
                _("These codes are not indicators of this form: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            )


@transaction.atomic
def update_rule(rule: ValidationRule, values: Mapping[str, Any], *, by: Any) -> ValidationRule:
    """Change a rule's severity, messages, waiver, legal basis, or switch it off from a day
    (``valid_to``, empty: in force). Its expression stays: reports were checked by it."""
    rule = ValidationRule.objects.select_for_update().get(pk=rule.pk)
    before = _rule_values(rule)
    for name in RULE_FIELDS:
        value = values.get(name)
        if name == "valid_to":
            value = _end(value)
        elif name == "waivable_by_comment":
            value = bool(value)
        setattr(rule, name, value if value is not None else "")
    _check_rule(rule, None)
    if _rule_values(rule) != before:
        rule.save(update_fields=list(RULE_FIELDS))
        record(
            "reporting.rule.update",
            by=by,
            object_type="reporting.validationrule",
            object_id=rule.pk,
            before=before,
            after=_rule_values(rule),
        )
    return rule


def _new_rule_code(form: ReportForm) -> str:
    taken = set(
        ValidationRule.objects.filter(code__startswith=f"F{form.pk}_").values_list(
            "code", flat=True
        )
    )
    number = len(taken) + 1
    while f"F{form.pk}_{number}" in taken:
        number += 1
    return f"F{form.pk}_{number}"


@transaction.atomic
def add_rule(form: ReportForm, values: Mapping[str, Any], *, by: Any) -> ValidationRule:
    """A new rule of this form, ``left operator right`` over the form's indicator codes; it
    must compile and read only the form's indicators."""
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    rule = ValidationRule(
        code=_new_rule_code(form),
        form=form,
        left=str(values.get("left") or ""),
        operator=str(values.get("operator") or ""),
        right=str(values.get("right") or ""),
        severity=str(values.get("severity") or ""),
        message_vi=str(values.get("message_vi") or ""),
        message_en=str(values.get("message_en") or ""),
        waivable_by_comment=bool(values.get("waivable_by_comment")),
        legal_basis=str(values.get("legal_basis") or ""),
        valid_from=values.get("valid_from") or today(),
        valid_to=_end(values.get("valid_to")),
    )
    _check_rule(rule, form_indicator_codes(form))
    rule.save()
    record(
        "reporting.rule.create",
        by=by,
        object_type="reporting.validationrule",
        object_id=rule.pk,
        after=_rule_values(rule),
    )
    return rule
