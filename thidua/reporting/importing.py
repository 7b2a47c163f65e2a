"""Importing one filled Excel template (reporting/excel.py); a zip of many and the background
job are in reporting/uploads.py.

Each file is checked and read first (hostile files refused: over 20 MB, zip bombs, macros,
external links); the report it is for comes from its identification sheet and must be in the
uploader's scope; its figures are found by the indicator-code column, wherever the rows and
columns ended up. Every problem is reported with its sheet and cell, and a file with any
problem writes nothing. A clean file is written by `import_report_values` in one transaction:
all of its figures or none, and only those that changed (a second identical upload changes
nothing: no version bump, no audit event).

Accepted: .xlsx (Excel, LibreOffice), legacy .xls, .ods, read with python-calamine; numbers
typed as text with Vietnamese separators (1.234.567,5); merged header cells; blank or moved
rows; notes typed in the legacy TCVN3/VNI encodings (converted to Unicode, by the cell's font
when the file has one: thidua/lib/encodings.py).

Refused, never read as something else: a cell whose formula gave an error (#DIV/0!, Err:502:
python-calamine reads it as blank, so thidua.lib.spreadsheets.cell_facts looks again); a
workbook with the form on two sheets; a note on a computed row; a cell changed on the site
since the file was downloaded (the template carries each cell's version); a file whose visible
period line names another period than its identity.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thidua.audit.chain import Change, record_many
from thidua.lib.dates import format_vn_date
from thidua.lib.encodings import column_to_unicode
from thidua.lib.numbers import format_vn_number
from thidua.lib.spreadsheets import (
    CellFacts,
    Position,
    SpreadsheetError,
    _check_ole,
    _check_zip,
    cell_facts,
    too_large_message,
    upload_limit,
)
from thidua.lib.text import fold, nfc
from thidua.org.imports import translations

from .access import can_enter, reports_for_user, sees_report
from .actions import check_value, parse_value
from .excel import COLUMNS, FORMAT, IDENTITY_SHEET, VERSION_PREFIX, Identity
from .models import DataValue, FormRow, Period, Report

log = logging.getLogger(__name__)

SPREADSHEETS = ("xlsx", "xlsm", "xls", "ods")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_SHEET_ROWS = 10_000
MAX_SHEET_COLUMNS = 200
MAX_ERRORS = 100
PLACES = Decimal("0.000001")
NO_VALUE = {"-", "–", "—"}
"""What Vietnamese tables write for "no figure"; read as an empty cell."""


class ImportProblems(Exception):
    """The problems that stop one file; nothing of it was written."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages)
        self.messages = messages


@dataclass
class FileResult:
    """What happened to one file: written (ok) or refused with its problems."""

    name: str
    ok: bool = False
    report: str = ""
    report_id: int | None = None
    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "report": self.report,
            "report_id": self.report_id,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


def cell_name(row: int, col: int) -> str:
    """0-based (row, column) as Excel names the cell: (11, 3) -> D12."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"


def cell_problem(sheet: str, row: int, col: int, problem: str) -> str:
    return _("Sheet ‘%(sheet)s’, cell %(cell)s: %(problem)s") % {
        "sheet": sheet,
        "cell": cell_name(row, col),
        "problem": problem,
    }


# --- checking a file before reading it --------------------------------------------------------


def check_file(name: str, data: bytes) -> str:
    """The kind of spreadsheet ("xlsx", "xls" or "ods"), or SpreadsheetError for a file that
    is too large, not a spreadsheet, or unsafe."""
    if len(data) > upload_limit():
        raise SpreadsheetError(too_large_message())
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SPREADSHEETS:
        raise SpreadsheetError(
            _("Upload an Excel file (.xlsx, .xls), a .ods file or a .zip of them.")
        )
    if data.startswith(OLE_MAGIC):
        _check_ole(data)
        return "xls"
    _check_zip(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n.lower() for n in archive.namelist()]
    if any(n.startswith("xl/externallinks/") for n in names):
        raise SpreadsheetError(
            _(
                "The workbook links to other files (external links). In Excel choose Data → "
                "Edit Links → Break Link, save, and upload it again."
            )
        )
    if any(n.startswith(("basic/", "scripts/")) for n in names):
        raise SpreadsheetError(_macros())
    return "ods" if "mimetype" in names and "content.xml" in names else "xlsx"


def _macros() -> str:
    return _("The workbook contains macros. Save it as a plain .xlsx workbook without macros.")


def _damaged() -> str:
    return _("The file is damaged or is not a spreadsheet; open it in Excel and save it again.")


# --- reading a workbook -----------------------------------------------------------------------


def open_book(data: bytes) -> Any:
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several kinds on a broken file
        raise SpreadsheetError(_damaged()) from exc


def read_identity(book: Any) -> tuple[Identity, dict[str, str]]:
    """The identity written in the template's hidden sheet, checked against its checksum, and
    the other facts there (the columns used)."""
    if IDENTITY_SHEET not in book.sheet_names:
        raise ImportProblems([_not_a_template()])
    facts: dict[str, str] = {}
    for row in _grid(book, IDENTITY_SHEET):
        if len(row) >= 2 and isinstance(row[0], str):
            facts[row[0].strip()] = _fact(row[1])
    if facts.get("format") != FORMAT:
        raise ImportProblems([_not_a_template()])
    identity = Identity(
        facts.get("unit", ""),
        facts.get("form", ""),
        facts.get("period", ""),
        versions=_versions(facts),
        format_version=facts.get("version", "1"),
    )
    if not identity.checks(facts.get("checksum", "")):
        raise ImportProblems(
            [
                _(
                    "The identification of this file (unit, form or period) was changed. "
                    "Download the template again from the report's page."
                )
            ]
        )
    return identity, facts


def _fact(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a version number retyped or re-saved as a number
    return str(value).strip()


def _versions(facts: dict[str, str]) -> tuple[tuple[str, int], ...]:
    """The cells' versions at download (`cell:<code>` rows); a bad one voids the file."""
    try:
        found = {
            key.removeprefix(VERSION_PREFIX): int(value)
            for key, value in facts.items()
            if key.startswith(VERSION_PREFIX)
        }
    except ValueError as exc:
        raise ImportProblems([_not_a_template()]) from exc
    return tuple(sorted(found.items()))


def _not_a_template() -> str:
    return _(
        "This file is not a template downloaded from this site (its identification sheet is "
        "missing). Download the report's template and copy the figures into it."
    )


def _grid(book: Any, name: str) -> list[list[Any]]:
    """A sheet's cells from A1, refused when it is abnormally large."""
    try:
        sheet = book.get_sheet_by_name(name)
        end = sheet.end
        if end is not None and (end[0] >= MAX_SHEET_ROWS or end[1] >= MAX_SHEET_COLUMNS):
            raise SpreadsheetError(
                _("Sheet ‘%(sheet)s’ is far larger than a report template.") % {"sheet": name}
            )
        return list(sheet.to_python(skip_empty_area=False))
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(_damaged()) from exc


@dataclass(frozen=True)
class FoundRow:
    """An indicator's row in the file: where it is and what its cells hold."""

    code: str
    row: int
    value: Any
    comment: Any


@dataclass
class Layout:
    """Where the figures are in the data sheet (0-based columns)."""

    sheet: str
    code: int
    value: int
    comment: int | None
    rows: list[FoundRow] = field(default_factory=list)


@functools.cache
def _spellings(key: str) -> frozenset[str]:
    """The folded titles of a template column in every site language (the file may have
    been downloaded in another language than the upload's)."""
    label = next(label for k, label, _w in COLUMNS if k == key)
    return frozenset(fold(text) for text in translations(label))


def _column_index(letter: str) -> int | None:
    letter = letter.strip().upper()
    if len(letter) != 1 or not "A" <= letter <= "Z":
        return None
    return ord(letter) - ord("A")


def _code_column(grid: list[list[Any]], codes: set[str]) -> tuple[int, int] | None:
    """(column, count) of the column holding the most indicator codes of the form."""
    counts: Counter[int] = Counter()
    for row in grid:
        for col, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip() in codes:
                counts[col] += 1
    return counts.most_common(1)[0] if counts else None


def _header_column(grid: list[list[Any]], above: int, key: str) -> int | None:
    """The column whose title (in any site language) names `key`, in the rows above `above`."""
    wanted = _spellings(key)
    for row in grid[:above]:
        for col, cell in enumerate(row):
            if isinstance(cell, str) and fold(" ".join(cell.split())) in wanted:
                return col
    return None


def find_layout(
    book: Any, facts: dict[str, str], codes: set[str]
) -> tuple[Layout, list[list[Any]]]:
    """The visible sheet that holds the form's codes, and its value and comment columns
    (found by their titles; otherwise where the template put them, shifted as the code
    column was)."""
    carrying: list[tuple[int, str, int, list[list[Any]]]] = []
    for meta in book.sheets_metadata:
        if meta.name == IDENTITY_SHEET:
            continue
        grid = _grid(book, meta.name)
        if found := _code_column(grid, codes):
            carrying.append((found[1], meta.name, found[0], grid))
    if not carrying:
        raise ImportProblems([_("No indicator code of the report's form was found in the file.")])
    forms = [name for count, name, _c, _g in carrying if count >= min(2, len(codes))]
    if len(forms) > 1:
        raise ImportProblems([_two_sheets(forms)])
    _count, name, code_col, grid = max(carrying, key=lambda found: found[0])
    first = min(r for r, row in enumerate(grid) if _has_code(row, code_col, codes))
    shift = code_col - (_column_index(facts.get("code_column", "")) or code_col)
    value = _header_column(grid, first, "value")
    if value is None:
        hinted = _column_index(facts.get("value_column", ""))
        value = hinted + shift if hinted is not None else code_col + 2
    comment = _header_column(grid, first, "comment")
    if comment is None and (hinted := _column_index(facts.get("comment_column", ""))) is not None:
        comment = hinted + shift
    return Layout(name, code_col, value, comment), grid


def _two_sheets(names: list[str]) -> str:
    return _(
        "The form's indicator codes are on more than one sheet (%(sheets)s), so it cannot be "
        "told which figures are meant. Keep the figures on one sheet only (delete the copy or "
        "move its figures into the original) and upload the file again."
    ) % {"sheets": ", ".join(f"‘{n}’" for n in names)}


def _has_code(row: list[Any], col: int, codes: set[str]) -> bool:
    return col < len(row) and isinstance(row[col], str) and row[col].strip() in codes


def read_rows(layout: Layout, grid: list[list[Any]], codes: set[str]) -> Layout:
    """Every row of the data sheet whose code cell names an indicator of the form; a code
    found twice is a problem."""
    seen: dict[str, int] = {}
    problems: list[str] = []
    for r, row in enumerate(grid):
        if not _has_code(row, layout.code, codes):
            continue
        code = row[layout.code].strip()
        if code in seen:
            first = cell_name(seen[code], layout.code)
            problems.append(
                cell_problem(
                    layout.sheet,
                    r,
                    layout.code,
                    _("The code %(code)s is already in cell %(first)s.")
                    % {"code": code, "first": first},
                )
            )
            continue
        seen[code] = r
        layout.rows.append(FoundRow(code, r, _at(row, layout.value), _at(row, layout.comment)))
    if problems:
        raise ImportProblems(problems)
    return layout


def _at(row: list[Any], col: int | None) -> Any:
    return row[col] if col is not None and col < len(row) else ""


# --- the visible period line ------------------------------------------------------------------


def check_period_line(grid: list[list[Any]], layout: Layout, identity: Identity) -> None:
    """Refuse a file whose visible period line ("Kỳ báo cáo: Quý 3/2026 …") names another
    period than its identity: an old file retitled for a new period would otherwise
    overwrite the old period's report. A file whose line was deleted is not refused."""
    year, kind, number = _period_parts(identity.period)
    period = Period(year=year, kind=kind, number=number)
    first = min((found.row for found in layout.rows), default=len(grid))
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            pattern, expected = _period_pattern(), period.label
        for row in grid[:first]:
            for cell in row:
                if not isinstance(cell, str) or not (match := pattern.match(cell)):
                    continue
                shown = " ".join(match["label"].split())
                if fold(shown) != fold(expected):
                    raise ImportProblems([_other_period(shown, period)])
                return


def _period_pattern() -> re.Pattern[str]:
    """The period line of the active language, with the label to capture."""
    template = _("Reporting period: %(label)s (%(start)s – %(end)s)")
    prefix = template.split("%(label)s", 1)[0].strip()
    return re.compile(rf"^\s*{re.escape(prefix)}\s*(?P<label>[^(]+?)\s*(\(.*)?$", re.IGNORECASE)


def _other_period(shown: str, period: Period) -> str:
    return _(
        "The file's period line reads “%(shown)s”, but this is the file of %(period)s (its "
        "identification says so). Download the template of the report you mean and copy the "
        "figures into it."
    ) % {"shown": shown, "period": period.label}


# --- from cells to values ---------------------------------------------------------------------


def cell_number(value: Any, indicator: FormIndicator | None = None) -> Decimal | None:
    """A cell's figure, by the one rule of the entry page (actions.parse_value): text read as
    a vi-VN number (1.234.567,5), numbers as Excel shows them (15 significant digits), both
    within the indicator's decimals and smallest value; ValidationError (a message for the
    user) otherwise."""
    if value is None or (isinstance(value, str) and value.strip() in {"", *NO_VALUE}):
        return None
    decimals = indicator.decimals if indicator is not None else None
    minimum = indicator.minimum if indicator is not None else None
    if isinstance(value, bool):
        raise ValidationError(_("A yes/no value is not a figure."))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(_("The number is too large to be a real figure."))
        number = check_value(Decimal(f"{value:.15g}"), decimals=decimals, minimum=minimum)
    elif isinstance(value, int):
        number = check_value(Decimal(value), decimals=decimals, minimum=minimum)
    elif isinstance(value, str):
        number = parse_value(value.strip(), decimals=decimals, minimum=minimum) or Decimal(0)
    else:
        raise ValidationError(_("A date is not a figure."))
    return number.quantize(PLACES)


def cells_to_check(layout: Layout) -> set[Position]:
    """The value and note cells of the found rows (their errors and fonts are looked up)."""
    columns = [c for c in (layout.value, layout.comment) if c is not None]
    return {(found.row, col) for found in layout.rows for col in columns}


def values_from(
    layout: Layout,
    indicators: dict[str, FormIndicator],
    facts: dict[Position, CellFacts] | None = None,
) -> tuple[dict[str, Decimal | None], dict[str, str]]:
    """The typed figures and notes of the file, by indicator code; every unreadable cell is
    reported: a formula error, a figure that is not a number, a note on a computed row.
    Derived figures are computed by the server and skipped."""
    facts = facts or {}
    values: dict[str, Decimal | None] = {}
    problems: list[str] = []
    for found in layout.rows:
        indicator = indicators[found.code]
        problems += _errors(layout, found, facts, derived=indicator.is_derived)
        if indicator.is_derived:
            if layout.comment is not None and _note_text(found.comment):
                problems.append(_derived_note(layout, found, indicator))
            continue
        if (found.row, layout.value) in facts and facts[found.row, layout.value].error:
            continue
        try:
            values[found.code] = cell_number(found.value, indicators[found.code])
        except ValidationError as exc:
            problems.append(cell_problem(layout.sheet, found.row, layout.value, exc.messages[0]))
    if problems:
        raise ImportProblems(problems[:MAX_ERRORS])
    return values, _notes(layout, indicators, facts)


def _errors(
    layout: Layout, found: FoundRow, facts: dict[Position, CellFacts], *, derived: bool
) -> list[str]:
    """A cell whose formula failed is refused by name (python-calamine reads it as blank,
    which would erase the stored figure). A derived figure is the server's to compute."""
    columns = [c for c in (None if derived else layout.value, layout.comment) if c is not None]
    return [
        cell_problem(layout.sheet, found.row, col, _("formula error %(error)s") % {"error": e})
        for col in columns
        if (e := facts.get((found.row, col), CellFacts()).error)
    ]


def _derived_note(layout: Layout, found: FoundRow, indicator: FormIndicator) -> str:
    assert layout.comment is not None
    return cell_problem(
        layout.sheet,
        found.row,
        layout.comment,
        _(
            "“%(name)s” is computed from a formula, so a note on its row is not kept. Write "
            "the explanation beside one of the figures it is computed from."
        )
        % {"name": indicator.name},
    )


def _note_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _notes(
    layout: Layout, indicators: dict[str, FormIndicator], facts: dict[Position, CellFacts]
) -> dict[str, str]:
    """The notes of the typed rows in Unicode; legacy TCVN3/VNI text is converted by the
    cell's font, else by what the whole column shows."""
    if layout.comment is None:
        return {}
    rows = [f for f in layout.rows if not indicators[f.code].is_derived]
    cells = [
        (_note_text(f.comment), facts.get((f.row, layout.comment), CellFacts()).font) for f in rows
    ]
    texts = column_to_unicode(cells)
    return {f.code: nfc(text).strip() for f, text in zip(rows, texts, strict=True)}


# --- writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    changed: int
    unchanged: int


def _scoped_report(report: Report, by: Any) -> Report:
    """The report locked for the transaction, if `by` may enter its figures now."""
    locked: Report | None = Report.objects.select_for_update().filter(pk=report.pk).first()
    if locked is None or not sees_report(by, locked):
        raise ValidationError(_("The report was not found within your scope."))
    if not can_enter(by, locked):
        raise ValidationError(
            _("Only the reporters and the head of unit %(unit)s enter its figures.")
            % {"unit": locked.unit.code}
        )
    if not locked.is_editable:
        raise ValidationError(
            _("The report is %(status)s: its figures are locked.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


@dataclass(frozen=True)
class FormIndicator:
    """An indicator on a form, as the import needs it."""

    pk: int
    code: str
    is_derived: bool
    decimals: int | None = None
    minimum: Decimal | None = None
    name: str = ""


def form_indicators(report: Report) -> dict[str, FormIndicator]:
    """The indicators on the report's form, by code (one light query)."""
    rows = FormRow.objects.filter(section__form_id=report.form_id).order_by()
    english = translation.get_language() == "en"
    return {
        code: FormIndicator(
            pk, code, bool(formula), decimals, minimum, (english and name_en) or name
        )
        for pk, code, formula, decimals, minimum, name, name_en in rows.values_list(
            "indicator_id",
            "indicator__code",
            "indicator__formula",
            "indicator__decimals",
            "indicator__minimum",
            "indicator__name",
            "indicator__name_en",
        )
    }


@dataclass(frozen=True)
class Stale:
    """A cell changed on the site since the file was downloaded, that the file would change
    back: the stored cell, and what the file holds."""

    code: str
    current: DataValue
    value: Decimal | None
    comment: str


class StaleFile(Exception):
    """The file is older than some stored cells it would overwrite; nothing was written."""

    def __init__(self, cells: list[Stale]) -> None:
        super().__init__(cells)
        self.cells = cells


@dataclass
class _Writes:
    """The cells to insert and update, and one audit change per written cell."""

    new: list[DataValue] = field(default_factory=list)
    changed: list[DataValue] = field(default_factory=list)
    events: list[Change] = field(default_factory=list)


@transaction.atomic
def import_report_values(
    report: Report,
    values: dict[str, Decimal | None],
    *,
    by: Any,
    comments: dict[str, str] | None = None,
    source: str = "",
    known: dict[str, int] | None = None,
) -> ImportOutcome:
    """Write a report's figures (and notes) from one file, all or nothing: the report is
    locked, must be editable and in `by`'s scope; only changed cells are written, each with
    its version bumped, under one batch of audit events. Unchanged cells are not touched, so
    importing the same file twice changes nothing the second time.

    `known` holds the cells' versions when the file was downloaded (codes absent: none
    stored then): a cell changed on the site since then that the file would change again
    is refused with StaleFile, as the entry page refuses an edit of a newer cell."""
    report = _scoped_report(report, by)
    comments = comments or {}
    indicators = form_indicators(report)
    wrong = sorted(
        code
        for code in {*values, *comments}
        if code not in indicators or (code in values and indicators[code].is_derived)
    )
    if wrong:
        raise ValidationError(
            _("Not figures to type on this form: %(codes)s.") % {"codes": ", ".join(wrong)}
        )
    existing = {
        cell.indicator_id: cell
        for cell in DataValue.objects.select_for_update().filter(report=report)
    }
    if known is not None:
        _refuse_stale(existing, indicators, values, comments, known)
    writes = _Writes()
    now = timezone.now()
    for code in sorted({*values, *comments}):
        cell = existing.get(indicators[code].pk)
        if cell is None:
            cell = DataValue(report=report, indicator_id=indicators[code].pk, version=0, comment="")
            target = writes.new
        else:
            target = writes.changed
        change = _change(cell, code, values, comments)
        if change is not None:
            cell.version += 1
            cell.updated_by, cell.updated_at = by, now
            target.append(cell)
            writes.events.append(change)
    DataValue.objects.bulk_create(writes.new)
    fields = ["value", "comment", "version", "updated_by", "updated_at"]
    DataValue.objects.bulk_update(writes.changed, fields)
    reason = _("Excel import: %(file)s") % {"file": source} if source else ""
    record_many(writes.events, by=by, reason=reason)
    return ImportOutcome(len(writes.events), len({*values, *comments}) - len(writes.events))


def _refuse_stale(
    existing: dict[int, DataValue],
    indicators: dict[str, FormIndicator],
    values: dict[str, Decimal | None],
    comments: dict[str, str],
    known: dict[str, int],
) -> None:
    stale = []
    for code in sorted({*values, *comments}):
        cell = existing.get(indicators[code].pk)
        if cell is None or cell.version <= known.get(code, 0):
            continue
        value, comment = values.get(code, cell.value), comments.get(code, cell.comment)
        if value != cell.value or comment != cell.comment:
            stale.append(Stale(code, cell, value, comment))
    if stale:
        raise StaleFile(stale)


def _change(
    cell: DataValue, code: str, values: dict[str, Decimal | None], comments: dict[str, str]
) -> Change | None:
    """Set the cell from the file; the audit change, or None when nothing differs."""
    before = {"indicator": code, "value": cell.value, "comment": cell.comment}
    value = values.get(code, cell.value)
    comment = comments.get(code, cell.comment)
    if value == cell.value and comment == cell.comment:
        return None
    cell.value, cell.comment = value, comment
    after = {"indicator": code, "value": value, "comment": comment}
    return Change("reporting.value.set", "reporting.report", cell.report_id, before, after)


# --- one file ---------------------------------------------------------------------


def resolve_report(identity: Identity, by: Any, expected: Report | None) -> Report:
    """The report the file is for, among those `by` may see."""
    year, kind, number = _period_parts(identity.period)
    report: Report | None = (
        reports_for_user(by)
        .filter(
            unit__code=identity.unit,
            form__code=identity.form,
            period__year=year,
            period__kind=kind,
            period__number=number,
        )
        .first()
    )
    described = {
        "unit": identity.unit,
        "form": identity.form,
        "period": _period_label(year, kind, number),
    }
    if expected is not None and (report is None or report.pk != expected.pk):
        raise ImportProblems(
            [
                _(
                    "This file is for unit %(unit)s, form %(form)s, period %(period)s: not for "
                    "the report you opened (%(report)s)."
                )
                % (described | {"report": str(expected)})
            ]
        )
    if report is None:
        raise ImportProblems(
            [
                _(
                    "No report of unit %(unit)s on form %(form)s for %(period)s was found within "
                    "your scope."
                )
                % described
            ]
        )
    return report


def _period_parts(key: str) -> tuple[int, str, int]:
    try:
        year, kind, number = key.split("-")
        return int(year), kind, int(number)
    except ValueError as exc:
        raise ImportProblems([_not_a_template()]) from exc


def _period_label(year: int, kind: str, number: int) -> str:
    return Period(year=year, kind=kind, number=number).label


def import_file(name: str, data: bytes, *, by: Any, report: Report | None = None) -> FileResult:
    """Check, read and import one workbook; its result, never an exception for a bad file."""
    result = FileResult(name)
    try:
        kind = check_file(name, data)
        book = open_book(data)
        identity, facts = read_identity(book)
        target = resolve_report(identity, by, report)
        result.report, result.report_id = str(target), target.pk
        indicators = form_indicators(target)
        layout, grid = find_layout(book, facts, set(indicators))
        layout = read_rows(layout, grid, set(indicators))
        check_period_line(grid, layout, identity)
        details = cell_facts(kind, data, layout.sheet, cells_to_check(layout))
        values, comments = values_from(layout, indicators, details)
        known = dict(identity.versions)
        try:
            outcome = import_report_values(
                target, values, by=by, comments=comments, source=name, known=known
            )
        except StaleFile as exc:
            raise ImportProblems(stale_messages(exc.cells, layout, indicators)) from exc
    except SpreadsheetError as exc:
        result.errors = [str(exc)]
    except ImportProblems as exc:
        result.errors = exc.messages
    except ValidationError as exc:
        result.errors = list(exc.messages)
    else:
        result.ok, result.changed, result.unchanged = True, outcome.changed, outcome.unchanged
    return result


def stale_messages(
    cells: list[Stale], layout: Layout, indicators: dict[str, FormIndicator]
) -> list[str]:
    """One message per cell changed on the site since the download: the cell, both values
    and who changed it when."""
    rows = {found.code: found.row for found in layout.rows}
    messages = []
    for stale in cells:
        places = indicators[stale.code].decimals
        current = stale.current
        if stale.value != current.value or layout.comment is None:
            col, shown = layout.value, (_shown(current.value, places), _shown(stale.value, places))
        else:
            col, shown = layout.comment, (_quoted(current.comment), _quoted(stale.comment))
        problem = _(
            "changed on the site after this file was downloaded: the site has %(now)s "
            "(changed by %(who)s at %(when)s), the file has %(file)s. Nothing was written; "
            "download the template again, or correct the figure on the report's page."
        ) % {
            "now": shown[0],
            "file": shown[1],
            "who": _person(current.updated_by),
            "when": _when(current.updated_at),
        }
        messages.append(cell_problem(layout.sheet, rows[stale.code], col, problem))
    return messages[:MAX_ERRORS]


def _shown(value: Decimal | None, places: int | None) -> str:
    if value is None:
        return _("no figure")
    if places is None:  # an indicator without a rule: as many decimals as it holds
        places = max(0, -int(value.normalize().as_tuple().exponent))
    return format_vn_number(value, places)


def _quoted(text: str) -> str:
    return f"“{text}”" if text else _("no note")


def _person(user: Any) -> str:
    """Who changed a cell, by name: the staff record's, else the account's."""
    if user is None:
        return _("someone")
    person = getattr(user, "person", None)
    return str((person and person.full_name) or user.get_full_name() or user.username)


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%H:%M} {format_vn_date(local.date())}"
