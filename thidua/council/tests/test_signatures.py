"""Issued decisions signed digitally (issue 12 point 8): issuing signs and stores the .pdf,
the same signed bytes are served each time, the decision page shows who signed and whether the
file is intact; a key that cannot sign stops the issue with nothing written."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from thidua.awards.models import AwardRecord
from thidua.council import actions, signatures
from thidua.council.models import Decision
from thidua.council.testing import World
from thidua.council.tests.test_decisions import _closed_session, _decision
from thidua.lib import signing

PASS = "mật khẩu"


@pytest.fixture
def pki(settings: Any, tmp_path: Path, world: World) -> signing.Authority:
    ca = signing.make_ca("CA kiểm thử", "Kiểm thử")
    code = world.cast.root.code
    p12 = signing.make_certificate(ca, "Văn phòng cơ quan thử", "Cơ quan thử", PASS)
    (tmp_path / f"{code}.p12").write_bytes(p12)
    (tmp_path / "ca.pem").write_bytes(ca.pem)
    settings.THIDUA_SIGNING_DIR = str(tmp_path)
    settings.THIDUA_SIGNING_P12 = ""
    settings.THIDUA_SIGNING_P12_PASSWORD = PASS
    settings.THIDUA_SIGNING_TRUST = str(tmp_path / "ca.pem")
    return ca


def _issue(world: World) -> Decision:
    session = _closed_session(world)
    return actions.issue_decision(_decision(world, session), by=world.secretary, number=3)


def test_issuing_signs_and_stores_the_pdf(
    client: Client, world: World, pki: signing.Authority
) -> None:
    decision = _issue(world)
    decision.refresh_from_db()
    data = bytes(decision.signed_pdf or b"")
    assert decision.signed_pdf_sha256 == hashlib.sha256(data).hexdigest()
    result = signing.verify_pdf(data, [pki.pem])
    assert result.status is signing.Status.VALID
    assert result.signer_name == "Văn phòng cơ quan thử"
    client.force_login(world.secretary)
    url = reverse("council:decision_file", args=[decision.pk, "pdf"])
    first, second = client.get(url), client.get(url)
    assert first.content == second.content == data  # stored, never re-signed
    assert "quyet-dinh-3-" in first["Content-Disposition"]
    page = client.get(reverse("council:decision", args=[decision.pk])).content.decode()
    assert "Chữ ký hợp lệ — ký bởi Văn phòng cơ quan thử (Cơ quan thử)" in page
    assert 'data-testid="signature-check"' in page
    assert reverse("disclosures:signature") in page


def test_a_tampered_stored_pdf_shows_on_the_decision_page(
    client: Client, world: World, pki: signing.Authority
) -> None:
    decision = _issue(world)
    decision.refresh_from_db()
    data = bytearray(bytes(decision.signed_pdf or b""))
    at = data.index(b"stream", len(data) // 4) + 20
    data[at] ^= 0x01
    Decision.objects.filter(pk=decision.pk).update(signed_pdf=bytes(data))
    client.force_login(world.secretary)
    page = client.get(reverse("council:decision", args=[decision.pk])).content.decode()
    assert "Tài liệu đã bị sửa sau khi ký" in page
    assert "Chữ ký hợp lệ" not in page


def test_without_configuration_nothing_is_signed(
    client: Client, world: World, settings: Any
) -> None:
    settings.THIDUA_SIGNING_DIR = settings.THIDUA_SIGNING_P12 = ""
    decision = _issue(world)
    decision.refresh_from_db()
    assert decision.signed_pdf is None and decision.signed_pdf_sha256 == ""
    assert signatures.status_of(decision) is None
    client.force_login(world.secretary)
    page = client.get(reverse("council:decision", args=[decision.pk])).content.decode()
    assert "không có chữ ký số" in page
    pdf = client.get(reverse("council:decision_file", args=[decision.pk, "pdf"])).content
    assert pdf[:4] == b"%PDF"
    assert signing.verify_pdf(pdf, []).status is signing.Status.UNSIGNED


def test_a_key_that_cannot_sign_stops_the_issue(
    world: World, pki: signing.Authority, settings: Any
) -> None:
    settings.THIDUA_SIGNING_P12_PASSWORD = "sai mật khẩu"
    session = _closed_session(world)
    draft = _decision(world, session)
    with pytest.raises(ValidationError, match="chứng thư số"):
        actions.issue_decision(draft, by=world.secretary, number=3)
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT and draft.number is None
    assert not AwardRecord.objects.exists()
