"""PAdES signatures on official documents (issue 12 point 8): sign → verify, and every way a
signed PDF can go wrong (a byte changed, an update appended, an unknown CA, no signature)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from thidua.lib import signing
from thidua.lib.documents import render_pdf
from thidua.lib.documents.signed import render_signed_pdf
from thidua.lib.tests.test_decision_golden import KSND

PASS = "mật-khẩu thử"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[signing.Authority, Path]:
    ca = signing.make_ca("CA thử nghiệm", "Kiểm thử")
    p12 = tmp_path_factory.mktemp("pki") / "UNIT1.p12"
    p12.write_bytes(signing.make_certificate(ca, "Cục Thi đua thử", "Bộ Thử nghiệm", PASS))
    return ca, p12


@pytest.fixture(scope="module")
def signed(pki: tuple[signing.Authority, Path]) -> bytes:
    when = dt.datetime(2026, 1, 5, 2, 30, tzinfo=dt.UTC)
    return render_signed_pdf(KSND, signing.SigningKey(pki[1], PASS), reason="Ban hành", now=when)


def test_a_signed_decision_verifies_with_its_signer_and_time(
    pki: tuple[signing.Authority, Path], signed: bytes
) -> None:
    result = signing.verify_pdf(signed, [pki[0].pem])
    assert result.status is signing.Status.VALID
    assert (result.signer_name, result.signer_organisation) == ("Cục Thi đua thử", "Bộ Thử nghiệm")
    assert result.intact and result.whole_document and result.trusted and result.signed
    assert result.signed_at is not None
    assert abs(result.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)


def test_the_visible_signature_sits_above_the_signers_name(signed: bytes) -> None:
    with pdfplumber.open(io.BytesIO(signed)) as pdf:
        page = pdf.pages[-1]
        widgets = [a for a in page.annots if "Widget" in str(a["data"].get("Subtype"))]
        words = page.extract_words()
        text = page.extract_text()
    assert len(widgets) == 1
    box = widgets[0]
    name = KSND.signers[-1].name.split()[-1]
    name_word = next(w for w in words if w["text"] == name)
    # Directly above the name (pdfplumber's `top` grows downwards), over the name's column.
    assert box["bottom"] <= name_word["top"] + 1
    assert name_word["top"] - box["bottom"] < 20
    assert box["bottom"] - box["top"] > 30
    assert box["x0"] <= name_word["x0"] and box["x1"] >= name_word["x1"]
    assert box["x0"] > float(page.width) / 2 - 10  # the signer's column, on the right
    # The document's own text is unchanged by signing (Decree 30 layout kept).
    with pdfplumber.open(io.BytesIO(render_pdf(KSND))) as plain:
        assert plain.pages[-1].extract_text() in text or name in text


def test_a_flipped_byte_is_detected(pki: tuple[signing.Authority, Path], signed: bytes) -> None:
    data = bytearray(signed)
    middle = data.index(b"stream", len(data) // 4) + 20  # inside a content stream
    data[middle] ^= 0x01
    result = signing.verify_pdf(bytes(data), [pki[0].pem])
    assert result.status is signing.Status.MODIFIED
    assert not result.intact


def test_an_update_appended_after_signing_is_reported(
    pki: tuple[signing.Authority, Path], signed: bytes
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    assert len(out.getvalue()) > len(signed)
    result = signing.verify_pdf(out.getvalue(), [pki[0].pem])
    assert result.status is signing.Status.MODIFIED
    assert result.intact and not result.whole_document  # the signed bytes themselves are fine
    appended = signing.verify_pdf(signed + b"\n%% appended\n", [pki[0].pem])
    assert appended.status is signing.Status.MODIFIED


def test_an_unknown_root_is_untrusted(signed: bytes) -> None:
    other = signing.make_ca("CA khác", "Khác")
    for roots in ([], [other.pem]):
        result = signing.verify_pdf(signed, roots)
        assert result.status is signing.Status.UNTRUSTED
        assert result.intact and not result.trusted
        assert result.signer_name == "Cục Thi đua thử"


def test_unsigned_and_not_pdf(pki: tuple[signing.Authority, Path]) -> None:
    assert signing.verify_pdf(render_pdf(KSND), [pki[0].pem]).status is signing.Status.UNSIGNED
    assert signing.verify_pdf(b"PK\x03\x04 not a pdf", []).status is signing.Status.NOT_PDF
    assert signing.verify_pdf(b"%PDF-1.7 garbage", []).status is signing.Status.NOT_PDF


def test_a_wrong_passphrase_or_missing_file_refuses_to_sign(
    pki: tuple[signing.Authority, Path], tmp_path: Path
) -> None:
    pdf = render_pdf(KSND)
    with pytest.raises(signing.SigningError):
        signing.sign_pdf(pdf, signing.SigningKey(pki[1], "sai"))
    with pytest.raises(signing.SigningError):
        signing.sign_pdf(pdf, signing.SigningKey(tmp_path / "none.p12", PASS))


def test_configuration_per_unit_then_single_then_off(
    settings: Any, tmp_path: Path, pki: tuple[signing.Authority, Path]
) -> None:
    settings.THIDUA_SIGNING_DIR = settings.THIDUA_SIGNING_P12 = ""
    assert signing.configured_key("UNIT1") is None
    settings.THIDUA_SIGNING_DIR, settings.THIDUA_SIGNING_P12_PASSWORD = str(pki[1].parent), PASS
    assert signing.configured_key("UNIT1") == signing.SigningKey(pki[1], PASS)
    assert signing.configured_key("OTHER") is None
    assert signing.configured_key("../UNIT1") is None
    settings.THIDUA_SIGNING_P12 = str(tmp_path / "one.p12")
    assert signing.configured_key("OTHER") == signing.SigningKey(tmp_path / "one.p12", PASS)
    settings.THIDUA_SIGNING_TRUST = str(tmp_path / "missing.pem")
    assert signing.configured_trust() == []
    (tmp_path / "ca.pem").write_bytes(pki[0].pem)
    settings.THIDUA_SIGNING_TRUST = str(tmp_path / "ca.pem")
    assert signing.configured_trust() == [pki[0].pem]


def test_signing_and_checking_work_inside_a_running_event_loop(
    pki: tuple[signing.Authority, Path],
) -> None:
    """pyHanko's synchronous calls use asyncio.run(): under ASGI or Playwright's sync API a loop
    is already running in the thread, and they must still work."""
    import asyncio
    import concurrent.futures

    async def inside() -> signing.Status:
        data = signing.sign_pdf(render_pdf(KSND), signing.SigningKey(pki[1], PASS))
        return signing.verify_pdf(data, [pki[0].pem]).status

    # The loop runs on a thread of its own: the test session's main thread may already have
    # one (the browser tests' Playwright), where asyncio.run() itself would refuse to start.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        status = pool.submit(asyncio.run, inside()).result()
    assert status is signing.Status.VALID
