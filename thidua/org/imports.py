"""Importing the organisation tree (as dated reorganisation events) and staff records.

Both imports are all-or-nothing: the whole file is checked first and every problem is reported
with the row number the user sees in Excel (the header is row 1); only a clean file is applied,
inside one transaction, through the actions in `thidua.org.actions`. If an action still refuses
a row, its message is reported with that row's number and the transaction is rolled back.

Tree format — one row per event, applied in date order (rows with the same date keep their order
in the file):

* create  code, name, level, parent (empty = top level), kind, budget_role, staff_count
* rename  code, name (the new name)
* move    code, parent (the new parent; empty = becomes a top-level unit)
* close   code, into (optional: the unit that takes over its work)
* merge   one row per merged unit: code (the unit merged), into (the target). Rows with the
          same date and target form one merge. If the target does not exist yet, the first
          row of the merge also gives its name, level, parent, kind, budget_role, staff_count
          and the merge creates it.
* split   one row per new unit: code (the unit split), into (the new unit's code), name, level,
          parent, kind, budget_role, staff_count. Rows with the same date and code form one
          split. Each unit directly under the split unit is placed by a `move` row with the
          same date whose parent is one of the new units.

For a merge or a split, legal_basis and note are taken from its first row.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.lib.dates import OPEN_END, InvalidDate, format_vn_date, parse_vn_date
from thidua.lib.numbers import InvalidNumber, parse_vn_number
from thidua.lib.spreadsheets import Table
from thidua.lib.text import fold, nfc

from . import actions
from .models import OrgLevel, OrgUnit, OrgUnitVersion, Person, Position, Reorganisation

MAX_MESSAGES = 200
"""At most this many problems are listed; the rest are counted."""

EARLIEST = dt.date(1900, 1, 1)
T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """One column of an import format: its key, its label (translated in headers) and other
    spellings accepted in a header (compared without case or diacritics)."""

    key: str
    label: Promise
    aliases: tuple[str, ...] = ()

    def spellings(self) -> set[str]:
        """Every folded header text that names this column: its key, its label in every
        language of the site, and its aliases."""
        names = {self.key, self.key.replace("_", " "), *translations(self.label), *self.aliases}
        return {fold(n) for n in names}


def translations(label: Promise | str) -> set[str]:
    """The label as written in each language of the site (a file exported in one language
    imports in any other)."""
    found = {str(label)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(label))
    return found


UNIT_COLUMNS: tuple[Column, ...] = (
    Column("event", gettext_lazy("Event"), ("sự kiện", "loại sự kiện")),
    Column("date", gettext_lazy("Effective date"), ("ngày", "ngày hiệu lực")),
    Column("code", gettext_lazy("Code"), ("mã", "mã đơn vị")),
    Column("name", gettext_lazy("Name"), ("tên", "tên đơn vị")),
    Column("level", gettext_lazy("Level"), ("cấp", "cấp đơn vị")),
    Column("parent", gettext_lazy("Parent code"), ("mã đơn vị cha", "đơn vị cha", "cấp trên")),
    Column(
        "into",
        gettext_lazy("Receiving unit code"),
        (
            "hợp nhất vào",
            "sáp nhập vào",
            "đơn vị tiếp nhận",
            "mã đơn vị tiếp nhận",
            "đơn vị kế thừa",
        ),
    ),
    Column("kind", gettext_lazy("Kind"), ("loại", "loại hình")),
    Column("budget_role", gettext_lazy("Budget role"), ("vai trò ngân sách",)),
    Column("staff_count", gettext_lazy("Staff count"), ("biên chế", "số biên chế")),
    Column(
        "legal_basis", gettext_lazy("Legal basis"), ("căn cứ", "căn cứ pháp lý", "số quyết định")
    ),
    Column("note", gettext_lazy("Note"), ("ghi chú",)),
)
UNIT_REQUIRED: tuple[str, ...] = ("event", "date", "code")

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Staff code"), ("mã cán bộ", "mã", "mã nhân sự")),
    Column("full_name", gettext_lazy("Full name"), ("họ và tên", "họ tên", "tên")),
    Column("gender", gettext_lazy("Gender"), ("giới tính",)),
    Column("birth_date", gettext_lazy("Date of birth"), ("ngày sinh",)),
    Column("joined_on", gettext_lazy("Joined the sector on"), ("ngày vào ngành",)),
    Column("unit", gettext_lazy("Unit code"), ("mã đơn vị", "đơn vị")),
    Column("position", gettext_lazy("Position"), ("chức vụ",)),
    Column("position_from", gettext_lazy("Position from"), ("từ ngày", "giữ chức vụ từ ngày")),
)
PERSON_REQUIRED: tuple[str, ...] = ("code", "full_name")

EVENT_ALIASES: dict[str, tuple[str, ...]] = {
    "create": ("thành lập", "tạo mới", "tạo"),
    "rename": ("đổi tên",),
    "move": ("chuyển", "điều chuyển"),
    "merge": ("hợp nhất", "sáp nhập"),
    "split": ("chia tách", "tách"),
    "close": ("giải thể", "chấm dứt"),
}
KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "agency": ("cơ quan",),
    "internal": ("nội bộ", "đơn vị nội bộ"),
}
BUDGET_ALIASES: dict[str, tuple[str, ...]] = {
    "direct_spending": ("đơn vị sử dụng ngân sách",),
    "upper_level": ("đơn vị dự toán cấp trên",),
    "budget_level": ("cấp ngân sách",),
    "none": ("không", "không có"),
}
GENDER_ALIASES: dict[str, tuple[str, ...]] = {"female": ("nữ", "nu"), "male": ("nam",)}


@dataclass
class ImportResult:
    """What an import did: the problems found (nothing written if any) and, on success,
    counts of what was written by kind."""

    errors: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.errors


class _RefusedError(Exception):
    """Raised inside the transaction to roll it back, carrying the row-numbered message."""


# --- shared helpers --------------------------------------------------------------------------


def at_row(row: int, message: str) -> str:
    """'Row 5: message' (translated)."""
    return _("Row %(row)s: %(message)s") % {"row": row, "message": message}


def map_header(
    header: Sequence[str], columns: Sequence[Column], required: Sequence[str]
) -> tuple[dict[str, str], list[str]]:
    """Match header cells to column keys; return the mapping and the problems (unknown,
    repeated or missing columns)."""
    known = {spelling: col.key for col in columns for spelling in col.spellings()}
    mapping: dict[str, str] = {}
    errors: list[str] = []
    for text in header:
        key = known.get(fold(text))
        if not text:
            continue
        if key is None:
            errors.append(
                _("Row 1: the column “%(name)s” is not part of this format.") % {"name": text}
            )
        elif key in mapping.values():
            errors.append(_("Row 1: the column “%(name)s” appears twice.") % {"name": text})
        else:
            mapping[text] = key
    missing = [c for c in columns if c.key in required and c.key not in mapping.values()]
    errors += [
        _("Row 1: the required column “%(name)s” is missing.") % {"name": c.label} for c in missing
    ]
    return mapping, errors


def header_matches(
    columns: Sequence[Column], required: Sequence[str]
) -> Callable[[list[str]], bool]:
    """A test for read_table(prefer=…): does a sheet's header have the required columns?"""

    def test(header: list[str]) -> bool:
        mapping, _errors = map_header(header, columns, required)
        return all(key in mapping.values() for key in required)

    return test


def _choice(text: str, choices: Any, aliases: dict[str, tuple[str, ...]]) -> str | None:
    """The choice value that `text` names (its value, its label in any language of the site,
    or a Vietnamese alias); None if it names none."""
    names = _choice_names(choices, tuple(sorted(aliases.items())), translation.get_language())
    return names.get(fold(text))


@functools.lru_cache(maxsize=64)
def _choice_names(
    choices: Any, aliases: tuple[tuple[str, tuple[str, ...]], ...], language: str | None
) -> dict[str, str]:
    """Folded name → choice value, computed once per set of choices and language."""
    extra = dict(aliases)
    return {
        fold(name): str(value)
        for value, label in choices.choices
        for name in {value, *translations(label), *extra.get(value, ())}
    }


def _date(text: str) -> dt.date:
    """A real date between 1900 and 9998; raise InvalidDate otherwise."""
    day = parse_vn_date(text)
    if not EARLIEST <= day < OPEN_END:
        raise InvalidDate(text)
    return day


def _capped(errors: list[str]) -> list[str]:
    """The first MAX_MESSAGES problems and a count of the rest."""
    if len(errors) <= MAX_MESSAGES:
        return errors
    rest = len(errors) - MAX_MESSAGES
    return [*errors[:MAX_MESSAGES], _("… and %(n)s more problems.") % {"n": rest}]


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _keyed_rows(
    table: Table, mapping: dict[str, str], columns: Sequence[Column]
) -> list[tuple[int, dict[str, str]]]:
    """Each row as (number, {column key: text}), every key present."""
    blank = {c.key: "" for c in columns}
    return [
        (row.number, blank | {mapping[h]: v for h, v in row.values.items() if h in mapping})
        for row in table.rows
    ]


# --- tree import: parsing --------------------------------------------------------------------


@dataclass
class UnitRow:
    """One parsed row of the tree format."""

    number: int
    event: str
    date: dt.date
    code: str
    name: str = ""
    level: OrgLevel | None = None
    parent: str = ""
    into: str = ""
    kind: str = OrgUnit.Kind.AGENCY
    budget_role: str = OrgUnit.BudgetRole.NONE
    staff_count: int = 0
    legal_basis: str = ""
    note: str = ""


def _levels() -> dict[str, OrgLevel]:
    """Levels by folded code, then by folded name where no code collides."""
    levels = list(OrgLevel.objects.all())
    by_name = {fold(lv.name): lv for lv in levels}
    return by_name | {fold(lv.code): lv for lv in levels}


def _parse_unit_row(
    number: int, cells: dict[str, str], levels: dict[str, OrgLevel], errors: list[str]
) -> UnitRow | None:
    """Check one row's own cells; append problems to `errors`; None if it has any."""
    before = len(errors)
    event = _choice(cells["event"], Reorganisation.Kind, EVENT_ALIASES)
    if event is None:
        errors.append(
            at_row(
                number,
                _("unknown event “%(text)s”; use create, rename, move, merge, split or close.")
                % {"text": cells["event"]},
            )
        )
    day = _parse_date_cell(number, cells["date"], _("effective date"), errors, required=True)
    if not cells["code"]:
        errors.append(at_row(number, _("the unit code is empty.")))
    row = UnitRow(
        number,
        event or "",
        day or EARLIEST,
        cells["code"],
        name=cells["name"],
        parent=cells["parent"],
        into=cells["into"],
        legal_basis=cells["legal_basis"],
        note=cells["note"],
    )
    _parse_unit_details(row, cells, levels, errors)
    if event in ("merge", "split") and not row.into:
        errors.append(
            at_row(
                number,
                _("a %(event)s needs the receiving unit code.")
                % {"event": Reorganisation.Kind(event).label},
            )
        )
    return row if len(errors) == before else None


def _parse_unit_details(
    row: UnitRow, cells: dict[str, str], levels: dict[str, OrgLevel], errors: list[str]
) -> None:
    """Level, kind, budget role and staff count of a row (used when a unit is opened)."""
    if cells["level"]:
        row.level = levels.get(fold(cells["level"]))
        if row.level is None:
            errors.append(
                at_row(row.number, _("unknown level “%(text)s”.") % {"text": cells["level"]})
            )
    if cells["kind"]:
        kind = _choice(cells["kind"], OrgUnit.Kind, KIND_ALIASES)
        if kind is None:
            errors.append(
                at_row(row.number, _("unknown kind “%(text)s”.") % {"text": cells["kind"]})
            )
        row.kind = kind or row.kind
    if cells["budget_role"]:
        role = _choice(cells["budget_role"], OrgUnit.BudgetRole, BUDGET_ALIASES)
        if role is None:
            errors.append(
                at_row(
                    row.number,
                    _("unknown budget role “%(text)s”.") % {"text": cells["budget_role"]},
                )
            )
        row.budget_role = role or row.budget_role
    if cells["staff_count"]:
        row.staff_count = _parse_count(row.number, cells["staff_count"], errors)


def _parse_count(number: int, text: str, errors: list[str]) -> int:
    """A whole number of staff, 0 or more."""
    try:
        value = parse_vn_number(text)
    except InvalidNumber:
        value = None
    if value is None or value != value.to_integral_value() or not 0 <= value < 2**31:
        errors.append(
            at_row(number, _("the staff count “%(text)s” is not a whole number.") % {"text": text})
        )
        return 0
    return int(value)


def _parse_date_cell(
    number: int, text: str, what: str, errors: list[str], *, required: bool
) -> dt.date | None:
    """A dd/mm/yyyy cell; a missing (when required) or impossible date is a problem."""
    if not text:
        if required:
            errors.append(at_row(number, _("the %(what)s is empty.") % {"what": what}))
        return None
    try:
        return _date(text)
    except InvalidDate:
        errors.append(
            at_row(
                number,
                _("“%(text)s” is not a real date; write it as dd/mm/yyyy, e.g. 05/03/2025.")
                % {"text": text},
            )
        )
        return None


# --- tree import: grouping into operations ---------------------------------------------------


@dataclass
class Operation:
    """One action to take: a single row, or the rows of one merge or one split (with the
    move rows that place the split unit's children)."""

    kind: str
    date: dt.date
    rows: list[UnitRow]
    moves: list[UnitRow] = field(default_factory=list)

    @property
    def row(self) -> UnitRow:
        return self.rows[0]


def plan(rows: Sequence[UnitRow]) -> list[Operation]:
    """Group rows into operations and order them by date, keeping file order within a date."""
    groups: dict[tuple[str, dt.date, str], Operation] = {}
    singles: list[Operation] = []
    for row in rows:
        if row.event in ("merge", "split"):
            key = (row.event, row.date, row.into if row.event == "merge" else row.code)
            groups.setdefault(key, Operation(row.event, row.date, [])).rows.append(row)
        else:
            singles.append(Operation(row.event, row.date, [row]))
    splits = [op for op in groups.values() if op.kind == "split"]
    kept = [op for op in singles if not _attach_to_split(op, splits)]
    return sorted([*groups.values(), *kept], key=lambda op: (op.date, op.row.number))


def _attach_to_split(op: Operation, splits: list[Operation]) -> bool:
    """A move row dated on a split, under one of its new units, places a child of the split."""
    if op.kind != "move":
        return False
    for split in splits:
        if split.date == op.date and op.row.parent in {r.into for r in split.rows}:
            split.moves.append(op.row)
            return True
    return False


def _cycles(rows: Sequence[UnitRow]) -> list[str]:
    """Units created in the file whose parents (also created in the file) lead back to them."""
    parent = {r.code: r for r in rows if r.event == "create" and r.parent}
    errors: list[str] = []
    reported: set[str] = set()
    for start in parent:
        chain, code = [start], parent[start].parent
        while code in parent and code not in chain:
            chain.append(code)
            code = parent[code].parent
        if code == start and not reported & set(chain):
            reported |= set(chain)
            rows_text = ", ".join(str(parent[c].number) for c in chain)
            errors.append(
                _(
                    "Rows %(rows)s: the parents of %(chain)s refer to each other in a "
                    "cycle; a unit cannot be under itself."
                )
                % {"rows": rows_text, "chain": " → ".join([*chain, start])}
            )
    return errors


# --- tree import: checking against the tree as it will be ------------------------------------


@dataclass
class SimUnit:
    """What the check needs to know about a unit: its life, last change, name and parent."""

    code: str
    name: str
    start: dt.date
    end: dt.date | None
    last_change: dt.date
    parent: str | None


class TreeCheck:
    """Replays the planned operations on an in-memory copy of the tree's current state and
    records, with row numbers, every event the actions would refuse or that would break the
    history (events must follow each unit's last change and the last recorded reorganisation)."""

    def __init__(self, created_in_file: dict[str, UnitRow]) -> None:
        self.units: dict[str, SimUnit] = {}
        self.children: dict[str, set[str]] = {}
        self.errors: list[str] = []
        self.created_in_file = created_in_file
        self.origin: dict[str, int] = {}
        self.floor = _history_floor()
        self._load()

    def _load(self) -> None:
        """Load every unit's current state (one query for units, one for open versions)."""
        current = {
            unit_id: (parent, since)
            for unit_id, parent, since in OrgUnitVersion.objects.filter(
                valid_to=OPEN_END
            ).values_list("unit_id", "parent__code", "valid_from")
        }
        for pk, code, name, start, end in OrgUnit.objects.values_list(
            "id", "code", "name", "valid_from", "valid_to"
        ):
            parent, since = current.get(pk, (None, end))
            closed = end if end < OPEN_END else None
            self._add(SimUnit(code, name, start, closed, since, parent if closed is None else None))

    def _add(self, unit: SimUnit) -> None:
        self.units[unit.code] = unit
        self.children.setdefault(unit.code, set())
        if unit.parent is not None:
            self.children.setdefault(unit.parent, set()).add(unit.code)

    def fail(self, row: UnitRow, message: str) -> bool:
        """Record a problem on `row`; always False so checks read `return self.fail(...)`."""
        self.errors.append(at_row(row.number, message))
        return False

    def run(self, operations: Iterable[Operation]) -> list[str]:
        """Check every operation in order; return the problems."""
        checks: dict[str, Callable[[Operation], bool]] = {
            "create": self.create,
            "rename": self.rename,
            "move": self.move,
            "close": self.close,
            "merge": self.merge,
            "split": self.split,
        }
        for op in operations:
            checks[op.kind](op)
        return self.errors

    # -- elementary checks --

    def existing(self, row: UnitRow, code: str) -> SimUnit | None:
        """The unit with `code` if it exists at this point; otherwise record why not."""
        unit = self.units.get(code)
        if unit is not None:
            return unit
        later = self.created_in_file.get(code)
        if later is not None and (later.date, later.number) > (row.date, row.number):
            self.fail(
                row,
                _(
                    "the unit “%(code)s” does not exist yet on %(date)s; it is created "
                    "on row %(other)s, dated %(start)s."
                )
                % {
                    "code": code,
                    "date": format_vn_date(row.date),
                    "other": later.number,
                    "start": format_vn_date(later.date),
                },
            )
        else:
            self.fail(row, _("no unit has the code “%(code)s”.") % {"code": code})
        return None

    def open_on(self, row: UnitRow, unit: SimUnit, role: str = "") -> bool:
        """Is the unit in operation on the row's date? Record why not; `role` ("into",
        "successor") words the message for a merge target or a successor."""
        if row.date < unit.start:
            return self.fail(
                row,
                _("the unit “%(code)s” does not exist yet on %(date)s; it begins on %(start)s.")
                % {
                    "code": unit.code,
                    "date": format_vn_date(row.date),
                    "start": format_vn_date(unit.start),
                },
            )
        if unit.end is None or row.date < unit.end:
            return True
        if role == "into":
            message = _("cannot merge into “%(code)s”: it was closed on %(end)s.")
        elif role == "successor":
            message = _("the successor “%(code)s” was closed on %(end)s.")
        else:
            message = _("the unit “%(code)s” was closed on %(end)s; no event can follow.")
        return self.fail(row, message % {"code": unit.code, "end": format_vn_date(unit.end)})

    def after_last_change(self, row: UnitRow, unit: SimUnit) -> bool:
        """Is the row dated after the unit's last change? Record why not."""
        if row.date > unit.last_change:
            return True
        return self.fail(
            row,
            _(
                "the unit “%(code)s” already changed on %(last)s; this event, "
                "dated %(date)s, must come after it."
            )
            % {
                "code": unit.code,
                "last": format_vn_date(unit.last_change),
                "date": format_vn_date(row.date),
            },
        )

    def after_floor(self, row: UnitRow) -> bool:
        """Is the row dated on or after the last reorganisation already recorded?"""
        if self.floor is None or row.date >= self.floor:
            return True
        return self.fail(
            row,
            _(
                "the date %(date)s is before the last reorganisation already "
                "recorded (%(floor)s); history can only be added after it."
            )
            % {"date": format_vn_date(row.date), "floor": format_vn_date(self.floor)},
        )

    def changeable(self, row: UnitRow, code: str) -> SimUnit | None:
        """The unit if it exists, is open on the date and has not changed since."""
        unit = self.existing(row, code)
        if unit is None or not self.open_on(row, unit) or not self.after_last_change(row, unit):
            return None
        return unit

    def parent_ok(self, row: UnitRow, code: str) -> bool:
        """An empty parent (top level) or an existing unit open on the date."""
        if not code:
            return True
        parent = self.existing(row, code)
        return parent is not None and self.open_on(row, parent)

    def new_code(self, row: UnitRow, code: str) -> bool:
        """A code not used yet, in the database or earlier in the file."""
        if code not in self.units:
            return True
        if code in self.origin:
            return self.fail(
                row,
                _("the code “%(code)s” is already created on row %(other)s.")
                % {"code": code, "other": self.origin[code]},
            )
        return self.fail(row, _("the code “%(code)s” already exists.") % {"code": code})

    def subtree(self, code: str) -> set[str]:
        """The unit and every open unit under it now."""
        found, frontier = {code}, [code]
        while frontier:
            below = self.children.get(frontier.pop(), set()) - found
            found |= below
            frontier.extend(below)
        return found

    def opened(self, row: UnitRow, code: str, parent: str) -> None:
        """Record a unit opened by `row`."""
        self._add(SimUnit(code, row.name, row.date, None, row.date, parent or None))
        self.origin[code] = row.number

    def reparent(self, code: str, parent: str | None, day: dt.date) -> None:
        unit = self.units[code]
        if unit.parent is not None:
            self.children[unit.parent].discard(code)
        if parent is not None:
            self.children.setdefault(parent, set()).add(code)
        unit.parent, unit.last_change = parent, day

    def closed(self, code: str, day: dt.date) -> None:
        self.reparent(code, None, day)
        self.units[code].end = day

    # -- one check per kind of event --

    def create(self, op: Operation) -> bool:
        """A new code, a name and a level, under an open parent (or at the top)."""
        row = op.row
        if not (self.after_floor(row) and self.new_code(row, row.code)):
            return False
        if not row.name or row.level is None:
            return self.fail(row, _("a new unit needs a name and a level."))
        if not self.parent_ok(row, row.parent):
            return False
        self.opened(row, row.code, row.parent)
        return True

    def rename(self, op: Operation) -> bool:
        """An open unit, unchanged since, gets a different non-empty name."""
        row = op.row
        unit = self.changeable(row, row.code)
        if unit is None:
            return False
        if not row.name:
            return self.fail(row, _("the new name is empty."))
        if row.name == unit.name:
            return self.fail(
                row,
                _("the unit “%(code)s” already bears the name “%(name)s”.")
                % {"code": unit.code, "name": row.name},
            )
        unit.name, unit.last_change = row.name, row.date
        return True

    def move(self, op: Operation) -> bool:
        """An open unit, unchanged since, goes under an open parent outside its subtree."""
        row = op.row
        if not self.after_floor(row):
            return False
        unit = self.changeable(row, row.code)
        if unit is None or not self.parent_ok(row, row.parent):
            return False
        if row.parent in self.subtree(unit.code):
            return self.fail(
                row,
                _(
                    "moving “%(code)s” under “%(parent)s” would make a cycle: "
                    "“%(parent)s” is inside “%(code)s”."
                )
                % {"code": unit.code, "parent": row.parent},
            )
        self.reparent(unit.code, row.parent or None, row.date)
        return True

    def close(self, op: Operation) -> bool:
        """An open unit with nothing under it closes; an optional successor must be open."""
        row = op.row
        if not self.after_floor(row):
            return False
        unit = self.changeable(row, row.code)
        if unit is None:
            return False
        if row.into and not self.successor_ok(row, unit):
            return False
        below = sorted(self.children[unit.code])
        if below:
            return self.fail(
                row,
                _(
                    "the unit “%(code)s” still has units under it (%(list)s); "
                    "move or close them first."
                )
                % {"code": unit.code, "list": ", ".join(below)},
            )
        self.closed(unit.code, row.date)
        return True

    def successor_ok(self, row: UnitRow, unit: SimUnit) -> bool:
        """The unit named in `into` takes over a closing unit's work: open, and not itself."""
        if row.into == unit.code:
            return self.fail(row, _("a unit cannot be merged into itself."))
        successor = self.existing(row, row.into)
        return successor is not None and self.open_on(row, successor, "successor")

    def movable_children(self, row: UnitRow, code: str) -> bool:
        """Can every unit under `code` be moved on the row's date?"""
        return all(self.after_last_change(row, self.units[c]) for c in sorted(self.children[code]))

    def merge(self, op: Operation) -> bool:
        """The merged units close and their children move to the (existing or new) target."""
        target = op.row.into
        if not self.after_floor(op.row) or not self.merge_target(op):
            return False
        sources = self.merge_sources(op)
        if sources is None:
            return False
        for source in sources:
            for child in sorted(self.children[source]):
                self.reparent(child, target, op.date)
            self.closed(source, op.date)
        return True

    def merge_target(self, op: Operation) -> bool:
        """An existing target open on the date, or a new one described on a row."""
        spec = next((r for r in op.rows if r.name), None)
        if op.row.into not in self.units:
            if spec is None:
                return self.existing(op.row, op.row.into) is not None
            if spec.level is None:
                return self.fail(spec, _("a new unit needs a name and a level."))
            if not self.parent_ok(spec, spec.parent):
                return False
            self.opened(spec, spec.into, spec.parent)
            return True
        if spec is not None:
            return self.fail(
                spec,
                _(
                    "“%(code)s” already exists: leave the name and level empty "
                    "when merging into an existing unit."
                )
                % {"code": spec.into},
            )
        return self.open_on(op.row, self.units[op.row.into], "into")

    def merge_sources(self, op: Operation) -> list[str] | None:
        """The merged units if each exists, is open, unchanged since, not listed twice and
        not above the target."""
        target, seen, ok = op.row.into, set[str](), True
        for row in op.rows:
            unit = self.changeable(row, row.code)
            if unit is None:
                ok = False
            elif row.code in seen or row.code == target:
                ok = self.fail(
                    row, _("“%(code)s” cannot be merged twice or into itself.") % {"code": row.code}
                )
            elif target in self.subtree(row.code):
                ok = self.fail(
                    row,
                    _("cannot merge “%(code)s” into “%(target)s”, which is inside it.")
                    % {"code": row.code, "target": target},
                )
            else:
                ok = self.movable_children(row, row.code) and ok
            seen.add(row.code)
        return sorted(seen) if ok else None

    def split(self, op: Operation) -> bool:
        """The split unit closes; its parts open; every child is placed under a part."""
        row = op.row
        if not self.after_floor(row):
            return False
        source = self.changeable(row, row.code)
        if source is None:
            return False
        inside = self.subtree(source.code)
        if len(op.rows) < 2:
            return self.fail(row, _("a split needs at least two new units, one row each."))
        parts_ok = [self.split_part(part, inside) for part in op.rows]
        if not all(parts_ok):
            return False
        placement = self.split_children(op, source.code)
        if placement is None:
            return False
        for child, part in placement.items():
            self.reparent(child, part, op.date)
        self.closed(source.code, op.date)
        return True

    def split_part(self, row: UnitRow, inside: set[str]) -> bool:
        """One new unit of a split: a free code, a name, a level, a parent outside the split."""
        if not self.new_code(row, row.into):
            return False
        if not row.name or row.level is None:
            return self.fail(row, _("a new unit needs a name and a level."))
        if row.parent in inside:
            return self.fail(
                row,
                _("the new unit cannot be placed under “%(code)s”, which is being split.")
                % {"code": row.parent},
            )
        if not self.parent_ok(row, row.parent):
            return False
        self.opened(row, row.into, row.parent)
        return True

    def split_children(self, op: Operation, source: str) -> dict[str, str] | None:
        """Which new unit takes each unit under the split one; None if one is left out."""
        placement: dict[str, str] = {}
        ok = True
        for move in op.moves:
            if move.code not in self.children[source] or move.code in placement:
                ok = self.fail(
                    move,
                    _(
                        "“%(code)s” is not directly under “%(source)s” (or is "
                        "placed twice), so this split cannot move it."
                    )
                    % {"code": move.code, "source": source},
                )
            else:
                ok = self.after_last_change(move, self.units[move.code]) and ok
                placement[move.code] = move.parent
        for child in sorted(self.children[source] - set(placement)):
            ok = self.fail(
                op.row,
                _(
                    "“%(code)s” is under “%(source)s”: add a move row dated "
                    "%(date)s placing it under one of the new units."
                )
                % {"code": child, "source": source, "date": format_vn_date(op.date)},
            )
        return placement if ok else None


def _history_floor() -> dt.date | None:
    """The latest date at which the recorded tree changed (events, versions)."""
    dates = [
        Reorganisation.objects.aggregate(d=Max("date"))["d"],
        OrgUnitVersion.objects.aggregate(d=Max("valid_from"))["d"],
    ]
    known = [d for d in dates if d is not None]
    return max(known) if known else None


# --- tree import: entry point and applying ---------------------------------------------------


def import_units(table: Table, *, by: Any = None) -> ImportResult:
    """Check the whole tree file, then apply it in one transaction; nothing is written if any
    row is refused. Counts are events applied, by kind."""
    mapping, errors = map_header(table.header, UNIT_COLUMNS, UNIT_REQUIRED)
    if errors:
        return ImportResult(errors=errors)
    levels, rows = _levels(), []
    for number, cells in _keyed_rows(table, mapping, UNIT_COLUMNS):
        row = _parse_unit_row(number, cells, levels, errors)
        if row is not None:
            rows.append(row)
    if not errors:
        errors = _cycles(rows)
    if not rows and not errors:
        errors = [_("The file has no rows below the header.")]
    if errors:
        return ImportResult(errors=_capped(errors))
    operations = plan(rows)
    errors = TreeCheck(_created_in_file(rows)).run(operations)
    if errors:
        return ImportResult(errors=_capped(errors))
    return _apply(operations, lambda op: _apply_unit_operation(op, by), lambda op: op.row.number)


def _created_in_file(rows: Iterable[UnitRow]) -> dict[str, UnitRow]:
    """The row that opens each new code: creates, split parts, new merge targets."""
    found: dict[str, UnitRow] = {}
    for row in rows:
        if row.event == "create":
            found.setdefault(row.code, row)
        elif row.event == "split" or (row.event == "merge" and row.name):
            found.setdefault(row.into, row)
    return found


def _apply(
    items: Sequence[T], apply_one: Callable[[T], str], row_of: Callable[[T], int]
) -> ImportResult:
    """Apply every item in one transaction; the first refusal rolls everything back and is
    reported with the item's row number."""
    counts: Counter[str] = Counter()
    try:
        with transaction.atomic():
            for item in items:
                counts.update(_apply_guarded(item, apply_one, row_of(item)))
    except _RefusedError as refused:
        return ImportResult(errors=[str(refused)])
    return ImportResult(counts=counts)


def _apply_guarded(item: T, apply_one: Callable[[T], str], number: int) -> list[str]:
    """Apply one item; an action's refusal becomes a row-numbered _RefusedError. Returns the
    words of what was done, for counting."""
    try:
        done = apply_one(item)
    except ValidationError as exc:
        raise _RefusedError(at_row(number, _messages(exc))) from exc
    except DatabaseError as exc:
        raise _RefusedError(at_row(number, _("the database refused this change."))) from exc
    return done.split()


def _unit(code: str) -> OrgUnit:
    unit: OrgUnit = OrgUnit.objects.select_related("level").get(code=code)
    return unit


def _parent(code: str) -> OrgUnit | None:
    return _unit(code) if code else None


def _spec(row: UnitRow, code: str) -> actions.NewUnit:
    """The NewUnit a create, split or merge row describes."""
    assert row.level is not None
    return actions.NewUnit(
        code=code,
        name=row.name,
        level=row.level,
        parent=_parent(row.parent),
        kind=row.kind,
        budget_role=row.budget_role,
        staff_count=row.staff_count,
    )


def _apply_unit_operation(op: Operation, by: Any) -> str:
    """Carry out one checked operation through the actions; return its kind for counting."""
    row = op.row
    common = {"day": op.date, "by": by, "legal_basis": row.legal_basis, "note": row.note}
    if op.kind == "create":
        actions.create_unit(_spec(row, row.code), **common)
    elif op.kind == "rename":
        actions.rename_unit(_unit(row.code), row.name, **common)
    elif op.kind == "move":
        actions.move_unit(_unit(row.code), _parent(row.parent), **common)
    elif op.kind == "close":
        actions.close_unit(_unit(row.code), successor=_parent(row.into), **common)
    elif op.kind == "merge":
        _apply_merge(op, common)
    else:
        _apply_split(op, common)
    return op.kind


def _apply_merge(op: Operation, common: dict[str, Any]) -> None:
    sources = [_unit(r.code) for r in op.rows]
    spec = next((r for r in op.rows if r.name), None)
    if spec is None:
        actions.merge_units(sources, into=_unit(op.row.into), **common)
    else:
        actions.merge_units(sources, new=_spec(spec, spec.into), **common)


def _apply_split(op: Operation, common: dict[str, Any]) -> None:
    parts = [r.into for r in op.rows]
    children = {_unit(m.code).pk: parts.index(m.parent) for m in op.moves}
    actions.split_unit(
        _unit(op.row.code), [_spec(r, r.into) for r in op.rows], children=children, **common
    )


# --- staff import ----------------------------------------------------------------------------


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


def import_people(table: Table) -> ImportResult:
    """Check the whole staff file, then create or update each person and record a new
    position where it differs from the current one, in one transaction (all or nothing).
    Counts: created, updated, positions."""
    mapping, errors = map_header(table.header, PERSON_COLUMNS, PERSON_REQUIRED)
    if errors:
        return ImportResult(errors=errors)
    units = {u.code: u for u in OrgUnit.objects.all()}
    rows: list[PersonRow] = []
    first_row: dict[str, int] = {}
    for number, cells in _keyed_rows(table, mapping, PERSON_COLUMNS):
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
        return ImportResult(errors=_capped(errors))
    return _apply(rows, _apply_person, lambda row: row.number)


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
        row.gender = _choice(cells["gender"], Person.Gender, GENDER_ALIASES)
        if row.gender is None:
            errors.append(
                at_row(
                    number,
                    _("unknown gender “%(text)s”; use Nữ or Nam.") % {"text": cells["gender"]},
                )
            )
    row.birth_date = _parse_date_cell(number, cells["birth_date"], "", errors, required=False)
    row.joined_on = _parse_date_cell(number, cells["joined_on"], "", errors, required=False)
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
    row.position_from = _parse_date_cell(
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
