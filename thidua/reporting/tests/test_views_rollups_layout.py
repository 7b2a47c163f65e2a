"""The readable roll-up page (issue 11, point 2): only the forms' indicators, the children in
natural order, a chart per indicator, and an .xlsx laid out for A4 landscape."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from thidua.org import actions as org_actions
from thidua.org.actions import NewUnit
from thidua.reporting.testing import ReportingCast
from thidua.testing import START

from .test_views_rollups import approved

pytestmark = pytest.mark.django_db
URL = "/reports/rollups/"


def test_it_shows_only_the_forms_indicators_and_children_in_natural_order(
    client: Client, rcast: ReportingCast
) -> None:
    c = rcast.cast
    for n in (10, 2, 1):
        org_actions.create_unit(
            NewUnit(f"PC-K{n}", f"Khu vực {n}", c.levels["district"], c.pc), day=START
        )
    client.force_login(rcast.top_reviewer)
    page = client.get(URL, {"unit": str(c.pc.pk), "year": "2024"}).content.decode()
    assert 'data-indicator="EST_RECURRENT"' in page
    assert 'data-indicator="DOCS_TOTAL"' not in page  # no form of the test carries it
    head = page[page.index("<thead") : page.index("</thead>")]
    assert head.index("Khu vực 1<") < head.index("Khu vực 2<") < head.index("Khu vực 10<")
    assert 'data-testid="rollup-chart-btn"' in page
    assert "chart.umd.min.js" in page


def test_it_exports_an_a4_landscape_sheet_with_a_signature_block(
    client: Client, rcast: ReportingCast
) -> None:
    approved(rcast, "pa1", 2024, 4, EST_RECURRENT="1.000", SETTLE_RECURRENT="900")
    client.force_login(rcast.cast.reviewer)
    response = client.get(URL + "xlsx/", {"unit": str(rcast.cast.pa.pk), "year": "2024"})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth in (1, "1")
    assert ws.print_title_rows  # the header row repeats on every page
    # long unit and indicator names wrap in their cells rather than being cut off
    header = next(r for r in ws.iter_rows() if r[1].value in ("Chỉ tiêu", "Indicator"))
    assert all(cell.alignment.wrap_text for cell in header if cell.value)
    names = []
    for row in ws.iter_rows(min_row=header[0].row + 1):
        if not row[1].value:
            break  # the end of the table (the signature block follows)
        names.append(row[1])
    assert names and all(cell.alignment.wrap_text for cell in names)
    # a name longer than a line gets a row tall enough for its lines (LibreOffice keeps the
    # stored heights), a short one keeps the default
    for cell in names:
        height = ws.row_dimensions[cell.row].height
        assert (height or 15) >= 15 * -(-len(str(cell.value)) // 54)
        assert len(str(cell.value)) > 54 or height is None
    texts = [str(cell.value) for row in ws.iter_rows() for cell in row if cell.value]
    assert any("THỦ TRƯỞNG" in t or "HEAD OF THE UNIT" in t for t in texts)
    assert any("NGƯỜI LẬP BIỂU" in t or "PREPARED BY" in t for t in texts)
