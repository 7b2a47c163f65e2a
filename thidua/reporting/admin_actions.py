"""The administrator's report deadlines (issue 15, point 5): edit a deadline rule version's
values, or add a version from a date that closes the one in force then. Atomic, validated and
audited; the versions before stay as history (late reporting is counted by them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.lib.dates import OPEN_END, format_vn_date
from thidua.lib.text import nfc

from .models import DeadlineRule

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
