"""The tree import's entry point: parse, plan and check the whole file, then apply it through
the actions in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from thidua.lib.spreadsheets import Table
from thidua.org import actions
from thidua.org.models import OrgUnit

from .common import ImportResult, apply_all, capped, keyed_rows, map_header
from .unit_check import TreeCheck
from .unit_rows import (
    UNIT_COLUMNS,
    UNIT_REQUIRED,
    Operation,
    UnitRow,
    find_cycles,
    levels_by_code,
    parse_unit_row,
    plan,
)


def import_units(table: Table, *, by: Any = None) -> ImportResult:
    """Check the whole tree file, then apply it in one transaction; nothing is written if any
    row is refused. Counts are events applied, by kind."""
    mapping, errors = map_header(table.header, UNIT_COLUMNS, UNIT_REQUIRED)
    if errors:
        return ImportResult(errors=errors)
    levels, rows = levels_by_code(), []
    for number, cells in keyed_rows(table, mapping, UNIT_COLUMNS):
        row = parse_unit_row(number, cells, levels, errors)
        if row is not None:
            rows.append(row)
    if not errors:
        errors = find_cycles(rows)
    if not rows and not errors:
        errors = [_("The file has no rows below the header.")]
    if errors:
        return ImportResult(errors=capped(errors))
    operations = plan(rows)
    errors = TreeCheck(_created_in_file(rows)).run(operations)
    if errors:
        return ImportResult(errors=capped(errors))
    return apply_all(operations, lambda op: _apply_unit_operation(op, by), lambda op: op.row.number)


def _created_in_file(rows: Iterable[UnitRow]) -> dict[str, UnitRow]:
    """The row that opens each new code: creates, split parts, new merge targets."""
    found: dict[str, UnitRow] = {}
    for row in rows:
        if row.event == "create":
            found.setdefault(row.code, row)
        elif row.event == "split" or (row.event == "merge" and row.name):
            found.setdefault(row.into, row)
    return found


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
