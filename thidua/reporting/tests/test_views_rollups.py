"""The roll-up page and its .xlsx download."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from thidua.reporting import actions
from thidua.reporting.models import Period, Report
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db
URL = "/reports/rollups/"


def approved(rc: ReportingCast, unit_code: str, year: int, number: int, **values: str) -> Report:
    unit = getattr(rc.cast, unit_code)
    period = Period.objects.get(kind="quarter", year=year, number=number)
    report = actions.open_report(unit, rc.form, period, by=rc.cast.reporter)
    for code, text in values.items():
        actions.save_value(
            report, rc.indicators[code], text, by=rc.cast.reporter, expected_version=0
        )
    actions.submit_report(report, by=rc.head)
    return actions.approve_report(report, by=rc.cast.reviewer)


@pytest.fixture
def figures(rcast: ReportingCast) -> ReportingCast:
    """Bắc Kạn's district PB-1 reported 1.234.567 in Q4/2024; Hà Giang's PA-1 reported 1.000;
    PA-2 has a draft of 500 for the same quarter."""
    approved(rcast, "pb1", 2024, 4, EST_RECURRENT="1.234.567", SETTLE_RECURRENT="1.000.000")
    approved(rcast, "pa1", 2024, 4, EST_RECURRENT="1.000", SETTLE_RECURRENT="900")
    draft = actions.open_report(
        rcast.cast.pa2,
        rcast.form,
        Period.objects.get(kind="quarter", year=2024, number=4),
        by=rcast.cast.reporter,
    )
    actions.save_value(
        draft, rcast.indicators["EST_RECURRENT"], "500", by=rcast.cast.reporter, expected_version=0
    )
    return rcast


def row(page: str, code: str) -> str:
    start = page.index(f'data-indicator="{code}"')
    return page[start : page.index("</tr>", start)]


def test_it_rolls_up_a_year_mapped_onto_the_new_structure(
    client: Client, figures: ReportingCast
) -> None:
    c = figures.cast
    client.force_login(c.reviewer)
    as_was = client.get(URL, {"unit": str(c.pa.pk), "year": "2024", "structure": "as_was"})
    assert as_was.status_code == 200
    page = as_was.content.decode()
    assert "1.000" in row(page, "EST_RECURRENT")
    assert "1.235.567" not in page
    assert "Huyện A1" in page and "Huyện A2" in page  # the districts under PA then
    mapped = client.get(
        URL, {"unit": str(c.pa.pk), "year": "2024", "structure": "mapped", "on": "01/01/2026"}
    ).content.decode()
    est = row(mapped, "EST_RECURRENT")
    assert "1.235.567" in est  # Bắc Kạn's district counts under Hà Giang in 2026
    assert "Khu vực 1" in mapped  # the one unit under PA on that day
    assert "01/01/2026" in mapped
    rate = row(mapped, "SAVING_RATE_RECURRENT")  # (1.235.567 − 1.000.900) / 1.235.567
    assert "18,99" in rate


def test_it_defaults_to_the_home_unit_and_marks_unapproved_figures(
    client: Client, figures: ReportingCast
) -> None:
    client.force_login(figures.cast.reviewer)
    page = client.get(URL, {"year": "2024", "unapproved": "on"}).content.decode()
    assert "Tỉnh Hà Giang" in page
    est = row(page, "EST_RECURRENT")
    assert "1.500" in est and 'data-testid="partial-mark"' in est
    assert 'data-testid="partial-mark"' not in row(page, "SAV_CONF")
    plain = client.get(URL, {"year": "2024"}).content.decode()
    assert 'data-testid="partial-mark"' not in plain


def test_it_takes_a_range_of_quarters(client: Client, figures: ReportingCast) -> None:
    client.force_login(figures.cast.admin)
    q4 = Period.objects.get(kind="quarter", year=2024, number=4)
    q1 = Period.objects.get(kind="quarter", year=2025, number=1)
    page = client.get(
        URL, {"unit": str(figures.cast.root.pk), "first": str(q4.pk), "last": str(q1.pk)}
    ).content.decode()
    assert "Q4/2024 – Q1/2025" in page or "Quý 4/2024 – Quý 1/2025" in page
    assert "1.235.567" in row(page, "EST_RECURRENT")
    backwards = client.get(
        URL, {"unit": str(figures.cast.root.pk), "first": str(q1.pk), "last": str(q4.pk)}
    )
    assert backwards.status_code == 200
    assert 'data-testid="rollup-table"' not in backwards.content.decode()


def test_it_explains_a_bad_date_instead_of_failing(client: Client, figures: ReportingCast) -> None:
    client.force_login(figures.cast.reviewer)
    response = client.get(URL, {"year": "2024", "structure": "mapped", "on": "31/02/2026"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "31/02/2026" in page
    assert 'data-testid="rollup-errors"' in page
    assert 'data-testid="rollup-table"' not in page
    assert client.get(URL, {"structure": "mapped", "on": ""}).status_code == 200


def test_it_gives_404_to_an_outsider(client: Client, figures: ReportingCast) -> None:
    c = figures.cast
    client.force_login(c.outsider)
    assert client.get(URL, {"unit": str(c.pa.pk)}).status_code == 404
    assert client.get(URL + "xlsx/", {"unit": str(c.pa.pk)}).status_code == 404
    assert client.get(URL, {"unit": "abc"}).status_code == 404
    own = client.get(URL, {"unit": str(c.pc1.pk), "year": "2024"})
    assert own.status_code == 200
    assert "1.235.567" not in own.content.decode()


def test_it_refuses_other_methods_and_renders_a_fragment_for_htmx(
    client: Client, figures: ReportingCast
) -> None:
    client.force_login(figures.cast.reviewer)
    assert client.post(URL).status_code == 405
    fragment = client.get(URL, {"year": "2024"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="rollup-page"' in fragment
    assert "<html" not in fragment


def test_it_exports_the_same_view_to_xlsx(client: Client, figures: ReportingCast) -> None:
    c = figures.cast
    client.force_login(c.reviewer)
    page = client.get(
        URL, {"unit": str(c.pa.pk), "year": "2024", "structure": "mapped", "on": "01/01/2026"}
    ).content.decode()
    assert "/reports/rollups/xlsx/?" in page
    response = client.get(
        URL + "xlsx/",
        {"unit": str(c.pa.pk), "year": "2024", "structure": "mapped", "on": "01/01/2026"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="tong-hop-tinh-ha-giang-2024.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [[cell.value for cell in r] for r in sheet.iter_rows()]
    text = " ".join(str(v) for r in cells for v in r if v is not None)
    assert "Tỉnh Hà Giang" in text and "01/01/2026" in text
    est = next(r for r in cells if r[1] == figures.indicators["EST_RECURRENT"].name)
    assert est[3] == 1235567
    assert est[4] == 2  # two reports
    assert est[5] == 1235567  # all of it under Khu vực 1
    number_cell = next(
        r for r in sheet.iter_rows() if r[1].value == figures.indicators["EST_RECURRENT"].name
    )[3]
    assert number_cell.number_format == "#,##0.00"  # million VND, to ten thousand đồng
    bad = client.get(URL + "xlsx/", {"unit": str(c.pa.pk), "structure": "mapped", "on": "x"})
    assert bad.status_code == 200
    assert bad["Content-Type"].startswith("text/html")


def test_it_takes_annual_only_figures_from_the_annual_reports(
    client: Client, figures: ReportingCast
) -> None:
    """Savings through bidding are reported only in the annual report: the year's roll-up
    reads them there, and a range of quarters does not pretend to have them."""
    from thidua.reporting.models import FormRow, Indicator

    rc = figures
    bidding = Indicator.objects.get(code="SAV_BIDDING")
    FormRow.objects.create(section=rc.annual.sections.get(), indicator=bidding, order=99)
    year = Period.objects.get(kind="year", year=2024)
    report = actions.open_report(rc.cast.pa1, rc.annual, year, by=rc.cast.reporter)
    actions.save_value(report, bidding, "45.000", by=rc.cast.reporter, expected_version=0)
    actions.submit_report(report, by=rc.head)
    actions.approve_report(report, by=rc.cast.reviewer)
    client.force_login(rc.cast.reviewer)
    page = client.get(URL, {"unit": str(rc.cast.pa.pk), "year": "2024"}).content.decode()
    assert "45.000" in row(page, "SAV_BIDDING")
    assert "1.000" in row(page, "EST_RECURRENT")  # still the sum of the quarters
    q4 = Period.objects.get(kind="quarter", year=2024, number=4)
    q3 = Period.objects.get(kind="quarter", year=2024, number=3)
    quarters = client.get(
        URL, {"unit": str(rc.cast.pa.pk), "first": str(q3.pk), "last": str(q4.pk)}
    ).content.decode()
    assert "45.000" not in quarters
