"""Phase review reports: generated as a job, the .docx and .pdf carry the structure, the
charts and the dashboard's numbers."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from docx import Document
from huey.contrib.djhuey import HUEY

from thidua.dashboards import charts
from thidua.evaluation.models import Programme, Target
from thidua.lib.numbers import format_vn_number
from thidua.reporting.models import Indicator
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
        "V. BÀI HỌC KINH NGHIỆM",
        "VI. KIẾN NGHỊ",
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
