"""The administrator's document settings in headless Chromium: set the issuing unit's number
symbol and place, add a signer to the register, then the secretary drafts a decision that
starts from them and picks the signer from the register.

Assertions are on data (symbols, names) and data-testid attributes, never on translations."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from thidua.council import actions
from thidua.council.models import Decision, DocumentSettings, Signer
from thidua.council.testing import SESSION_DAY, World, build_world
from thidua.testing import build_cast

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world(build_cast())


def test_the_administrator_sets_symbol_place_and_signer_for_decisions(
    live_world: World, signed_in: Callable[..., Page]
) -> None:
    world = live_world
    root = world.cast.root
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    item = actions.add_agenda_item(session, world.proposals[0], by=world.secretary)
    actions.open_session(session, by=world.secretary)
    for user in world.voters:
        actions.cast_ballot(item, user=user, choice="agree")
    actions.close_session(session, by=world.secretary, day=SESSION_DAY)

    admin = signed_in("admin")
    admin.get_by_test_id("nav-admin").locator("button").click()
    admin.locator('a[href="/council/documents/"]').first.click()
    row = admin.get_by_test_id("documents").locator(f'tr[data-unit="{root.code}"]')
    expect(row).to_contain_text("QĐ-VKSTC")  # the body's, until the unit has its own
    admin.get_by_test_id(f"settings-{root.code}").click()
    admin.locator("#id_symbol").fill("QĐ-STC")
    admin.locator("#id_place").fill("Đà Nẵng")
    admin.get_by_test_id("document-form").locator("button[type=submit]").click()
    expect(row).to_contain_text("QĐ-STC")
    expect(row).to_contain_text("Đà Nẵng")
    admin.get_by_test_id("signer-new").click()
    admin.locator("#id_unit").select_option(str(root.pk))
    admin.locator("#id_full_name").fill("Lê Minh Trí")
    admin.locator("#id_title").fill("Thủ trưởng")
    admin.locator("#id_valid_from").fill("01/01/2024")
    admin.get_by_test_id("document-form").locator("button[type=submit]").click()
    expect(row.get_by_test_id("signer")).to_contain_text("Lê Minh Trí")
    assert DocumentSettings.objects.get(unit=root).place == "Đà Nẵng"
    signer = Signer.objects.get()

    secretary = signed_in("secretary")
    secretary.goto(f"/council/sessions/{session.pk}/decision/")
    form = secretary.get_by_test_id("decision-form")
    expect(form.locator("#id_symbol")).to_have_value("QĐ-STC")
    expect(form.locator("#id_place")).to_have_value("Đà Nẵng")
    form.locator("#id_signer").select_option(str(signer.pk))
    form.locator("input[name=items]").first.check()
    form.locator("button[type=submit]").click()
    expect(secretary.get_by_text("Lê Minh Trí").first).to_be_visible()
    decision = Decision.objects.get()
    assert (decision.symbol, decision.place, decision.signer_name, decision.signer_position) == (
        "QĐ-STC",
        "Đà Nẵng",
        "Lê Minh Trí",
        "Thủ trưởng",
    )
