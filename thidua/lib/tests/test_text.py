"""The Vietnamese sort key: one key for every list of people and units, stored or in Python."""

from __future__ import annotations

import random

import pytest

from thidua.lib.text import filename_slug, vn_sort_key


def ordered(items: list[str], **kwargs: bool) -> list[str]:
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)
    return sorted(shuffled, key=lambda text: vn_sort_key(text, **kwargs))


@pytest.mark.parametrize(
    "expected",
    [
        ["Dung", "Đào", "Đức"],  # Đ after every D
        ["Anh", "Ánh", "Ăn", "Ân", "Bình"],  # tones after the base letter; Ă Â after A
        ["a", "à", "ả", "ã", "á", "ạ"],  # ngang, huyền, hỏi, ngã, sắc, nặng
        ["Oanh", "Ôn", "Ơn", "Phúc"],
        ["Uyên", "Ưng", "Vân"],
        ["Em", "Êm", "Giang"],
        ["Hà", "hạ", "Hạnh"],
        ["KV1", "KV2", "KV10"],
        ["khu vực 2 – Tuyên Quang", "khu vực 10 – Tuyên Quang", "khu vực 11"],
        ["Vụ 2", "Vụ 9", "Vụ 14"],
        ["An", "An Bình", "Anh"],  # a shorter word first
    ],
)
def test_it_sorts_the_vietnamese_way(expected: list[str]) -> None:
    assert ordered(expected) == expected


def test_it_sorts_people_by_given_name_then_the_rest() -> None:
    people = [
        "Trần Văn An",
        "Nguyễn Thị Ánh",
        "Bùi Anh",
        "Lê Bình",
        "Nguyễn Bình",
        "Nguyễn Văn Bình",
        "Đỗ Dũng",
        "Vũ Đức",
    ]
    # the same given name (Anh, Ánh: the tone only breaks a tie): by family and middle names
    assert ordered(people, given_name_first=True) == [
        "Trần Văn An",
        "Bùi Anh",
        "Nguyễn Thị Ánh",
        "Lê Bình",
        "Nguyễn Bình",
        "Nguyễn Văn Bình",
        "Đỗ Dũng",
        "Vũ Đức",
    ]


def test_it_is_a_plain_digit_string_that_fits_a_column() -> None:
    key = vn_sort_key("Trường Đào tạo, bồi dưỡng nghiệp vụ Kiểm sát tại TP. Hồ Chí Minh" * 5)
    assert key.isdigit()
    assert len(key) <= 255
    assert vn_sort_key("Hà Giang") == vn_sort_key("Ha\u0300 Giang")  # NFD input, same key
    assert vn_sort_key("HÀ GIANG") == vn_sort_key("hà giang")


@pytest.mark.parametrize(
    ("words", "slug"),
    [
        ("Báo cáo 9 tháng năm 2026", "bao-cao-9-thang-nam-2026"),
        ("Tổng hợp VKSND tỉnh Đắk Lắk 2025", "tong-hop-vksnd-tinh-dak-lak-2025"),
        (
            "báo cáo Quý 3/2025 VKSND khu vực 1 – Tuyên Quang",
            "bao-cao-quy-3-2025-vksnd-khu-vuc-1-tuyen-quang",
        ),
        ("“”/\\", "tep"),
    ],
)
def test_it_names_downloads_in_folded_vietnamese(words: str, slug: str) -> None:
    assert filename_slug(words) == slug
