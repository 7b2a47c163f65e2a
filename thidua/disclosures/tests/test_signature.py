"""The portal's "Kiểm tra chữ ký" (issue 12 point 8): anyone uploads a PDF and is told whether
its signature is valid, the file modified, the certificate untrusted or the file unsigned;
uploads are size-limited and type-checked, nothing is stored, no cookie is set. A published
signed decision's .pdf is the one signed at issue."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, cast

import pdfplumber
import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pikepdf import PdfImage
from PIL import Image

from thidua.council import certificates
from thidua.council.testing import World
from thidua.disclosures import actions, sources, views_signature
from thidua.disclosures.tests.test_actions import issued_decision
from thidua.lib import signing
from thidua.lib.documents import render_pdf
from thidua.lib.documents.signed import render_signed_pdf
from thidua.lib.tests.test_decision_golden import KSND

PASS = "mật khẩu"
URL = "/public/signature/"


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> tuple[signing.Authority, Path, bytes]:
    ca = signing.make_ca("CA kiểm thử", "Kiểm thử")
    directory = tmp_path_factory.mktemp("pki")
    (directory / "ca.pem").write_bytes(ca.pem)
    p12 = directory / "single.p12"
    p12.write_bytes(signing.make_certificate(ca, "Cơ quan ký thử", "Bộ Thử", PASS))
    return ca, directory, render_signed_pdf(KSND, signing.SigningKey(p12, PASS))


@pytest.fixture
def trusted(settings: Any, material: tuple[signing.Authority, Path, bytes]) -> bytes:
    settings.THIDUA_SIGNING_TRUST = str(material[1] / "ca.pem")
    return material[2]


def _post(client: Client, data: bytes, name: str = "qd.pdf") -> Any:
    return client.post(URL, {"file": SimpleUploadedFile(name, data, "application/pdf")})


@pytest.mark.django_db
def test_a_signed_pdf_is_valid_and_a_tampered_one_is_not(client: Client, trusted: bytes) -> None:
    page = client.get(URL)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    valid = _post(client, trusted)
    text = valid.content.decode()
    assert valid.status_code == 200
    assert "Chữ ký hợp lệ — ký bởi Cơ quan ký thử (Bộ Thử)" in text
    assert not valid.cookies and "csrfmiddlewaretoken" not in text
    data = bytearray(trusted)
    at = data.index(b"stream", len(data) // 4) + 20
    data[at] ^= 0x01
    tampered = _post(client, bytes(data)).content.decode()
    assert "Tài liệu đã bị sửa sau khi ký" in tampered and "Chữ ký hợp lệ" not in tampered


@pytest.mark.django_db
def test_untrusted_unsigned_and_other_files(client: Client, settings: Any, trusted: bytes) -> None:
    settings.THIDUA_SIGNING_TRUST = ""
    assert "Chứng thư không được tin cậy" in _post(client, trusted).content.decode()
    assert "Không có chữ ký" in _post(client, render_pdf(KSND)).content.decode()
    refused = _post(client, b"PK\x03\x04 not a pdf", "qd.pdf")
    assert refused.status_code == 400
    assert "Chỉ kiểm tra được tệp PDF" in refused.content.decode()
    empty = client.post(URL, {})
    assert empty.status_code == 400 and "Hãy chọn tệp PDF" in empty.content.decode()
    english = client.post(
        URL + "?lang=en", {"file": SimpleUploadedFile("a.pdf", render_pdf(KSND))}
    ).content.decode()
    assert "No signature" in english


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_unread(
    client: Client, monkeypatch: pytest.MonkeyPatch, trusted: bytes
) -> None:
    monkeypatch.setattr(views_signature, "MAX_SIGNED_PDF_BYTES", 1024)
    response = _post(client, trusted)
    assert response.status_code == 400
    assert "Tệp lớn hơn 0,001 MB" in response.content.decode()
    assert "Chữ ký hợp lệ" not in response.content.decode()


def test_a_published_signed_decision_serves_its_signed_pdf(
    client: Client, world: World, settings: Any, material: tuple[signing.Authority, Path, bytes]
) -> None:
    ca, directory, _ = material
    settings.THIDUA_SIGNING_DIR = ""
    settings.THIDUA_SIGNING_P12 = str(directory / "single.p12")
    settings.THIDUA_SIGNING_P12_PASSWORD = PASS
    settings.THIDUA_SIGNING_TRUST = str(directory / "ca.pem")
    decision = issued_decision(world)
    decision.refresh_from_db()
    draft = sources.decision(decision)
    assert draft is not None
    publication = actions.publish(draft, by=world.secretary)
    pdf = client.get(reverse("disclosures:item_pdf", args=[publication.leaf_id])).content
    assert pdf == bytes(decision.signed_pdf or b"")
    assert signing.verify_pdf(pdf, [ca.pem]).status is signing.Status.VALID


def _published(world: World) -> tuple[Any, Any]:
    decision = issued_decision(world)
    draft = sources.decision(decision)
    assert draft is not None
    return decision, actions.publish(draft, by=world.secretary)


def test_a_certificate_prints_with_the_qr_code_of_its_public_page(
    client: Client, world: World, settings: Any
) -> None:
    settings.THIDUA_SIGNING_DIR = settings.THIDUA_SIGNING_P12 = ""
    decision = issued_decision(world)
    awardee = decision.awardees.select_related("award", "proposal__title").first()
    assert awardee is not None and awardee.award is not None
    client.force_login(world.secretary)
    url = reverse("disclosures:award_certificate", args=[awardee.award.pk])
    refused = client.get(url)  # not published yet: the QR code would open nothing
    assert refused.status_code == 302 and refused["Location"].endswith(f"/{decision.pk}/")
    draft = sources.decision(decision)
    assert draft is not None
    publication = actions.publish(draft, by=world.secretary)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        assert len(pdf.pages) == 1 and page.width > page.height  # A4 landscape
        assert len(page.images) == 1
    row = certificates.row_of(awardee)
    public_url = "http://testserver" + reverse("disclosures:award", args=[publication.leaf_id, row])
    assert decision.number_text in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    name = awardee.proposal.person.full_name if awardee.proposal.person else ""
    assert name.split()[-1] in text
    # The embedded image is exactly the QR code of the public page's absolute URL.
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        images = [PdfImage(cast(pikepdf.Stream, x)) for x in pdf.pages[0].get_images().values()]
        embedded = images[0].as_pil_image().convert("L")
    expected = Image.open(io.BytesIO(certificates.qr_png(public_url))).convert("L")
    assert embedded.size == expected.size and embedded.tobytes() == expected.tobytes()
    other = Image.open(io.BytesIO(certificates.qr_png(public_url + "x"))).convert("L")
    assert other.tobytes() != embedded.tobytes()


def test_the_public_award_page_shows_the_published_award(client: Client, world: World) -> None:
    decision, publication = _published(world)
    awardee = decision.awardees.select_related("proposal__title", "proposal__person").first()
    row = certificates.row_of(awardee)
    page = client.get(reverse("disclosures:award", args=[publication.leaf_id, row]))
    text = page.content.decode()
    assert page.status_code == 200 and not page.cookies
    assert awardee.proposal.title.name in text and decision.number_text in text
    if awardee.proposal.person:
        assert awardee.proposal.person.full_name in text
    assert client.get(f"/public/items/{publication.leaf_id}/awards/99/").status_code == 404
    assert client.get(f"/public/items/{publication.leaf_id + 1}/awards/1/").status_code == 404
