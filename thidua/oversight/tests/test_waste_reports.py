"""Anonymous waste reports (issue 13 point 6): the public form end to end, metadata stripping,
refusals with nothing stored, the flood limit, the uniform answer to a wrong code or secret,
no identifier in any stored row, the handler's side and the public monthly counts."""

from __future__ import annotations

import io
import re
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from thidua.lib.dates import today
from thidua.notifications.models import Notification
from thidua.oversight import anonymity, reports
from thidua.oversight.models import ReportFile, ReportMessage, WasteReport
from thidua.oversight.queries import waste_report_counts
from thidua.testing import Cast

FORM = "/public/phan-anh/"
STATUS = "/public/phan-anh/theo-doi/"
UA = "Mozilla/5.0 (X11; Linux) IdentifyingBrowser/1.2.3"
IP = "203.0.113.77"
TEXT = "Mua sắm máy tính vượt nhu cầu, để trong kho không dùng từ tháng 3."


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    anonymity.SUBMISSIONS.reset()
    anonymity.LOOKUPS.reset()


def _answer(page: str) -> tuple[str, str]:
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token is not None
    a, b = token.group(1).split(".")[:2]
    return token.group(1), str(int(a) + int(b))


def _post(client: Client, target: Any, files: list[Any] | None = None, **over: Any) -> Any:
    page = client.get(FORM, {"q": "khu vuc"}, REMOTE_ADDR=IP).content.decode()
    token, answer = _answer(page)
    data: dict[str, Any] = {"unit": str(target.pk), "text": TEXT, "answer": answer, "token": token}
    data |= over
    if files:
        data["files"] = files
    return client.post(FORM, data, REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)


def _jpeg_with_gps() -> bytes:
    im = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    gps = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 51.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _pdf_with_author() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.trailer.Info = pikepdf.Dictionary(Author="Nguyễn Văn Người Gửi", Title="x")
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Nguyễn Văn Người Gửi"]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_the_search_finds_units_open_today_without_diacritics(client: Client, cast: Cast) -> None:
    page = client.get(FORM, {"q": "khu vuc"}).content.decode()
    assert "Khu vực 1" in page
    closed = client.get(FORM, {"q": "huyen a1"}).content.decode()  # merged in 2025
    assert "Huyện A1" not in closed


def test_a_report_end_to_end_with_stripped_files(client: Client, cast: Cast) -> None:
    jpeg, pdf = _jpeg_with_gps(), _pdf_with_author()
    assert Image.open(io.BytesIO(jpeg)).getexif().get_ifd(0x8825)  # the original has GPS
    assert b"CameraMaker" in jpeg and b"/Author" in pdf
    files = [
        SimpleUploadedFile("anh.jpg", jpeg, "image/jpeg"),
        SimpleUploadedFile("ho-so.pdf", pdf, "application/pdf"),
    ]
    response = _post(client, cast.regional, files)
    assert response.status_code == 200
    page = response.content.decode()
    code = re.search(r'data-testid="code">([^<]+)<', page)
    secret = re.search(r'data-testid="secret">([^<]+)<', page)
    assert code and secret
    report = WasteReport.objects.get()
    assert report.code == code.group(1) and report.unit == cast.regional
    assert report.province == cast.pa and report.received_on == today()
    assert secret.group(1) not in report.secret_hash and report.secret_hash.startswith("scrypt$")
    # The supervisor of the province is told; the unit's own reporter is not.
    told = Notification.objects.filter(kind="waste_report")
    assert [n.recipient for n in told] == [cast.supervisor]
    stored = {f.content_type: bytes(f.content) for f in ReportFile.objects.all()}
    image = Image.open(io.BytesIO(stored["image/jpeg"]))
    assert not image.getexif() and b"CameraMaker" not in stored["image/jpeg"]
    assert image.getexif().get_ifd(0x8825) == {}
    with pikepdf.open(io.BytesIO(stored["application/pdf"])) as clean:
        assert "/Info" not in clean.trailer and "/Metadata" not in clean.Root
    assert b"/Author" not in stored["application/pdf"]
    # The sender reads the state with the code and secret, and writes back.
    opened = client.post(STATUS, {"code": code.group(1).lower(), "secret": secret.group(1)})
    assert opened.status_code == 200 and TEXT in opened.content.decode()
    client.post(STATUS, {"code": code.group(1), "secret": secret.group(1), "message": "Thêm ý"})
    assert ReportMessage.objects.get().text == "Thêm ý"


def test_no_identifier_is_stored_in_any_row(client: Client, cast: Cast) -> None:
    assert (
        _post(client, cast.regional, [SimpleUploadedFile("a.jpg", _jpeg_with_gps())]).status_code
        == 200
    )
    from django.apps import apps
    from django.db import connection

    seen = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row if not isinstance(v, bytes | memoryview))
                if IP in text or "IdentifyingBrowser" in text:
                    seen.append(table)
    assert seen == []
    report = WasteReport.objects.get()
    fields = {f.name for f in WasteReport._meta.get_fields()}
    assert not fields & {"ip", "user_agent", "created_at", "session"}
    assert report.received_on == today()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("virus.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200),
        ("trang.pdf", b"<html><script>alert(1)</script></html>"),
        ("hong.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 20),
    ],
)
def test_a_disguised_or_damaged_file_is_refused_and_nothing_stored(
    client: Client, cast: Cast, name: str, data: bytes
) -> None:
    response = _post(client, cast.regional, [SimpleUploadedFile(name, data)])
    assert response.status_code == 400
    assert "chỉ đính kèm ảnh" in response.content.decode()
    assert not WasteReport.objects.exists() and not ReportFile.objects.exists()


def test_an_oversized_file_is_refused(client: Client, cast: Cast) -> None:
    big = b"\xff\xd8\xff" + b"0" * (reports.MAX_FILE_BYTES + 10)
    response = _post(client, cast.regional, [SimpleUploadedFile("big.jpg", big)])
    assert response.status_code == 400 and "MB" in response.content.decode()
    assert not WasteReport.objects.exists()


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"unit": ""}, "Chọn đơn vị"),
        ({"text": ""}, "Mô tả sự việc"),
        ({"answer": "999"}, "không đúng"),
        ({"text": TEXT + " <script>alert(1)</script>"}, "văn bản thường"),
        ({"website": "http://spam.example"}, "để trống"),
    ],
)
def test_missing_or_bad_fields_store_nothing(
    client: Client, cast: Cast, over: dict[str, str], message: str
) -> None:
    response = _post(client, cast.regional, None, **over)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WasteReport.objects.exists()


def test_a_flood_from_one_source_is_refused(client: Client, cast: Cast) -> None:
    for _n in range(anonymity.SUBMISSIONS.limit):
        assert _post(client, cast.regional).status_code == 200
    response = _post(client, cast.regional)
    assert response.status_code == 429 and "Quá nhiều" in response.content.decode()
    assert WasteReport.objects.count() == anonymity.SUBMISSIONS.limit
    other = client.post(FORM, {}, REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 400  # another source is not blocked (only its fields are)


def test_the_throttle_forgets_at_the_next_window() -> None:
    throttle = anonymity.Throttle(limit=1, window=60)
    assert throttle.allow("a", now=0) and not throttle.allow("a", now=10)
    assert throttle.allow("a", now=61)
    assert all(len(tag) == 16 and tag != b"a" for tag in throttle._counts)


def test_a_wrong_code_and_a_wrong_secret_give_the_same_answer(client: Client, cast: Cast) -> None:
    receipt = reports.submit_report(cast.regional, TEXT, [])
    wrong_secret = client.post(STATUS, {"code": receipt.report.code, "secret": "AAAA-BBBB"})
    unknown = client.post(STATUS, {"code": "2222-3333-44", "secret": receipt.secret})
    malformed = client.post(STATUS, {"code": "x", "secret": receipt.secret})

    def body(response: Any) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert wrong_secret.status_code == unknown.status_code == malformed.status_code == 404
    assert body(wrong_secret) == body(unknown) == body(malformed)
    assert TEXT not in body(wrong_secret)


def test_the_supervisor_handles_and_the_sender_reads_the_answer(client: Client, cast: Cast) -> None:
    receipt = reports.submit_report(cast.regional, TEXT, [])
    url = reverse("oversight:report", args=[receipt.report.pk])
    staff = Client()
    staff.force_login(cast.reporter)  # the unit's own people do not see it
    assert staff.get(url).status_code == 404
    assert TEXT[:40] not in staff.get(reverse("oversight:queue")).content.decode()
    staff.force_login(cast.supervisor)
    assert TEXT[:40] in staff.get(reverse("oversight:queue")).content.decode()
    staff.post(reverse("oversight:report_move", args=[receipt.report.pk, "review"]), {})
    staff.post(
        reverse("oversight:report_reply", args=[receipt.report.pk]), {"text": "Đã xác minh."}
    )
    refused = staff.post(
        reverse("oversight:report_move", args=[receipt.report.pk, "confirmed"]), {"reason": ""}
    )
    assert refused.status_code == 302
    receipt.report.refresh_from_db()
    assert receipt.report.status == "review"
    staff.post(
        reverse("oversight:report_move", args=[receipt.report.pk, "confirmed"]),
        {"reason": "Có lãng phí"},
    )
    page = client.post(STATUS, {"code": receipt.report.code, "secret": receipt.secret})
    text = page.content.decode()
    assert "Đã xác minh." in text and "Có lãng phí" in text and "Đã kết luận" in text


def test_the_public_counts_per_province_and_month(client: Client, cast: Cast) -> None:
    first = reports.submit_report(cast.regional, TEXT, []).report
    reports.submit_report(cast.pc1, TEXT, [])
    reports.move_report(first, "dismissed", by=cast.supervisor, reason="Không có căn cứ")
    day = today()
    rows = waste_report_counts(
        day.replace(month=1, day=1), day.replace(year=day.year + 1, month=1, day=1)
    )
    by = {r.province: r for r in rows}
    assert by[cast.pa.name].received == 1 and by[cast.pa.name].dismissed == 1
    assert by[cast.pc.name].received == 1 and by[cast.pc.name].dismissed == 0
    page = client.get("/public/phan-anh/thong-ke/").content.decode()
    assert cast.pa.name in page and cast.pc.name in page


def test_an_unknown_code_costs_the_same_hash_as_a_wrong_secret(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = reports.submit_report(cast.regional, TEXT, [])
    calls: list[str] = []
    real = reports.hash_secret

    def spy(secret: str, salt: bytes | None = None) -> str:
        calls.append(secret)
        return real(secret, salt)

    monkeypatch.setattr(reports, "hash_secret", spy)
    assert reports.open_report(receipt.report.code, "WRONG") is None
    assert reports.open_report("2222-3333-44", receipt.secret) is None
    assert reports.open_report("?", receipt.secret) is None
    assert len(calls) == 3  # one slow hash each, whatever was wrong
    assert reports.open_report(receipt.report.code.lower(), receipt.secret) == receipt.report
