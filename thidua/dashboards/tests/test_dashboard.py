"""The dashboard: every chart's numbers equal the roll-up queries', the page, the .xlsx."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from decimal import Decimal
from unittest.mock import patch

import openpyxl
import pytest
from django.test import Client

from thidua.awards.models import AwardRecord, Title
from thidua.dashboards import charts, series
from thidua.dashboards.series import Choice, KeyIndicators
from thidua.evaluation.catalogue import load_rubrics
from thidua.evaluation.models import Assessment, Rubric
from thidua.lib.text import vn_sort_key
from thidua.movements.models import ContentArea, Movement, Phase
from thidua.org import tree
from thidua.org.models import Person, Position
from thidua.oversight.models import Finding
from thidua.oversight.rules import REGISTRY
from thidua.reporting import actions, rollups
from thidua.reporting.models import Indicator, Period, Report
from thidua.reporting.testing import ReportingCast
from thidua.testing import START

pytestmark = pytest.mark.django_db
URL = "/dashboards/"
KEYS = {
    "savings": "SAV_TOTAL",
    "saving_rate": "SAVING_RATE_RECURRENT",
    "disbursement": "INV_DISBURSE_RATE",
    "shares": ["PROC_CENTRAL_SHARE", "DOCS_E_SHARE", "STAFF_FILL_RATE"],
}
TODAY = dt.date(2026, 3, 1)


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
def data(rcast: ReportingCast) -> ReportingCast:
    """A movement 2024–2027 in two phases; approved quarters of Hà Giang's and Bắc Kạn's
    districts in 2024 and 2025 (before the merger), of the regional unit in Q4/2025."""
    movement = Movement.objects.create(
        code="thtk",
        title="Phong trào thi đua THTK, CLP",
        launching_body="Hội đồng",
        organisation=rcast.cast.root,
        start_year=2024,
        end_year=2027,
        dashboard=KEYS,
    )
    Phase.objects.create(
        movement=movement,
        number=1,
        start_year=2024,
        end_year=2025,
        review="preliminary",
        review_year=2025,
    )
    Phase.objects.create(
        movement=movement,
        number=2,
        start_year=2026,
        end_year=2027,
        review="final",
        review_year=2027,
    )
    area = ContentArea.objects.create(movement=movement, number=2, title="Tiết kiệm chi ngân sách")
    Indicator.objects.filter(code__in=["SAV_TOTAL", "SAVING_RATE_RECURRENT"]).update(area=area)
    ContentArea.objects.create(movement=movement, number=4, title="Chuyển đổi số")
    approved(
        rcast,
        "pa1",
        2024,
        1,
        EST_RECURRENT="1.000",
        SETTLE_RECURRENT="900",
        CONF_SPEND="50",
        SAV_CONF="12,5",
        INV_PLAN="200",
        INV_DISBURSED="150",
    )
    approved(
        rcast,
        "pb1",
        2024,
        2,
        EST_RECURRENT="2.000",
        SETTLE_RECURRENT="1.700",
        SAV_CONF="30",
        INV_PLAN="100",
        INV_DISBURSED="100",
    )
    approved(
        rcast,
        "pa2",
        2025,
        1,
        EST_RECURRENT="500",
        SETTLE_RECURRENT="480",
        SAV_CONF="4",
        INV_PLAN="80",
        INV_DISBURSED="20",
    )
    return rcast


def choice(rc: ReportingCast, unit_code: str, years: list[int], mapped: dt.date | None) -> Choice:
    unit = getattr(rc.cast, unit_code)
    day = mapped or dt.date(years[-1], 12, 31)
    ids = tree.children_ids(unit.pk, day)
    names = tree.names_at([unit.pk, *ids], day)
    ids.sort(key=lambda i: vn_sort_key(names[i]))  # as the page orders them
    return Choice(unit, years, ids, names, mapped, KeyIndicators.from_data(KEYS))


@pytest.mark.parametrize("mapped", [None, TODAY])
def test_it_draws_every_chart_from_the_rollup_queries(
    data: ReportingCast, mapped: dt.date | None
) -> None:
    c = choice(data, "root", [2024, 2025], mapped)
    built = {ch.key: ch for ch in charts.build(c)}
    assert {"savings", "saving_rate", "disbursement", "shares", "savings_units"} <= set(built)
    for key, code in [("savings", "SAV_TOTAL"), ("saving_rate", "SAVING_RATE_RECURRENT")]:
        for year, value in zip([2024, 2025], built[key].datasets[0].values, strict=True):
            quarters = list(Period.objects.filter(kind="quarter", year=year).order_by("start"))
            expected = rollups.query(
                c.unit.pk, quarters, [Indicator.objects.get(code=code)], mapped_to=mapped
            ).values.get(code)
            assert value == expected
    assert built["savings"].datasets[0].values == [Decimal("42.5"), Decimal(4)]
    # disbursement by quarter: 250 / 300 in Q1/2024 … 20 / 80 in Q1/2025
    rate = dict(
        zip(built["disbursement"].labels, built["disbursement"].datasets[0].values, strict=True)
    )
    for period in Period.objects.filter(kind="quarter", year__in=[2024, 2025]):
        expected = rollups.query(
            c.unit.pk, [period], [Indicator.objects.get(code="INV_DISBURSE_RATE")], mapped_to=mapped
        ).values.get("INV_DISBURSE_RATE")
        assert rate[period.label] == expected
    assert rate[Period.objects.get(kind="quarter", year=2025, number=1).label] == Decimal(25)
    # per child: the province's savings equal its own roll-up query
    units = built["savings_units"]
    for dataset, year in zip(units.datasets, [2024, 2025], strict=True):
        quarters = list(Period.objects.filter(kind="quarter", year=year))
        for child, value in zip(c.child_ids, dataset.values, strict=True):
            expected = rollups.query(
                child, quarters, [Indicator.objects.get(code="SAV_TOTAL")], mapped_to=mapped
            ).values.get("SAV_TOTAL")
            assert value == expected


def test_it_maps_figures_onto_todays_structure(data: ReportingCast) -> None:
    """Bắc Kạn's 2024 savings count under Hà Giang on today's structure, not as it was."""
    c = data.cast
    as_was = {ch.key: ch for ch in charts.build(choice(data, "root", [2024], None))}
    today = {ch.key: ch for ch in charts.build(choice(data, "root", [2024], TODAY))}
    was = dict(
        zip(as_was["savings_units"].labels, as_was["savings_units"].datasets[0].values, strict=True)
    )
    now = dict(
        zip(today["savings_units"].labels, today["savings_units"].datasets[0].values, strict=True)
    )
    assert was[c.pb.name] == Decimal(30)
    assert c.pb.name not in now
    assert now["Tỉnh Hà Giang"] == Decimal("42.5")


def test_it_shows_the_phase_with_tables_and_links(client: Client, data: ReportingCast) -> None:
    client.force_login(data.top_reviewer)
    response = client.get(
        URL, {"unit": str(data.cast.root.pk), "period": "phase-1", "structure": "as_was"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2024–2025" in page
    assert 'data-testid="chart-savings"' in page
    assert "42,5" in page  # the savings of 2024 in the table beneath
    assert "/reports/rollups/?unit=" in page  # each figure links to its roll-up
    assert "chart.umd.min.js" in page
    assert 'data-testid="heat-map"' in page
    assert "Tỉnh Hà Giang" in page
    assert 'data-testid="chart-findings"' not in page  # oversight found nothing: no chart
    # no award yet: the chart says so, with no table of years without a column
    awards = page[page.index('data-testid="chart-awards"') :]
    awards = awards[: awards.index("</section>")]
    assert "Chưa có số liệu được duyệt" in awards and "<table" not in awards


def test_it_shows_oversight_findings_by_rule_with_links(
    client: Client, data: ReportingCast
) -> None:
    rule = next(iter(REGISTRY))
    Finding.objects.create(
        unit=data.cast.pa1, year=2024, rule=rule, key="k", severity="high", status="confirmed"
    )
    client.force_login(data.top_reviewer)
    page = client.get(URL, {"unit": str(data.cast.root.pk), "period": "phase-1"}).content.decode()
    assert 'data-testid="chart-findings"' in page and 'data-testid="table-findings"' in page
    assert str(REGISTRY[rule].title) in page
    assert f"/oversight/queue/?rule={rule}&amp;status=confirmed" in page


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ({"period": "phase-9"}, "Phong trào không có giai đoạn hoặc năm “phase-9”: đang hiển thị"),
        ({"period": "1900"}, "không có giai đoạn hoặc năm “1900”"),
        ({"period": "2099"}, "không có giai đoạn hoặc năm “2099”"),
        ({"on": "31/02/2025"}, "“31/02/2025” không phải là ngày (dd/mm/yyyy)"),
    ],
)
def test_it_says_when_the_address_asks_for_a_period_it_does_not_have(
    client: Client, data: ReportingCast, asked: dict[str, str], said: str
) -> None:
    client.force_login(data.top_reviewer)
    page = client.get(URL, {"unit": str(data.cast.root.pk), **asked}).content.decode()
    notice = page[page.index('data-testid="dashboard-notice"') :]
    assert said in notice[: notice.index("</div>")]
    # what is shown instead is what the form has chosen
    assert "selected>Giai đoạn" in page or "selected>Năm" in page
    fine = client.get(URL, {"unit": str(data.cast.root.pk), "period": "phase-1"})
    assert 'data-testid="dashboard-notice"' not in fine.content.decode()


def test_it_refuses_an_outsider_and_a_post(client: Client, data: ReportingCast) -> None:
    client.force_login(data.cast.outsider)
    assert client.get(URL, {"unit": data.cast.root.pk}).status_code == 404
    assert client.get(URL, {"unit": "abc"}).status_code == 404
    client.force_login(data.top_reviewer)
    assert client.post(URL).status_code == 405


def test_it_answers_htmx_with_the_fragment(client: Client, data: ReportingCast) -> None:
    client.force_login(data.top_reviewer)
    page = client.get(URL, {"period": "2024"}, headers={"HX-Request": "true"}).content.decode()
    assert page.lstrip().startswith('<div id="dashboard-page"')


def test_it_exports_the_charts_with_native_excel_charts(
    client: Client, data: ReportingCast
) -> None:
    rule = max(REGISTRY, key=lambda code: len(str(REGISTRY[code].title)))
    Finding.objects.create(
        unit=data.cast.pa1, year=2024, rule=rule, key="k", severity="high", status="confirmed"
    )
    client.force_login(data.top_reviewer)
    response = client.get(
        URL + "xlsx/", {"unit": str(data.cast.root.pk), "period": "phase-1", "structure": "as_was"}
    )
    assert response.status_code == 200
    content = response.content
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert any(n.startswith("xl/charts/chart") for n in names)
    book = openpyxl.load_workbook(io.BytesIO(content))
    savings = next(
        s
        for s in book.worksheets
        if "Total savings" in str(s["A1"].value)
        or "Tổng số tiết kiệm" in str(s["A1"].value)
        or s.title.startswith("1.")
    )
    assert savings["A5"].value == "2024"
    assert savings["B5"].value == 42.5
    long_labels = [
        c.value
        for s in book.worksheets
        for (c,) in s.iter_rows(min_row=5, max_col=1)
        if len(str(c.value or "")) > 37
    ]
    assert str(REGISTRY[rule].title) in long_labels  # the findings' rule, in full
    for sheet in book.worksheets:
        # printed, each table stays on one page with its chart
        # (1 is the file format's default, which XlsxWriter leaves out)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth in (None, 1, "1")
        assert sheet.page_setup.fitToHeight in (None, 1, "1")
        # the header row is tall enough for its longest wrapped label (LibreOffice keeps it)
        labels = [str(c.value) for c in sheet[4] if c.value]
        lines = max((-(-len(label) // 17) for label in labels), default=1)
        assert (sheet.row_dimensions[4].height or 15) >= 15 * lines  # 15: the default
        for (label,) in sheet.iter_rows(min_row=5, max_col=1):
            if label.value:  # a long label wraps in a row tall enough for its lines
                assert label.alignment.wrap_text
                wanted = 15 * -(-len(str(label.value)) // 37)
                assert (sheet.row_dimensions[label.row].height or 15) >= wanted


def test_it_charts_scores_with_ranks_and_the_awards_balance(data: ReportingCast) -> None:
    """Scores of the children by year with their ranks; awards by title and year; people in
    leadership posts against front-line staff."""
    c = data.cast
    load_rubrics()
    rubric = Rubric.objects.order_by("pk")[0]
    for unit, year, total in [
        (c.pa, 2024, "80"),
        (c.pc, 2024, "90"),
        (c.pa, 2025, "95"),
        (c.pc, 2025, "85"),
    ]:
        Assessment.objects.create(unit=unit, year=year, rubric=rubric, total=Decimal(total))
    title = Title.objects.create(code="t-cstdcs", name="Chiến sĩ thi đua cơ sở", subject="person")
    flag = Title.objects.create(code="t-ttldxs", name="Tập thể lao động xuất sắc", subject="unit")
    head = Person.objects.create(code="P1", full_name="Nguyễn Văn An")
    clerk = Person.objects.create(code="P2", full_name="Trần Thị Bình")
    Position.objects.create(person=head, unit=c.pc1, title="Viện trưởng", valid_from=START)
    Position.objects.create(person=clerk, unit=c.pc1, title="Kế toán", valid_from=START)
    day = dt.date(2025, 1, 20)
    for person in (head, clerk):
        AwardRecord.objects.create(title=title, year=2024, person=person, decided_on=day)
    AwardRecord.objects.create(title=flag, year=2024, unit=c.pc1, decided_on=day)
    ch = choice(data, "root", [2024, 2025], None)
    rows = {r.unit_id: r for r in series.scores(ch)}
    assert rows[c.pc.pk].ranks == {2024: 1, 2025: 2}
    assert rows[c.pa.pk].ranks == {2024: 2, 2025: 1}
    built = {x.key: x for x in charts.build(ch)}
    by_unit = dict(zip(built["scores"].labels, built["scores"].datasets[1].values, strict=True))
    assert by_unit["Tỉnh Hà Giang"] == Decimal(95)
    awards = built["awards"]
    counts = {d.label: d.values for d in awards.datasets}
    assert counts["Chiến sĩ thi đua cơ sở"] == [Decimal(2), Decimal(0)]
    assert counts["Tập thể lao động xuất sắc"] == [Decimal(1), Decimal(0)]
    assert built["balance"].datasets[0].values == [Decimal(1), Decimal(1)]


def test_the_heat_map_counts_the_predecessors_on_todays_structure(data: ReportingCast) -> None:
    """Q1/2024 under Hà Giang: as it was, district A1 filed (1 of 1); on today's structure the
    regional unit carries A1, A2 and B1, of which A1 filed (1 of 3)."""
    c = data.cast
    q1 = Period.objects.get(kind="quarter", year=2024, number=1)
    as_was = series.heat_map(choice(data, "pa", [2024], None), today=TODAY)
    assert as_was[c.pa1.pk][q1.pk].completeness == Decimal(100)
    assert as_was[c.pa2.pk][q1.pk].completeness == Decimal(0)
    mapped = series.heat_map(choice(data, "pa", [2024], TODAY), today=TODAY)
    cell = mapped[c.regional.pk][q1.pk]
    # filed today, long after the deadline of 15/04/2024: approved but not on time
    assert (cell.expected, cell.filed, cell.on_time) == (3, 1, 0)
    assert cell.completeness == Decimal("33.3")


def test_figures_are_reused_until_a_report_changes(data: ReportingCast) -> None:
    ch = choice(data, "root", [2024], None)
    first = series.year_figures(ch)
    assert series.year_figures(ch) == first  # from the cache
    approved(data, "pc1", 2024, 3, SAV_CONF="100")
    again = series.year_figures(ch)
    assert again[0].total["SAV_TOTAL"] == first[0].total["SAV_TOTAL"] + 100  # type: ignore[operator]


def test_a_report_change_recomputes_only_the_year_it_touches(data: ReportingCast) -> None:
    """Figures are kept year by year: a report approved in 2025 leaves 2024's figures, heat
    map row and quarters reused, and neither the awards nor the findings (which no report
    changes) are counted again."""
    ch = choice(data, "root", [2024, 2025], None)
    computed: list[list[int]] = []
    real = series._year_figures

    def spy(part: Choice) -> list[series.YearFigures]:
        computed.append(list(part.years))
        return real(part)

    with patch.object(series, "_year_figures", side_effect=spy):
        first = {f.year: f for f in series.year_figures(ch)}
        series.heat_map(ch, today=TODAY)
        series.awards(ch)
        series.findings(ch)
        assert computed == [[2024, 2025]]
        approved(data, "pc1", 2025, 3, SAV_CONF="100")
        with (
            patch.object(series, "_heat_map", wraps=series._heat_map) as heat,
            patch.object(series, "_awards", side_effect=AssertionError("recounted")),
            patch.object(series, "_findings", side_effect=AssertionError("recounted")),
        ):
            again = {f.year: f for f in series.year_figures(ch)}
            series.heat_map(ch, today=TODAY)
            series.awards(ch)
            series.findings(ch)
        assert [c.years for c, _day in (call.args for call in heat.call_args_list)] == [[2025]]
    assert computed == [[2024, 2025], [2025]]
    assert again[2024] == first[2024]
    saved = again[2025].total["SAV_TOTAL"]
    assert saved == first[2025].total["SAV_TOTAL"] + 100  # type: ignore[operator]


def test_the_key_indicators_are_the_packs_data(data: ReportingCast) -> None:
    """Other codes (a pack naming its own catalogue's indicators) give the same charts with the
    same figures; a movement that names none shows the charts it can (scores, awards)."""
    c = choice(data, "root", [2024, 2025], TODAY)
    before = {ch.key: ch for ch in charts.build(c)}
    renamed = {"SAV_TOTAL": "TK_TONG", "INV_DISBURSE_RATE": "GN_TY_LE", "DOCS_E_SHARE": "VB_DT"}
    for old, new in renamed.items():
        Indicator.objects.filter(code=old).update(code=new)
    other = KeyIndicators.from_data(
        {
            "savings": "TK_TONG",
            "saving_rate": "SAVING_RATE_RECURRENT",
            "disbursement": "GN_TY_LE",
            "shares": ["PROC_CENTRAL_SHARE", "VB_DT", "STAFF_FILL_RATE"],
        }
    )
    after = {ch.key: ch for ch in charts.build(dataclasses.replace(c, keys=other))}
    keys = ["savings", "saving_rate", "disbursement", "shares", "savings_units"]
    assert set(keys) <= set(after)
    for key in keys:
        assert [d.values for d in after[key].datasets] == [
            d.values for d in before[key].datasets
        ], key
    assert after["savings"].datasets[0].values == [Decimal("42.5"), Decimal(4)]
    assert "units_vb_dt" in after and "units_docs_e_share" not in after
    bare = {ch.key for ch in charts.build(dataclasses.replace(c, keys=KeyIndicators()))}
    assert bare & set(keys) == set()
    assert {"scores", "awards", "balance"} <= bare


def test_the_xlsx_writes_labels_as_text_never_as_formulas() -> None:
    """A unit or title that looks like a formula ("=1+1") stays text in the workbook."""
    from thidua.dashboards.charts import Chart, Dataset
    from thidua.dashboards.exports import dashboard_workbook

    chart = Chart("k", "=HYPERLINK(1)", "bar", "%", ["=1+1"], [Dataset("@SUM(A1)", [Decimal(1)])])
    data = dashboard_workbook([chart], title="=2+2", today=TODAY)
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "=1+1" in texts and "@SUM(A1)" in texts
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
