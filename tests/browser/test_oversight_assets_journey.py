"""Oversight of conferences, vehicles and assets in headless Chromium on the standard cast.

    reporter   — PA-R1 "Khu vực 1": adds a car bought above the price cap, reads the finding
                 on the unit-year page; imports the asset register from an .xlsx file (preview
                 with the errors by row and column, then a corrected file saved)
    supervisor — province PA: finds the car in the queue with its numbers and basis
Screenshots at 1366 px and 390 px go to /tmp (not the repository).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from playwright.sync_api import FilePayload, Page, expect

from thidua.oversight.imports import KINDS, columns
from thidua.oversight.models import Norm
from thidua.oversight.models_assets import Asset
from thidua.oversight.norms import load_norms
from thidua.testing import Cast, build_cast

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/assets-shots")


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    c = build_cast()
    load_norms(Norm)  # a transactional test before this one flushed the migration's data
    return c


def _book(rows: list[list[object]]) -> bytes:
    with translation.override("vi"):
        header = [h for _n, h in columns(KINDS["asset"])]
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _payload(data: bytes) -> FilePayload:
    return {"name": "tai-san.xlsx", "mimeType": "application/octet-stream", "buffer": data}


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_a_unit_records_a_car_and_imports_its_assets(
    cast: Cast, signed_in: Callable[..., Page], width: int
) -> None:
    unit_year = f"/oversight/units/{cast.regional.pk}/2026/"
    reporter = signed_in("reporter", {"width": width, "height": 900})
    reporter.goto(unit_year)
    reporter.locator('a[href$="/add/vehicle/"]').click()
    form = reporter.get_by_test_id("record-form")
    form.get_by_label("Biển số").fill("80A-123.45")
    form.get_by_label("Số chỗ ngồi").fill("40")
    form.get_by_label("Loại hình").select_option("general")
    form.get_by_label("Ngày mua").fill("10/02/2026")
    form.get_by_label("Giá mua").fill("1.100.000.000")
    form.get_by_role("button", name="Lưu").click()
    expect(reporter.get_by_test_id("error-seats")).to_contain_text("từ 2 đến 16 chỗ")
    _shot(reporter, f"vehicle-form-error-{width}")
    form.get_by_label("Số chỗ ngồi").fill("7")
    form.get_by_role("button", name="Lưu").click()
    findings = reporter.get_by_test_id("findings")
    expect(findings).to_contain_text("Mua xe vượt giá tối đa")
    expect(findings).to_contain_text("1.100.000.000")
    expect(reporter.get_by_test_id("vehicles")).to_contain_text("80A-123.45")

    reporter.goto(f"/oversight/units/{cast.regional.pk}/2026/import/asset/")
    idle = ["Không sử dụng"] * 12
    bad = _book([["TS-1", "Kho cũ", "Trụ sở, nhà làm việc", "-5", "", "", *idle]])
    reporter.locator("#id_file").set_input_files(files=[_payload(bad)])
    reporter.get_by_role("button", name="Kiểm tra tệp").click()
    problems = reporter.get_by_test_id("problems")
    expect(problems).to_contain_text("Nguyên giá")
    expect(problems.locator("tbody tr").first).to_contain_text("2")
    expect(reporter.get_by_test_id("confirm-import")).to_have_count(0)
    _shot(reporter, f"asset-import-errors-{width}")
    good = _book([["TS-1", "Kho cũ", "Trụ sở, nhà làm việc", "500.000.000", "", "", *idle]])
    reporter.locator("#id_file").set_input_files(files=[_payload(good)])
    reporter.get_by_role("button", name="Kiểm tra tệp").click()
    expect(reporter.get_by_test_id("preview")).to_contain_text("Kho cũ")
    _shot(reporter, f"asset-import-preview-{width}")
    reporter.get_by_test_id("confirm-import").get_by_role("button").click()
    expect(reporter.get_by_test_id("assets")).to_contain_text("Kho cũ")
    assert Asset.objects.get().months == "i" * 12
    _shot(reporter, f"unit-year-{width}")

    supervisor = signed_in("supervisor", {"width": width, "height": 900})
    supervisor.goto("/oversight/queue/")
    supervisor.get_by_test_id("filters").locator("select[name=rule]").select_option("VEHICLE_PRICE")
    supervisor.get_by_test_id("filters").get_by_role("button").first.click()
    row = supervisor.locator("tr[data-rule=VEHICLE_PRICE]")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    expect(supervisor.get_by_test_id("finding-text")).to_contain_text("950.000.000")
    expect(supervisor.get_by_test_id("basis")).to_contain_text("Nghị định 72/2023/NĐ-CP")
    expect(supervisor.get_by_test_id("records")).to_contain_text("80A-123.45")
    _shot(supervisor, f"finding-{width}")
