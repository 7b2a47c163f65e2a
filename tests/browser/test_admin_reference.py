"""The administrator's reference data in headless Chromium, at 1366 and 390 px: from the
Administration menu to the index, add a level, add a holiday, add a council and its chair, and
change a title rule's vote threshold. Assertions are on data and data-testid attributes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from thidua.accounts.models import User
from thidua.awards.models import Council, CouncilMember, Title, TitleRule
from thidua.council.models import Holiday
from thidua.org.models import OrgLevel, Person, Position
from thidua.testing import PASSWORD, START, Cast, build_cast

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser
DESKTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def live_cast(transactional_db: None) -> Cast:
    cast = build_cast()
    person = Person.objects.create(code="P-CHAIR", full_name="Nguyễn Văn Chủ")
    Position.objects.create(person=person, unit=cast.pa, title="Viện trưởng", valid_from=START)
    User.objects.create_user(username="chair", password=PASSWORD, person=person)
    title = Title.objects.create(code="LDTT", name="Lao động tiên tiến", subject="individual")
    TitleRule.objects.create(
        title=title,
        valid_from=dt.date(2023, 8, 15),
        legal_basis="Nghị định 98/2023/NĐ-CP",
        vote_threshold=Decimal("0.5"),
        cash_multiple=Decimal("0.3"),
    )
    return cast


def snap(page: Page, name: str, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin-reference-{width}-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name


def to_index(page: Page) -> None:
    page.locator(".breadcrumb a[href='/council/reference/']").click()
    expect(page.get_by_test_id("reference-sections")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_the_administrator_keeps_the_reference_data(
    live_cast: Cast, signed_in: Callable[..., Page], viewport: ViewportSize
) -> None:
    width = viewport["width"]
    page = signed_in("admin", viewport)
    page.goto("/")
    if width < 1200:
        page.locator(".navbar-toggler").click()
        expect(page.locator("#nav.show:not(.collapsing)")).to_be_visible()
    page.get_by_test_id("nav-admin").locator("button").click()
    page.get_by_test_id("nav-reference").click()
    sections = page.get_by_test_id("reference-sections")
    expect(sections.get_by_test_id("section-levels").get_by_test_id("count")).to_have_text("4")
    snap(page, "index", width)

    # A level.
    page.get_by_test_id("section-levels").click()
    page.get_by_test_id("add-level").click()
    page.locator("#id_name").fill("Cấp xã")
    page.locator("#id_rank").fill("3")
    snap(page, "level-form", width)
    page.get_by_test_id("reference-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("levels")).to_contain_text("Cấp xã")
    snap(page, "levels", width)
    assert OrgLevel.objects.filter(name="Cấp xã", rank=3).exists()

    # A holiday.
    to_index(page)
    page.get_by_test_id("section-holidays").click()
    form = page.get_by_test_id("holiday-form")
    form.locator("#id_day").fill("02/09/2026")
    form.locator("#id_name").fill("Quốc khánh")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("holidays")).to_contain_text("02/09/2026")
    snap(page, "holidays", width)
    assert Holiday.objects.get().day == dt.date(2026, 9, 2)

    # A council and its chair.
    to_index(page)
    page.get_by_test_id("section-councils").click()
    page.get_by_test_id("add-council").click()
    page.locator("#id_unit").select_option(label="Tỉnh Hà Giang")
    page.locator("#id_name").fill("Hội đồng Thi đua - Khen thưởng tỉnh")
    page.get_by_test_id("reference-form").locator("button[type=submit]").click()
    members = page.get_by_test_id("member-form")
    members.locator("#id_person").select_option(index=1)
    members.locator("#id_role").select_option("chair")
    members.locator("#id_valid_from").fill("01/01/2026")
    members.locator("button[type=submit]").click()
    expect(page.get_by_test_id("members")).to_contain_text("Nguyễn Văn Chủ")
    expect(page.get_by_test_id("members")).to_contain_text("01/01/2026")
    snap(page, "council", width)
    council = Council.objects.get(unit=live_cast.pa)
    seat = CouncilMember.objects.get(council=council)
    assert (seat.role, seat.valid_from) == ("chair", dt.date(2026, 1, 1))

    # A title rule's vote threshold.
    to_index(page)
    page.get_by_test_id("section-titles").click()
    page.get_by_test_id("title-card").get_by_test_id("edit-rule").click()
    expect(page.locator("#id_vote_threshold")).to_have_value("50")
    page.locator("#id_vote_threshold").fill("75")
    snap(page, "rule-form", width)
    page.get_by_test_id("reference-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("title-card")).to_contain_text("75,0%")
    snap(page, "titles", width)
    assert TitleRule.objects.get().vote_threshold == Decimal("0.750")
