"""Exporting the tree (as of a date, and as its history of events) and the staff records.

The events export is in the exact format `imports.import_units` reads: importing it into an
empty database rebuilds the same tree. The staff export is in the format `import_people`
reads. Everything is limited to what the user may see (units_for_user, persons_for_user).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from thidua.accounts.access import persons_for_user, scope_for, units_for_user
from thidua.lib.dates import OPEN_END
from thidua.lib.spreadsheets import Cell, Sheet, write_csv, write_xlsx

from .imports import PERSON_COLUMNS, UNIT_COLUMNS, Column
from .models import OrgUnit, OrgUnitVersion, Position, Reorganisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Export:
    """A file ready to send: its bytes, content type and download name."""

    content: bytes
    content_type: str
    filename: str


def headers(columns: Sequence[Column]) -> list[str]:
    """The translated column labels of an import format."""
    return [str(c.label) for c in columns]


def _file(fmt: str, stem: str, sheets: list[Sheet]) -> Export:
    """One Export: all sheets in .xlsx, or the first sheet as .csv."""
    if fmt == "xlsx":
        return Export(write_xlsx(sheets), XLSX, f"{stem}.xlsx")
    return Export(write_csv(sheets[0].header, sheets[0].rows), CSV, f"{stem}.csv")


def export_units(user: Any, day: dt.date, fmt: str, what: str = "units") -> Export:
    """The tree on `day` (and its events, as a second sheet in .xlsx, or alone in .csv when
    what == 'events')."""
    visible = _visible_ids(user)
    tree = Sheet(_("Units"), unit_header(), unit_rows(visible, day))
    events = Sheet(_("Events"), headers(UNIT_COLUMNS), event_rows(visible))
    if fmt == "csv" and what == "events":
        return _file(fmt, "su-kien-to-chuc", [events])
    return _file(fmt, f"don-vi-{day.isoformat()}", [tree, events])


def export_people(user: Any, fmt: str) -> Export:
    """The staff records the user may see, with their current position."""
    return _file(fmt, "can-bo", [Sheet(_("Staff"), headers(PERSON_COLUMNS), person_rows(user))])


def _visible_ids(user: Any) -> set[int] | None:
    """Ids of the units the user may see; None for everything."""
    if scope_for(user).unit_ids is None:
        return None
    return set(units_for_user(user).values_list("id", flat=True))


# --- the tree on a date ----------------------------------------------------------------------


def unit_header() -> list[str]:
    return [
        _("Code"),
        _("Name"),
        _("Level"),
        _("Parent code"),
        _("Valid from"),
        _("Valid to"),
        _("Kind"),
        _("Budget role"),
        _("Staff count"),
    ]


def unit_rows(visible: set[int] | None, day: dt.date) -> list[list[Cell]]:
    """One row per unit in operation on `day`, in tree order (parents before children)."""
    units = OrgUnit.objects.at(day).select_related("level")
    if visible is not None:
        units = units.filter(id__in=visible)
    by_id = {u.pk: u for u in units}
    versions = {
        v.unit_id: v for v in OrgUnitVersion.objects.at(day).filter(unit_id__in=list(by_id))
    }
    keys: dict[int, tuple[str, ...]] = {}
    order = sorted(by_id, key=lambda pk: _tree_key(pk, by_id, versions, keys))
    return [_unit_row(by_id[pk], versions.get(pk), by_id) for pk in order]


def _tree_key(
    pk: int,
    by_id: dict[int, OrgUnit],
    versions: dict[int, OrgUnitVersion],
    keys: dict[int, tuple[str, ...]],
) -> tuple[str, ...]:
    """Codes from the highest visible ancestor down to the unit (memoised in `keys`)."""
    if pk not in keys:
        version = versions.get(pk)
        parent = version.parent_id if version else None
        above = _tree_key(parent, by_id, versions, keys) if parent in by_id else ()
        keys[pk] = (*above, by_id[pk].code)
    return keys[pk]


def _unit_row(
    unit: OrgUnit, version: OrgUnitVersion | None, by_id: dict[int, OrgUnit]
) -> list[Cell]:
    """Code, name on the day, level, parent code, validity, kind, budget role, staff."""
    parent = version.parent_id if version else None
    parent_code = by_id[parent].code if parent in by_id else _code_of(parent)
    return [
        unit.code,
        version.name if version else unit.name,
        unit.level.code,
        parent_code,
        unit.valid_from,
        unit.valid_to if unit.valid_to < OPEN_END else None,
        str(unit.get_kind_display()),
        str(unit.get_budget_role_display()),
        unit.staff_count,
    ]


def _code_of(pk: int | None) -> str:
    if pk is None:
        return ""
    return str(OrgUnit.objects.filter(pk=pk).values_list("code", flat=True).first() or "")


# --- the history of events, in the import format ---------------------------------------------


class _History:
    """What the event rows need: units by id, each unit's versions by start date, and the
    units opened by a create event (the others were opened by a merge or a split)."""

    def __init__(self) -> None:
        """Load units, versions and the create/move events once (a few queries)."""
        self.units = OrgUnit.objects.select_related("level").in_bulk()
        self.versions: dict[tuple[int, dt.date], OrgUnitVersion] = {
            (v.unit_id, v.valid_from): v for v in OrgUnitVersion.objects.all()
        }
        self.starting: dict[dt.date, list[OrgUnitVersion]] = {}
        for version in sorted(self.versions.values(), key=lambda v: v.pk):
            self.starting.setdefault(version.valid_from, []).append(version)
        self.created = set(
            Reorganisation.objects.filter(kind=Reorganisation.Kind.CREATE).values_list(
                "subject_id", flat=True
            )
        )
        self.moved = set(
            Reorganisation.objects.filter(kind=Reorganisation.Kind.MOVE).values_list(
                "subject_id", "date"
            )
        )

    def code(self, pk: int | None) -> str:
        return self.units[pk].code if pk is not None else ""

    def version(self, pk: int, day: dt.date) -> OrgUnitVersion | None:
        return self.versions.get((pk, day))


def event_rows(visible: set[int] | None) -> list[list[Cell]]:
    """Every recorded event the user may see, oldest first, as rows of the tree format."""
    events = Reorganisation.objects.select_related("subject").prefetch_related("links")
    events = events.order_by("date", "id")
    if visible is not None:
        events = events.filter(subject_id__in=visible)
    history = _History()
    builders = {
        "create": _create_rows,
        "rename": _rename_rows,
        "move": _move_rows,
        "close": _close_rows,
        "merge": _merge_rows,
        "split": _split_rows,
    }
    rows: list[list[Cell]] = []
    for event in events:
        rows.extend(builders[event.kind](event, history))
    return rows


def _row(event: Reorganisation, code: str, **cells: Cell) -> list[Cell]:
    """A row of the tree format in column order; legal basis and note from the event."""
    values: dict[str, Cell] = {
        "event": event.kind,
        "date": event.date,
        "code": code,
        "legal_basis": event.legal_basis,
        "note": event.note,
        **cells,
    }
    return [values.get(c.key, "") for c in UNIT_COLUMNS]


def _opening(history: _History, pk: int, day: dt.date) -> dict[str, Cell]:
    """The cells that describe a unit opened on `day`: name, level, parent and the rest."""
    unit, version = history.units[pk], history.version(pk, day)
    return {
        "name": version.name if version else unit.name,
        "level": unit.level.code,
        "parent": history.code(version.parent_id) if version else "",
        "kind": unit.kind,
        "budget_role": unit.budget_role,
        "staff_count": unit.staff_count,
    }


def _create_rows(event: Reorganisation, history: _History) -> list[list[Cell]]:
    assert event.subject_id is not None
    subject = history.units[event.subject_id]
    return [_row(event, subject.code, **_opening(history, subject.pk, event.date))]


def _rename_rows(event: Reorganisation, history: _History) -> list[list[Cell]]:
    assert event.subject_id is not None
    version = history.version(event.subject_id, event.date)
    name = version.name if version else str(event.details.get("new_name", ""))
    return [_row(event, history.code(event.subject_id), name=name)]


def _move_rows(event: Reorganisation, history: _History) -> list[list[Cell]]:
    assert event.subject_id is not None
    version = history.version(event.subject_id, event.date)
    parent = history.code(version.parent_id) if version else ""
    return [_row(event, history.code(event.subject_id), parent=parent)]


def _close_rows(event: Reorganisation, history: _History) -> list[list[Cell]]:
    links = list(event.links.all())
    successor = history.code(links[0].successor_id) if links else ""
    return [_row(event, history.code(event.subject_id), into=successor)]


def _merge_rows(event: Reorganisation, history: _History) -> list[list[Cell]]:
    """One row per merged unit; a target opened by the merge is described on the first row."""
    assert event.subject_id is not None
    target = history.units[event.subject_id]
    sources = [history.code(link.predecessor_id) for link in event.links.all()]
    order = [str(c) for c in event.details.get("sources", [])]
    sources.sort(key=lambda c: order.index(c) if c in order else len(order))
    rows = [_row(event, code, into=target.code) for code in sources]
    opened = target.valid_from == event.date and target.pk not in history.created
    if opened and rows:
        rows[0] = _row(
            event, sources[0], into=target.code, **_opening(history, target.pk, event.date)
        )
    return rows


def _split_rows(event: Reorganisation, history: _History) -> list[list[Cell]]:
    """One row per new unit, then a move row for each unit the split placed under one."""
    assert event.subject_id is not None
    source = history.code(event.subject_id)
    order = [str(c) for c in event.details.get("parts", [])]
    parts = [link.successor_id for link in event.links.all()]
    parts.sort(
        key=lambda pk: (
            order.index(history.code(pk)) if history.code(pk) in order else len(order),
            pk,
        )
    )
    rows = [
        _row(event, source, into=history.code(pk), **_opening(history, pk, event.date))
        for pk in parts
    ]
    for version in history.starting.get(event.date, []):
        placed = version.parent_id in parts and version.unit_id not in parts
        if placed and (version.unit_id, event.date) not in history.moved:
            cells: dict[str, Cell] = {
                "event": "move",
                "date": event.date,
                "code": history.code(version.unit_id),
                "parent": history.code(version.parent_id),
            }
            rows.append([cells.get(c.key, "") for c in UNIT_COLUMNS])
    return rows


# --- staff -----------------------------------------------------------------------------------


def person_rows(user: Any) -> list[list[Cell]]:
    """One row per visible person: identity and current position, in the staff format."""
    people = list(persons_for_user(user).order_by("sort_key", "code"))
    current = {
        p.person_id: p
        for p in Position.objects.filter(valid_to=OPEN_END, person__in=people).select_related(
            "unit"
        )
    }
    rows: list[list[Cell]] = []
    for person in people:
        position = current.get(person.pk)
        rows.append(
            [
                person.code,
                person.full_name,
                str(person.get_gender_display()) if person.gender else "",
                person.birth_date,
                person.joined_on,
                position.unit.code if position else "",
                position.title if position else "",
                position.valid_from if position else None,
            ]
        )
    return rows
