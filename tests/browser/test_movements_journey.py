"""Two movements of one body side by side, in headless Chromium: the administrator opens the
list of movements, the thematic movement's page shows its own report form, score table and
title by name (no codes), its score table link opens that table, and the THTK-CLP movement's
page shows none of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from thidua.packs.tests.test_two_movements import (
    THEMATIC_FORM,
    THEMATIC_RUBRIC,
    THEMATIC_TITLE,
    World,
    build_world,
)
from thidua.reporting.testing import build_reporting
from thidua.testing import build_cast

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db: None) -> World:
    return build_world(build_reporting(build_cast()))


def test_each_movement_shows_what_it_uses(
    signed_in: Callable[..., Page], live_world: World
) -> None:
    page: Page = signed_in("admin")
    page.goto("/movements/")
    page.get_by_role("link", name=live_world.digital.title).click()
    uses = page.get_by_test_id("movement-uses")
    forms = page.get_by_test_id("movement-forms").get_by_role("link")
    expect(forms.first).to_have_text(THEMATIC_FORM)
    expect(page.get_by_test_id("movement-titles").get_by_role("link")).to_have_text(
        [THEMATIC_TITLE]
    )
    expect(uses).not_to_contain_text("cds-")
    page.get_by_test_id("movement-rubrics").get_by_role("link", name=THEMATIC_RUBRIC).click()
    expect(page.locator("h1")).to_contain_text(THEMATIC_RUBRIC)
    page.goto(f"/movements/{live_world.thrift.pk}/")
    expect(page.get_by_test_id("movement-forms")).to_contain_text(live_world.rc.form.name)
    expect(page.get_by_test_id("movement-titles")).to_contain_text("Lao động tiên tiến")
    for name in (THEMATIC_FORM, THEMATIC_RUBRIC, THEMATIC_TITLE):
        expect(page.get_by_test_id("movement-uses")).not_to_contain_text(name)
    page.get_by_test_id("areas").locator("summary").nth(1).click()
    expect(page.get_by_test_id("area-indicators").nth(1)).to_be_visible()
