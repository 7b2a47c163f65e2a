"""Signed decisions and award certificates in headless Chromium (issue 12 point 8): the
secretary sees on the decision page who signed the issued decision and that it is intact; a
citizen downloads the published decision's .pdf from the portal, uploads it to "Kiểm tra chữ
ký" (valid), then uploads a tampered copy (modified after signing); the QR code's public award
page shows the award. Screenshots at 1366 and 390 px go to /tmp."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from thidua.council import certificates
from thidua.council.models import Decision
from thidua.council.testing import World, build_world
from thidua.disclosures import actions, sources
from thidua.disclosures.tests.test_actions import issued_decision
from thidua.lib import signing
from thidua.testing import build_cast

pytestmark = pytest.mark.browser
PASS = "mật khẩu thử"
SHOTS = Path("/tmp/thidua-signing-shots")


@pytest.fixture
def signed_world(transactional_db: None, settings: Any, tmp_path: Path) -> tuple[World, Decision]:
    settings.BALLOT_KEY_DIR = tmp_path / "ballot-keys"
    ca = signing.make_ca("CA thử nghiệm", "Kiểm thử")
    world = build_world(build_cast())
    code = world.cast.root.code
    (tmp_path / f"{code}.p12").write_bytes(
        signing.make_certificate(ca, "Văn phòng ký thử", "Cơ quan thử", PASS)
    )
    (tmp_path / "ca.pem").write_bytes(ca.pem)
    settings.THIDUA_SIGNING_DIR = str(tmp_path)
    settings.THIDUA_SIGNING_P12 = ""
    settings.THIDUA_SIGNING_P12_PASSWORD = PASS
    settings.THIDUA_SIGNING_TRUST = str(tmp_path / "ca.pem")
    decision = issued_decision(world)
    decision.refresh_from_db()
    assert decision.signed_pdf
    return world, decision


def _shots(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_signed_decision_is_checked_on_the_page_and_on_the_portal(
    page: Page,
    signed_in: Callable[..., Page],
    signed_world: tuple[World, Decision],
    tmp_path: Path,
) -> None:
    world, decision = signed_world
    secretary = signed_in(world.secretary.username)
    secretary.goto(f"/council/decisions/{decision.pk}/")
    result = secretary.get_by_test_id("signature-result")
    expect(result).to_have_attribute("data-level", "success")
    expect(result).to_contain_text("Văn phòng ký thử")
    _shots(secretary, "decision")

    draft = sources.decision(decision)
    assert draft is not None
    publication = actions.publish(draft, by=world.secretary)
    pdf = page.request.get(f"/public/items/{publication.leaf_id}.pdf")
    assert pdf.ok and pdf.body() == bytes(decision.signed_pdf or b"")
    good = tmp_path / "quyet-dinh.pdf"
    good.write_bytes(pdf.body())
    data = bytearray(pdf.body())
    at = data.index(b"stream", len(data) // 4) + 20
    data[at] ^= 0x01
    bad = tmp_path / "quyet-dinh-da-sua.pdf"
    bad.write_bytes(bytes(data))

    page.goto("/public/")
    page.get_by_role("link", name="Kiểm tra chữ ký").click()
    page.locator("#signature-file").set_input_files(str(good))
    page.get_by_test_id("signature-check-submit").click()
    verdict = page.get_by_test_id("signature-result")
    expect(verdict).to_have_attribute("data-level", "success")
    expect(verdict).to_contain_text("Chữ ký hợp lệ — ký bởi Văn phòng ký thử")
    _shots(page, "portal-valid")
    page.locator("#signature-file").set_input_files(str(bad))
    page.get_by_test_id("signature-check-submit").click()
    expect(verdict).to_have_attribute("data-level", "danger")
    expect(verdict).to_contain_text("Tài liệu đã bị sửa sau khi ký")
    _shots(page, "portal-tampered")

    awardee = decision.awardees.select_related("proposal__title").first()
    assert awardee is not None
    page.goto(f"/public/items/{publication.leaf_id}/awards/{certificates.row_of(awardee)}/")
    expect(page.get_by_test_id("award")).to_contain_text(awardee.proposal.title.name)
    expect(page.get_by_test_id("award-decision")).to_contain_text(decision.number_text)
    _shots(page, "award")
