"""Reading and writing the spreadsheets administrators exchange with the app (.csv and .xlsx).

Reading is defensive: the size limit, UTF-8 only for CSV, a real zip for .xlsx, no macros,
no zip bombs. Every refusal is a SpreadsheetError whose message a person can act on.
Writing produces files Excel opens correctly in Vietnamese and that cannot run formulas.

No Django model is imported here; only settings (for the upload limit) and gettext.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from thidua.lib.dates import format_vn_date
from thidua.lib.filetypes import (
    RefusedFile,
    check_container,
    check_no_code,
    ole_has_macros,
)
from thidua.lib.numbers import format_vn_number
from thidua.lib.text import nfc

MAX_ROWS = 200_000
MAX_COLUMNS = 100
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these could be run as a formula by a spreadsheet."""

Cell = str | int | float | dt.date | None


class SpreadsheetError(Exception):
    """A file that cannot be read; str(error) is the translated message for the user."""


@dataclass(frozen=True)
class Row:
    """One data row: `number` is the row as the user sees it in Excel (header = 1)."""

    number: int
    values: dict[str, str]


@dataclass
class Table:
    """The header cells (stripped, NFC) and the non-blank rows below them."""

    header: list[str]
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Sheet:
    """One worksheet to write: a name, the header and the data rows."""

    name: str
    header: list[str]
    rows: list[list[Cell]]


def upload_limit() -> int:
    """The product's limit in bytes for any uploaded file (settings.THIDUA_MAX_UPLOAD_BYTES)."""
    return int(settings.THIDUA_MAX_UPLOAD_BYTES)


def too_large_message(limit: int | None = None) -> str:
    """The message shown for a file over the upload limit."""
    megabytes = (limit if limit is not None else upload_limit()) / (1024 * 1024)
    shown = format_vn_number(megabytes, 0 if megabytes >= 1 else 3)
    return _("The file is larger than %(mb)s MB. Split it into smaller files.") % {"mb": shown}


def read_table(
    filename: str, data: bytes, *, prefer: Callable[[list[str]], bool] | None = None
) -> Table:
    """Read a .csv or .xlsx upload into a Table; raise SpreadsheetError if it cannot be read.

    For a workbook with several sheets, the first sheet whose header satisfies `prefer` is
    read (the first sheet if none does)."""
    if len(data) > upload_limit():
        raise SpreadsheetError(too_large_message())
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "csv":
        return _nonempty(_table(_csv_rows(data)))
    if extension in ("xlsx", "xlsm"):
        return _read_xlsx(data, prefer)
    if extension == "xls":
        raise SpreadsheetError(
            _("The old Excel 97–2003 format (.xls) is not supported. Save the file as .xlsx.")
        )
    raise SpreadsheetError(_("Upload a .xlsx or .csv file."))


def cell_text(value: Any) -> str:
    """A cell as text: dates as dd/mm/yyyy, whole numbers without '.0', text NFC-trimmed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_vn_date(value.date())
    if isinstance(value, dt.date):
        return format_vn_date(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _unquote(nfc(str(value)))


def _unquote(text: str) -> str:
    """Undo the apostrophe our exports put before formula-like text ('=x comes back as =x)."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def _nonempty(table: Table | None) -> Table:
    if table is None:
        raise SpreadsheetError(_("The file is empty."))
    return table


def _table(rows: Iterable[tuple[int, list[str]]]) -> Table | None:
    """Turn (row number, cells) pairs into a Table: the first non-blank row is the header.
    None when every row is blank."""
    table: Table | None = None
    for number, cells in rows:
        if not any(cells):
            continue
        if table is None:
            table = Table(header=_header(cells))
            continue
        if len(table.rows) >= MAX_ROWS:
            raise SpreadsheetError(
                _("The file has more than %(n)s rows. Split it into smaller files.")
                % {"n": MAX_ROWS}
            )
        table.rows.append(Row(number, _row_values(table.header, cells, number)))
    return table


def _header(cells: list[str]) -> list[str]:
    """The header cells, trailing blanks dropped; a repeated column name is refused."""
    header = list(cells)
    while header and not header[-1]:
        header.pop()
    seen: set[str] = set()
    for name in header:
        if name and name.casefold() in seen:
            raise SpreadsheetError(
                _("The column “%(name)s” appears twice in the header row.") % {"name": name}
            )
        seen.add(name.casefold())
    return header


def _row_values(header: list[str], cells: list[str], number: int) -> dict[str, str]:
    """Pair cells with the header; data under no header is refused with its row number."""
    extra = [c for c in cells[len(header) :] if c]
    unnamed = [c for name, c in zip(header, cells, strict=False) if not name and c]
    if extra or unnamed:
        raise SpreadsheetError(
            _("Row %(row)s has values in a column without a header.") % {"row": number}
        )
    values = {name: "" for name in header if name}
    for name, value in zip(header, cells, strict=False):
        if name:
            values[name] = value
    return values


# --- CSV -----------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is refused, never guessed."""
    if data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(_("This is an Excel workbook, not a CSV file. Name it .xlsx."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(_wrong_encoding()) from exc
    if "\x00" in text or _looks_double_encoded(text):
        raise SpreadsheetError(_wrong_encoding())
    return text


def _wrong_encoding() -> str:
    return _(
        "The file is not in UTF-8, so Vietnamese letters would be garbled. In Excel choose "
        "“Save as” → “CSV UTF-8 (Comma delimited)” and upload it again."
    )


def _looks_double_encoded(text: str) -> bool:
    """UTF-8 that was once read as Windows-1252 and saved again ('Hà' became 'HÃ\xa0')."""
    if text.isascii():
        return False
    try:
        return text.encode("cp1252").decode("utf-8") != text
    except UnicodeError:
        return False


def _delimiter(text: str) -> str:
    """',' or ';' (or a tab), whichever the first non-blank line uses most."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """Parse CSV bytes into (line number, cells); malformed quoting is refused."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, [cell_text(c) for c in cells]))
    except csv.Error as exc:
        raise SpreadsheetError(
            _("The CSV file is malformed near line %(line)s (check the quotes).")
            % {"line": reader.line_num}
        ) from exc
    return _renumber(rows)


def _renumber(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Number records 1, 2, 3… as Excel shows them (a quoted line break stays one row)."""
    return [(index, cells) for index, (_line, cells) in enumerate(rows, start=1)]


# --- XLSX ----------------------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    """Refuse what is not a zip, a zip bomb, or a workbook that carries macros or embedded
    programs, judged by its content types and relationships (thidua.lib.filetypes)."""
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(
            _("This file is not a real .xlsx workbook. Open it in Excel and save it as .xlsx.")
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_no_code(archive, check_container(archive, len(data)))
    except RefusedFile as exc:
        raise SpreadsheetError(_workbook_refusal(exc.reason)) from exc
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SpreadsheetError(_workbook_refusal("damaged")) from exc


def _check_ole(data: bytes) -> None:
    """Refuse a legacy workbook (OLE compound file) with a VBA project or macro sheets."""
    try:
        macros = ole_has_macros(data)
    except RefusedFile as exc:
        raise SpreadsheetError(
            _("The file is damaged or is not a spreadsheet; open it in Excel and save it again.")
        ) from exc
    if macros:
        raise SpreadsheetError(_workbook_refusal("macros"))


def _workbook_refusal(reason: str) -> str:
    if reason == "bomb":
        return _("The .xlsx file unpacks to an abnormal size and was refused as unsafe.")
    if reason == "macros":
        return _("The workbook contains macros. Save it as a plain .xlsx workbook without macros.")
    return _("The .xlsx file is damaged and cannot be opened.")


def _read_xlsx(data: bytes, prefer: Callable[[list[str]], bool] | None) -> Table:
    """Read the preferred sheet of a checked workbook with openpyxl (defusedxml-protected)."""
    _check_zip(data)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise SpreadsheetError(_("The .xlsx file is damaged and cannot be opened.")) from exc
    try:
        first: Table | None = None
        for ws in book.worksheets:
            table = _sheet_table(ws)
            if table is None:
                continue
            first = first or table
            if prefer is None or prefer(table.header):
                return table
        return _nonempty(first)
    finally:
        book.close()


def _sheet_table(ws: Any) -> Table | None:
    """One worksheet as a Table (dimensions recomputed: a lying <dimension> is ignored)."""
    try:
        ws.reset_dimensions()
        rows = (
            (number, [cell_text(v) for v in values])
            for number, values in enumerate(
                ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
            )
        )
        return _table(rows)
    except SpreadsheetError:
        raise
    except Exception as exc:  # a malformed sheet part
        raise SpreadsheetError(_("The .xlsx file is damaged and cannot be opened.")) from exc


# --- Writing -------------------------------------------------------------------------------


def safe_text(value: str) -> str:
    """Text that a spreadsheet will not run: '=1+1' becomes "'=1+1"."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value: Cell) -> str:
    if isinstance(value, dt.date):
        return format_vn_date(value)
    if value is None:
        return ""
    return safe_text(value) if isinstance(value, str) else str(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """CSV bytes with a UTF-8 BOM (so Excel shows Vietnamese letters), dates dd/mm/yyyy."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx with one worksheet per Sheet: bold frozen header, fitted column widths,
    dates as real dates shown dd/mm/yyyy, text never interpreted as a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    formats = {
        "bold": book.add_format({"bold": True}),
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "quoted": book.add_format({"quote_prefix": True}),
    }
    for sheet in sheets:
        _write_sheet(book, sheet, formats)
    book.close()
    return buffer.getvalue()


def _write_sheet(book: Any, sheet: Sheet, formats: dict[str, Any]) -> None:
    """Fill one worksheet and size its columns to their content (capped at 60)."""
    ws = book.add_worksheet(_sheet_name(sheet.name))
    widths = [len(h) for h in sheet.header]
    for col, title in enumerate(sheet.header):
        ws.write_string(0, col, title, formats["bold"])
    for r, row in enumerate(sheet.rows, start=1):
        for col, value in enumerate(row):
            _write_cell(ws, r, col, value, formats)
            if col < len(widths):
                widths[col] = max(widths[col], len(_csv_cell(value)))
    ws.freeze_panes(1, 0)
    for col, width in enumerate(widths):
        ws.set_column(col, col, min(max(width, 8), 60) + 2)


def _write_cell(ws: Any, row: int, col: int, value: Cell, formats: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    if isinstance(value, dt.date):
        ws.write_datetime(row, col, value, formats["date"])
    elif isinstance(value, int | float):
        ws.write_number(row, col, value)
    elif value.startswith(FORMULA_STARTS):
        ws.write_string(row, col, value, formats["quoted"])
    else:
        ws.write_string(row, col, value)


def _sheet_name(name: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()
    return cleaned[:31] or "Sheet"
