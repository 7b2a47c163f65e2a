"""A clean database set up from the browser: the login page links to /setup/, the holder of
the set-up token creates the body on the province pack, logs in as the new administrator and
finds the root unit on /org/; the set-up page is closed afterwards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

Shot = Callable[[str], Path]
PASSWORD = "Mat-khau-rat-dai-2026"
TOKEN = "ma-thiet-lap-trinh-duyet-2026"


@pytest.fixture
def clean_database(
    transactional_db: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("THIDUA_SETUP_TOKEN", TOKEN)


def test_the_setup_page_creates_the_body_and_its_first_administrator(
    page: Page, shot: Shot, clean_database: None, live_server: Any
) -> None:
    page.goto("/accounts/login/")
    page.get_by_test_id("setup-link").locator("a").click()
    expect(page.get_by_test_id("setup-form")).to_be_visible()
    shot("setup")
    page.locator("#id_token").fill("sai-ma")
    page.locator("#id_name").fill("Ủy ban nhân dân tỉnh Tuyên Quang")
    page.locator("#id_short_name").fill("UBND-TQ")
    page.locator("#id_seat").fill("Tuyên Quang")
    page.locator("#pack-province").check()
    page.locator("#id_admin_username").fill("quantri")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    page.get_by_test_id("setup-submit").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("setup_token")
    page.locator("#id_token").fill(TOKEN)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    page.get_by_test_id("setup-submit").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("main")).to_contain_text("Ủy ban nhân dân tỉnh Tuyên Quang")
    expect(page.get_by_test_id("setup-link")).to_have_count(0)
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("whoami")).to_contain_text("quantri")
    response = page.goto("/org/")
    assert response is not None and response.status == 200
    expect(page.locator("main")).to_contain_text("Ủy ban nhân dân tỉnh Tuyên Quang")
    shot("org")
    response = page.goto("/setup/")
    assert response is not None and response.status == 404
