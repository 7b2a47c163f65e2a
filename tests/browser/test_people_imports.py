"""Staff ratings import in headless Chromium: the unit head of PA-R1 opens the imports from
the staff page, downloads the ratings template, fills it (openpyxl), uploads it, checks the
preview (one new rating, one update old → new), confirms, and sees the ratings on the
person's page. The preview is also looked at on a 390 px phone. Assertions are on data and
data-testid attributes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.awards.catalogue import load_catalogue
from thidua.awards.models import PerformanceRating
from thidua.awards.tests.conftest import make_staff
from thidua.org.models import Person
from thidua.testing import PASSWORD, START, Cast, build_cast

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def live_people(transactional_db: None) -> tuple[Cast, list[Person]]:
    cast = build_cast()
    load_catalogue()
    head = User.objects.create_user(username="head", password=PASSWORD)
    RoleAssignment.objects.create(
        user=head, role=Role.UNIT_HEAD, unit=cast.regional, valid_from=START
    )
    return cast, make_staff(cast)


def snap(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"people-imports-{name}.png"), full_page=True)


def filled_template(page: Page, tmp_path: Path) -> Path:
    """Download the ratings template and add two rows under its note row."""
    with page.expect_download() as info:
        page.get_by_test_id("template-ratings").click()
    template = tmp_path / "mau.xlsx"
    info.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book.active
    assert sheet["A1"].value == "Mã cán bộ"
    sheet.append(["KV000", "Nguyễn Văn A", 2024, "HTT"])
    sheet.append(["KV002", "", 2025, "Hoàn thành xuất sắc nhiệm vụ"])
    filled = tmp_path / "xep-loai.xlsx"
    book.save(filled)
    return filled


def upload(page: Page, file: Path) -> None:
    page.get_by_test_id("upload-ratings").locator("input[type=file]").set_input_files(str(file))
    page.get_by_test_id("upload-ratings").locator("button[type=submit]").click()
    expect(page.get_by_test_id("import-preview")).to_be_visible()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None and width <= viewport["width"], width


def test_unit_head_imports_ratings_with_a_preview(
    signed_in: Callable[..., Page], live_people: tuple[Cast, list[Person]], tmp_path: Path
) -> None:
    _cast, people = live_people
    page = signed_in("head", {"width": 1366, "height": 900})
    page.goto("/org/people/")
    page.get_by_test_id("staff-imports").click()
    expect(page.get_by_test_id("upload-ratings")).to_be_visible()
    snap(page, "1366-page")
    file = filled_template(page, tmp_path)
    upload(page, file)
    updates = page.get_by_test_id("preview-updates")
    expect(updates).to_contain_text("Nguyễn Văn C (KV002)")
    expect(updates).to_contain_text("Hoàn thành tốt nhiệm vụ")
    expect(updates).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
    snap(page, "1366-preview")
    assert not PerformanceRating.objects.filter(person=people[0], year=2024).exists()

    phone = signed_in("head", {"width": 390, "height": 844})
    phone.goto("/awards/imports/")
    no_sideways_scroll(phone)
    upload(phone, file)
    no_sideways_scroll(phone)
    snap(phone, "390-preview")

    # Each signed-in context has its own session: the desktop's preview still waits.
    page.locator("#confirm-updates").check()
    page.get_by_test_id("confirm-import").locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert PerformanceRating.objects.get(person=people[0], year=2024).level == "HTT"
    assert PerformanceRating.objects.get(person=people[2], year=2025).level == "HTXS"
    page.goto(f"/awards/people/{people[0].pk}/?year=2025")
    expect(page.get_by_test_id("ratings")).to_contain_text("2024")
    expect(page.get_by_test_id("ratings")).to_contain_text("Hoàn thành tốt nhiệm vụ")
    snap(page, "1366-person")
