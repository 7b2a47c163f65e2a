"""The ratings import: one row per person and year, the yearly quality rating."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.audit.chain import Change
from thidua.lib.dates import today
from thidua.org.imports.common import Column, FieldChange, RowChange, parse_choice
from thidua.org.models import Person

from ..models import PerformanceRating
from .base import ImportKind, ImportScope, Item, People, Plan, duplicate, subject

FIRST_YEAR = 1990

CODE = Column("code", gettext_lazy("Staff code"), ("mã cán bộ", "mã", "mã nhân sự"))
NAME = Column("full_name", gettext_lazy("Full name"), ("họ và tên", "họ tên"))
COLUMNS: tuple[Column, ...] = (
    CODE,
    NAME,
    Column("year", gettext_lazy("Year"), ("năm", "năm đánh giá")),
    Column("level", gettext_lazy("Rating"), ("xếp loại", "mức xếp loại", "kết quả xếp loại")),
)
NOTES = {
    "code": gettext_lazy("As in the staff records"),
    "full_name": gettext_lazy("Optional; checked against the staff record"),
    "year": gettext_lazy("e.g. 2024"),
    "level": gettext_lazy("HTXS, HTT, HT or KHT"),
}
LEVEL_ALIASES: dict[str, tuple[str, ...]] = {
    "HTXS": ("hoàn thành xuất sắc nhiệm vụ", "xuất sắc"),
    "HTT": ("hoàn thành tốt nhiệm vụ", "tốt"),
    "HT": ("hoàn thành nhiệm vụ",),
    "KHT": ("không hoàn thành nhiệm vụ",),
}


def parse_year(plan: Plan, number: int, text: str) -> int | None:
    """A year from FIRST_YEAR to this year."""
    this_year = today().year
    if text.isdigit() and FIRST_YEAR <= int(text) <= this_year:
        return int(text)
    plan.fail(
        number,
        _("“%(text)s” is not a year from %(first)s to %(last)s.")
        % {"text": text, "first": FIRST_YEAR, "last": this_year},
        "year",
    )
    return None


def plan_ratings(rows: list[tuple[int, dict[str, str]]], scope: ImportScope) -> Plan:
    plan = Plan(COLUMNS)
    people = People([cells["code"] for _n, cells in rows])
    existing = {
        (r.person_id, r.year): r
        for r in PerformanceRating.objects.filter(person__in=list(people.by_code.values()))
    }
    seen: dict[tuple[str, int], int] = {}
    for number, cells in rows:
        year = parse_year(plan, number, cells["year"])
        level = parse_choice(cells["level"], PerformanceRating.Level, LEVEL_ALIASES)
        if level is None:
            plan.fail(
                number,
                _("unknown rating “%(text)s”; use HTXS, HTT, HT or KHT.")
                % {"text": cells["level"]},
                "level",
            )
        if year is None:
            continue
        person = people.find(
            plan, number, cells, scope, (dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        )
        if person is None or level is None:
            continue
        what = _("the rating of “%(code)s” for %(year)s") % {"code": person.code, "year": year}
        if duplicate(plan, seen, (person.code, year), number, what):
            continue
        _plan_row(plan, number, person, year, level, existing.get((person.pk, year)))
    return plan


def _plan_row(
    plan: Plan,
    number: int,
    person: Person,
    year: int,
    level: str,
    current: PerformanceRating | None,
) -> None:
    label = str(PerformanceRating.Level(level).label)
    name = subject(person, _("year %(year)s") % {"year": year})
    if current is not None and current.level == level:
        plan.preview.unchanged += 1
        return
    if current is None:
        plan.preview.changes.append(
            RowChange(number, RowChange.CREATE, name, (FieldChange(_("Rating"), "", label),))
        )
        plan.items.append(Item(number, "created", lambda by: _create(person, year, level)))
        return
    old = str(PerformanceRating.Level(current.level).label)
    plan.preview.changes.append(
        RowChange(number, RowChange.UPDATE, name, (FieldChange(_("Rating"), old, label),))
    )
    plan.items.append(Item(number, "updated", lambda by: _update(current, level)))


def _create(person: Person, year: int, level: str) -> Change:
    rating = PerformanceRating(person=person, year=year, level=level)
    rating.full_clean()
    rating.save()
    return Change(
        "awards.rating.import",
        "awards.performancerating",
        rating.pk,
        after={"person": person.code, "year": year, "level": level},
    )


def _update(rating: PerformanceRating, level: str) -> Change:
    before = {"person": rating.person.code, "year": rating.year, "level": rating.level}
    rating.level = level
    rating.full_clean()
    rating.save(update_fields=["level"])
    return Change(
        "awards.rating.import",
        "awards.performancerating",
        rating.pk,
        before=before,
        after=before | {"level": level},
    )


RATINGS = ImportKind(
    key="ratings",
    title=gettext_lazy("Performance ratings"),
    columns=COLUMNS,
    required=("code", "year", "level"),
    notes=NOTES,
    plan=plan_ratings,
)
