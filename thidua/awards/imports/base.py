"""What the three imports share: the importer's scope, finding people by staff code, the plan
of a file (its preview and what applying it does) and running it (preview, then confirmed and
applied in one transaction, audited)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from thidua.audit.chain import Change, record_many
from thidua.lib.dates import OPEN_END, InvalidDate
from thidua.lib.spreadsheets import Table
from thidua.lib.text import fold
from thidua.org.imports.common import (
    Column,
    ImportResult,
    Preview,
    at_cell,
    at_row,
    capped,
    is_note_row,
    keyed_rows,
    map_header,
    parse_date,
    template_xlsx,
)
from thidua.org.models import OrgUnit, Person


@dataclass(frozen=True)
class ImportScope:
    """Whose records the importer manages: the staff of `unit_ids` (None: every unit)."""

    unit_ids: frozenset[int] | None = None

    def holds_unit(self, unit_id: int) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids

    def holds_person(self, person: Person, start: dt.date, end: dt.date) -> bool:
        """Did the person work in one of the units during [start, end), or do they now?
        (positions prefetched)."""
        if self.unit_ids is None:
            return True
        return any(
            p.unit_id in self.unit_ids
            and (p.valid_to == OPEN_END or (p.valid_from < end and p.valid_to > start))
            for p in person.positions.all()
        )


@dataclass
class Item:
    """One checked row and how to apply it: `apply(by)` writes it and returns the audit
    change."""

    row: int
    kind: str
    apply: Callable[[Any], Change]


@dataclass
class Plan:
    """A checked file: its preview (changes and problems) and the items to apply. Problems
    name their row and, when one cell is at fault, its column."""

    columns: Sequence[Column] = ()
    preview: Preview = field(default_factory=Preview)
    items: list[Item] = field(default_factory=list)

    def fail(self, row: int, message: str, column: str = "") -> None:
        found = next((c for c in self.columns if c.key == column), None)
        self.preview.errors.append(
            at_row(row, message) if found is None else at_cell(row, found, message)
        )

    def day(
        self, row: int, cells: dict[str, str], column: str, *, required: bool
    ) -> dt.date | None:
        """A dd/mm/yyyy cell; a missing (when required) or impossible date is a problem."""
        text = cells[column]
        if not text:
            if required:
                self.fail(row, _("the cell is empty."), column)
            return None
        try:
            return parse_date(text)
        except InvalidDate:
            self.fail(
                row,
                _("“%(text)s” is not a real date; write it as dd/mm/yyyy, e.g. 05/03/2025.")
                % {"text": text},
                column,
            )
            return None


@dataclass(frozen=True)
class ImportKind:
    """One import: its columns (the required ones), the note under each column in the
    template, and the function that checks a file's rows into a plan."""

    key: str
    title: Promise
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    notes: Mapping[str, Promise]
    plan: Callable[[list[tuple[int, dict[str, str]]], ImportScope], Plan]

    def template(self) -> bytes:
        return template_xlsx(str(self.title), self.columns, self.notes)


def run_import(
    kind: ImportKind,
    table: Table,
    scope: ImportScope,
    *,
    by: Any,
    confirm: bool = False,
    expect: str = "",
) -> ImportResult:
    """Check the file; without `confirm`, return its preview and write nothing. With
    `confirm`, apply it in one transaction (and audit every record) only if its changes are
    still those previewed (`expect`, the preview's digest); otherwise return the new preview,
    marked stale. Counts: created, updated, unchanged."""
    mapping, errors = map_header(table.header, kind.columns, kind.required)
    if errors:
        return ImportResult(errors=errors)
    rows = [
        (number, cells)
        for number, cells in keyed_rows(table, mapping, kind.columns)
        if not is_note_row(cells, kind.notes)
    ]
    if not rows:
        return ImportResult(errors=[_("The file has no rows below the header.")])
    plan = kind.plan(rows, scope)
    if plan.preview.errors:
        return ImportResult(errors=capped(plan.preview.errors))
    if not confirm or expect != plan.preview.digest():
        return ImportResult(preview=plan.preview, stale=confirm)
    return _apply(kind, plan, by)


def _apply(kind: ImportKind, plan: Plan, by: Any) -> ImportResult:
    """Every item, then one audit event per record, in one transaction."""
    counts: Counter[str] = Counter()
    changes: list[Change] = []
    try:
        with transaction.atomic():
            for item in plan.items:
                try:
                    changes.append(item.apply(by))
                except ValidationError as exc:
                    raise _Refused(at_row(item.row, " ".join(exc.messages))) from exc
                except DatabaseError as exc:
                    raise _Refused(
                        at_row(item.row, _("the database refused this change."))
                    ) from exc
                counts[item.kind] += 1
            record_many(changes, by=by, reason=str(kind.title))
    except _Refused as refused:
        return ImportResult(errors=[str(refused)])
    if plan.preview.unchanged:
        counts["unchanged"] = plan.preview.unchanged
    return ImportResult(counts=counts)


class _Refused(Exception):
    """A row refused while applying: rolls the whole file back."""


# --- finding people and units ---------------------------------------------------------------


class People:
    """The people a file names, found by staff code in one query, with their positions."""

    def __init__(self, codes: Sequence[str]) -> None:
        found = Person.objects.filter(code__in=set(codes)).prefetch_related("positions")
        self.by_code = {p.code: p for p in found}

    def find(
        self,
        plan: Plan,
        number: int,
        cells: dict[str, str],
        scope: ImportScope,
        period: tuple[dt.date, dt.date],
        column: str = "code",
    ) -> Person | None:
        """The person of a row's staff code, in scope during `period`, whose name matches
        the row's (when given); otherwise record why not."""
        code = cells["code"]
        if not code:
            plan.fail(number, _("the staff code is empty."), column)
            return None
        person = self.by_code.get(code)
        if person is None or not scope.holds_person(person, *period):
            plan.fail(
                number,
                _("no person in your units has the staff code “%(code)s”.") % {"code": code},
                column,
            )
            return None
        name = cells.get("full_name", "")
        if name and fold(name) != fold(person.full_name):
            plan.fail(
                number,
                _(
                    "the staff code “%(code)s” belongs to “%(name)s”, not “%(given)s”; check "
                    "the code."
                )
                % {"code": code, "name": person.full_name, "given": name},
                "full_name",
            )
            return None
        return person


def subject(person: Person, detail: str) -> str:
    """How a row's record is named in the preview: the person, their code, and a detail."""
    return f"{person.full_name} ({person.code}), {detail}"


def day_period(day: dt.date) -> tuple[dt.date, dt.date]:
    return day, day + dt.timedelta(days=1)


def find_unit(plan: Plan, number: int, code: str, scope: ImportScope) -> OrgUnit | None:
    """The unit with `code` among the importer's units; otherwise record why not."""
    if not code:
        plan.fail(number, _("the unit code is empty."), "unit")
        return None
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None or not scope.holds_unit(unit.pk):
        plan.fail(
            number, _("no unit among yours has the code “%(code)s”.") % {"code": code}, "unit"
        )
        return None
    return unit  # type: ignore[no-any-return]


def duplicate(plan: Plan, seen: dict[Any, int], key: Any, number: int, what: str) -> bool:
    """Is `key` already on an earlier row? Record it if so."""
    if key in seen:
        plan.fail(
            number,
            _("%(what)s already appears on row %(other)s.") % {"what": what, "other": seen[key]},
        )
        return True
    seen[key] = number
    return False
