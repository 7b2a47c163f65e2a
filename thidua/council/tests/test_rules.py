"""The council's pure rules, table-driven, with the article each case comes from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from thidua.council import rules

NINETY = Decimal("0.900")
EIGHTY = Decimal("0.800")


@pytest.mark.parametrize(
    ("agree", "members", "threshold", "passes", "source"),
    [
        # Decree 98/2023 Art. 30(7): CSTĐ ngành and toàn quốc need ≥ 90 % of ALL members.
        (9, 10, NINETY, True, "Art. 30(7): exactly 90 % of all members"),
        (8, 10, NINETY, False, "Art. 30(7): 80 % is below 90 %"),
        (10, 11, NINETY, True, "Art. 30(7): 90,9 % of 11"),
        (9, 11, NINETY, False, "Art. 30(7): 81,8 % of 11 — absent members still count"),
        (14, 15, NINETY, True, "Art. 30(7): 93,3 %"),
        (13, 15, NINETY, False, "Art. 30(7): 86,7 %"),
        # Art. 30(7): CSTĐ cơ sở, Cờ thi đua bộ/ngành and Cờ of the Government need ≥ 80 %.
        (4, 5, EIGHTY, True, "Art. 30(7): exactly 80 %"),
        (3, 5, EIGHTY, False, "Art. 30(7): 60 %"),
        (12, 15, EIGHTY, True, "Art. 30(7): 80 % of 15"),
        (11, 15, EIGHTY, False, "Art. 30(7): 73,3 %"),
        # No ballot threshold in the rule: more than half, the sector default.
        (3, 5, None, True, "sector default: majority"),
        (2, 4, None, False, "sector default: half is not a majority"),
        (0, 0, NINETY, False, "no members, no result"),
    ],
)
def test_it_counts_agree_votes_over_all_council_members(
    agree: int, members: int, threshold: Decimal | None, passes: bool, source: str
) -> None:
    assert rules.ballot_passes(agree, members, threshold) is passes, source


@pytest.mark.parametrize(
    ("present", "members", "met"),
    [(4, 6, True), (3, 6, False), (5, 7, True), (4, 7, False), (2, 3, True), (0, 0, False)],
)
def test_it_needs_two_thirds_present_by_default(present: int, members: int, met: bool) -> None:
    assert rules.quorum_met(present, members, 2, 3) is met


@pytest.mark.parametrize(
    ("start", "days", "holidays", "end"),
    [
        # Decree 152/2025 Art. 60(3): 10 working days of public consultation.
        (dt.date(2025, 1, 15), 10, (), dt.date(2025, 1, 29)),
        (dt.date(2025, 1, 17), 1, (), dt.date(2025, 1, 20)),  # Friday → Monday
        (
            dt.date(2025, 1, 15),
            10,
            (dt.date(2025, 1, 27), dt.date(2025, 1, 28)),
            dt.date(2025, 1, 31),
        ),
        (dt.date(2025, 9, 10), 0, (), dt.date(2025, 9, 10)),
    ],
)
def test_it_counts_working_days_without_weekends_and_holidays(
    start: dt.date, days: int, holidays: tuple[dt.date, ...], end: dt.date
) -> None:
    assert rules.add_working_days(start, days, set(holidays)) == end


def test_it_writes_shares_the_vietnamese_way() -> None:
    assert rules.share_text(5, 6) == "83,3%"
    assert rules.share_text(1, 0) == "—"
