"""Roll-up tables as plain data, shared by the roll-up page and its .xlsx download.

The workbook is written by thidua.lib.spreadsheets.write_xlsx (numbers as numbers, text never
run as a formula); the official layout on top of it — title lines, number formats by each
indicator's decimals, unapproved figures shaded — is added here, as write_xlsx has no title rows
or number formats.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from thidua.lib.dates import format_vn_date
from thidua.lib.spreadsheets import Cell, Sheet, wrapped_row_points, write_xlsx
from thidua.org import tree
from thidua.org.models import OrgUnit

from . import rollups
from .models import FormRow, Indicator, IndicatorGroup, Period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEADING_COLUMNS = 3  # number, indicator, unit of measure
PARTIAL_FILL = "FFF3CD"  # Bootstrap's warning-subtle, as on the page


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    partial: bool = False


@dataclass
class Row:
    number: str
    indicator: Indicator
    total: Figure
    reports: int
    children: list[Figure] = field(default_factory=list)


@dataclass
class Group:
    group: IndicatorGroup
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    unit_id: int
    name: str


@dataclass
class RollupTable:
    """One roll-up view: the unit's totals by indicator group, and one column per unit below."""

    unit: OrgUnit
    unit_name: str
    periods: list[Period]
    mapped_to: dt.date | None
    include_unapproved: bool
    columns: list[Column]
    groups: list[Group]

    @property
    def width(self) -> int:
        """Columns of the table: number, indicator, unit, total, reports, one per unit below."""
        return LEADING_COLUMNS + 2 + len(self.columns)

    @property
    def partial(self) -> bool:
        return any(
            r.total.partial or any(c.partial for c in r.children)
            for g in self.groups
            for r in g.rows
        )

    @property
    def period_label(self) -> str:
        return period_label(self.periods)

    @property
    def structure_label(self) -> str:
        if self.mapped_to is None:
            return _("on the structure as it was when the figures were reported")
        return _("mapped onto the organisation structure on %(date)s") % {
            "date": format_vn_date(self.mapped_to)
        }


def period_label(periods: list[Period]) -> str:
    """'Year 2025' for the four quarters of a year, else 'Q1/2025 – Q3/2025'."""
    first, last = periods[0], periods[-1]
    whole_year = (
        len(periods) == 4
        and first.year == last.year
        and (first.number, last.number) == (1, 4)
        and all(p.kind == Period.Kind.QUARTER for p in periods)
    )
    if whole_year:
        return _("Year %(year)s") % {"year": str(first.year)}
    return first.label if first == last else f"{first.label} – {last.label}"


def indicators_for(periods: list[Period], *, on_forms: bool = False) -> list[Indicator]:
    """The catalogue's indicators in force during the periods, in catalogue order; with
    `on_forms`, only those a form in force during the periods carries (when any form does)."""
    rows = Indicator.objects.filter(
        valid_from__lte=periods[-1].end, valid_to__gt=periods[0].start
    ).select_related("group")
    if on_forms:
        carried = FormRow.objects.filter(
            section__form__valid_from__lte=periods[-1].end,
            section__form__valid_to__gt=periods[0].start,
        ).values("indicator_id")
        if carried.exists():
            rows = rows.filter(pk__in=carried)
    return list(rows)


def rollup_table(
    unit: OrgUnit,
    periods: list[Period],
    *,
    mapped_to: dt.date | None,
    include_unapproved: bool,
    child_ids: list[int],
    on_forms: bool = False,
    codes: Collection[str] | None = None,
) -> RollupTable:
    """The totals of `unit` and of each unit in `child_ids`, by indicator group (with
    `on_forms`, only the indicators the forms of the periods carry; with `codes`, only those)."""
    indicators = indicators_for(periods, on_forms=on_forms)
    if codes is not None:  # only these (the dashboard's key indicators)
        indicators = [i for i in indicators if i.code in codes]
    day = mapped_to or periods[-1].end
    names = tree.names_at([unit.pk, *child_ids], day)

    def ask(unit_id: int) -> rollups.RollupResult:
        return rollups.query(
            unit_id,
            periods,
            indicators,
            mapped_to=mapped_to,
            include_unapproved=include_unapproved,
        )

    total = ask(unit.pk)
    below = rollups.query_many(
        child_ids,
        periods,
        indicators,
        mapped_to=mapped_to,
        include_unapproved=include_unapproved,
    )
    annual = _annual_only(periods, indicators)
    if annual is not None:
        year_period, only = annual

        def ask_year(unit_id: int) -> rollups.RollupResult:
            return rollups.query(
                unit_id,
                [year_period],
                only,
                mapped_to=mapped_to,
                include_unapproved=include_unapproved,
            )

        years = [
            ask_year(unit.pk),
            *rollups.query_many(
                child_ids,
                [year_period],
                only,
                mapped_to=mapped_to,
                include_unapproved=include_unapproved,
            ),
        ]
        for result, extra in zip([total, *below], years, strict=True):
            _merge(result, extra, {i.code for i in only})
    groups: dict[int, Group] = {}
    for ind in indicators:
        group = groups.setdefault(ind.group_id, Group(ind.group))
        group.rows.append(
            Row(
                number=str(len(group.rows) + 1),
                indicator=ind,
                total=_figure(total, ind.code),
                reports=total.reports.get(ind.code, 0),
                children=[_figure(r, ind.code) for r in below],
            )
        )
    return RollupTable(
        unit=unit,
        unit_name=names.get(unit.pk, unit.name),
        periods=periods,
        mapped_to=mapped_to,
        include_unapproved=include_unapproved,
        columns=[Column(i, names.get(i, "")) for i in child_ids],
        groups=list(groups.values()),
    )


def _annual_only(
    periods: list[Period], indicators: list[Indicator]
) -> tuple[Period, list[Indicator]] | None:
    """For a whole calendar year of quarters: the year's period and the indicators reported
    only in the annual report (savings through bidding, floor area recovered…), which no
    quarter carries. Their year figure comes from the annual reports."""
    years = {p.year for p in periods}
    if len(years) != 1 or sorted(p.number for p in periods if p.kind == Period.Kind.QUARTER) != [
        1,
        2,
        3,
        4,
    ]:
        return None
    year = years.pop()
    year_period = Period.objects.filter(kind=Period.Kind.YEAR, year=year).first()
    if year_period is None:
        return None
    rows = FormRow.objects.filter(
        section__form__valid_from__lte=year_period.end,
        section__form__valid_to__gt=year_period.start,
    )
    sub_annual = set(
        rows.exclude(section__form__periodicity=Period.Kind.YEAR).values_list(
            "indicator_id", flat=True
        )
    )
    annual = set(
        rows.filter(section__form__periodicity=Period.Kind.YEAR).values_list(
            "indicator_id", flat=True
        )
    )
    only = [i for i in indicators if i.pk in annual - sub_annual]
    return (year_period, only) if only else None


def _merge(result: rollups.RollupResult, extra: rollups.RollupResult, codes: set[str]) -> None:
    for code in codes:
        result.values[code] = extra.values.get(code)
        result.reports[code] = extra.reports.get(code, 0)
        if code in extra.partial:
            result.partial.add(code)


def _figure(result: rollups.RollupResult, code: str) -> Figure:
    return Figure(result.values.get(code), code in result.partial)


# --- .xlsx -------------------------------------------------------------------------------------


def _number(figure: Figure) -> float | None:
    return float(figure.value) if figure.value is not None else None


def _roman(n: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def title_lines(table: RollupTable, today: dt.date) -> list[str]:
    lines = [
        _("CONSOLIDATED FIGURES ON THRIFT AND ANTI-WASTE"),
        _("Unit: %(name)s") % {"name": table.unit_name},
        _("Period: %(period)s") % {"period": table.period_label},
        _("Structure: %(structure)s") % {"structure": table.structure_label},
        _("Exported on %(date)s") % {"date": format_vn_date(today)},
    ]
    if table.partial:
        lines.append(_("Shaded figures include data not yet approved."))
    elif table.include_unapproved:
        lines.append(_("Data not yet approved was included; there was none."))
    return lines


def table_sheet(table: RollupTable, title: list[str] | None = None) -> Sheet:
    header = [
        _("No."),
        _("Indicator"),
        _("Unit of measure"),
        _("Total"),
        _("Number of reports"),
        *[c.name for c in table.columns],
    ]
    rows: list[list[Cell]] = []
    for number, group in enumerate(table.groups, start=1):
        rows.append([_roman(number), group.group.display_name])
        for row in group.rows:
            rows.append(
                [
                    row.number,
                    row.indicator.display_name,
                    row.indicator.get_unit_display(),
                    _number(row.total),
                    row.reports or None,
                    *[_number(c) for c in row.children],
                ]
            )
    return Sheet(name=_("Roll-up"), header=header, rows=rows, title=title or [])


def rollup_workbook(table: RollupTable, *, today: dt.date) -> bytes:
    """The roll-up as an .xlsx: title lines, then the table with numbers formatted by each
    indicator's decimals and unapproved figures shaded."""
    sheet = table_sheet(table, title_lines(table, today))
    return _official_layout(write_xlsx([sheet]), table, sheet.header_row)


def _official_layout(data: bytes, table: RollupTable, top: int) -> bytes:
    """Number formats, bold group rows and shading on the table whose header is on the
    0-based row `top` (the title lines are written by write_xlsx, as all text is)."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    ws.freeze_panes = ws.cell(row=top + 2, column=LEADING_COLUMNS + 1)
    shade = PatternFill("solid", fgColor=PARTIAL_FILL)
    r = top + 2
    for group in table.groups:
        for cell in ws[r]:
            cell.font = Font(bold=True)
        r += 1
        for row in group.rows:
            _format_row(ws, r, row, shade)
            r += 1
    _print_layout(ws, table, top)
    _signature_block(ws, r + 1, table.width)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NAME_WIDTH = 50  # characters: most indicator names fit on one line


def _print_layout(ws: Any, table: RollupTable, top: int) -> None:
    """A4 landscape, fit to the page's width (as many pages down as needed), the header row
    repeated on every page, narrow margins, the title centred on the page's width."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top + 1}:{top + 1}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = NAME_WIDTH
    ws.column_dimensions["C"].width = 12
    for column in range(LEADING_COLUMNS + 1, table.width + 1):
        ws.column_dimensions[get_column_letter(column)].width = 14
    # Long unit names ("Khu vực 12 – Tuyên Quang") and indicator names wrap in their
    # cells instead of being cut off or running into the next column. LibreOffice keeps the
    # stored row heights of an .xlsx, so a name's row is made tall enough for its lines.
    header = top + 1
    for cell in ws[header]:
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.font = Font(bold=True)
    ws.row_dimensions[header].height = 48
    for (cell,) in ws.iter_rows(min_row=header + 1, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        height = wrapped_row_points(str(cell.value or ""), NAME_WIDTH)
        if height:
            ws.row_dimensions[cell.row].height = height
    ws.oddFooter.center.text = _("Page &P of &N")


def _signature_block(ws: Any, r: int, width: int) -> None:
    """The place and date line, then the preparer on the left and the head on the right,
    each with room to sign (as on the paper forms)."""
    from openpyxl.styles import Alignment, Font

    right = max(width - 2, LEADING_COLUMNS + 1)
    ws.cell(row=r, column=right, value=_("……, day …… month …… year ……")).font = Font(italic=True)
    for column, title in ((2, _("PREPARED BY")), (right, _("HEAD OF THE UNIT"))):
        cell = ws.cell(row=r + 1, column=column, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        note = ws.cell(row=r + 2, column=column, value=_("(Signature and full name)"))
        note.font = Font(italic=True)
        note.alignment = Alignment(horizontal="center")


def _format_row(ws: Any, r: int, row: Row, shade: Any) -> None:
    decimals = row.indicator.decimals
    number_format = "#,##0." + "0" * decimals if decimals else "#,##0"
    figures = [row.total, *row.children]
    first_child = LEADING_COLUMNS + 3
    columns = [LEADING_COLUMNS + 1, *range(first_child, first_child + len(row.children))]
    for column, figure in zip(columns, figures, strict=True):
        cell = ws.cell(row=r, column=column)
        cell.number_format = number_format
        if figure.partial:
            cell.fill = shade
    ws.cell(row=r, column=LEADING_COLUMNS + 2).number_format = "#,##0"
