"""Keyboard-only journeys (issue 14): Tab, Shift+Tab, Enter, Space and the arrow keys, and typing
— never a mouse click. Each starts where a keyboard user starts: the skip link, the first
thing Tab reaches, then straight into the page's main content.

    head      — enters two figures and a comment of PA-R1's Q3/2025 report, then submits it
    reviewer  — returns it with a reason, then (once resubmitted) approves it
    members   — vote by secret ballot on two nominees: after each vote the confirmation shows
                in place and the focus is on the next nominee's choices

And the autosave data defect: typing into a comment (or a narrative part) while a save is in
flight keeps the focus and every typed character on screen, and nothing typed is sent with a
save the user did not make (the in-flight request is held by a Playwright route until the
typing is done).

Every page loaded here is also checked by axe-core (the conftest's `axe_audit`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from thidua.council import actions as council_actions
from thidua.council.models import BallotReceipt, CouncilSession
from thidua.council.testing import SESSION_DAY, World, build_world
from thidua.reporting import actions
from thidua.reporting.models import DataValue, NarrativeText, Report
from thidua.reporting.testing import ReportingCast, build_reporting
from thidua.testing import PASSWORD, build_cast

from .conftest import TIMEOUT_MS, axe_check

pytestmark = pytest.mark.browser

Person = Callable[[str], Page]
REASON = "Đề nghị bổ sung thuyết minh số dự toán chi thường xuyên"
# At most this many Tab presses from the main content to the control a journey needs.
FEW_TABS = 12


@pytest.fixture
def people(browser: Browser, live_server: Any) -> Iterator[Person]:
    """people("head") is a browser context logged in as that user, with the keyboard only:
    the login form is filled by typing and sent with Enter."""
    contexts = []
    errors: list[str] = []

    def person(username: str) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="en-US", viewport={"width": 1366, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
        tab.goto("/accounts/login/")
        tab_to(tab, "#id_username")
        tab.keyboard.type(username)
        tab.keyboard.press("Tab")
        tab.keyboard.type(PASSWORD)
        tab.keyboard.press("Enter")
        expect(tab.get_by_test_id("whoami")).to_be_attached()
        return tab

    yield person
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


# Keyboard helpers.


def focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => !!document.activeElement?.matches(s)", selector))


def tab_to(page: Page, selector: str, limit: int = 60, key: str = "Tab") -> int:
    """Press Tab until the focus is on `selector`; the number of presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if focused(page, selector):
            return presses
    where = page.evaluate("() => document.activeElement?.outerHTML.slice(0, 200)")
    raise AssertionError(f"{selector} not reached in {limit} presses of {key}; focus on {where}")


def skip_to_main(page: Page) -> None:
    """The first Tab reaches the skip link; Enter moves the focus into the main content."""
    page.locator("body").evaluate("b => b.focus()")
    page.keyboard.press("Tab")
    assert focused(page, "[data-testid=skip-link]"), "the skip link is not the first stop"
    expect(page.get_by_test_id("skip-link")).to_be_visible()  # seen when it has the focus
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


# The reporting loop.


@pytest.fixture
def live_rcast(transactional_db: None) -> ReportingCast:
    return build_reporting(build_cast())


@pytest.fixture
def q3_report(live_rcast: ReportingCast) -> Report:
    rc = live_rcast
    return actions.open_report(rc.cast.regional, rc.form, rc.q3_2025, by=rc.cast.reporter)


def status_of(page: Page) -> str:
    badge = page.locator("[data-testid=report-title] + div [data-status]")
    return badge.get_attribute("data-status") or ""


def test_head_enters_and_submits_a_report_with_the_keyboard(
    people: Person, q3_report: Report, live_rcast: ReportingCast
) -> None:
    rc = live_rcast
    head = people("head")
    head.goto(f"/reports/{q3_report.pk}/")
    skip_to_main(head)
    # The first figure: its input is named by its indicator and column.
    presses = tab_to(head, "[data-testid=cell-EST_RECURRENT]")
    assert presses <= FEW_TABS, f"{presses} Tab presses to the first cell"
    name = rc.indicators["EST_RECURRENT"].display_name
    expect(head.get_by_role("textbox", name=re.compile(re.escape(name)))).to_have_count(2)
    head.keyboard.type("1.200")
    with head.expect_response(lambda r: r.request.method == "POST") as answer:
        head.keyboard.press("Tab")  # leaves the figure: autosave; the focus is on its comment
    assert answer.value.status == 200
    expect(head.get_by_test_id("comment-EST_RECURRENT")).to_be_focused()
    expect(head.get_by_test_id("live-status")).to_contain_text(name)
    # Tab on to the next figure (past the comment), type, Enter saves without leaving the page.
    tab_to(head, "[data-testid=cell-SETTLE_RECURRENT]")
    head.keyboard.type("1.100")
    with head.expect_response(lambda r: r.request.method == "POST") as answer:
        head.keyboard.press("Enter")
    assert answer.value.status == 200
    expect(head.get_by_test_id("cell-SETTLE_RECURRENT")).to_be_focused()
    values = {
        v.indicator.code: v.value
        for v in DataValue.objects.filter(report=q3_report).select_related("indicator")
    }
    assert values["EST_RECURRENT"] == Decimal("1200")
    assert values["SETTLE_RECURRENT"] == Decimal("1100")

    # Submit: back up with Shift+Tab to the action, Enter opens the confirmation, which takes
    # the focus; Tab to its Submit button, Enter.
    tab_to(head, "[data-testid=submit]", key="Shift+Tab")
    head.keyboard.press("Enter")
    expect(head.get_by_test_id("submit-confirm")).to_be_focused()
    tab_to(head, "[data-testid=confirm-submit]", limit=8)
    head.keyboard.press("Enter")
    expect(head.locator("[data-testid=report-title] + div [data-status]")).to_have_attribute(
        "data-status", "submitted"
    )
    assert Report.objects.get(pk=q3_report.pk).status == Report.Status.SUBMITTED


def test_reviewer_returns_then_approves_with_the_keyboard(
    people: Person, q3_report: Report, live_rcast: ReportingCast
) -> None:
    rc = live_rcast
    actions.submit_report(q3_report, by=rc.head)
    reviewer = people("reviewer")
    reviewer.goto(f"/reports/{q3_report.pk}/")
    skip_to_main(reviewer)
    # Returning needs a reason: its field has a visible label and is required.
    presses = tab_to(reviewer, "#return-reason")
    assert presses <= FEW_TABS, f"{presses} Tab presses to the return reason"
    expect(reviewer.locator("#return-reason")).to_have_attribute("required", "")
    expect(reviewer.locator("label[for=return-reason]")).to_be_visible()
    reviewer.keyboard.press("Enter")  # empty: the browser refuses, nothing is sent
    assert Report.objects.get(pk=q3_report.pk).status == Report.Status.SUBMITTED
    reviewer.keyboard.type(REASON)
    reviewer.keyboard.press("Enter")
    expect(reviewer.locator("[data-testid=report-title] + div [data-status]")).to_have_attribute(
        "data-status", "returned"
    )
    report = Report.objects.get(pk=q3_report.pk)
    assert report.status == Report.Status.RETURNED
    last = report.transitions.order_by("-at", "-pk").first()
    assert last is not None and last.reason == REASON

    actions.submit_report(report, by=rc.head)
    reviewer.reload()
    skip_to_main(reviewer)
    presses = tab_to(reviewer, "[data-testid=approve]")
    assert presses <= FEW_TABS, f"{presses} Tab presses to Approve"
    reviewer.keyboard.press("Space")
    expect(reviewer.locator("[data-testid=report-title] + div [data-status]")).to_have_attribute(
        "data-status", "approved"
    )
    assert Report.objects.get(pk=q3_report.pk).status == Report.Status.APPROVED
    # The approval is said on the page (a status message, read out once loaded).
    expect(reviewer.locator("main .alert[role=status]")).to_have_count(1)
    expect(reviewer.get_by_test_id("live-status")).not_to_be_empty()


# The autosave data defect.


def hold_saves(page: Page) -> list[Route]:
    """Every save (POST) waits in the returned list until the test lets it go."""
    held: list[Route] = []
    page.route(re.compile(r"/reports/\d+/(cells|narrative)/"), lambda route: held.append(route))
    return held


def sent(route: Route) -> dict[str, str]:
    body = route.request.post_data or ""
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def test_typing_during_a_save_keeps_focus_and_text_and_sends_nothing_unseen(
    people: Person, q3_report: Report, live_rcast: ReportingCast
) -> None:
    rc = live_rcast
    head = people("head")
    head.goto(f"/reports/{q3_report.pk}/")
    held = hold_saves(head)
    cell = head.get_by_test_id("cell-EST_RECURRENT")
    comment = head.get_by_test_id("comment-EST_RECURRENT")
    cell.focus()
    head.keyboard.type("1.200")
    head.keyboard.press("Tab")  # the save of the figure leaves, and is held in flight
    expect(comment).to_be_focused()
    for _ in range(50):
        if held:
            break
        head.wait_for_timeout(50)
    assert len(held) == 1
    first = sent(held[0])
    typed = "Số dự toán theo Quyết định 12/QĐ-UBND"
    head.keyboard.type(typed)  # typed while the save is in flight
    held[0].continue_()
    expect(
        head.get_by_test_id("cell-EST_RECURRENT").locator("xpath=..").get_by_test_id("saved")
    ).to_be_visible()
    # Nothing lost, the focus where the user is, and the in-flight save carried only what
    # the user had finished (the figure), not the half-typed comment.
    expect(comment).to_be_focused()
    expect(comment).to_have_value(typed)
    assert first["value"] == "1.200" and first["comment"] == ""
    value = DataValue.objects.get(report=q3_report, indicator=rc.indicators["EST_RECURRENT"])
    assert value.value == Decimal("1200") and value.comment == ""
    # Leaving the comment saves it, with the same figure: the only other request.
    head.keyboard.type(".")
    head.keyboard.press("Tab")
    for _ in range(50):
        if len(held) == 2:
            break
        head.wait_for_timeout(50)
    assert len(held) == 2
    second = sent(held[1])
    assert second["comment"] == typed + "." and second["value"] == "1.200"
    with head.expect_response(lambda r: r.request.method == "POST") as answer:
        held[1].continue_()
    assert answer.value.status == 200
    expect(head.get_by_test_id("live-status")).to_contain_text(
        rc.indicators["EST_RECURRENT"].display_name
    )
    expect(comment).to_have_value(typed + ".")
    value.refresh_from_db()
    assert value.comment == typed + "." and value.value == Decimal("1200")


def test_typing_into_a_narrative_during_its_save_keeps_the_text(
    people: Person, live_rcast: ReportingCast
) -> None:
    rc = live_rcast
    report = actions.open_report(rc.cast.regional, rc.annual, rc.year_2026, by=rc.head)
    head = people("head")
    head.goto(f"/reports/{report.pk}/")
    held = hold_saves(head)
    text = head.locator("textarea[name=text]")
    text.focus()
    head.keyboard.type("Đã ban hành kế hoạch.")
    head.keyboard.press("Tab")  # change: the save leaves and is held
    for _ in range(50):
        if held:
            break
        head.wait_for_timeout(50)
    assert len(held) == 1 and sent(held[0])["text"] == "Đã ban hành kế hoạch."
    text.focus()  # back into the text (Shift+Tab), typing on while the save is in flight
    head.keyboard.press("End")
    head.keyboard.type(" Đã kiểm tra 3 đơn vị.")
    held[0].continue_()
    expect(head.locator("[id^=part-state-]").first).not_to_be_empty()
    expect(text).to_be_focused()
    expect(text).to_have_value("Đã ban hành kế hoạch. Đã kiểm tra 3 đơn vị.")
    saved = NarrativeText.objects.get(report=report)
    assert saved.text == "Đã ban hành kế hoạch."
    head.keyboard.press("Tab")
    for _ in range(50):
        if len(held) == 2:
            break
        head.wait_for_timeout(50)
    assert len(held) == 2 and sent(held[1])["text"].endswith("Đã kiểm tra 3 đơn vị.")
    with head.expect_response(lambda r: r.request.method == "POST") as answer:
        held[1].continue_()
    assert answer.value.status == 200
    expect(head.get_by_test_id("live-status")).not_to_be_empty()
    saved.refresh_from_db()
    assert saved.text == "Đã ban hành kế hoạch. Đã kiểm tra 3 đơn vị."


# The ballot.


@pytest.fixture
def open_session(transactional_db: None) -> tuple[World, CouncilSession]:
    world = build_world(build_cast())
    session = council_actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    for proposal in world.proposals[:2]:
        council_actions.add_agenda_item(session, proposal, by=world.secretary)
    council_actions.open_session(session, by=world.secretary)
    return world, session


def test_member_votes_on_two_nominees_with_the_keyboard(
    people: Person, open_session: tuple[World, CouncilSession]
) -> None:
    world, session = open_session
    chair = people("chair")
    chair.goto(f"/council/sessions/{session.pk}/")
    axe_check(chair)
    skip_to_main(chair)
    first, second = (world.proposals[0].person, world.proposals[1].person)
    assert first is not None and second is not None
    # Each nominee's choices are a group named after the nominee, with names of their own.
    groups = chair.locator("main").get_by_role("group")
    expect(groups).to_have_count(2)
    expect(chair.get_by_role("group", name=re.compile(re.escape(first.full_name)))).to_have_count(1)
    names = chair.locator("[data-testid=ballot] input[type=radio]").evaluate_all(
        "els => [...new Set(els.map(e => e.name))]"
    )
    assert len(names) == 2

    presses = tab_to(chair, "[data-testid=item-1] input[type=radio]")
    assert presses <= FEW_TABS, f"{presses} Tab presses to the first ballot"
    chair.keyboard.press("Space")  # the first choice (agree)
    chair.keyboard.press("ArrowRight")  # then disagree
    chosen = chair.locator("[data-testid=item-1] input[type=radio]:checked")
    expect(chosen).to_have_value("disagree")
    tab_to(chair, "[data-testid=item-1] [data-testid=ballot] button", limit=3)
    chair.keyboard.press("Enter")
    # The confirmation in place; the focus on the next nominee's first choice.
    expect(chair.get_by_test_id("item-1").get_by_test_id("voted")).to_be_visible()
    expect(chair.locator("[data-testid=item-2] input[type=radio]").first).to_be_focused()
    expect(chair.get_by_test_id("live-status")).not_to_be_empty()
    chair.keyboard.press("Space")
    tab_to(chair, "[data-testid=item-2] [data-testid=ballot] button", limit=4)
    chair.keyboard.press("Enter")
    expect(chair.get_by_test_id("item-2").get_by_test_id("voted")).to_be_visible()
    expect(chair.get_by_test_id("item-2").get_by_test_id("voted")).to_be_focused()
    axe_check(chair)
    assert BallotReceipt.objects.filter(item__session=session).count() == 2
