"""The import pages: who may use them, template, upload → preview → confirmation, refusals in
Vietnamese, a stale preview shown again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from thidua.awards.models import PerformanceRating
from thidua.org.models import Person

from .conftest import AwardsCast

pytestmark = pytest.mark.django_db
PAGE = "/awards/imports/"
CSV = "Mã cán bộ,Họ và tên,Năm,Xếp loại\nKV000,,2024,HTT\nKV002,,2025,HTXS\n"


def upload(client: Client, key: str, data: str, name: str = "r.csv"):
    return client.post(
        f"{PAGE}{key}/", {"file": SimpleUploadedFile(name, data.encode(), "text/csv")}
    )


def rating(code: str, year: int) -> str | None:
    found = PerformanceRating.objects.filter(person__code=code, year=year).first()
    return found.level if found else None


def test_only_administrators_and_unit_heads_reach_the_imports(
    client: Client, acast: AwardsCast
) -> None:
    client.force_login(acast.cast.reporter)
    assert client.get(PAGE).status_code == 404
    assert client.get(f"{PAGE}ratings/template.xlsx").status_code == 404
    assert upload(client, "ratings", CSV).status_code == 404
    client.force_login(acast.head)
    page = client.get(PAGE)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="upload-ratings"' in body and 'data-testid="upload-initiatives"' in body
    assert client.get(f"{PAGE}nothing/template.xlsx").status_code == 404
    assert client.get(f"{PAGE}ratings/").status_code == 405
    people = client.get("/org/people/").content.decode()
    assert 'data-testid="staff-imports"' in people


def test_the_template_is_an_xlsx_download(client: Client, acast: AwardsCast) -> None:
    client.force_login(acast.cast.admin)
    response = client.get(f"{PAGE}discipline/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert response.content[:2] == b"PK"


def test_upload_previews_and_the_confirmation_applies_it(client: Client, acast: AwardsCast) -> None:
    client.force_login(acast.head)
    preview = upload(client, "ratings", CSV)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert 'data-testid="import-preview"' in body and 'data-testid="preview-updates"' in body
    assert "Hoàn thành tốt nhiệm vụ" in body and "Hoàn thành xuất sắc nhiệm vụ" in body
    assert rating("KV000", 2024) is None and rating("KV002", 2025) == "HTT"
    unticked = client.post(f"{PAGE}ratings/confirm/", {})
    assert unticked.status_code == 200
    assert 'data-testid="import-preview"' in unticked.content.decode()
    assert rating("KV000", 2024) is None
    done = client.post(f"{PAGE}ratings/confirm/", {"confirm": "yes"}, follow=True)
    assert done.redirect_chain[-1][0] == PAGE
    assert rating("KV000", 2024) == "HTT" and rating("KV002", 2025) == "HTXS"
    assert "tạo mới 1, cập nhật 1" in done.content.decode()
    again = client.post(f"{PAGE}ratings/confirm/", {"confirm": "yes"}, follow=True)
    assert "Không có nội dung chờ xác nhận" in again.content.decode()


def test_a_preview_overtaken_by_another_change_is_shown_again(
    client: Client, acast: AwardsCast
) -> None:
    client.force_login(acast.cast.admin)
    upload(client, "ratings", CSV)
    PerformanceRating.objects.filter(person__code="KV002", year=2025).update(level="HT")
    response = client.post(f"{PAGE}ratings/confirm/", {"confirm": "yes"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dữ liệu đã thay đổi sau lần kiểm tra trước" in body
    assert rating("KV002", 2025) == "HT" and rating("KV000", 2024) is None
    client.post(f"{PAGE}ratings/confirm/", {"confirm": "yes"})
    assert rating("KV002", 2025) == "HTXS"


def test_a_bad_file_lists_its_problems_in_vietnamese_and_writes_nothing(
    client: Client, acast: AwardsCast
) -> None:
    outsider = Person.objects.create(code="PC9", full_name="Lê Văn Ngoài")
    outsider.positions.create(
        unit=acast.cast.pc1, title="Chuyên viên", valid_from=dt.date(2021, 1, 1)
    )
    client.force_login(acast.head)
    response = upload(client, "ratings", "Mã cán bộ,Năm,Xếp loại\nKV000,2024,Giỏi\nPC9,2024,HT\n")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="import-errors"' in body
    assert "Dòng 2, cột “Xếp loại”: xếp loại “Giỏi” không hợp lệ" in body
    assert "Dòng 3, cột “Mã cán bộ”: không có cán bộ nào thuộc các đơn vị" in body
    assert rating("KV000", 2024) is None
    assert upload(client, "ratings", "x", name="r.pdf").status_code == 400
