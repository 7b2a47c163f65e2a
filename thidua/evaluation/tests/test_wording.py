"""Targets and figures as people say them: every direction × kind × sign, in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from thidua.evaluation.wording import change_words, figure_words, target_words

MILLION = {"vi": "triệu đồng", "en": "million VND"}


@pytest.mark.parametrize(
    ("kind", "comparator", "value", "vi", "en"),
    [
        (
            "percent_change",
            "<=",
            "-10",
            "giảm ít nhất 10% so với năm trước",
            "down by at least 10% on last year",
        ),
        ("percent_change", "<=", "0", "không tăng so với năm trước", "no increase on last year"),
        (
            "percent_change",
            "<=",
            "5",
            "tăng không quá 5% so với năm trước",
            "up by at most 5% on last year",
        ),
        (
            "percent_change",
            ">=",
            "7.5",
            "tăng ít nhất 7,5% so với năm trước",
            "up by at least 7.5% on last year",
        ),
        ("percent_change", ">=", "0", "không giảm so với năm trước", "no decrease on last year"),
        (
            "percent_change",
            ">=",
            "-3",
            "giảm không quá 3% so với năm trước",
            "down by at most 3% on last year",
        ),
        ("amount", "<=", "120", "không quá 120 triệu đồng", "at most 120 million VND"),
        ("amount", "<=", "0", "không quá 0 triệu đồng", "at most 0 million VND"),
        ("amount", "<=", "-5", "không quá -5 triệu đồng", "at most -5 million VND"),
        ("amount", ">=", "1234.5", "ít nhất 1.234,5 triệu đồng", "at least 1,234.5 million VND"),
        ("amount", ">=", "0", "ít nhất 0 triệu đồng", "at least 0 million VND"),
        ("amount", ">=", "-5", "ít nhất -5 triệu đồng", "at least -5 million VND"),
    ],
)
def test_it_words_every_target(kind: str, comparator: str, value: str, vi: str, en: str) -> None:
    for language, expected in (("vi", vi), ("en", en)):
        with translation.override(language):
            text = target_words(kind, comparator, Decimal(value), MILLION[language])
        assert text == expected.replace(" triệu", "\u00a0triệu").replace(
            " million", "\u00a0million"
        )


def test_it_words_an_amount_target_in_percent_without_a_space() -> None:
    with translation.override("vi"):
        assert target_words("amount", ">=", Decimal("95.0000"), "%") == "ít nhất 95%"


def test_it_refuses_an_unknown_target() -> None:
    with pytest.raises(ValueError, match="sideways"):
        target_words("sideways", ">=", Decimal(1), "%")
    with pytest.raises(ValueError, match="=="):
        target_words("amount", "==", Decimal(1), "%")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (None, "%", "—"),
        (Decimal("84.70"), "%", "84,7%"),
        (Decimal("84.7058823"), "%", "84,71%"),
        (Decimal("55.000000"), "triệu đồng", "55\u00a0triệu đồng"),
        (Decimal("1234567.5"), "đồng", "1.234.567,5\u00a0đồng"),
        (Decimal("12"), "", "12"),  # a count: the indicator's name says what is counted
    ],
)
def test_it_shows_a_figure_with_its_unit(value: Decimal | None, unit: str, expected: str) -> None:
    with translation.override("vi"):
        assert figure_words(value, unit) == expected


def test_it_shows_a_figure_the_english_way_in_english() -> None:
    with translation.override("en"):
        assert figure_words(Decimal("1234567.5"), "VND") == "1,234,567.5\u00a0VND"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (None, "—"),
        (Decimal("-12.50"), "giảm 12,5%"),
        (Decimal("3"), "tăng 3%"),
        (Decimal("0"), "không đổi"),
    ],
)
def test_it_words_a_change_against_last_year(change: Decimal | None, expected: str) -> None:
    with translation.override("vi"):
        assert change_words(change) == expected
