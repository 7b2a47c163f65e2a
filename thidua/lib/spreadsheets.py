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
import re
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
    """One worksheet to write: a name, the header and the data rows, and title lines above
    the header (then a blank row) when given."""

    name: str
    header: list[str]
    rows: list[list[Cell]]
    title: list[str] = field(default_factory=list)

    @property
    def header_row(self) -> int:
        """The header's row, 0-based."""
        return len(self.title) + 1 if self.title else 0


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


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could run this text as a formula (=, +, -, @ …)."""
    return text.startswith(FORMULA_STARTS)


def safe_text(value: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run: '=1+1' becomes "'=1+1"."""
    return "'" + value if is_formula_like(value) else value


ROW_POINTS = 15  # the default height of a row of 11-point text
CHARS_PER_WIDTH = 1.08  # characters of Vietnamese text per unit of column width (one "0")


def wrapped_row_points(text: str, width: float) -> float | None:
    """The height (points) a row needs to show `text` wrapped in a column `width` wide, or
    None when one line holds it. LibreOffice keeps the row heights an .xlsx stores rather
    than fitting them to wrapped text, so a long label must get its height from the file."""
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    lines = -(-len(text) // per_line)
    return ROW_POINTS * lines if lines > 1 else None


class XlsxFormats:
    """XlsxWriter formats of one workbook, made once for each set of properties."""

    def __init__(self, book: Any, **base: Any) -> None:
        self.book, self.base = book, base
        self.made: dict[tuple[tuple[str, Any], ...], Any] = {}

    def __call__(self, **props: Any) -> Any:
        key = tuple(sorted((self.base | props).items()))
        if key not in self.made:
            self.made[key] = self.book.add_format(dict(key))
        return self.made[key]


def write_text(
    ws: Any,
    at: tuple[int, int],
    text: str,
    formats: XlsxFormats,
    *,
    to: tuple[int, int] | None = None,
    **props: Any,
) -> None:
    """Write text (into the cell `at`, or the merged range `at`–`to`; 0-based) so that no
    spreadsheet runs it: formula-like text gets Excel's quote prefix, the hidden apostrophe
    Excel itself adds when one types '=…, so it stays text even when the cell is edited.
    Every text written to an .xlsx by the app goes through here."""
    if is_formula_like(text):
        props = props | {"quote_prefix": True}
    fmt = formats(**props)
    if to is None:
        ws.write_string(*at, text, fmt)
    else:
        ws.merge_range(*at, *to, text, fmt)


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
    formats = XlsxFormats(book)
    for sheet in sheets:
        _write_sheet(book, sheet, formats)
    book.close()
    return buffer.getvalue()


def _write_sheet(book: Any, sheet: Sheet, formats: XlsxFormats) -> None:
    """Fill one worksheet and size its columns to their content (capped at 60)."""
    ws = book.add_worksheet(_sheet_name(sheet.name))
    for r, line in enumerate(sheet.title):
        write_text(ws, (r, 0), line, formats, bold=r == 0, font_size=14 if r == 0 else 11)
    top = sheet.header_row
    widths = [len(h) for h in sheet.header]
    for col, title in enumerate(sheet.header):
        write_text(ws, (top, col), title, formats, bold=True)
    for r, row in enumerate(sheet.rows, start=top + 1):
        for col, value in enumerate(row):
            _write_cell(ws, r, col, value, formats)
            if col < len(widths):
                widths[col] = max(widths[col], len(_csv_cell(value)))
    ws.freeze_panes(top + 1, 0)
    for col, width in enumerate(widths):
        ws.set_column(col, col, min(max(width, 8), 60) + 2)


def _write_cell(ws: Any, row: int, col: int, value: Cell, formats: XlsxFormats) -> None:
    if value is None or value == "":
        return
    if isinstance(value, dt.date):
        ws.write_datetime(row, col, value, formats(num_format="dd/mm/yyyy"))
    elif isinstance(value, int | float):
        ws.write_number(row, col, value)
    else:
        write_text(ws, (row, col), value, formats)


def _sheet_name(name: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()
    return cleaned[:31] or "Sheet"


# --- What a value reader does not tell: formula errors and fonts ------------------------------

ERROR_TEXT = re.compile(r"^(#[A-Z0-9/]+[!?]|#N/A|#GETTING_DATA|Err:\d{3})$")
"""How Excel (#DIV/0!, #N/A …) and LibreOffice (Err:502 …) show a formula that failed."""


@dataclass(frozen=True)
class CellFacts:
    """What python-calamine does not report about a cell: the error a formula gave (it
    reads such a cell as blank) and the cell's font name."""

    error: str | None = None
    font: str | None = None


Position = tuple[int, int]
"""A cell as (row, column), 0-based from A1."""


def cell_facts(
    kind: str, data: bytes, sheet: str, cells: set[Position]
) -> dict[Position, CellFacts]:
    """Errors and fonts of `cells` of one sheet of a checked workbook ("xlsx", "ods" or
    "xls"); cells with neither are left out. A file that cannot be read this way tells
    nothing (its values were already read)."""
    if not cells:
        return {}
    readers = {"xlsx": _xlsx_facts, "ods": _ods_facts, "xls": _xls_facts}
    try:
        return {p: f for p, f in readers[kind](data, sheet, cells).items() if f != CellFacts()}
    except Exception:  # a reader's failure on an odd file must not stop the import
        return {}


def _xlsx_facts(data: bytes, sheet: str, cells: set[Position]) -> dict[Position, CellFacts]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = book[sheet]
        last = max(r for r, _c in cells) + 1
        found: dict[Position, CellFacts] = {}
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=last), start=0):
            for cell in row:
                column = getattr(cell, "column", None)
                if column is None or (r, column - 1) not in cells:
                    continue
                error = str(cell.value) if cell.data_type == "e" else None
                font = cell.font.name if cell.font is not None else None
                found[(r, column - 1)] = CellFacts(error, font or None)
        return found
    finally:
        book.close()


def _xls_facts(data: bytes, sheet: str, cells: set[Position]) -> dict[Position, CellFacts]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    ws = book.sheet_by_name(sheet)
    found: dict[Position, CellFacts] = {}
    for r, c in cells:
        if r >= ws.nrows or c >= ws.ncols:
            continue
        cell = ws.cell(r, c)
        error = None
        if cell.ctype == xlrd.XL_CELL_ERROR:
            error = xlrd.error_text_from_code.get(cell.value, "#VALUE!")
        font = book.font_list[book.xf_list[cell.xf_index].font_index].name
        found[(r, c)] = CellFacts(error, font or None)
    return found


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}
MAX_REPEAT = 100_000
"""Repeated rows/columns counted at most this far (LibreOffice pads to 1,048,576 rows)."""


def _q(prefix: str, name: str) -> str:
    return f"{{{_ODS[prefix]}}}{name}"


@dataclass
class _OdsStyles:
    """Font of each cell or text style (style name -> font family), parents followed."""

    faces: dict[str, str] = field(default_factory=dict)
    fonts: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)

    def read(self, element: Any) -> None:
        if element.tag == _q("style", "font-face"):
            family = element.get(_q("svg", "font-family"), "").strip("'\"")
            self.faces[element.get(_q("style", "name"), "")] = family
        elif element.tag == _q("style", "style"):
            name = element.get(_q("style", "name"), "")
            if parent := element.get(_q("style", "parent-style-name")):
                self.parents[name] = parent
            props = element.find(_q("style", "text-properties"))
            if props is not None and (font := props.get(_q("style", "font-name"))):
                self.fonts[name] = font

    def font(self, style: str | None) -> str | None:
        for _depth in range(10):
            if not style:
                return None
            if style in self.fonts:
                return self.faces.get(self.fonts[style], self.fonts[style])
            style = self.parents.get(style)
        return None


def _ods_facts(data: bytes, sheet: str, cells: set[Position]) -> dict[Position, CellFacts]:
    from defusedxml.ElementTree import iterparse

    styles = _OdsStyles()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        with archive.open("styles.xml") as part:
            for _event, element in iterparse(part):
                styles.read(element)
        with archive.open("content.xml") as part:
            return _ods_cells(iterparse(part, events=("start", "end")), styles, sheet, cells)


def _ods_cells(
    events: Any, styles: _OdsStyles, sheet: str, cells: set[Position]
) -> dict[Position, CellFacts]:
    """Walk content.xml's rows and cells (repeats counted) in the named table."""
    found: dict[Position, CellFacts] = {}
    last = max(r for r, _c in cells)
    inside, row, col = False, 0, 0
    column_styles: list[str | None] = []
    for event, element in events:
        tag = element.tag
        if event == "start":
            if tag == _q("table", "table"):
                inside = element.get(_q("table", "name")) == sheet
            continue
        if not inside:
            styles.read(element)
            if tag == _q("table", "table-row"):
                element.clear()
            continue
        if tag == _q("table", "table-column"):
            repeat = min(int(element.get(_q("table", "number-columns-repeated"), "1")), 1024)
            column_styles += [element.get(_q("table", "default-cell-style-name"))] * repeat
        elif tag in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
            repeat = min(int(element.get(_q("table", "number-columns-repeated"), "1")), MAX_REPEAT)
            for c in range(col, col + repeat):
                if (row, c) in cells:
                    found[(row, c)] = _ods_cell(element, styles, column_styles, c)
            col += repeat
            element.clear()
        elif tag == _q("table", "table-row"):
            row += min(int(element.get(_q("table", "number-rows-repeated"), "1")), MAX_REPEAT)
            col = 0
            element.clear()
            if row > last:
                break
        elif tag == _q("table", "table"):
            break
    return found


def _ods_cell(
    element: Any, styles: _OdsStyles, column_styles: list[str | None], col: int
) -> CellFacts:
    text = "".join(element.itertext()).strip()
    error = None
    if element.get(_q("calcext", "value-type")) == "error" or (
        element.get(_q("table", "formula")) and ERROR_TEXT.match(text)
    ):
        error = text or "#VALUE!"
    style = element.get(_q("table", "style-name"))
    if style is None and col < len(column_styles):
        style = column_styles[col]
    font = None
    for span in element.iter(_q("text", "span")):
        font = styles.font(span.get(_q("text", "style-name")))
        if font:
            break
    return CellFacts(error, font or styles.font(style))
