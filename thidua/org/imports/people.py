"""The staff import: create or update people and record their new positions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.lib.dates import OPEN_END, format_vn_date
from thidua.lib.spreadsheets import Table
from thidua.lib.text import fold, nfc
from thidua.org import actions
from thidua.org.body import JOINED_ON_LABEL
from thidua.org.models import OrgUnit, Person, Position

from .common import (
    Column,
    FieldChange,
    ImportResult,
    Preview,
    RowChange,
    apply_all,
    at_row,
    capped,
    keyed_rows,
    map_header,
    parse_choice,
    parse_date_cell,
)

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Staff code"), ("mã cán bộ", "mã", "mã nhân sự")),
    Column("full_name", gettext_lazy("Full name"), ("họ và tên", "họ tên", "tên")),
    Column("gender", gettext_lazy("Gender"), ("giới tính",)),
    Column("birth_date", gettext_lazy("Date of birth"), ("ngày sinh",)),
    # Headed in the body's words (JOINED_ON_LABEL, both languages); the neutral ones too.
    Column("joined_on", JOINED_ON_LABEL, ("ngày vào cơ quan", "joined on")),
    Column("unit", gettext_lazy("Unit code"), ("mã đơn vị", "đơn vị")),
    Column("position", gettext_lazy("Position"), ("chức vụ",)),
    Column("position_from", gettext_lazy("Position from"), ("từ ngày", "giữ chức vụ từ ngày")),
)
PERSON_REQUIRED: tuple[str, ...] = ("code", "full_name")


GENDER_ALIASES: dict[str, tuple[str, ...]] = {"female": ("nữ", "nu"), "male": ("nam",)}


@dataclass
class PersonRow:
    """One parsed row of the staff format; empty optional cells leave stored values alone."""

    number: int
    code: str
    full_name: str
    gender: str | None = None
    birth_date: dt.date | None = None
    joined_on: dt.date | None = None
    unit: OrgUnit | None = None
    position: str = ""
    position_from: dt.date | None = None


def import_people(
    table: Table,
    *,
    confirm_updates: bool = False,
    expect: str = "",
    scope_units: frozenset[int] | None = None,
) -> ImportResult:
    """Check the whole staff file, then create or update each person and record a new
    position where it differs from the current one, in one transaction (all or nothing).
    Counts: created, updated, positions.

    A row whose code is already a person's and that changes their record is an update: unless
    `confirm_updates` (and, when `expect` is given, the previewed changes still have that
    digest), nothing is written and the result's preview lists every change, old → new, for
    the user to confirm. A code held by a person outside `scope_units` (None: every unit),
    or by a person whose name differs (likely someone else under a reused code), is refused."""
    mapping, errors = map_header(table.header, PERSON_COLUMNS, PERSON_REQUIRED)
    if errors:
        return ImportResult(errors=errors)
    units = {u.code: u for u in OrgUnit.objects.all()}
    rows: list[PersonRow] = []
    first_row: dict[str, int] = {}
    for number, cells in keyed_rows(table, mapping, PERSON_COLUMNS):
        row = _parse_person_row(number, cells, units, errors)
        if row is None:
            continue
        if row.code in first_row:
            errors.append(
                at_row(
                    number,
                    _("the staff code “%(code)s” already appears on row %(other)s.")
                    % {"code": row.code, "other": first_row[row.code]},
                )
            )
        first_row.setdefault(row.code, number)
        rows.append(row)
    if not errors:
        errors = [e for row in rows for e in _position_problems(row)]
    if not rows and not errors:
        errors = [_("The file has no rows below the header.")]
    if errors:
        return ImportResult(errors=capped(errors))
    preview = preview_people(rows, scope_units)
    if not preview.ok:
        return ImportResult(errors=capped(preview.errors))
    if preview.updates and (not confirm_updates or (expect and expect != preview.digest())):
        return ImportResult(preview=preview, stale=confirm_updates)
    return apply_all(rows, _apply_person, lambda row: row.number)


def preview_people(rows: list[PersonRow], scope_units: frozenset[int] | None) -> Preview:
    """What each checked row will do: create a person, update one (old → new values) or
    nothing; a code held outside the scope or by someone with another name is refused."""
    preview = Preview()
    existing = {
        p.code: p
        for p in Person.objects.filter(code__in=[r.code for r in rows]).prefetch_related(
            "positions__unit"
        )
    }
    for row in rows:
        person = existing.get(row.code)
        if person is None:
            preview.changes.append(
                RowChange(
                    row.number,
                    RowChange.CREATE,
                    _subject(row.full_name, row.code),
                    _person_fields(row, None),
                )
            )
            continue
        problem = _takeover_problem(row, person, scope_units)
        if problem:
            preview.errors.append(at_row(row.number, problem))
            continue
        fields = tuple(f for f in _person_fields(row, person) if f.old != f.new)
        if fields:
            preview.changes.append(
                RowChange(
                    row.number, RowChange.UPDATE, _subject(person.full_name, row.code), fields
                )
            )
        else:
            preview.unchanged += 1
    return preview


def _subject(name: str, code: str) -> str:
    return f"{nfc(name)} ({code})"


def _takeover_problem(row: PersonRow, person: Person, scope_units: frozenset[int] | None) -> str:
    """Why this row may not update the existing person with its code ("" if it may)."""
    if scope_units is not None and not any(
        p.unit_id in scope_units for p in person.positions.all()
    ):
        return _(
            "the staff code “%(code)s” belongs to a person outside your units; their record "
            "cannot be changed from here."
        ) % {"code": row.code}
    if fold(person.full_name) != fold(row.full_name):
        return _(
            "the staff code “%(code)s” already belongs to “%(name)s”, not “%(new)s”; if this is "
            "another person, give them a new staff code."
        ) % {"code": row.code, "name": person.full_name, "new": row.full_name}
    return ""


def _person_fields(row: PersonRow, person: Person | None) -> tuple[FieldChange, ...]:
    """The values the row sets, with the stored ones (empty for a new person). An empty
    optional cell keeps the stored value, so it changes nothing."""

    def gender(value: str | None) -> str:
        return str(Person.Gender(value).label) if value else ""

    def day(value: dt.date | None) -> str:
        return format_vn_date(value) if value else ""

    old = person or Person()
    pairs = [
        (_("Full name"), old.full_name or "", nfc(row.full_name)),
        (_("Gender"), gender(old.gender), gender(row.gender or old.gender)),
        (_("Date of birth"), day(old.birth_date), day(row.birth_date or old.birth_date)),
        (
            str(JOINED_ON_LABEL),
            day(old.joined_on),
            day(row.joined_on or old.joined_on),
        ),
    ]
    if row.unit is not None and row.position_from is not None:
        current = None
        if person is not None:
            current = next((p for p in person.positions.all() if p.valid_to == OPEN_END), None)
        shown_old = f"{current.title}, {current.unit.name}" if current is not None else ""
        if current is not None and _same_position(current, row):
            shown_new = shown_old
        else:
            shown_new = _("%(title)s, %(unit)s, from %(date)s") % {
                "title": nfc(row.position),
                "unit": row.unit.name,
                "date": format_vn_date(row.position_from),
            }
        pairs.append((_("Position"), shown_old, shown_new))
    return tuple(FieldChange(label, a, b) for label, a, b in pairs if a or b)


def _parse_person_row(
    number: int, cells: dict[str, str], units: dict[str, OrgUnit], errors: list[str]
) -> PersonRow | None:
    """Check one staff row's own cells; append problems; None if it has any."""
    before = len(errors)
    if not cells["code"] or not cells["full_name"]:
        errors.append(at_row(number, _("the staff code and the full name are required.")))
    row = PersonRow(number, cells["code"], cells["full_name"], position=cells["position"])
    if len(row.code) > 40 or len(row.full_name) > 120 or len(row.position) > 120:
        errors.append(
            at_row(
                number,
                _(
                    "a value is too long (staff code at most 40 "
                    "characters, name and position at most 120)."
                ),
            )
        )
    if cells["gender"]:
        row.gender = parse_choice(cells["gender"], Person.Gender, GENDER_ALIASES)
        if row.gender is None:
            errors.append(
                at_row(
                    number,
                    _("unknown gender “%(text)s”; use Nữ or Nam.") % {"text": cells["gender"]},
                )
            )
    row.birth_date = parse_date_cell(number, cells["birth_date"], "", errors, required=False)
    row.joined_on = parse_date_cell(number, cells["joined_on"], "", errors, required=False)
    _parse_position(row, cells, units, errors)
    return row if len(errors) == before else None


def _parse_position(
    row: PersonRow, cells: dict[str, str], units: dict[str, OrgUnit], errors: list[str]
) -> None:
    """Unit code, position and start date: all three or none."""
    given = [bool(cells[k]) for k in ("unit", "position", "position_from")]
    if not any(given):
        return
    if not all(given):
        errors.append(
            at_row(
                row.number,
                _("to record a position give the unit code, the position and the date it starts."),
            )
        )
        return
    row.unit = units.get(cells["unit"])
    if row.unit is None:
        errors.append(
            at_row(row.number, _("no unit has the code “%(code)s”.") % {"code": cells["unit"]})
        )
    row.position_from = parse_date_cell(
        row.number, cells["position_from"], _("Position from"), errors, required=True
    )


def _position_problems(row: PersonRow) -> list[str]:
    """Would recording this row's position be refused or overlap the person's history?"""
    if row.unit is None or row.position_from is None:
        return []
    day = format_vn_date(row.position_from)
    if not row.unit.is_open_on(row.position_from):
        return [
            at_row(
                row.number,
                _("the unit “%(code)s” is not in operation on %(date)s.")
                % {"code": row.unit.code, "date": day},
            )
        ]
    last = Position.objects.filter(person__code=row.code).order_by("-valid_from").first()
    if last is None or _same_position(last, row):
        return []
    if row.position_from <= last.valid_from or (
        last.valid_to < OPEN_END and row.position_from < last.valid_to
    ):
        return [
            at_row(
                row.number,
                _(
                    "the latest recorded position of “%(code)s” starts on "
                    "%(start)s; a new position must start after it (and after "
                    "it ended)."
                )
                % {"code": row.code, "start": format_vn_date(last.valid_from)},
            )
        ]
    return []


def _same_position(position: Position, row: PersonRow) -> bool:
    """The row repeats the person's current position (same unit and title): nothing to do."""
    return (
        position.valid_to == OPEN_END
        and row.unit is not None
        and position.unit_id == row.unit.pk
        and position.title == nfc(row.position)
    )


def _apply_person(row: PersonRow) -> str:
    """Create or update one person and record a new position if needed; return what was
    done ('created'/'updated' and 'position') for counting."""
    person = Person.objects.filter(code=row.code).first()
    done = "created" if person is None else ""
    person = person or Person(code=row.code)
    before = (person.full_name, person.gender, person.birth_date, person.joined_on)
    person.full_name = row.full_name
    person.gender = row.gender if row.gender is not None else person.gender
    person.birth_date = row.birth_date or person.birth_date
    person.joined_on = row.joined_on or person.joined_on
    if done or before != (person.full_name, person.gender, person.birth_date, person.joined_on):
        actions.save_person(person)
        done = done or "updated"
    if row.unit is not None and row.position_from is not None:
        current = person.positions.filter(valid_to=OPEN_END).first()
        if current is None or not _same_position(current, row):
            actions.assign_position(person, row.unit, row.position, day=row.position_from)
            done += " position"
    return done
