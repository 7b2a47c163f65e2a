"""Load the indicator catalogue, the report forms, the deadline and validation rules from a sector
pack's versioned data files (thidua/packs/<name>/: catalogue.json, forms.json, validation.json);
create reporting periods."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.lib.dates import OPEN_END
from thidua.lib.packs import pack_file
from thidua.org.models import OrgLevel

from .expressions import ExpressionError, compile_expression, dependency_order
from .models import (
    DeadlineRule,
    FormRow,
    FormSection,
    Indicator,
    IndicatorGroup,
    NarrativePart,
    Period,
    ReportForm,
)

CATALOGUE = pack_file("catalogue.json")
VALIDATION = pack_file("validation.json")


def _date(text: str | None) -> dt.date:
    return dt.date.fromisoformat(text) if text else OPEN_END


@transaction.atomic
def load_catalogue(path: Path = CATALOGUE) -> int:
    """Create or update every group and indicator of the catalogue; formulas must compile
    and must not depend on each other in a cycle."""
    data = json.loads(path.read_text(encoding="utf-8"))
    groups = {}
    for order, g in enumerate(data["groups"]):
        groups[g["code"]], _created = IndicatorGroup.objects.update_or_create(
            code=g["code"], defaults={**{k: v for k, v in g.items() if k != "code"}, "order": order}
        )
    formulas = {}
    for order, row in enumerate(data["indicators"]):
        if row["formula"]:
            try:
                formulas[row["code"]] = compile_expression(row["formula"])
            except ExpressionError as exc:
                raise ValidationError(f"{row['code']}: {exc}") from exc
        defaults = {k: v for k, v in row.items() if k not in {"code", "group", "weight"}}
        Indicator.objects.update_or_create(
            code=row["code"],
            defaults={
                **defaults,
                "group": groups[row["group"]],
                "order": order,
                "catalogue_version": data["version"],
                "valid_from": _date(data["valid_from"]),
            },
        )
    try:
        dependency_order(formulas)
    except ExpressionError as exc:
        raise ValidationError(str(exc)) from exc
    unknown = (
        set().union(*(f.codes for f in formulas.values()))
        - set(Indicator.objects.values_list("code", flat=True))
        if formulas
        else set()
    )
    if unknown:
        raise ValidationError(
            _("Formulas use unknown indicators: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        )
    return len(data["indicators"])


@transaction.atomic
def load_forms(path: Path) -> int:
    """Create or replace the forms and deadline rules of a sector's fixture."""
    data = json.loads(path.read_text(encoding="utf-8"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    for spec in data["forms"]:
        _load_form(spec, indicators)
    for rule in data.get("deadlines", []):
        DeadlineRule.objects.update_or_create(
            periodicity=rule["periodicity"],
            valid_from=_date(rule["valid_from"]),
            defaults={
                **{k: v for k, v in rule.items() if k not in {"valid_from", "valid_to"}},
                "valid_to": _date(rule.get("valid_to")),
            },
        )
    return len(data["forms"])


def _load_form(spec: dict[str, Any], indicators: dict[str, Indicator]) -> ReportForm:
    form, _created = ReportForm.objects.update_or_create(
        code=spec["code"],
        defaults={
            "name": spec["name"],
            "name_en": spec["name_en"],
            "periodicity": spec["periodicity"],
            "legal_basis": spec["legal_basis"],
            "valid_from": _date(spec["valid_from"]),
            "valid_to": _date(spec.get("valid_to")),
        },
    )
    form.levels.set(OrgLevel.objects.filter(code__in=spec["levels"]))
    # Upsert by code and drop only what the fixture no longer has: a reload never changes the
    # ids of what reports refer to (a narrative part already written is PROTECTed).
    codes = [s["code"] for s in spec["sections"]]
    form.sections.exclude(code__in=codes).delete()
    for s_order, section in enumerate(spec["sections"]):
        sec, _created = FormSection.objects.update_or_create(
            form=form,
            code=section["code"],
            defaults={"name": section["name"], "name_en": section["name_en"], "order": s_order},
        )
        rows = [_row_spec(row, indicators, spec["code"]) for row in section["rows"]]
        sec.rows.exclude(indicator__code__in=[code for code, _p in rows]).delete()
        for r, (code, prefill) in enumerate(rows):
            FormRow.objects.update_or_create(
                section=sec,
                indicator=indicators[code],
                defaults={"order": r, "number": f"{r + 1}", "prefill": prefill},
            )
    parts = spec.get("narrative", [])
    form.narrative_parts.exclude(code__in=[p["code"] for p in parts]).delete()
    for p_order, part in enumerate(parts):
        NarrativePart.objects.update_or_create(
            form=form,
            code=part["code"],
            defaults={**{k: v for k, v in part.items() if k != "code"}, "order": p_order},
        )
    return form


PREFILL_PHASE = ("total", "end")
"""How a prefilled row takes its source's yearly figures over the phase: the phase's total (a
flow, e.g. money saved) or the figure of the phase's last year (a stock or the parts of a
rate, e.g. the staff quota)."""


def _row_spec(
    row: str | dict[str, Any], indicators: dict[str, Indicator], form: str
) -> tuple[str, dict[str, str]]:
    """A form row of the fixture: an indicator code, or {"code", "prefill": {"from", "phase"}}
    for a row prefilled from the unit's approved periodic reports (reporting/prefill.py)."""
    if isinstance(row, str):
        code, prefill = row, {}
    else:
        code, prefill = row["code"], dict(row.get("prefill") or {})
    if code not in indicators:
        raise ValidationError(
            _("The form %(form)s names an unknown indicator: %(code)s")
            % {"form": form, "code": code}
        )
    if prefill:
        source = indicators.get(str(prefill.get("from", "")))
        if (
            source is None
            or prefill.get("phase") not in PREFILL_PHASE
            or set(prefill) != {"from", "phase"}
            or indicators[code].is_derived
        ):
            raise ValidationError(
                _(
                    "The form %(form)s prefills %(code)s wrongly: a typed row takes "
                    '{"from": an indicator code, "phase": "total" or "end"}.'
                )
                % {"form": form, "code": code}
            )
    return code, prefill


def ensure_periods(first_year: int, last_year: int) -> list[Period]:
    """Every quarter, half-year, nine months and year in the range (idempotent)."""
    specs: list[tuple[int, str, int, dt.date, dt.date]] = []
    for year in range(first_year, last_year + 1):
        for q in range(1, 5):
            start = dt.date(year, 3 * q - 2, 1)
            end = dt.date(year, 12, 31) if q == 4 else dt.date(year, 3 * q + 1, 1) - dt.timedelta(1)
            specs.append((year, Period.Kind.QUARTER, q, start, end))
        specs.append((year, Period.Kind.HALF, 1, dt.date(year, 1, 1), dt.date(year, 6, 30)))
        specs.append((year, Period.Kind.NINE_MONTHS, 1, dt.date(year, 1, 1), dt.date(year, 9, 30)))
        specs.append((year, Period.Kind.YEAR, 1, dt.date(year, 1, 1), dt.date(year, 12, 31)))
    out = []
    for year, kind, number, start, end in specs:
        period, _created = Period.objects.get_or_create(
            year=year, kind=kind, number=number, defaults={"start": start, "end": end}
        )
        out.append(period)
    return out


def deadline_for(form: ReportForm, period: Period) -> tuple[dt.date | None, DeadlineRule | None]:
    """The deadline under the rule in force on the period's last day."""
    rule = DeadlineRule.objects.at(period.end).filter(periodicity=form.periodicity).first()
    return (rule.deadline_for(period), rule) if rule else (None, None)


@transaction.atomic
def load_validation_rules(path: Path = VALIDATION) -> int:
    """Create or update the validation rules of a pack's validation.json (rule codes are
    unique; a rule a form no longer has stays until an administrator ends it)."""
    from .models import ValidationRule

    data = json.loads(path.read_text(encoding="utf-8"))
    for rule in data["rules"]:
        form = ReportForm.objects.get(code=rule["form"]) if rule.get("form") else None
        values = {k: v for k, v in rule.items() if k not in {"code", "form", "valid_from"}}
        ValidationRule.objects.update_or_create(
            code=rule["code"],
            defaults={
                **values,
                "form": form,
                "valid_from": _date(rule["valid_from"]),
                "valid_to": _date(rule.get("valid_to")),
            },
        )
    return len(data["rules"])


@transaction.atomic
def load_default_rules(valid_from: dt.date = dt.date(2014, 11, 1)) -> int:
    """Create the default validation rules (reporting/validation.py) as editable data."""
    from .models import ValidationRule
    from .validation import default_rules

    count = 0
    for rule in default_rules():
        _obj, created = ValidationRule.objects.get_or_create(
            code=rule.code,
            defaults={
                "left": rule.left,
                "operator": rule.operator,
                "right": rule.right,
                "severity": rule.severity,
                "message_vi": rule.message_vi,
                "message_en": rule.message_en,
                "waivable_by_comment": rule.waivable_by_comment,
                "legal_basis": "Quy định của ngành (có thể chỉnh sửa)",
                "valid_from": valid_from,
            },
        )
        count += created
    return count
