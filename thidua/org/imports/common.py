"""What both imports share: columns and headers, row-numbered messages, choices and dates
read from cells, and applying a checked file in one transaction (all or nothing)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from thidua.lib.dates import OPEN_END, InvalidDate, parse_vn_date
from thidua.lib.spreadsheets import Row, Table, XlsxFormats, write_text
from thidua.lib.text import fold

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


@dataclass
class ImportResult:
    """What an import did: the problems found (nothing written if any) and, on success,
    counts of what was written by kind."""

    errors: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    preview: Preview | None = None
    """Set when nothing was written because the file updates existing records: the changes
    to show and have confirmed (`stale` when they differ from the ones confirmed)."""
    stale: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def pending(self) -> bool:
        """Nothing written: the preview awaits the user's confirmation."""
        return self.preview is not None and not self.errors


class _RefusedError(Exception):
    """Raised inside the transaction to roll it back, carrying the row-numbered message."""


def at_row(row: int, message: str) -> str:
    """'Row 5: message' (translated)."""
    return _("Row %(row)s: %(message)s") % {"row": row, "message": message}


def at_cell(row: int, column: Column, message: str) -> str:
    """'Row 5, column “Year”: message' (translated; the column by its label in the page's
    language, as the template's header shows it)."""
    return _("Row %(row)s, column “%(column)s”: %(message)s") % {
        "row": row,
        "column": column.label,
        "message": message,
    }


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


def parse_choice(text: str, choices: Any, aliases: dict[str, tuple[str, ...]]) -> str | None:
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


def parse_date(text: str) -> dt.date:
    """A real date between 1900 and 9998; raise InvalidDate otherwise."""
    day = parse_vn_date(text)
    if not EARLIEST <= day < OPEN_END:
        raise InvalidDate(text)
    return day


def capped(errors: list[str]) -> list[str]:
    """The first MAX_MESSAGES problems and a count of the rest."""
    if len(errors) <= MAX_MESSAGES:
        return errors
    rest = len(errors) - MAX_MESSAGES
    return [*errors[:MAX_MESSAGES], _("… and %(n)s more problems.") % {"n": rest}]


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def keyed_rows(
    table: Table, mapping: dict[str, str], columns: Sequence[Column]
) -> list[tuple[int, dict[str, str]]]:
    """Each row as (number, {column key: text}), every key present."""
    blank = {c.key: "" for c in columns}
    return [
        (row.number, blank | {mapping[h]: v for h, v in row.values.items() if h in mapping})
        for row in table.rows
    ]


def parse_date_cell(
    number: int, text: str, what: str, errors: list[str], *, required: bool
) -> dt.date | None:
    """A dd/mm/yyyy cell; a missing (when required) or impossible date is a problem."""
    if not text:
        if required:
            errors.append(at_row(number, _("the %(what)s is empty.") % {"what": what}))
        return None
    try:
        return parse_date(text)
    except InvalidDate:
        errors.append(
            at_row(
                number,
                _("“%(text)s” is not a real date; write it as dd/mm/yyyy, e.g. 05/03/2025.")
                % {"text": text},
            )
        )
        return None


def apply_all(
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
        raise _RefusedError(at_row(number, messages_of(exc))) from exc
    except DatabaseError as exc:
        raise _RefusedError(at_row(number, _("the database refused this change."))) from exc
    return done.split()


# --- previews: what an import will create and update, shown before anything is written --------


@dataclass(frozen=True)
class FieldChange:
    """One value a row sets: its label, the stored value ("" when new) and the new one."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    """What one row of a file will do: create a record or update one (old → new values).
    `subject` names the record for a person (a name and a year, never an id)."""

    row: int
    kind: str
    subject: str
    fields: tuple[FieldChange, ...] = ()

    CREATE = "create"
    UPDATE = "update"

    @property
    def is_update(self) -> bool:
        return self.kind == self.UPDATE


@dataclass
class Preview:
    """A checked file before it is applied: the problems (nothing can be applied if any),
    the changes row by row, and the rows that change nothing."""

    errors: list[str] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def creates(self) -> list[RowChange]:
        return [c for c in self.changes if not c.is_update]

    @property
    def updates(self) -> list[RowChange]:
        return [c for c in self.changes if c.is_update]

    def digest(self) -> str:
        """A fingerprint of the changes: the confirmation applies only what was previewed
        (if the records changed in between, the file is checked and shown again)."""
        data = [
            [c.row, c.kind, c.subject, [list(vars(f).values()) for f in c.fields]]
            for c in self.changes
        ]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def table_to_data(table: Table) -> dict[str, Any]:
    """A checked file as plain data, kept in the session between its preview and its
    confirmation (the upload itself is not kept)."""
    return {"header": table.header, "rows": [[r.number, r.values] for r in table.rows]}


def table_from_data(data: dict[str, Any]) -> Table:
    """The file kept by `table_to_data`, to check and apply again on confirmation."""
    return Table(
        header=[str(h) for h in data["header"]],
        rows=[
            Row(int(n), {str(k): str(v) for k, v in values.items()}) for n, values in data["rows"]
        ],
    )


def is_note_row(cells: dict[str, str], notes: Mapping[str, Promise | str]) -> bool:
    """Is this the note row of a downloaded template (every filled cell is the note written
    under its column, in any language of the site)? It is skipped, not read as data."""
    filled = {k: v for k, v in cells.items() if v}
    if not filled:
        return False
    known = {key: {fold(t) for t in translations(text)} for key, text in notes.items()}
    return all(fold(v) in known.get(k, set()) for k, v in filled.items())


def template_xlsx(sheet_name: str, columns: Sequence[Column], notes: Mapping[str, Any]) -> bytes:
    """An empty import file: the headers in Vietnamese (bold, frozen) and a note row under
    them saying what each column takes (skipped on import, see `is_note_row`). Every text
    goes through write_text, so nothing in it can run as a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    formats = XlsxFormats(book)
    with translation.override("vi"):
        ws = book.add_worksheet(sheet_name[:31])
        for col, column in enumerate(columns):
            header = str(column.label)
            note = str(notes.get(column.key, ""))
            write_text(ws, (0, col), header, formats, bold=True, bg_color="#DDEBF7", border=1)
            if note:
                write_text(
                    ws, (1, col), note, formats, italic=True, font_color="#595959", text_wrap=True
                )
            ws.set_column(col, col, min(max(len(header), len(note) // 2, 12), 40) + 2)
        ws.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
