"""Each norm check and red flag: a planted case and a clean case (database-free)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from thidua.oversight.norms import norm_rows
from thidua.oversight.rules import (
    REGISTRY,
    NormTable,
    NormValue,
    Package,
    Records,
    Travel,
    peer_travel,
    robust_z,
    run_rules,
)
from thidua.oversight.wording import describe

D = dt.date
SEPT = D(2025, 9, 1)
MARCH = D(2026, 3, 10)
NORMS = NormTable(
    NormValue(r["kind"], r["value"], r["valid_from"], r["valid_to"], r["legal_basis"], r["article"])
    for r in norm_rows()
)


def trip(
    i: int = 1,
    start: dt.date = SEPT,
    days: int = 3,
    allowance: int = 900_000,
    dest: str = "town",
    lodging: int = 0,
    unit: int = 1,
    person: str = "",
) -> Travel:
    return Travel(
        i,
        unit,
        start.year,
        person or f"P{i}",
        start,
        start + dt.timedelta(days=days - 1),
        dest,
        Decimal(allowance),
        "lump_sum",
        Decimal(lodging),
        Decimal(0),
    )


def pkg(
    i: int = 1,
    *,
    method: str = "open",
    estimate: int = 1_000_000_000,
    award: int | None = 900_000_000,
    bidders: int = 3,
    day: dt.date = MARCH,
    notice: int = 20,
    closing: int = 10,
    category: str = "goods",
    tax: str = "",
    central: bool = False,
    unit: int = 1,
) -> Package:
    return Package(
        i,
        unit,
        day.year,
        f"Item {i}",
        category,
        method,
        Decimal(estimate),
        None if award is None else Decimal(award),
        bidders,
        day,
        tax or f"010{i:07d}",
        f"Supplier {i}",
        central,
        day - dt.timedelta(days=notice),
        day - dt.timedelta(days=closing),
    )


def codes(records: Records) -> list[str]:
    return sorted(h.rule for h in run_rules(records, NORMS))


def test_it_uses_the_allowance_norm_in_force_on_the_first_day() -> None:
    # 250.000 đ/day is above the 200.000 of Circular 40/2017 but within 300.000 from 04/05/2025.
    before = trip(start=D(2025, 5, 1), allowance=750_000)
    after = trip(start=D(2025, 5, 4), allowance=750_000)
    assert codes(Records(travel=[before])) == ["NORM_ALLOWANCE"]
    assert codes(Records(travel=[after])) == []


def test_it_words_the_allowance_finding_with_the_norm_and_the_excess() -> None:
    hit = run_rules(Records(travel=[trip(allowance=1_350_000)]), NORMS)[0]
    assert hit.amount == Decimal(450_000)
    with translation.override("vi"):
        text = describe(hit.rule, hit.numbers)
    assert text == (
        "phụ cấp lưu trú 450.000 đ/ngày vượt định mức 300.000 đ/ngày (Thông tư 12/2025/TT-BTC)"
        " — vượt 150.000 đ × 3 ngày = 450.000 đ"
    )


def test_it_moves_with_the_norms_validity_date() -> None:
    shifted = NormTable(
        [
            NormValue("travel.allowance", Decimal(200_000), D(2017, 7, 1), D(2025, 10, 1)),
            NormValue("travel.allowance", Decimal(300_000), D(2025, 10, 1)),
        ]
    )
    t = trip(start=D(2025, 9, 1), allowance=750_000)
    assert [h.rule for h in run_rules(Records(travel=[t]), shifted)] == ["NORM_ALLOWANCE"]
    assert codes(Records(travel=[t])) == []


@pytest.mark.parametrize("per_day", [0, 100_000, 299_999, 300_000])
def test_it_never_finds_a_claim_within_the_norm(per_day: int) -> None:
    assert codes(Records(travel=[trip(allowance=per_day * 3, lodging=0)])) == []


# (case, planted records, clean records, expected rule)
TABLE: list[tuple[str, Records, Records, str]] = [
    (
        "lodging lump sum 2024, other town 350.000/night",
        Records(travel=[trip(start=D(2024, 6, 3), allowance=600_000, lodging=800_000)]),
        Records(travel=[trip(start=D(2024, 6, 3), allowance=600_000, lodging=700_000)]),
        "NORM_LODGING",
    ),
    (
        "sea allowance 400.000/day",
        Records(travel=[trip(dest="sea", allowance=1_500_000)]),
        Records(travel=[trip(dest="sea", allowance=1_200_000)]),
        "NORM_ALLOWANCE",
    ),
    (
        "three direct purchases of 200 million in 20 days",
        Records(
            packages=[
                pkg(
                    i,
                    method="direct",
                    estimate=200_000_000,
                    award=200_000_000,
                    bidders=1,
                    day=D(2026, 3, 1) + dt.timedelta(days=10 * (i - 1)),
                )
                for i in (1, 2, 3)
            ]
        ),
        Records(
            packages=[
                pkg(
                    i,
                    method="direct",
                    estimate=200_000_000,
                    award=200_000_000,
                    bidders=1,
                    day=D(2026, 3, 1) + dt.timedelta(days=40 * (i - 1)),
                )
                for i in (1, 2, 3)
            ]
        ),
        "SPLIT",
    ),
    (
        "a single bid in open bidding",
        Records(packages=[pkg(bidders=1)]),
        Records(packages=[pkg(bidders=2)]),
        "SINGLE_BIDDER",
    ),
    (
        "direct contracting for 800 million",
        Records(
            packages=[pkg(method="direct", estimate=800_000_000, award=800_000_000, bidders=1)]
        ),
        Records(
            packages=[pkg(method="direct", estimate=400_000_000, award=400_000_000, bidders=1)]
        ),
        "DIRECT_OVER_LIMIT",
    ),
    (
        "award 75 days after closing",
        Records(packages=[pkg(notice=90, closing=75)]),
        Records(packages=[pkg(notice=90, closing=60)]),
        "LATE_AWARD",
    ),
    (
        "bidding window of 2 days",
        Records(packages=[pkg(notice=12, closing=10)]),
        Records(packages=[pkg(notice=13, closing=10)]),
        "SHORT_WINDOW",
    ),
    (
        "winning bid 0,5 % under the estimate",
        Records(packages=[pkg(award=995_000_000)]),
        Records(packages=[pkg(award=985_000_000)]),
        "NEAR_ESTIMATE",
    ),
    (
        "two awards to one supplier",
        Records(packages=[pkg(1, tax="0101234567"), pkg(2, tax="0101234567")]),
        Records(packages=[pkg(1, tax="0101234567"), pkg(2, tax="0107654321")]),
        "REPEAT_SUPPLIER",
    ),
    (
        "item on the centralised list bought by open bidding",
        Records(packages=[pkg(central=True)]),
        Records(packages=[pkg(central=True, method="centralised")]),
        "CENTRAL_BYPASS",
    ),
]


@pytest.mark.parametrize(("case", "planted", "clean", "code"), TABLE, ids=[t[0] for t in TABLE])
def test_each_rule_flags_the_planted_case_and_not_the_clean_one(
    case: str, planted: Records, clean: Records, code: str
) -> None:
    assert code in codes(planted)
    assert code not in codes(clean)
    hit = next(h for h in run_rules(planted, NORMS) if h.rule == code)
    assert hit.travel_ids or hit.package_ids
    with translation.override("vi"):
        assert describe(hit.rule, hit.numbers) != str(REGISTRY[code].title)


def test_it_gives_the_split_numbers() -> None:
    planted = TABLE[2][1]
    hit = next(h for h in run_rules(planted, NORMS) if h.rule == "SPLIT")
    assert hit.package_ids == [1, 2, 3]
    assert hit.numbers["total"] == "600000000"
    assert hit.numbers["limit"] == "500000000"


def test_it_flags_a_peer_far_above_the_median() -> None:
    travel = [trip(i, unit=i, allowance=900_000 + 10_000 * i) for i in range(1, 8)]
    clean = Records(travel=travel)
    planted = Records(travel=[*travel, trip(99, unit=99, allowance=6_000_000, days=20)])
    assert peer_travel(clean, NORMS, {}) == []
    hits = peer_travel(planted, NORMS, {})
    assert [h.unit_id for h in hits] == [99]
    assert float(hits[0].numbers["z"]) > 3.5


def test_it_compares_peers_only_within_their_group() -> None:
    travel = [trip(i, unit=i, allowance=900_000 + 10_000 * i) for i in range(1, 8)]
    big = [trip(90 + i, unit=90 + i, allowance=9_000_000 + 1000 * i, days=20) for i in range(4)]
    groups = {t.unit_id: "district" for t in travel} | {t.unit_id: "province" for t in big}
    assert peer_travel(Records(travel=travel + big), NORMS, groups) == []


def test_robust_z_is_zero_without_spread() -> None:
    assert robust_z([1.0, 1.0, 1.0, 50.0]) == [0.0, 0.0, 0.0, 0.0]
    assert robust_z([1.0, 2.0]) == [0.0, 0.0]
