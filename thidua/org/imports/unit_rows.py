"""The tree format: its columns, one row parsed from its cells, and the rows grouped into
operations (one row, or the rows of one merge or split) in the order they are applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.lib.numbers import InvalidNumber, parse_vn_number
from thidua.lib.text import fold
from thidua.org.models import OrgLevel, OrgUnit, Reorganisation

from .common import EARLIEST, Column, at_row, parse_choice, parse_date_cell

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


def levels_by_code() -> dict[str, OrgLevel]:
    """Levels by folded code, then by folded name where no code collides."""
    levels = list(OrgLevel.objects.all())
    by_name = {fold(lv.name_en): lv for lv in levels if lv.name_en}
    by_name |= {fold(lv.name): lv for lv in levels}
    return by_name | {fold(lv.code): lv for lv in levels}


def parse_unit_row(
    number: int, cells: dict[str, str], levels: dict[str, OrgLevel], errors: list[str]
) -> UnitRow | None:
    """Check one row's own cells; append problems to `errors`; None if it has any."""
    before = len(errors)
    event = parse_choice(cells["event"], Reorganisation.Kind, EVENT_ALIASES)
    if event is None:
        errors.append(
            at_row(
                number,
                _("unknown event “%(text)s”; use create, rename, move, merge, split or close.")
                % {"text": cells["event"]},
            )
        )
    day = parse_date_cell(number, cells["date"], _("effective date"), errors, required=True)
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
                at_row(
                    row.number,
                    _(
                        "this install has no level “%(text)s” (its levels: %(known)s); the "
                        "administrator adds levels in “Reference data administration”."
                    )
                    % {"text": cells["level"], "known": _level_names(levels)},
                )
            )
    if cells["kind"]:
        kind = parse_choice(cells["kind"], OrgUnit.Kind, KIND_ALIASES)
        if kind is None:
            errors.append(
                at_row(row.number, _("unknown kind “%(text)s”.") % {"text": cells["kind"]})
            )
        row.kind = kind or row.kind
    if cells["budget_role"]:
        role = parse_choice(cells["budget_role"], OrgUnit.BudgetRole, BUDGET_ALIASES)
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


def _level_names(levels: dict[str, OrgLevel]) -> str:
    """The install's levels, by name, for the unknown-level message."""
    unique = {lv.pk: lv for lv in levels.values()}.values()
    return ", ".join(lv.name for lv in sorted(unique, key=lambda lv: (lv.rank, lv.code))) or "—"


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


def find_cycles(rows: Sequence[UnitRow]) -> list[str]:
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
