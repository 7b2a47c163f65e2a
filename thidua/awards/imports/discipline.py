"""The discipline import: one row per disciplinary decision on a person, found by the person
and the decision date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.audit.chain import Change
from thidua.lib.dates import format_vn_date, today
from thidua.lib.text import nfc
from thidua.org.imports.common import Column, FieldChange, RowChange, parse_choice
from thidua.org.models import Person

from ..models import Discipline
from .base import ImportKind, ImportScope, Item, People, Plan, day_period, duplicate, subject
from .ratings import CODE, NAME

COLUMNS: tuple[Column, ...] = (
    CODE,
    NAME,
    Column("level", gettext_lazy("Discipline"), ("hình thức kỷ luật", "hình thức", "kỷ luật")),
    Column("decided_on", gettext_lazy("Decided on"), ("ngày quyết định", "ngày kỷ luật")),
    Column("breach_ref", gettext_lazy("Breach"), ("hành vi vi phạm", "nội dung vi phạm")),
    Column("served_until", gettext_lazy("Served until"), ("thời hạn đến ngày", "hết thời hạn")),
)
NOTES = {
    "code": gettext_lazy("As in the staff records"),
    "full_name": gettext_lazy("Optional; checked against the staff record"),
    "level": gettext_lazy("khiển trách, cảnh cáo, hạ bậc lương, cách chức or buộc thôi việc"),
    "decided_on": gettext_lazy("dd/mm/yyyy"),
    "breach_ref": gettext_lazy("Optional"),
    "served_until": gettext_lazy("Optional, dd/mm/yyyy"),
}
LEVEL_ALIASES: dict[str, tuple[str, ...]] = {
    "reprimand": ("khiển trách",),
    "warning": ("cảnh cáo",),
    "demotion": ("hạ bậc lương", "hạ bậc"),
    "dismissal_from_post": ("cách chức",),
    "dismissal": ("buộc thôi việc",),
}


def plan_discipline(rows: list[tuple[int, dict[str, str]]], scope: ImportScope) -> Plan:
    plan = Plan(COLUMNS)
    people = People([cells["code"] for _n, cells in rows])
    existing: dict[tuple[int, dt.date], list[Discipline]] = {}
    for d in Discipline.objects.filter(person__in=list(people.by_code.values())):
        existing.setdefault((d.person_id, d.decided_on), []).append(d)
    seen: dict[tuple[str, dt.date], int] = {}
    for number, cells in rows:
        before = len(plan.preview.errors)
        decided = plan.day(number, cells, "decided_on", required=True)
        until = plan.day(number, cells, "served_until", required=False)
        dates_ok = len(plan.preview.errors) == before
        level = parse_choice(cells["level"], Discipline.Level, LEVEL_ALIASES)
        if level is None:
            plan.fail(
                number,
                _(
                    "unknown discipline “%(text)s”; use khiển trách, cảnh cáo, hạ bậc lương, "
                    "cách chức or buộc thôi việc."
                )
                % {"text": cells["level"]},
                "level",
            )
        if len(cells["breach_ref"]) > 120:
            plan.fail(number, _("the breach is longer than 120 characters."), "breach_ref")
        if decided is None or not dates_ok:
            continue
        if decided > today():
            plan.fail(
                number,
                _("the decision date %(date)s is in the future.")
                % {"date": format_vn_date(decided)},
                "decided_on",
            )
            continue
        if until is not None and until < decided:
            plan.fail(
                number, _("the discipline cannot end before the decision date."), "served_until"
            )
            continue
        person = people.find(plan, number, cells, scope, day_period(decided))
        if person is None or level is None:
            continue
        what = _("the discipline of “%(code)s” decided on %(date)s") % {
            "code": person.code,
            "date": format_vn_date(decided),
        }
        if duplicate(plan, seen, (person.code, decided), number, what):
            continue
        found = existing.get((person.pk, decided), [])
        if len(found) > 1:
            plan.fail(
                number,
                _(
                    "“%(code)s” has several disciplinary decisions on %(date)s; change them "
                    "one by one, not by import."
                )
                % {"code": person.code, "date": format_vn_date(decided)},
            )
            continue
        values = {"level": level, "breach_ref": nfc(cells["breach_ref"]), "served_until": until}
        _plan_row(plan, number, person, decided, values, found[0] if found else None)
    return plan


def _shown(values: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (_("Discipline"), str(Discipline.Level(values["level"]).label)),
        (_("Breach"), values["breach_ref"]),
        (
            _("Served until"),
            format_vn_date(values["served_until"]) if values["served_until"] else "",
        ),
    ]


def _plan_row(
    plan: Plan,
    number: int,
    person: Person,
    decided: dt.date,
    values: dict[str, Any],
    current: Discipline | None,
) -> None:
    name = subject(person, _("decided on %(date)s") % {"date": format_vn_date(decided)})
    new = _shown(values)
    if current is None:
        fields = tuple(FieldChange(label, "", text) for label, text in new if text)
        plan.preview.changes.append(RowChange(number, RowChange.CREATE, name, fields))
        plan.items.append(
            Item(
                number,
                "created",
                lambda by: _save(Discipline(person=person, decided_on=decided), values),
            )
        )
        return
    old = _shown({k: getattr(current, k) for k in values})
    fields = tuple(
        FieldChange(label, before, after)
        for (label, before), (_label, after) in zip(old, new, strict=True)
        if before != after
    )
    if not fields:
        plan.preview.unchanged += 1
        return
    plan.preview.changes.append(RowChange(number, RowChange.UPDATE, name, fields))
    plan.items.append(Item(number, "updated", lambda by: _save(current, values)))


def _state(d: Discipline) -> dict[str, Any]:
    return {
        "person": d.person.code,
        "decided_on": d.decided_on,
        "level": d.level,
        "breach_ref": d.breach_ref,
        "served_until": d.served_until,
    }


def _save(discipline: Discipline, values: dict[str, Any]) -> Change:
    before = _state(discipline) if discipline.pk else None
    for key, value in values.items():
        setattr(discipline, key, value)
    discipline.full_clean()
    discipline.save()
    return Change(
        "awards.discipline.import",
        "awards.discipline",
        discipline.pk,
        before=before,
        after=_state(discipline),
    )


DISCIPLINE = ImportKind(
    key="discipline",
    title=gettext_lazy("Discipline"),
    columns=COLUMNS,
    required=("code", "level", "decided_on"),
    notes=NOTES,
    plan=plan_discipline,
)
