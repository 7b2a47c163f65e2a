"""The council journey in headless Chromium: members vote by secret ballot (one absent member
in writing, entered by the secretary), the secretary closes the session, sees the result and
the minutes, drafts and issues decision 05/QĐ-VKSTC and downloads its .docx and .pdf.

Assertions are on data (names, numbers, dates) and data-testid attributes, never on
hard-coded translations."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from playwright.sync_api import Browser, Page, expect

from thidua.council import actions
from thidua.council.models import BallotReceipt, BallotVote, CouncilSession, Decision
from thidua.council.testing import SESSION_DAY, World, build_world
from thidua.testing import PASSWORD, build_cast

from .conftest import ARTIFACTS, TIMEOUT_MS

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world(build_cast())


@pytest.fixture
def session(live_world: World) -> CouncilSession:
    world = live_world
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    actions.add_agenda_item(session, world.proposals[0], by=world.secretary)
    return session


@pytest.fixture
def people(browser: Browser, live_server: Any) -> Iterator[Callable[[str], Page]]:
    contexts = []
    errors: list[str] = []

    def person(username: str) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
        tab.goto("/accounts/login/")
        tab.locator("#id_username").fill(username)
        tab.locator("#id_password").fill(PASSWORD)
        tab.get_by_test_id("login-submit").click()
        expect(tab.get_by_test_id("whoami")).to_be_visible()
        return tab

    yield person
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def shoot(page: Page, step: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"council-journey-{step}.png"), full_page=True)


def open_session(page: Page, session: CouncilSession) -> None:
    page.locator("nav a[href='/council/']").click()
    page.get_by_test_id("sessions").get_by_role("link", name="15/01/2025").click()
    expect(page.get_by_test_id("session-date")).to_have_text("15/01/2025")


def vote(page: Page, choice: str) -> None:
    ballot = page.get_by_test_id("item-1").get_by_test_id("ballot")
    ballot.locator(f"input[value={choice}]").check()
    ballot.get_by_role("button").click()
    expect(page.get_by_test_id("item-1").get_by_test_id("voted")).to_be_visible()


def download(page: Page, testid: str, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_test_id(testid).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_members_vote_and_the_secretary_issues_the_decision(
    live_world: World, session: CouncilSession, people: Callable[[str], Page], tmp_path: Path
) -> None:
    secretary = people("secretary")
    open_session(secretary, session)
    # Phạm Thu Hương is away: marked absent (htmx swaps the members table), she votes in writing.
    secretary.get_by_test_id("toggle-member_b").click()
    expect(secretary.get_by_test_id("member-member_b")).to_contain_text("Phạm Thu Hương")
    expect(secretary.get_by_test_id("toggle-member_b")).to_be_visible()
    secretary.get_by_test_id("open-session").click()
    expect(secretary.get_by_test_id("item-1").get_by_test_id("ballot")).to_be_visible()

    for username in ("chair", "vice", "member_a"):
        member = people(username)
        open_session(member, session)
        vote(member, "agree")
        shoot(member, f"voted-{username}")
    # Each item links the voters to its dossier (the proposal with its evidence and report).
    dossier = member.get_by_test_id("item-1").get_by_test_id("dossier")
    expect(dossier).to_be_visible()
    assert member.request.get(dossier.get_attribute("href") or "").status == 200
    # The secretary has not voted yet: the close button asks to confirm one missing ballot.
    secretary.reload()
    expect(secretary.get_by_test_id("missing-ballots")).to_contain_text("1")
    expect(secretary.get_by_test_id("confirm-missing")).to_be_visible()
    vote(secretary, "agree")
    written = secretary.get_by_test_id("item-1").get_by_test_id("written-member_b")
    written.locator("select").select_option("agree")
    written.get_by_role("button").click()
    expect(secretary.get_by_test_id("item-1").get_by_test_id("written-member_b")).to_have_count(0)
    assert BallotReceipt.objects.filter(member__present=False).count() == 1  # in writing
    assert BallotVote.objects.count() == 5

    secretary.reload()
    expect(secretary.get_by_test_id("missing-ballots")).to_have_count(0)
    secretary.get_by_test_id("close-session").click()
    expect(secretary.get_by_test_id("session-status")).not_to_have_text("")
    result = secretary.get_by_test_id("item-1").get_by_test_id("result")
    expect(result).to_contain_text("5/5")
    shoot(secretary, "closed")
    minutes = download(secretary, "minutes-docx", tmp_path)
    texts = [p.text for p in Document(str(minutes)).paragraphs]
    assert "BIÊN BẢN" in texts

    secretary.get_by_test_id("new-decision").click()
    form = secretary.get_by_test_id("decision-form")
    form.locator("#id_date").fill("05/02/2025")
    form.locator("#id_issuer_name").fill("Viện kiểm sát nhân dân tối cao")
    form.locator("#id_authority").select_option("KT.")
    form.locator("#id_authority_of").fill("Viện trưởng")
    form.locator("#id_signer_position").fill("Phó Viện trưởng")
    form.locator("#id_signer_name").fill("Nguyễn Huy Tiến")
    form.locator("input[name=items]").first.check()
    form.locator("button[type=submit]").click()
    secretary.get_by_test_id("issue").locator("#id_number").fill("5")
    secretary.get_by_test_id("issue").get_by_role("button").click()
    expect(secretary.get_by_test_id("decision-number")).to_have_text("05/QĐ-VKSTC")
    expect(secretary.get_by_test_id("awardees")).to_contain_text("Vũ Văn Ánh")
    expect(secretary.get_by_test_id("total")).to_have_text("7.020.000")
    shoot(secretary, "decision")

    docx = download(secretary, "decision-docx", tmp_path)
    word = Document(str(docx))
    cells = [p.text for t in word.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    assert "Số: 05/QĐ-VKSTC" in cells and "Hà Nội, ngày 05 tháng 02 năm 2025" in cells
    pdf = download(secretary, "decision-pdf", tmp_path)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Số: 05/QĐ-VKSTC" in text and "7.020.000" in text
    assert Decision.objects.get().status == "issued"
