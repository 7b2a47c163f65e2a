"""The initiatives import: one row per recognised initiative, found by its unit and title;
its authors by staff code."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.audit.chain import Change
from thidua.lib.dates import format_vn_date, today
from thidua.lib.text import fold, nfc
from thidua.org.imports.common import Column, FieldChange, RowChange, parse_choice
from thidua.org.models import OrgUnit, Person

from .. import actions
from ..models import Initiative
from .base import (
    ImportKind,
    ImportScope,
    Item,
    People,
    Plan,
    day_period,
    duplicate,
    find_unit,
)

COLUMNS: tuple[Column, ...] = (
    Column("title", gettext_lazy("Initiative"), ("tên sáng kiến", "sáng kiến", "tên")),
    Column(
        "authors",
        gettext_lazy("Authors' staff codes"),
        ("mã tác giả", "tác giả", "mã cán bộ tác giả", "mã cán bộ"),
    ),
    Column("unit", gettext_lazy("Unit code"), ("mã đơn vị", "đơn vị")),
    Column("level", gettext_lazy("Level"), ("cấp", "cấp công nhận")),
    Column("recognised_on", gettext_lazy("Recognised on"), ("ngày công nhận",)),
    Column(
        "recognised_by", gettext_lazy("Recognised by"), ("cơ quan công nhận", "đơn vị công nhận")
    ),
    Column("decision_ref", gettext_lazy("Decision"), ("số quyết định", "quyết định")),
)
NOTES = {
    "title": gettext_lazy("The initiative's full title"),
    "authors": gettext_lazy("Staff codes separated by commas"),
    "unit": gettext_lazy("The unit that proposed it"),
    "level": gettext_lazy("cơ sở, ngành or toàn quốc"),
    "recognised_on": gettext_lazy("dd/mm/yyyy"),
    "recognised_by": gettext_lazy("The body that recognised it"),
    "decision_ref": gettext_lazy("Optional"),
}
LEVEL_ALIASES: dict[str, tuple[str, ...]] = {
    "base": ("cơ sở", "cấp cơ sở"),
    "sector": ("ngành", "cấp ngành"),
    "national": ("toàn quốc", "cấp toàn quốc"),
}
SEPARATORS = re.compile(r"[,;\n]+")


def plan_initiatives(rows: list[tuple[int, dict[str, str]]], scope: ImportScope) -> Plan:
    plan = Plan(COLUMNS)
    codes = {c.strip() for _n, cells in rows for c in SEPARATORS.split(cells["authors"])}
    people = People(sorted(c for c in codes if c))
    seen: dict[tuple[str, str], int] = {}
    for number, cells in rows:
        values = _parse(plan, number, cells, scope, people)
        if values is None:
            continue
        unit: OrgUnit = values["unit"]
        what = _("the initiative “%(title)s” of “%(unit)s”") % {
            "title": values["title"],
            "unit": unit.code,
        }
        if duplicate(plan, seen, (unit.code, fold(values["title"])), number, what):
            continue
        found = [
            i
            for i in Initiative.objects.filter(unit=unit).prefetch_related("authors")
            if fold(i.title) == fold(values["title"])
        ]
        if len(found) > 1:
            plan.fail(
                number,
                _("“%(unit)s” has several initiatives titled “%(title)s”; change them one by one.")
                % {"unit": unit.code, "title": values["title"]},
            )
            continue
        _plan_row(plan, number, values, found[0] if found else None)
    return plan


def _parse(
    plan: Plan, number: int, cells: dict[str, str], scope: ImportScope, people: People
) -> dict[str, Any] | None:
    """A row's values, or None (with its problems recorded)."""
    before = len(plan.preview.errors)
    title, by = nfc(cells["title"]), nfc(cells["recognised_by"])
    if not title or not by:
        plan.fail(number, _("the title and the recognising body are required."))
    if len(title) > 500 or len(by) > 255 or len(cells["decision_ref"]) > 120:
        plan.fail(
            number,
            _(
                "a value is too long (title at most 500 characters, recognising body 255, "
                "decision 120)."
            ),
        )
    day = plan.day(number, cells, "recognised_on", required=True)
    if day is not None and day > today():
        plan.fail(
            number,
            _("the recognition date %(date)s is in the future.") % {"date": format_vn_date(day)},
            "recognised_on",
        )
    level = parse_choice(cells["level"], Initiative.Level, LEVEL_ALIASES)
    if level is None:
        plan.fail(
            number,
            _("unknown level “%(text)s”; use cơ sở, ngành or toàn quốc.")
            % {"text": cells["level"]},
            "level",
        )
    unit = find_unit(plan, number, cells["unit"], scope)
    codes = [c.strip() for c in SEPARATORS.split(cells["authors"]) if c.strip()]
    if not codes:
        plan.fail(number, _("an initiative needs at least one author's staff code."), "authors")
    authors: list[Person] = []
    if day is not None:
        for code in dict.fromkeys(codes):
            person = people.find(
                plan, number, {"code": code}, scope, day_period(day), column="authors"
            )
            if person is not None:
                authors.append(person)
    if len(plan.preview.errors) > before:
        return None
    return {
        "title": title,
        "unit": unit,
        "level": level,
        "recognised_on": day,
        "recognised_by": by,
        "decision_ref": nfc(cells["decision_ref"]),
        "authors": authors,
    }


def _shown(values: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (_("Authors"), ", ".join(sorted(f"{p.full_name} ({p.code})" for p in values["authors"]))),
        (_("Level"), str(Initiative.Level(values["level"]).label)),
        (_("Recognised on"), format_vn_date(values["recognised_on"])),
        (_("Recognised by"), values["recognised_by"]),
        (_("Decision"), values["decision_ref"]),
    ]


def _plan_row(plan: Plan, number: int, values: dict[str, Any], current: Initiative | None) -> None:
    name = f"{values['title']} — {values['unit'].name}"
    new = _shown(values)
    if current is None:
        fields = tuple(FieldChange(label, "", text) for label, text in new if text)
        plan.preview.changes.append(RowChange(number, RowChange.CREATE, name, fields))
        plan.items.append(Item(number, "created", lambda by: _create(values, by)))
        return
    old = _shown(
        {k: getattr(current, k) for k in values if k != "authors"}
        | {"authors": list(current.authors.all())}
    )
    fields = tuple(
        FieldChange(label, before, after)
        for (label, before), (_label, after) in zip(old, new, strict=True)
        if before != after
    )
    if not fields:
        plan.preview.unchanged += 1
        return
    if current.used_for_id is not None:
        plan.fail(
            number,
            _("the initiative “%(title)s” was already used for an award; it cannot be changed.")
            % {"title": current.title},
        )
        return
    plan.preview.changes.append(RowChange(number, RowChange.UPDATE, name, fields))
    plan.items.append(Item(number, "updated", lambda by: _update(current, values)))


def _state(initiative: Initiative, authors: list[Person]) -> dict[str, Any]:
    return {
        "title": initiative.title,
        "unit": initiative.unit.code,
        "level": initiative.level,
        "recognised_on": initiative.recognised_on,
        "recognised_by": initiative.recognised_by,
        "decision_ref": initiative.decision_ref,
        "authors": sorted(a.code for a in authors),
    }


def _create(values: dict[str, Any], by: Any) -> Change:
    """Through the action that records one initiative (which audits its creation too)."""
    initiative = actions.record_initiative(
        title=values["title"],
        authors=values["authors"],
        unit=values["unit"],
        level=values["level"],
        recognised_on=values["recognised_on"],
        recognised_by=values["recognised_by"],
        decision_ref=values["decision_ref"],
        by=by,
    )
    return Change(
        "awards.initiative.import",
        "awards.initiative",
        initiative.pk,
        after=_state(initiative, values["authors"]),
    )


def _update(initiative: Initiative, values: dict[str, Any]) -> Change:
    before = _state(initiative, list(initiative.authors.all()))
    for key in ("level", "recognised_on", "recognised_by", "decision_ref"):
        setattr(initiative, key, values[key])
    initiative.full_clean()
    initiative.save()
    initiative.authors.set(values["authors"])
    return Change(
        "awards.initiative.import",
        "awards.initiative",
        initiative.pk,
        before=before,
        after=_state(initiative, values["authors"]),
    )


INITIATIVES = ImportKind(
    key="initiatives",
    title=gettext_lazy("Initiatives"),
    columns=COLUMNS,
    required=("title", "authors", "unit", "level", "recognised_on", "recognised_by"),
    notes=NOTES,
    plan=plan_initiatives,
)
