"""Phase review reports: generated as a job, the .docx and .pdf carry the structure, the
charts and the dashboard's numbers."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from huey.contrib.djhuey import HUEY

from thidua.dashboards import charts
from thidua.evaluation.models import Programme, Target
from thidua.lib.numbers import format_vn_number
from thidua.movements.models import Movement
from thidua.oversight.models import Finding
from thidua.oversight.rules import REGISTRY
from thidua.reporting import actions
from thidua.reporting.models import Indicator, NarrativePart, Period, Report, ReportForm
from thidua.reporting.testing import ReportingCast

from .test_dashboard import TODAY, choice
from .test_dashboard import data as data  # the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(HUEY, "immediate", True)  # the job runs in the request
    return tmp_path


def _generate(client: Client, rc: ReportingCast) -> str:
    client.force_login(rc.top_reviewer)
    params = {"unit": str(rc.cast.root.pk), "period": "phase-1", "structure": "mapped"}
    confirm = client.get("/dashboards/review/", params)
    assert confirm.status_code == 200
    assert (
        "Generate the report" in confirm.content.decode()
        or "Tạo báo cáo" in confirm.content.decode()
    )
    response = client.post("/dashboards/review/", params)
    assert response.status_code == 302
    location = str(response["Location"])
    assert re.fullmatch(r"/dashboards/review/[0-9a-f]+/", location)
    return location


def test_it_generates_the_review_with_the_dashboards_numbers(
    client: Client,
    data: ReportingCast,
    media: Path,
) -> None:
    c = data.cast
    own = Programme.objects.create(unit=c.root, year=2025, status="approved")
    Target.objects.create(
        programme=own,
        indicator=data.indicators["SAV_TOTAL"],
        kind="amount",
        comparator=">=",
        value=Decimal(40),
    )
    theirs = Programme.objects.create(unit=c.pc, year=2025, status="approved")
    Target.objects.create(
        programme=theirs,
        indicator=data.indicators["INV_DISBURSE_RATE"],
        kind="amount",
        comparator=">=",
        value=Decimal(95),
        status="missed",
    )
    location = _generate(client, data)
    page = client.get(location).content.decode()
    assert 'data-testid="review-done"' in page
    docx = client.get(location + "docx/")
    assert docx.status_code == 200
    word = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in word.paragraphs)
    for heading in [
        "I. MỤC ĐÍCH",
        "II. KẾT QUẢ",
        "III. ĐƠN VỊ DẪN ĐẦU",
        "IV. CÔNG TÁC KHEN THƯỞNG",
        "V. KẾT QUẢ KIỂM TRA, GIÁM SÁT",
        "VI. BÀI HỌC KINH NGHIỆM",
        "VII. KIẾN NGHỊ",
    ]:
        assert heading in text
    assert "Nguồn số liệu" in text
    assert "Sơ kết giai đoạn 1 (2024–2025)" in text
    assert len(word.inline_shapes) >= 3  # the charts
    assert {r.font.name for p in word.paragraphs for r in p.runs if r.font.name} <= {
        "Times New Roman"
    }
    # the savings row of the tables equals the dashboard's savings chart
    built = {c.key: c for c in charts.build(choice(data, "root", [2024, 2025], TODAY))}
    savings = built["savings"].datasets[0].values
    cells = [[c.text for c in row.cells] for t in word.tables for row in t.rows]
    row = next(r for r in cells if r[0] == Indicator.objects.get(code="SAV_TOTAL").name)
    decimals = Indicator.objects.get(code="SAV_TOTAL").decimals
    assert row[2:4] == [format_vn_number(v, decimals) for v in savings] == ["42,50", "4,00"]
    assert row[-1] == "2025: ≥ 40"  # the unit's own programme target
    missed = [r for r in cells if r[0] == c.pc.name]
    assert any("Chưa đạt mục tiêu" in r[1] for r in missed)
    pdf = client.get(location + "pdf/")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.content.count(b"/Subtype /Image") >= 3


def test_it_keeps_a_job_to_its_owner(
    client: Client,
    data: ReportingCast,
    media: Path,
) -> None:
    location = _generate(client, data)
    client.force_login(data.cast.reviewer)
    assert client.get(location).status_code == 404
    assert client.get(location + "docx/").status_code == 404
    client.force_login(data.top_reviewer)
    assert client.get(location + "exe/").status_code == 404


def _review_form(rc: ReportingCast, movement: Movement) -> ReportForm:
    """A phase-review form as a pack ships it: narrative parts only, valid in the review year,
    filled by the provinces; named in the movement's dashboard data."""
    form = ReportForm.objects.create(
        code="review-1",
        name="Báo cáo sơ kết giai đoạn 1",
        periodicity="year",
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2026, 1, 1),
        movement=movement,
    )
    form.levels.set([rc.cast.pa.level])
    for n, (code, name) in enumerate(
        [("ket-qua", "Kết quả đạt được"), ("bai-hoc", "Bài học"), ("kien-nghi", "Kiến nghị")]
    ):
        NarrativePart.objects.create(form=form, code=code, name=name, order=n)
    movement.dashboard = {
        **movement.dashboard,
        "review_forms": ["review-1"],
        "review_parts": {"lessons": "bai-hoc", "recommendations": "kien-nghi"},
    }
    movement.save()
    return form


def _write(rc: ReportingCast, unit: Any, form: ReportForm, **texts: str) -> Report:
    period = Period.objects.get(kind="year", year=2025)
    report = actions.open_report(unit, form, period, by=rc.cast.reporter)
    for code, text in texts.items():
        part = form.narrative_parts.get(code=code.replace("_", "-"))
        actions.save_narrative(report, part.pk, text, by=rc.cast.reporter, expected_version=0)
    return report


def test_units_contribute_their_review_and_oversight_findings_show(
    client: Client, data: ReportingCast, media: Path
) -> None:
    """Each province fills the phase-review form, submits it, the level above approves it; the
    root's review takes the approved lessons and recommendations and names those not yet
    approved. Oversight findings show by rule (the registry's titles) and by unit."""
    c = data.cast
    form = _review_form(data, Movement.objects.get(code="thtk"))
    pa = _write(
        data,
        c.pa,
        form,
        bai_hoc="Công khai dự toán giúp tiết kiệm.",
        kien_nghi="Tăng mua sắm tập trung.",
    )
    actions.submit_report(pa, by=data.head)
    actions.approve_report(pa, by=data.top_reviewer)
    pc = _write(data, c.pc, form, bai_hoc="Nội dung chưa duyệt của Cà Mau.")
    actions.submit_report(pc, by=data.head)
    first, second = list(REGISTRY)[:2]
    Finding.objects.create(
        unit=c.pa1,
        year=2024,
        rule=first,
        key="a",
        severity="high",
        status="confirmed",
        amount=Decimal(1_500_000),
    )
    Finding.objects.create(
        unit=c.pc, year=2025, rule=second, key="b", severity="low", status="review"
    )
    Finding.objects.create(
        unit=c.pc, year=2025, rule=second, key="c", severity="low", status="dismissed"
    )

    built = {ch.key: ch for ch in charts.build(choice(data, "root", [2024, 2025], TODAY))}
    by_rule = built["findings"]
    titles = {first: str(REGISTRY[first].title), second: str(REGISTRY[second].title)}
    rows = dict(
        zip(by_rule.labels, zip(*[d.values for d in by_rule.datasets], strict=True), strict=True)
    )
    assert rows == {titles[first]: (1, 0), titles[second]: (0, 1)}
    units = built["findings_units"]
    per_unit = dict(
        zip(units.labels, zip(*[d.values for d in units.datasets], strict=True), strict=True)
    )
    assert per_unit[c.pa.name] == (1, 0) and per_unit[c.pc.name] == (0, 1)
    assert set(per_unit) == {c.pa.name, c.pc.name}  # today's structure: Bắc Kạn merged

    location = _generate(client, data)
    word = Document(io.BytesIO(client.get(location + "docx/").content))
    text = "\n".join(p.text for p in word.paragraphs)
    section = text[text.index("V. KẾT QUẢ KIỂM TRA") : text.index("VI. BÀI HỌC")]
    assert "đã xác định 1 vi phạm (số tiền liên quan 1.500.000 đồng); 1 dấu hiệu" in section
    cells = [[x.text for x in row.cells] for t in word.tables for row in t.rows]
    assert [titles[first], "1", "0", "1.500.000"] in cells  # counts as counts, no "01"
    assert [titles[second], "0", "1", "—"] in cells
    start = text.index("II. KẾT QUẢ")
    pending = text[start : text.index("\n1. ", start)]
    assert (
        "Tất cả báo cáo của giai đoạn đã được duyệt." in pending
    )  # the review form is no figure report
    lessons = text[text.index("VI. BÀI HỌC") : text.index("VII. KIẾN NGHỊ")]
    assert f"{c.pa.name}: Công khai dự toán giúp tiết kiệm." in lessons
    assert "Nội dung chưa duyệt" not in text
    assert f"chưa được duyệt, nội dung chưa được tổng hợp: {c.pc.name} (đã gửi)." in lessons
    recommendations = text[text.index("VII. KIẾN NGHỊ") :]
    assert f"{c.pa.name}: Tăng mua sắm tập trung." in recommendations


def test_a_review_form_is_filled_on_the_report_page(client: Client, data: ReportingCast) -> None:
    """The phase-review form (narrative parts, no figure rows) goes through the usual report
    page: the province's parts, and above it the children's texts to consolidate."""
    c = data.cast
    form = _review_form(data, Movement.objects.get(code="thtk"))
    report = _write(data, c.pa, form, bai_hoc="Công khai dự toán.")
    client.force_login(data.top_reviewer)
    page = client.get(reverse("reporting:report", args=[report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bài học" in html and "Công khai dự toán." in html and "Kiến nghị" in html
