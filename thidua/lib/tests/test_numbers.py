"""The one rule for numbers typed the Vietnamese way (issue 8, points 10 and 14)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from thidua.lib.numbers import (
    InvalidNumber,
    check_number,
    format_vn_input,
    format_vn_number,
    parse_vn_number,
)


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234.567", "1234567"),
        ("1.234.567,5", "1234567.5"),
        ("1234567,5", "1234567.5"),
        ("1.234", "1234"),
        ("1.234,5", "1234.5"),
        ("0,125", "0.125"),  # a leading zero: no thousands to mistake
        ("1,2340", "1.234"),  # four decimals written: a decimal figure
        ("14,0", "14"),
        ("−5", "-5"),  # the typographic minus, as pasted from Word
        ("1 234 567", "1234567"),
        ("+7", "7"),
    ],
)
def test_it_accepts_the_vietnamese_forms(text: str, expected: str) -> None:
    assert parse_vn_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1.5", "write 1,5"),  # was read as 1.5, while 1.234 is 1234
        ("12.34", "write 12,34"),
        ("1,234.5", "write 1.234,5"),  # was stored as 1,2345
        ("1,234,567", "write 1.234.567"),
        ("0.500", "write 0,5"),  # was read as 500
        ("1234.567", "write 1.234.567 or 1234,567"),  # was read as 1234567
        ("1,234", "Write 1.234 for the whole number, 1,2340 for the decimal one"),
        ("14,060", "Write 14.060 for the whole number, 14,0600 for the decimal one"),
    ],
)
def test_it_refuses_what_another_convention_reads_otherwise(text: str, shown: str) -> None:
    with pytest.raises(InvalidNumber) as refused:
        parse_vn_number(text)
    assert shown in refused.value.message
    assert f"“{text}”" in refused.value.message


@pytest.mark.parametrize(
    ("text", "decimals", "message"),
    [
        ("14,060", 0, "this figure is a whole number: write 14.060"),  # kWh, stored as 14,06
        ("1,234", 0, "this figure is a whole number: write 1.234"),  # documents, stored 1,234
        ("1,234", 2, "at most 2 decimals: write 1.234"),
        ("14,06", 0, "“14,06” has decimals, but this figure is a whole number."),
        ("12,345", 3, "can be read two ways"),
        ("1,2345", 3, "more decimals than this figure takes (at most 3)"),
    ],
)
def test_it_refuses_more_decimals_than_the_indicator_takes(
    text: str, decimals: int, message: str
) -> None:
    with pytest.raises(InvalidNumber) as refused:
        parse_vn_number(text, decimals=decimals)
    assert message in refused.value.message


def test_it_refuses_a_negative_figure_where_the_minimum_is_zero() -> None:
    with pytest.raises(InvalidNumber) as refused:
        parse_vn_number("-3", minimum=0)
    assert refused.value.message == "“-3”: this figure cannot be negative."
    with pytest.raises(InvalidNumber) as below:
        parse_vn_number("4", minimum=5)
    assert "(5)" in below.value.message
    assert parse_vn_number("-3") == Decimal(-3)  # a saving may be negative: no minimum
    assert parse_vn_number("0", minimum=0) == 0


def test_it_checks_a_number_read_from_a_spreadsheet_cell() -> None:
    assert check_number(Decimal("14.000"), decimals=0) == 14
    with pytest.raises(InvalidNumber) as refused:
        check_number(Decimal("14.06"), decimals=0)
    assert "“14,06” has decimals" in refused.value.message


def test_it_says_it_in_vietnamese() -> None:
    with translation.override("vi"), pytest.raises(InvalidNumber) as refused:
        parse_vn_number("1.5")
    assert "1,5" in refused.value.message
    assert "written the English way" not in refused.value.message


DECIMALS = st.integers(min_value=0, max_value=6)


@st.composite
def allowed(draw: st.DrawFn) -> tuple[Decimal, int]:
    """A figure an indicator with `decimals` places accepts (the database keeps 24 digits)."""
    decimals = draw(DECIMALS)
    units = draw(st.integers(min_value=-(10**15) * 10**decimals, max_value=10**15 * 10**decimals))
    return Decimal(units).scaleb(-decimals), decimals


@given(allowed())
def test_it_reads_back_every_allowed_figure_it_writes_for_an_input(
    case: tuple[Decimal, int],
) -> None:
    value, decimals = case
    assert parse_vn_number(format_vn_input(value), decimals=decimals) == value


@given(allowed())
def test_it_reads_back_what_it_prints_with_two_decimals_or_fewer(
    case: tuple[Decimal, int],
) -> None:
    value, decimals = case
    if decimals <= 2:  # every indicator of the catalogue: amounts 2, rates 1-2, counts 0
        assert parse_vn_number(format_vn_number(value, decimals), decimals=decimals) == value


@given(st.text(alphabet="0123456789.,- ", max_size=14))
def test_it_never_reads_a_dot_as_a_decimal_mark(text: str) -> None:
    """Whatever is typed: either refused, or every dot in it grouped exactly three digits."""
    try:
        value = parse_vn_number(text)
    except InvalidNumber:
        return
    compact = text.replace(" ", "")
    whole = compact.split(",")[0].lstrip("+-")
    groups = whole.split(".")
    assert all(len(g) == 3 for g in groups[1:])
    assert value == Decimal(compact.replace(".", "").replace(",", "."))
