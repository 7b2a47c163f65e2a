"""The Excel template of one report (unit × form × period), to fill offline and upload again
(reporting/importing.py reads it back).

Layout of the sheet "Báo cáo" (columns A–H), laid out like the official tables:

    1  TÊN ĐƠN VỊ (unit name)                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    2  Mã đơn vị: PA-R1                        Độc lập - Tự do - Hạnh phúc
    4  BÁO CÁO KẾT QUẢ THỰC HÀNH TIẾT KIỆM, CHỐNG LÃNG PHÍ
    5  form name (form code)
    6  Kỳ báo cáo: Q3/2025 (01/07/2025 – 30/09/2025)
    7  how to fill it
    9  STT | Chỉ tiêu | Mã chỉ tiêu | Đơn vị tính | Kỳ này | Kỳ trước | Cùng kỳ năm trước | Ghi chú
   10… a bold row per section (I, II …), then one row per indicator. "Kỳ này" is the only
       input: unlocked, yellow, with decimal data validation and the vi number format; derived
       indicators there are locked Excel formulas; the two reference columns are locked values.
       "Ghi chú" (comment, explanation) is unlocked text.
    …  place and date, then the signature blocks (preparer, head of unit).

The sheet is protected without a password: protection guards against typing over formulas
by mistake, not against a determined user; the server recomputes derived values and checks
scope on upload anyway.

A very hidden sheet "_thidua" identifies the file: format version, unit code, form code,
period key, the version of each stored cell at download (so that an upload never reverts a
figure or note changed on the site since), the columns used, and an HMAC of all that
(SECRET_KEY, salted) so that an edited identity is refused on upload.

Every text goes through thidua.lib.spreadsheets.write_text: text that looks like a formula
(=, +, -, @) is written with Excel's quote prefix and never runs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.lib.dates import format_vn_date
from thidua.lib.spreadsheets import XlsxFormats, write_text
from thidua.lib.text import filename_slug

from .checks import (
    Values,
    previous_period,
    same_period_last_year,
    typed_values,
    values_for,
    with_derived,
)
from .expressions import (
    Binary,
    Expression,
    ExpressionError,
    Function,
    History,
    Negate,
    Node,
    Number,
    Ref,
    compile_expression,
)
from .models import DataValue, FormRow, FormSection, Indicator, Period, Report

FORMAT = "thidua-report-template"
VERSION = "2"
"""2 adds the cells' versions (a file of version 1 is read as knowing none)."""
VERSION_PREFIX = "cell:"
"""Identity rows `cell:<indicator code>` hold the version of that stored cell."""
IDENTITY_SHEET = "_thidua"
HMAC_SALT = "thidua.reporting.excel.identity"
MAX_ABS = 10**15 - 1
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER_ROW = 9
"""The row of column titles (1-based, as Excel shows it)."""
COLUMNS: tuple[tuple[str, Any, int], ...] = (
    ("number", gettext_lazy("No."), 6),
    ("name", gettext_lazy("Indicator"), 52),
    ("code", gettext_lazy("Indicator code"), 20),
    ("unit", gettext_lazy("Unit of measure"), 12),
    ("value", gettext_lazy("This period"), 18),
    ("previous", gettext_lazy("Previous period"), 16),
    ("last_year", gettext_lazy("Same period last year"), 16),
    ("comment", gettext_lazy("Notes, explanation"), 40),
)
COLUMN_INDEX = {key: index for index, (key, _label, _width) in enumerate(COLUMNS)}
LAST_COLUMN = len(COLUMNS) - 1


@dataclass(frozen=True)
class Identity:
    """What a template is for: unit code, form code and period key (see `period_key`), and
    the version of each stored cell when it was downloaded (codes absent: no stored cell)."""

    unit: str
    form: str
    period: str
    versions: tuple[tuple[str, int], ...] = ()
    format_version: str = VERSION

    def checksum(self) -> str:
        payload = f"{self.format_version}|{self.unit}|{self.form}|{self.period}"
        if self.format_version != "1":
            payload += "|" + ";".join(f"{code}={n}" for code, n in self.versions)
        return salted_hmac(HMAC_SALT, payload, algorithm="sha256").hexdigest()[:32]

    def checks(self, checksum: str) -> bool:
        return constant_time_compare(self.checksum(), checksum.strip().lower())

    def version_of(self, code: str) -> int:
        """The cell's version when the file was downloaded; 0 if it was not stored then."""
        return dict(self.versions).get(code, 0)


def period_key(period: Period) -> str:
    """2025-quarter-3, 2026-year-1: stable across languages, unlike the period's label."""
    return f"{period.year}-{period.kind}-{period.number}"


def identity_for(report: Report) -> Identity:
    versions = DataValue.objects.filter(report=report, version__gt=0).values_list(
        "indicator__code", "version"
    )
    return Identity(
        report.unit.code, report.form.code, period_key(report.period), tuple(sorted(versions))
    )


def column_letter(index: int) -> str:
    return chr(ord("A") + index)


def template_filename(report: Report) -> str:
    """The download name in words, ASCII-folded: bao-cao-quy-3-2025-khu-vuc-1 (.xlsx)."""
    words = _("report %(period)s %(unit)s") % {
        "period": report.period.label,
        "unit": report.unit.name,
    }
    return filename_slug(str(words))


# --- the figures shown ------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One row of the table: a section title (indicator None) or an indicator row."""

    number: str
    title: str
    indicator: Indicator | None = None


def lines_for(report: Report) -> list[Line]:
    """The form's sections and rows in order."""
    sections = FormSection.objects.filter(form=report.form).order_by("order", "pk")
    rows = FormRow.objects.filter(section__form=report.form).select_related("indicator")
    by_section: dict[int, list[FormRow]] = {}
    for row in rows.order_by("order", "pk"):
        by_section.setdefault(row.section_id, []).append(row)
    lines: list[Line] = []
    for section in sections:
        lines.append(Line(section.code, section.display_name))
        lines += [
            Line(r.number, r.indicator.display_name, r.indicator)
            for r in by_section.get(section.pk, [])
        ]
    return lines


@dataclass(frozen=True)
class Figures:
    """The values printed in the template: this period (typed, then derived), comments, and
    the two reference periods."""

    current: Values
    comments: dict[str, str]
    previous: Values
    last_year: Values


def figures_for(report: Report, indicators: list[Indicator]) -> Figures:
    typed, comments = typed_values(report)
    unit, form = report.unit_id, report.form_id
    previous = values_for(unit, form, previous_period(report.period))
    last_year = values_for(unit, form, same_period_last_year(report.period))
    return Figures(
        current=with_derived(typed, indicators),
        comments=comments,
        previous=with_derived(previous, indicators),
        last_year=with_derived(last_year, indicators),
    )


# --- formulas ---------------------------------------------------------------------------------

_EXCEL_FUNCTIONS = {"abs": "ABS", "min": "MIN", "max": "MAX", "sum": "SUM"}


@dataclass(frozen=True)
class CellRefs:
    """Where each code's value sits: this period, previous period, same period last year."""

    current: Mapping[str, str]
    previous: Mapping[str, str]
    last_year: Mapping[str, str]


def excel_formula(expression: Expression, refs: CellRefs) -> str | None:
    """The derived indicator as an Excel formula over the sheet's cells, or None when it reads
    a code that is not on the sheet. Like the server, it is empty when a value it needs is
    missing or a division is by zero."""
    try:
        body = _node(expression.tree, refs)
    except KeyError:
        return None
    needed = sorted(_required_cells(expression.tree, refs))
    if needed:
        body = f'IF(COUNT({",".join(needed)})<{len(needed)},"",{body})'
    return f'=IFERROR({body},"")'


def _node(node: Node, refs: CellRefs) -> str:
    if isinstance(node, Number):
        return f"{node.value:f}"
    if isinstance(node, Ref):
        return refs.current[node.code]
    if isinstance(node, History):
        return (refs.previous if node.kind == "prev" else refs.last_year)[node.code]
    if isinstance(node, Negate):
        return f"(-{_node(node.operand, refs)})"
    if isinstance(node, Binary):
        return f"({_node(node.left, refs)}{node.op}{_node(node.right, refs)})"
    args = [_node(arg, refs) for arg in node.args]
    if node.name == "coalesce":
        out = args[-1]
        for arg in reversed(args[:-1]):
            out = f"IF(ISNUMBER({arg}),{arg},{out})"
        return out
    return f"{_EXCEL_FUNCTIONS[node.name]}({','.join(args)})"


def _required_cells(node: Node, refs: CellRefs) -> set[str]:
    """The cells that must hold a number (every reference not inside coalesce)."""
    if isinstance(node, Ref):
        return {refs.current[node.code]}
    if isinstance(node, History):
        return {(refs.previous if node.kind == "prev" else refs.last_year)[node.code]}
    if isinstance(node, Negate):
        return _required_cells(node.operand, refs)
    if isinstance(node, Binary):
        return _required_cells(node.left, refs) | _required_cells(node.right, refs)
    if isinstance(node, Function) and node.name != "coalesce":
        return set().union(*(_required_cells(arg, refs) for arg in node.args))
    return set()


# --- the workbook -----------------------------------------------------------------------------


def number_format(decimals: int) -> str:
    """Excel's code for the figure; Excel shows it as 1.234.567,5 on a Vietnamese system."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def build_template(report: Report) -> bytes:
    """The .xlsx template of `report`, in the active language, filled with its current
    figures (so that uploading it unchanged changes nothing)."""
    import xlsxwriter

    lines = lines_for(report)
    indicators = [line.indicator for line in lines if line.indicator is not None]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = _Sheet(book, report)
    sheet.header()
    last_row = sheet.table(lines, figures_for(report, indicators))
    sheet.footer(last_row + 2)
    sheet.finish(last_row)
    _identity_sheet(book, identity_for(report))
    book.close()
    return buffer.getvalue()


class _Sheet:
    """Writes the visible sheet; rows and columns are 0-based here, as XlsxWriter counts."""

    def __init__(self, book: Any, report: Report) -> None:
        self.book, self.report = book, report
        self.ws = book.add_worksheet(_("Report")[:31])
        self.formats = XlsxFormats(
            book, font_name="Times New Roman", font_size=12, valign="vcenter"
        )

    def fmt(self, **props: Any) -> Any:
        return self.formats(**props)

    def text(
        self, at: tuple[int, int], text: str, *, to: tuple[int, int] | None = None, **props: Any
    ) -> None:
        write_text(self.ws, at, text, self.formats, to=to, **props)

    def header(self) -> None:
        unit, last = self.report.unit, LAST_COLUMN
        centre: dict[str, Any] = {"bold": True, "align": "center"}
        self.text((0, 0), unit.name.upper(), to=(0, 2), **centre)
        self.text((0, 4), _("SOCIALIST REPUBLIC OF VIETNAM"), to=(0, last), **centre)
        code = _("Unit code: %(code)s") % {"code": unit.code}
        self.text((1, 0), code, to=(1, 2), align="center")
        motto = _("Independence - Freedom - Happiness")
        self.text((1, 4), motto, to=(1, last), underline=True, **centre)
        title = _("REPORT ON THE PRACTICE OF THRIFT AND ANTI-WASTE")
        self.text((3, 0), title, to=(3, last), font_size=14, **centre)
        form = self.report.form
        self.text((4, 0), f"{form.display_name} ({form.code})", to=(4, last), **centre)
        self.text((5, 0), period_line(self.report.period), to=(5, last), align="center")
        help_text = _(
            "Type figures only in the yellow cells of the “This period” column (for example "
            "1.234.567,5); add notes in the last column. Do not change the indicator codes."
        )
        help_props: dict[str, Any] = {
            "italic": True,
            "align": "center",
            "text_wrap": True,
            "font_size": 11,
        }
        self.text((6, 0), help_text, to=(6, last), **help_props)
        self.ws.set_row(6, 32)
        head: dict[str, Any] = {**centre, "border": 1, "text_wrap": True, "bg_color": "#D9E1F2"}
        for col, (_key, label, width) in enumerate(COLUMNS):
            self.text((HEADER_ROW - 1, col), str(label), **head)
            self.ws.set_column(col, col, width)
        self.ws.set_row(HEADER_ROW - 1, 36)

    def table(self, lines: list[Line], figures: Figures) -> int:
        """Write the rows; returns the last row written (0-based)."""
        first = HEADER_ROW
        rows = {line.indicator.code: first + i for i, line in enumerate(lines) if line.indicator}
        refs = CellRefs(
            *(
                {code: f"{column_letter(COLUMN_INDEX[key])}{row + 1}" for code, row in rows.items()}
                for key in ("value", "previous", "last_year")
            )
        )
        for offset, line in enumerate(lines):
            row = first + offset
            if line.indicator is None:
                self.section_row(row, line)
            else:
                self.indicator_row(row, line, line.indicator, figures, refs)
        return first + len(lines) - 1

    def section_row(self, row: int, line: Line) -> None:
        shaded: dict[str, Any] = {"bold": True, "border": 1, "bg_color": "#F2F2F2"}
        self.text((row, 0), line.number, align="center", **shaded)
        self.text((row, 1), line.title, to=(row, LAST_COLUMN), **shaded)

    def indicator_row(
        self, row: int, line: Line, ind: Indicator, figures: Figures, refs: CellRefs
    ) -> None:
        cols = COLUMN_INDEX
        self.text((row, cols["number"]), line.number, border=1, align="center")
        self.text((row, cols["name"]), line.title, border=1, text_wrap=True)
        code_font: dict[str, Any] = {"font_name": "Consolas", "font_size": 10}
        self.text((row, cols["code"]), ind.code, border=1, **code_font)
        self.text((row, cols["unit"]), str(ind.get_unit_display()), border=1, align="center")
        self.value_cell(row, ind, figures.current.get(ind.code), refs)
        reference = self.fmt(border=1, num_format=number_format(ind.decimals), font_color="#595959")
        for key, values in (("previous", figures.previous), ("last_year", figures.last_year)):
            _write_number(self.ws, row, cols[key], values.get(ind.code), reference)
        # A computed row keeps no note (as on the entry page): its note cell is locked.
        note: dict[str, Any] = {"locked": False} if not ind.is_derived else {"bg_color": "#E7E6E6"}
        comment = figures.comments.get(ind.code, "")
        self.text((row, cols["comment"]), comment, border=1, text_wrap=True, **note)

    def value_cell(self, row: int, ind: Indicator, value: Decimal | None, refs: CellRefs) -> None:
        col, places = COLUMN_INDEX["value"], ind.decimals
        if ind.is_derived:
            formula = _formula_for(ind, refs)
            fmt = self.fmt(
                border=1,
                num_format=number_format(places),
                bg_color="#E7E6E6",
                bold=True,
            )
            if formula is None:
                _write_number(self.ws, row, col, value, fmt)
            else:
                shown = float(value) if value is not None else ""
                self.ws.write_formula(row, col, formula, fmt, shown)
            return
        fmt = self.fmt(
            border=1,
            num_format=number_format(places),
            bg_color="#FFF2CC",
            locked=False,
        )
        _write_number(self.ws, row, col, value, fmt)
        self.ws.data_validation(row, col, row, col, _number_validation())

    def footer(self, row: int) -> None:
        last = LAST_COLUMN
        place = _("…………, day …… month …… year ……")
        self.text((row, 4), place, to=(row, last), italic=True, align="center")
        bold: dict[str, Any] = {"bold": True, "align": "center"}
        self.text((row + 1, 0), _("PREPARED BY"), to=(row + 1, 2), **bold)
        self.text((row + 1, 4), _("HEAD OF UNIT"), to=(row + 1, last), **bold)
        hint: dict[str, Any] = {"italic": True, "align": "center", "font_size": 11}
        self.text((row + 2, 0), _("(Signature, full name)"), to=(row + 2, 2), **hint)
        self.text((row + 2, 4), _("(Signature, full name, seal)"), to=(row + 2, last), **hint)

    def finish(self, last_row: int) -> None:
        ws = self.ws
        ws.freeze_panes(HEADER_ROW, 0)
        ws.repeat_rows(HEADER_ROW - 1)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True})
        ws.activate()


def period_line(period: Period) -> str:
    """The visible line naming the period, in the active language (checked on upload)."""
    return _("Reporting period: %(label)s (%(start)s – %(end)s)") % {
        "label": period.label,
        "start": format_vn_date(period.start),
        "end": format_vn_date(period.end),
    }


def _formula_for(ind: Indicator, refs: CellRefs) -> str | None:
    try:
        return excel_formula(compile_expression(ind.formula), refs)
    except ExpressionError:
        return None


def _write_number(ws: Any, row: int, col: int, value: Decimal | None, fmt: Any) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, float(value), fmt)


def _number_validation() -> dict[str, Any]:
    return {
        "validate": "decimal",
        "criteria": "between",
        "minimum": -MAX_ABS,
        "maximum": MAX_ABS,
        "ignore_blank": True,
        "input_title": _("A number")[:32],
        "input_message": _("Type a number, for example 1.234.567,5.")[:255],
        "error_title": _("Not a number")[:32],
        "error_message": _("This cell takes a number only, for example 1.234.567,5.")[:255],
    }


def _identity_sheet(book: Any, identity: Identity) -> None:
    """The very hidden sheet that tells the importer what the file is for."""
    ws = book.add_worksheet(IDENTITY_SHEET)
    formats = XlsxFormats(book)
    cols = COLUMN_INDEX
    rows: list[tuple[str, str]] = [
        ("format", FORMAT),
        ("version", identity.format_version),
        ("unit", identity.unit),
        ("form", identity.form),
        ("period", identity.period),
        ("code_column", column_letter(cols["code"])),
        ("value_column", column_letter(cols["value"])),
        ("comment_column", column_letter(cols["comment"])),
        ("header_row", str(HEADER_ROW)),
        *((f"{VERSION_PREFIX}{code}", str(n)) for code, n in identity.versions),
        ("checksum", identity.checksum()),
    ]
    for r, (key, value) in enumerate(rows):
        write_text(ws, (r, 0), key, formats)
        write_text(ws, (r, 1), value, formats)
    ws.protect()
    ws.very_hidden()
