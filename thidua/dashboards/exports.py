"""The dashboard as an .xlsx: one sheet per chart with its table and a native Excel chart
(XlsxWriter) drawn from those cells, so the numbers in the chart are the table's."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from django.utils.translation import gettext as _

from thidua.lib.dates import format_vn_date
from thidua.lib.spreadsheets import ROW_POINTS, wrapped_row_points

from .charts import Chart

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {"bar": "column", "line": "line", "doughnut": "doughnut"}
TOP = 3  # title, subtitle, blank line; the table's header is on this 0-based row
LABEL_WIDTH = 34  # characters, the labels' column
HEAD_WIDTH = 16  # characters, each dataset's column


def _sheet_name(n: int, chart: Chart) -> str:
    bad = "[]:*?/\\"
    text = "".join("-" if ch in bad else ch for ch in chart.title)
    return f"{n}. {text}"[:31]


def dashboard_workbook(charts: list[Chart], *, title: str, today: dt.date) -> bytes:
    """One sheet per chart: the title, the table (labels down, datasets across) and a chart."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "font_name": "Times New Roman"})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#E9ECEF", "text_wrap": True})
    text = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    for n, chart in enumerate(charts, start=1):
        sheet = book.add_worksheet(_sheet_name(n, chart))
        name = sheet.get_name()
        places = "0" if chart.decimals == 0 else "0." + "0" * chart.decimals
        number = book.add_format({"border": 1, "num_format": f"#,##{places}"})
        sheet.write_string(0, 0, f"{chart.title} ({chart.unit})", bold)
        subtitle = _("%(title)s · exported on %(date)s") % {
            "title": title,
            "date": format_vn_date(today),
        }
        sheet.write_string(1, 0, subtitle)
        sheet.write(TOP, 0, "", head)
        for j, d in enumerate(chart.datasets, start=1):
            sheet.write_string(TOP, j, d.label, head)
        for i, label in enumerate(chart.labels, start=1):
            sheet.write_string(TOP + i, 0, label, text)  # a label is text, never a formula
            height = wrapped_row_points(label, LABEL_WIDTH)
            if height:  # a long label (a rule's title) wraps in a row tall enough
                sheet.set_row(TOP + i, height)
            for j, d in enumerate(chart.datasets, start=1):
                value = d.values[i - 1]
                if value is None:
                    sheet.write_blank(TOP + i, j, None, text)
                else:
                    sheet.write_number(TOP + i, j, float(value), number)
        sheet.set_column(0, 0, LABEL_WIDTH)
        sheet.set_column(1, len(chart.datasets), HEAD_WIDTH)
        # the header row is as tall as its longest wrapped label, or the labels are cut off
        heights = [wrapped_row_points(d.label, HEAD_WIDTH) or ROW_POINTS for d in chart.datasets]
        sheet.set_row(TOP, max(heights, default=ROW_POINTS))
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 1)  # the table and its chart on one page: never a chart cut in two
        last = TOP + len(chart.labels)
        native = book.add_chart(
            {"type": KINDS[chart.kind], **({"subtype": "stacked"} if chart.stacked else {})}
        )
        for j in range(1, len(chart.datasets) + 1):
            native.add_series(
                {
                    "name": [name, TOP, j],
                    "categories": [name, TOP + 1, 0, last, 0],
                    "values": [name, TOP + 1, j, last, j],
                }
            )
        native.set_title({"name": chart.title, "name_font": {"size": 11}})
        if chart.kind != "doughnut":
            native.set_y_axis({"name": chart.unit})
        native.set_legend({"position": "bottom"})
        sheet.insert_chart(last + 2, 0, native, {"x_scale": 1.6, "y_scale": 1.2})
    book.close()
    return out.getvalue()
