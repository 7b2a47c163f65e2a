"""A clean install set up by `setup_body` (no demo): the first administrator logs in and opens
the organisation page, which shows the body's root unit, and the reports page."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

Shot = Callable[[str], Path]
PASSWORD = "Mat-khau-rat-dai-2026"


@pytest.fixture
def clean_install(transactional_db: None, tmp_path: Path) -> None:
    password = tmp_path / "password"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    call_command(
        "setup_body",
        "--name=Viện kiểm sát nhân dân tối cao",
        "--short-name=VKSNDTC",
        "--seat=Hà Nội",
        "--pack=ksnd",
        "--admin-username=quantri",
        f"--admin-password-file={password}",
        stdout=io.StringIO(),
    )


def test_the_first_administrator_opens_org_and_reports(
    page: Page, shot: Shot, clean_install: None, live_server: Any
) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("whoami")).to_contain_text("quantri")
    response = page.goto("/org/")
    assert response is not None and response.status == 200
    expect(page.locator("main")).to_contain_text("Viện kiểm sát nhân dân tối cao")
    shot("org")
    response = page.goto("/reports/")
    assert response is not None and response.status == 200
    shot("reports")
