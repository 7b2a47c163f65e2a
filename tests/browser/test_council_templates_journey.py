"""A clean install set up by `setup_body` already holds the body's council, made from the sector
pack's template; the administrator creates a provincial procuracy's council from the template on
the councils page and sees on its page the seats the template expects, all still empty."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from thidua.org.actions import NewUnit, create_unit
from thidua.org.models import OrgLevel, OrgUnit

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
    create_unit(
        NewUnit(
            "TQ",
            "VKSND tỉnh Tuyên Quang",
            OrgLevel.objects.get(code="cap-tinh"),
            OrgUnit.objects.get(code="VKSNDTC"),
        ),
        day=dt.date(2022, 1, 1),
    )


def test_the_administrator_creates_a_council_from_the_template(
    page: Page, shot: Shot, clean_install: None, live_server: Any
) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("whoami")).to_contain_text("quantri")
    page.goto("/awards/reference/councils/")
    councils = page.get_by_test_id("councils")
    expect(councils).to_contain_text("Hội đồng Thi đua - Khen thưởng ngành Kiểm sát nhân dân")
    row = page.get_by_test_id("missing-council")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Hội đồng Thi đua - Khen thưởng VKSND tỉnh Tuyên Quang")
    shot("missing")
    row.get_by_role("button").click()
    expect(page.locator(".alert")).to_contain_text("VKSND tỉnh Tuyên Quang")
    expect(page.get_by_test_id("missing-council")).to_have_count(0)
    page.get_by_role("link", name="Hội đồng Thi đua - Khen thưởng VKSND tỉnh Tuyên Quang").click()
    expect(page.get_by_test_id("seat-row")).to_have_count(6)
    expect(page.get_by_test_id("empty-seat")).to_have_count(6)
    expect(page.get_by_test_id("seats")).to_contain_text("Phó Chủ tịch thường trực")
    shot("seats")
