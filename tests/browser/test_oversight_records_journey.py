"""Oversight records journeys in headless Chromium on the standard cast.

    reporter   — the accountant of PA-R1 "Khu vực 1": a travel claim paid 450.000 đ a day for
                 3 days in a town is flagged (norm 300.000 đ); she opens it from the unit's
                 page, corrects the allowance to 900.000 đ, and the finding disappears after
                 the save; then she deletes a claim entered by mistake, through the
                 confirmation page.
    supervisor — of province PA: names a staff member in an open finding (asks the unit to
                 explain, with the staff code); the person's eligibility page shows the hold
                 and links the case.

Screenshots of the unit's page, the edit page and the confirmation page at 1366 and 390 px are
saved under test-artifacts/browser/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from thidua.awards.catalogue import load_catalogue
from thidua.awards.tests.conftest import make_staff
from thidua.oversight import actions
from thidua.oversight.models import Finding, Norm, ProcurementPackage, TravelClaim
from thidua.oversight.norms import load_norms
from thidua.testing import Cast, build_cast

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser
SIZES = {1366: {"width": 1366, "height": 768}, 390: {"width": 390, "height": 844}}


def _claim(cast: Cast, person: str, allowance: int, day: int) -> TravelClaim:
    t = TravelClaim(
        unit=cast.regional,
        year=2026,
        person=person,
        start=dt.date(2026, 3, day),
        end=dt.date(2026, 3, day + 2),
        destination="town",
        allowance_paid=Decimal(allowance),
        lodging_mode="lump_sum",
    )
    actions.save_record(t, by=cast.reporter)
    return t


@pytest.fixture
def flagged(transactional_db: None) -> tuple[Cast, TravelClaim, TravelClaim]:
    cast = build_cast()
    load_norms(Norm)  # a transactional test before this one flushed the migration's data
    wrong = _claim(cast, "Lê Văn Nhầm", 600_000, 20)
    bad = _claim(cast, "Trần Thị Bình", 1_350_000, 2)
    assert Finding.objects.filter(rule="NORM_ALLOWANCE").count() == 1
    return cast, bad, wrong


def _shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.screenshot(path=str(ARTIFACTS / f"oversight-records-{width}-{name}.png"), full_page=True)


def test_the_accountant_corrects_a_flagged_claim_then_deletes_a_wrong_one(
    flagged: tuple[Cast, TravelClaim, TravelClaim], signed_in: Callable[..., Page]
) -> None:
    cast, bad, wrong = flagged
    unit_url = f"/oversight/units/{cast.regional.pk}/2026/"
    page = signed_in("reporter")
    page.goto(unit_url)
    findings = page.get_by_test_id("findings")
    expect(findings).to_contain_text("450.000")
    page.get_by_test_id(f"edit-travel-{bad.pk}").click()
    form = page.get_by_test_id("record-form")
    expect(form.locator("[name=allowance_paid]")).to_have_value("1.350.000")
    expect(form.locator("[name=start]")).to_have_value("02/03/2026")
    # A wrong date is refused naming the field; nothing is written.
    form.locator("[name=end]").fill("01/03/2026")
    form.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("error-end")).to_be_visible()
    bad.refresh_from_db()
    assert bad.end == dt.date(2026, 3, 4)
    form = page.get_by_test_id("record-form")
    form.locator("[name=end]").fill("04/03/2026")
    form.locator("[name=allowance_paid]").fill("900.000")
    form.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(unit_url)
    expect(page.get_by_test_id("findings")).not_to_contain_text("450.000")
    expect(page.get_by_test_id("travel")).to_contain_text("900.000")
    assert not Finding.objects.filter(rule="NORM_ALLOWANCE").exists()

    page.get_by_test_id(f"delete-travel-{wrong.pk}").click()
    expect(page.get_by_test_id("record")).to_contain_text("Lê Văn Nhầm, 20/03/2026 – 22/03/2026")
    page.get_by_test_id("delete-form").get_by_role("button").click()
    expect(page).to_have_url(unit_url)
    expect(page.get_by_test_id("travel")).not_to_contain_text("Lê Văn Nhầm")
    assert list(TravelClaim.objects.values_list("person", flat=True)) == ["Trần Thị Bình"]

    for width, viewport in SIZES.items():
        p = signed_in("reporter", viewport)
        p.goto(unit_url)
        _shoot(p, "unit-year")
        scroll = p.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"the page scrolls sideways at {width} px"
        p.goto(f"{unit_url}travel/{bad.pk}/edit/")
        _shoot(p, "edit")
        p.goto(f"{unit_url}travel/{bad.pk}/delete/")
        _shoot(p, "delete")


def test_a_supervisor_names_a_person_and_the_eligibility_page_shows_the_hold(
    transactional_db: None, signed_in: Callable[..., Page]
) -> None:
    cast = build_cast()
    load_norms(Norm)
    load_catalogue()
    people = make_staff(cast)
    p = ProcurementPackage(
        unit=cast.regional,
        year=2026,
        item="Máy tính",
        category="goods",
        method="direct",
        estimate=Decimal(900_000_000),
        award_price=Decimal(900_000_000),
        bidders=1,
        award_date=dt.date(2026, 5, 4),
    )
    actions.save_record(p, by=cast.reporter)
    f = Finding.objects.get(rule="DIRECT_OVER_LIMIT")
    named = people[0]

    page = signed_in("supervisor")
    page.goto(f"/awards/people/{named.pk}/?year=2025")
    expect(page.get_by_test_id("verdicts")).not_to_contain_text("giám sát")
    page.goto(f"/oversight/findings/{f.pk}/")
    ask = page.get_by_test_id("ask")
    ask.locator("input[name=deadline]").fill("15/12/2026")
    ask.locator("textarea").fill("Đề nghị giải trình việc chỉ định thầu vượt hạn mức.")
    ask.locator("input[name=people]").fill(named.code.lower())
    ask.get_by_role("button").click()
    expect(page.get_by_test_id("named")).to_contain_text(named.full_name)
    assert list(f.named_people.all()) == [named]

    page.goto(f"/awards/people/{named.pk}/?year=2025")
    verdicts = page.get_by_test_id("verdicts")
    expect(verdicts).to_contain_text("giám sát")
    expect(verdicts.locator(f"a[href='/oversight/findings/{f.pk}/']").first).to_be_visible()
    page.goto(f"/awards/people/{people[1].pk}/?year=2025")
    expect(page.get_by_test_id("verdicts")).not_to_contain_text("giám sát")
