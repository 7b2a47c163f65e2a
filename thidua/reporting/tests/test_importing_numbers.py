"""Excel cells follow the one number rule of the entry page (issue 8, point 14): text cells
are read as the entry page reads them, numeric cells are held to the indicator's decimals and
smallest value, and nothing is stored as a thousandth of what the user meant."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from thidua.reporting import actions
from thidua.reporting.excel import HEADER_ROW, build_template
from thidua.reporting.importing import FormIndicator, cell_number, import_file
from thidua.reporting.models import DataValue, Report
from thidua.reporting.testing import ROWS, ReportingCast

KWH = FormIndicator(1, "ELECTRICITY_KWH", False, decimals=0, minimum=Decimal(0))
AMOUNT = FormIndicator(2, "CONF_SPEND", False, decimals=2, minimum=Decimal(0))


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "indicator", "refusal"),
    [
        ("14,060", KWH, "write 14.060"),  # was stored as 14,06 kWh
        ("1,234", KWH, "write 1.234"),  # a count of documents, was stored as 1,234
        ("1.5", AMOUNT, "write 1,5"),
        ("1,234.5", AMOUNT, "write 1.234,5"),  # was stored as 1,2345
        ("12,345", AMOUNT, "write 12.345"),
        (14.06, KWH, "“14,06” has decimals, but this figure is a whole number."),  # a number cell
        (12.3456, AMOUNT, "at most 2"),
        (-5, KWH, "cannot be negative"),
        ("-5", AMOUNT, "cannot be negative"),
    ],
)
def test_it_refuses_a_cell_the_entry_page_would_refuse(
    value: object, indicator: FormIndicator, refusal: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        cell_number(value, indicator)
    assert refusal in refused.value.messages[0]


@pytest.mark.parametrize(
    ("value", "indicator", "expected"),
    [
        ("14.060", KWH, "14060"),
        (14060.0, KWH, "14060"),
        ("1.234,5", AMOUNT, "1234.5"),
        (1.1 * 3, AMOUNT, "3.3"),  # 3.3000000000000003 in binary: Excel shows 3,3
        (51.5, AMOUNT, "51.5"),
        ("—", AMOUNT, None),
    ],
)
def test_it_reads_a_cell_as_the_user_sees_it(
    value: object, indicator: FormIndicator, expected: str | None
) -> None:
    number = cell_number(value, indicator)
    assert number == (Decimal(expected) if expected is not None else None)


@pytest.mark.django_db
def test_it_refuses_a_whole_file_with_one_ambiguous_count(rcast: ReportingCast) -> None:
    report: Report = actions.open_report(
        rcast.cast.regional, rcast.form, rcast.q3_2025, by=rcast.cast.reporter
    )
    book = openpyxl.load_workbook(io.BytesIO(build_template(report)))
    ws = book.worksheets[0]
    first = HEADER_ROW + 2
    ws[f"E{first + ROWS.index('EST_RECURRENT')}"] = "1.200"
    ws[f"E{first + ROWS.index('STAFF_ACTUAL')}"] = "1,234"  # persons: whole numbers
    out = io.BytesIO()
    book.save(out)
    result = import_file("bao-cao.xlsx", out.getvalue(), by=rcast.cast.reporter)
    assert not result.ok
    assert f"E{first + ROWS.index('STAFF_ACTUAL')}" in result.errors[0]
    assert "write 1.234" in result.errors[0]
    assert not DataValue.objects.exists()
