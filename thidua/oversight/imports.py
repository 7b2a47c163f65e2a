""".xlsx import and export of every kind of record (travel, procurement, conferences,
vehicles, office space, assets, public-investment projects) for one unit and year.

One column per form field, headed by the field's label. Every row goes through the entry
form and the model's checks: errors are reported by row and column, and nothing is written
unless every row is right (all-or-nothing). Then only that unit's year is re-checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.audit.chain import record
from thidua.lib.numbers import format_vn_number
from thidua.lib.spreadsheets import Cell, Sheet, Table
from thidua.lib.text import fold
from thidua.org.models import OrgUnit

from .forms import PackageForm, TravelClaimForm
from .forms_assets import FORMS
from .models import ProcurementPackage, TravelClaim
from .models_assets import Asset, Conference, OfficeSpace, Vehicle
from .models_plan import Project


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    model: type[models.Model]
    form: type[forms.ModelForm]  # type: ignore[type-arg]
    key: str = ""
    """A field naming the record within the unit's year (a row with the same value updates
    the record instead of adding one)."""


KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        Kind("travel", gettext_lazy("Travel claims"), TravelClaim, TravelClaimForm),
        Kind("package", gettext_lazy("Procurement packages"), ProcurementPackage, PackageForm),
        Kind("conference", gettext_lazy("Conferences"), Conference, FORMS["conference"]),
        Kind("vehicle", gettext_lazy("Vehicles"), Vehicle, FORMS["vehicle"], "plate"),
        Kind("office", gettext_lazy("Office space"), OfficeSpace, FORMS["office"], "building"),
        Kind("asset", gettext_lazy("Asset register"), Asset, FORMS["asset"], "code"),
        Kind(
            "project", gettext_lazy("Public-investment projects"), Project, FORMS["project"], "name"
        ),
    ]
}
YES = {"x", "co", "1", "true", "yes", "dung"}
NO = {"", "khong", "0", "false", "no", "sai"}


def columns(kind: Kind) -> list[tuple[str, str]]:
    """(form field, header) of the kind's columns, in the form's order."""
    form = kind.form()
    return [(name, capfirst(str(f.label or name))) for name, f in form.fields.items()]


def _choice_lookup(f: forms.Field) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, label in getattr(f, "choices", ()):
        if value != "":
            out[fold(str(value))] = str(value)
            out[fold(str(label))] = str(value)
    return out


def _cell(f: forms.Field, text: str) -> Any:
    """A cell's text as the form field expects it: choices by value or label, booleans as
    có/không or x."""
    if isinstance(f, forms.BooleanField):
        folded = fold(text)
        if folded in YES:
            return "on"
        if folded in NO:
            return ""
        return text
    if isinstance(f, forms.ChoiceField):
        return _choice_lookup(f).get(fold(text), text)
    return text


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)
    """Per data row: its number and its cells as the form takes them."""
    problems: list[Problem] = field(default_factory=list)
    objects: list[models.Model] = field(default_factory=list)


def parse(kind: Kind, table: Table, unit: OrgUnit, year: int) -> Parsed:
    """Run every row through the form and the model's checks (nothing saved)."""
    cols = columns(kind)
    by_header = {fold(h): name for name, h in cols}
    out = Parsed()
    missing = [h for name, h in cols if fold(h) not in {fold(x) for x in table.header}]
    required = {n for n, f in kind.form().fields.items() if f.required}
    for name, h in cols:
        if h in missing and name in required:
            out.problems.append(Problem(1, h, _("This column is missing.")))
    if out.problems:
        return out
    labels = dict(cols)
    existing = {}
    if kind.key:
        qs = kind.model.objects.filter(unit=unit, year=year)  # type: ignore[attr-defined]
        existing = {getattr(o, kind.key): o for o in qs}
    seen: dict[str, int] = {}
    for row in table.rows:
        form0 = kind.form()
        data = {}
        for header, text in row.values.items():
            field_name = by_header.get(fold(header))
            if field_name is not None:
                data[field_name] = _cell(form0.fields[field_name], text)
        instance = None
        if kind.key:
            instance = existing.get(str(data.get(kind.key, "")).strip())
            key = str(data.get(kind.key, "")).strip()
            if key in seen:
                out.problems.append(
                    Problem(
                        row.number,
                        labels[kind.key],
                        _("The same value is already on row %(row)s.") % {"row": seen[key]},
                    )
                )
            seen[key] = row.number
        form = kind.form(data, instance=instance)
        form.instance.unit, form.instance.year = unit, year
        out.rows.append({"number": row.number, "cells": data, "raw": row.values})
        if not form.is_valid():
            for name, errors in form.errors.items():
                column = labels.get(name, "") if name != "__all__" else ""
                for e in errors:
                    out.problems.append(Problem(row.number, column, str(e)))
            continue
        try:
            form.instance.full_clean()
        except ValidationError as exc:
            for model_field, texts in exc.message_dict.items():
                for text in texts:
                    out.problems.append(Problem(row.number, labels.get(model_field, ""), text))
            continue
        out.objects.append(form.instance)
    if not table.rows:
        out.problems.append(Problem(2, "", _("The file has no data row.")))
    return out


def write(kind: Kind, parsed: Parsed, unit: OrgUnit, year: int, *, by: Any) -> int:
    """Save every row at once (nothing if one fails), audit, re-check the unit's year."""
    from .actions import recheck_unit

    if parsed.problems:
        raise ValidationError(_("The file has errors; nothing was saved."))
    with transaction.atomic():
        for obj in parsed.objects:
            obj.save()
        record(
            f"oversight.{kind.code}.import",
            by=by,
            object_type="oversight.unit_year",
            object_id=f"{unit.pk}/{year}",
            after={"rows": len(parsed.objects), "ids": [o.pk for o in parsed.objects]},
        )
        recheck_unit(unit.pk, year, peers=kind.code in ("travel", "conference"))
    return len(parsed.objects)


def _display(obj: models.Model, name: str) -> Cell:
    if name.startswith("m") and name[1:].isdigit() and isinstance(obj, Asset):
        from .forms_assets import MONTH_CHOICES

        code = obj.months[int(name[1:]) - 1]
        return str(dict(MONTH_CHOICES).get(code, code))
    value = getattr(obj, name)
    getter: Callable[[], Any] | None = getattr(obj, f"get_{name}_display", None)
    if getter is not None:
        return str(getter())
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else format_vn_number(value, 1)
    if isinstance(value, dt.date | int | str) or value is None:
        return value
    return str(value)


def sheet(kind: Kind, unit: OrgUnit | None, year: int | None) -> Sheet:
    """The kind's records of the unit's year (none for a template), one column per field."""
    cols = columns(kind)
    rows: list[list[Cell]] = []
    if unit is not None:
        qs = kind.model.objects.filter(unit=unit, year=year)  # type: ignore[attr-defined]
        rows = [[_display(o, name) for name, _h in cols] for o in qs]
    return Sheet(str(kind.label), [h for _n, h in cols], rows)


def preview_cells(kind: Kind, parsed: Parsed) -> list[list[str]]:
    """The rows as the user wrote them (not as codes), for the preview table."""
    headers = [fold(h) for _n, h in columns(kind)]
    out = []
    for r in parsed.rows:
        raw = {fold(h): text for h, text in r["raw"].items()}
        out.append([str(r["number"])] + [raw.get(h, "") for h in headers])
    return out
