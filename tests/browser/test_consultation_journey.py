"""Public consultation in headless Chromium: a member of the public opens the published list
of nominees, sends a comment through the form (answering the check question), and the
council's secretary sees it on the session page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from thidua.council import actions
from thidua.council.testing import World, build_world
from thidua.disclosures import actions as publishing
from thidua.disclosures import consultation
from thidua.lib.dates import today
from thidua.testing import build_cast

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world(build_cast())


def test_an_anonymous_comment_reaches_the_secretary(
    live_world: World, page: Page, signed_in: Callable[..., Page]
) -> None:
    world, day = live_world, today()
    session = actions.create_session(world.council, day=day, place="Hà Nội", by=world.secretary)
    for proposal in world.proposals:
        actions.add_agenda_item(session, proposal, by=world.secretary)
    actions.open_session(session, by=world.secretary)
    for item in session.items.all():
        for user in world.voters:
            actions.cast_ballot(item, user=user, choice="agree")
    actions.close_session(session, by=world.secretary, day=day, confirm_missing=True)
    draft = consultation.draft(session)
    assert draft is not None
    publication = publishing.publish(draft, by=world.secretary)

    page.goto("/public/consultations/")
    page.get_by_role("link", name=publication.title).click()
    expect(page.get_by_test_id("nominees")).to_contain_text("Hoàng Thị Bích")
    page.screenshot(path="/tmp/consult/list-1366.png", full_page=True)
    page.get_by_test_id("comment-link").click()
    page.get_by_label("Đối tượng").select_option(
        label="Hoàng Thị Bích — Chiến sĩ thi đua toàn quốc"
    )
    page.get_by_label("Nội dung góp ý").fill("Tôi đồng ý, đồng chí Bích làm việc tận tụy.")
    page.get_by_label("Họ và tên (không bắt buộc)").fill("Trần Thị Mai")
    question = page.locator("label[for=c-answer]").inner_text().lower()
    a, b = re.findall(r"(\w+) cộng (\w+)", question)[0]
    words = consultation.NUMBER_WORDS
    page.locator("#c-answer").fill(str(words.index(a) + words.index(b)))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/consult/form-390.png", full_page=True)
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment-sent")).to_be_visible()

    secretary = signed_in(world.secretary.username)
    secretary.goto(f"/council/sessions/{session.pk}/")
    comments = secretary.get_by_test_id("consultation-comments")
    expect(comments).to_contain_text("Ý kiến góp ý trong thời gian lấy ý kiến: 1")
    expect(comments).to_contain_text("Trần Thị Mai")
    expect(comments).to_contain_text("làm việc tận tụy")
    secretary.screenshot(path="/tmp/consult/session-1366.png", full_page=True)
