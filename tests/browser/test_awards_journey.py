"""Awards journey in headless Chromium: the unit head of PA-R1 "Khu vực 1" registers the
unit's titles for 2026 and approves them, opens the 2025 candidate list, proposes an eligible
nominee from it and submits the proposal; proposing a nominee the rules say is not eligible is
refused with the reason and its article. Assertions are on data and data-testid attributes,
not on translated wording."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.awards import actions
from thidua.awards.catalogue import load_catalogue
from thidua.awards.models import Council, CouncilMember, Proposal, Registration
from thidua.awards.tests.conftest import make_staff
from thidua.org.models import Person
from thidua.testing import PASSWORD, START, Cast, build_cast

Shot = Callable[[str], Path]


@pytest.fixture
def live_awards(transactional_db: None) -> tuple[Cast, list[Person]]:
    cast = build_cast()
    load_catalogue()
    head = User.objects.create_user(username="head", password=PASSWORD)
    RoleAssignment.objects.create(
        user=head, role=Role.UNIT_HEAD, unit=cast.regional, valid_from=START
    )
    council = Council.objects.create(unit=cast.pa, name="Hội đồng Thi đua - Khen thưởng tỉnh A")
    CouncilMember.objects.create(
        council=council, user=cast.reviewer, role="chair", valid_from=START
    )
    people = make_staff(cast)
    actions.recompute_eligibility(2025, as_of=dt.date(2026, 1, 20))
    return cast, people


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("whoami")).to_contain_text(username)


def test_unit_head_registers_and_proposes(
    page: Page, shot: Shot, live_awards: tuple[Cast, list[Person]], live_server: Any
) -> None:
    cast, people = live_awards
    unit = cast.regional
    log_in(page, "head")
    # Registration 2026: start it, tick the unit's and two people's titles, submit, approve
    page.goto(f"/awards/registrations/{unit.pk}/2026/")
    page.get_by_test_id("open-registration").click()
    form = page.get_by_test_id("registration-form")
    form.locator('input[value="u:TTLDTT"]').check()
    form.locator(f'input[value="{people[0].pk}:LDTT"]').check()
    form.locator(f'input[value="{people[0].pk}:CSTDCS"]').check()
    form.locator(f'input[value="{people[1].pk}:LDTT"]').check()
    page.get_by_test_id("save-registration").click()
    page.get_by_test_id("submit-registration").click()
    expect(page.get_by_test_id("registration-status")).to_have_attribute("data-status", "submitted")
    page.get_by_test_id("approve-registration").click()
    expect(page.get_by_test_id("registration-status")).to_have_attribute("data-status", "approved")
    shot("registration-approved")
    reg = Registration.objects.get(unit=unit, year=2026)
    assert reg.items.count() == 4 and reg.status == "approved"

    # Candidates for CSTĐCS 2025 in the unit: the two excellent performers
    page.goto(f"/awards/candidates/?year=2025&title=CSTDCS&unit={unit.pk}")
    table = page.get_by_test_id("candidates")
    expect(table.locator(f'tr[data-person="{people[0].code}"]')).to_be_visible()
    expect(table.locator(f'tr[data-person="{people[2].code}"]')).to_have_count(0)
    table.locator(f'tr[data-person="{people[0].code}"]').get_by_role("link").last.click()
    expect(page.get_by_test_id("proposal-form")).to_be_visible()
    expect(page.locator("#id_nominee")).to_have_value(f"p:{people[0].pk}")
    page.get_by_test_id("create-proposal").click()
    # The achievement report: the form in force, prefilled; an emptied required section is
    # refused at submission, then written, saved and downloaded as .docx.
    expect(page.get_by_test_id("report-form")).to_contain_text("Mẫu số")
    edit = page.get_by_test_id("report-form-edit")
    edit.locator('textarea[name="results"]').fill("")
    page.get_by_test_id("report-save").click()
    expect(page.get_by_test_id("report-missing")).to_be_visible()
    page.get_by_test_id("submit-proposal").click()
    proposal = Proposal.objects.get(person=people[0])
    assert proposal.status == "draft"
    edit.locator('textarea[name="results"]').fill("Hoàn thành xuất sắc 100% chỉ tiêu được giao.")
    edit.locator('input[name="hometown"]').fill("Tuyên Quang")
    page.get_by_test_id("report-save").click()
    expect(page.get_by_test_id("report-missing")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_test_id("report-docx").click()
    assert download.value.suggested_filename.endswith(".docx")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"
    shot("achievement-report")
    page.get_by_test_id("submit-proposal").click()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert proposal.report["narrative"]["results"].startswith("Hoàn thành xuất sắc 100%")
    assert ["2025", "Hoàn thành xuất sắc nhiệm vụ"] in proposal.report["ratings"]
    shot("proposal-submitted")

    # An ineligible nominee (rated HTT, no initiative) is refused with the reason
    page.goto(f"/awards/proposals/new/?unit={unit.pk}&year=2025&title=CSTDCS")
    page.locator("#id_nominee").select_option(f"p:{people[2].pk}")
    page.get_by_test_id("create-proposal").click()
    error = page.get_by_test_id("proposal-error")
    expect(error).to_contain_text("Luật 06/2022/QH15 Điều 23")
    shot("ineligible-refused")
    assert not Proposal.objects.filter(person=people[2]).exists()
