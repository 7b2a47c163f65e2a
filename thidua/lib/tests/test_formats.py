import datetime as dt
from decimal import Decimal

import pytest
from django.utils import formats, translation

from thidua.lib.dates import OPEN_END, InvalidDate, format_vn_date, official_date, parse_vn_date
from thidua.lib.numbers import InvalidNumber, format_vn_number, parse_vn_number
from thidua.lib.text import fold, nfc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/03/2025", dt.date(2025, 3, 5)),
        ("5/3/2025", dt.date(2025, 3, 5)),
        ("05-03-2025", dt.date(2025, 3, 5)),
        ("2025-03-05", dt.date(2025, 3, 5)),
        ("29/02/2024", dt.date(2024, 2, 29)),
    ],
)
def test_it_reads_day_first_dates(text: str, expected: dt.date) -> None:
    assert parse_vn_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "29/02/2025", "00/01/2025", "hôm qua", "", "1/2"])
def test_it_refuses_dates_that_do_not_exist(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_vn_date(text)


def test_it_prints_dates_and_the_official_style() -> None:
    assert format_vn_date(dt.date(2025, 3, 5)) == "05/03/2025"
    assert format_vn_date(OPEN_END) == ""
    # Decree 30/2020: day below 10 and months 1-2 zero-padded.
    assert official_date(dt.date(2025, 2, 5)) == "ngày 05 tháng 02 năm 2025"
    assert official_date(dt.date(2025, 11, 20), "Hà Nội") == "Hà Nội, ngày 20 tháng 11 năm 2025"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234567.5, 1, "1.234.567,5"),
        (1234567, 0, "1.234.567"),
        (-1500, 0, "-1.500"),
        (0, 2, "0,00"),
        (999, 0, "999"),
    ],
)
def test_it_prints_vietnamese_numbers(value: float, decimals: int, expected: str) -> None:
    assert format_vn_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234.567,5", "1234567.5"),
        ("1234567", "1234567"),
        ("1.234.567", "1234567"),
        ("1 234 567", "1234567"),
        ("12,5", "12.5"),
        ("-3,25", "-3.25"),
    ],
)
def test_it_reads_vietnamese_numbers(text: str, expected: str) -> None:
    assert parse_vn_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "", "1,2,3", "NaN", "Infinity", "1e20", "--1", "12a"])
def test_it_refuses_text_that_is_not_a_number(text: str) -> None:
    with pytest.raises(InvalidNumber):
        parse_vn_number(text)


def test_it_overrides_djangos_vi_formats() -> None:
    with translation.override("vi"):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
        assert formats.number_format(1234567.5, 1, use_l10n=True, force_grouping=True) == (
            "1.234.567,5"
        )
        assert formats.date_format(dt.date(2025, 3, 5)) == "05/03/2025"


def test_it_folds_diacritics_and_normalises_to_nfc() -> None:
    assert fold("Hà Giang") == "ha giang"
    assert fold("ĐẮK LẮK") == "dak lak"
    decomposed = "Ha\u0300 Giang"
    assert nfc(decomposed) == "Hà Giang"
    assert fold(decomposed) == "ha giang"


def test_it_never_groups_ids_in_templates() -> None:
    """Ids end up in URLs and HTML ids: 3531 must not become "3.531"."""
    from django.template import Context, Template

    with translation.override("vi"):
        assert Template("#row-{{ pk }}").render(Context({"pk": 3531})) == "#row-3531"
        assert Template("{{ n|vnnum }}").render(Context({"n": 3531})) == "3.531"
