"""The red flags of issue 13 point 4 (settlement, bids, year-end): a planted and a clean case
for each, citing its basis, and a property test that clean records never flag."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.oversight.rules import REGISTRY, Package, Records, run_rules
from thidua.oversight.tests.test_rules import NORMS, pkg
from thidua.oversight.wording import describe

D = dt.date
MARCH_FIRST = D(2026, 3, 1)
NEW = (
    "SETTLEMENT_OVER",
    "ONLY_WINNER_ELIGIBLE",
    "WIN_GAP",
    "ROUND_PCT_BIDS",
    "REPEAT_DIRECT",
    "YEAR_END_SPIKE",
)


def with_(p: Package, **changes: object) -> Package:
    return dataclasses.replace(p, **changes)  # type: ignore[arg-type]


def direct(i: int, tax: str, day: dt.date = MARCH_FIRST) -> Package:
    return pkg(
        i, method="direct", estimate=100_000_000, award=100_000_000, bidders=1, tax=tax, day=day
    )


# (case and basis, planted, clean, rule)
TABLE: list[tuple[str, Records, Records, str]] = [
    (
        "settled 950 million on an award of 900 million, no note (sector review rule)",
        Records(packages=[with_(pkg(), settlement=Decimal(950_000_000))]),
        Records(
            packages=[
                with_(
                    pkg(), settlement=Decimal(950_000_000), settlement_note="Phát sinh khối lượng"
                ),
                with_(pkg(2), settlement=Decimal(880_000_000)),
            ]
        ),
        "SETTLEMENT_OVER",
    ),
    (
        "4 bids, only the winner eligible (OCVN)",
        Records(packages=[with_(pkg(bidders=4), eligible_bidders=1)]),
        Records(packages=[with_(pkg(bidders=4), eligible_bidders=3), with_(pkg(2, bidders=1))]),
        "ONLY_WINNER_ELIGIBLE",
    ),
    (
        "winning bid 30 % below the next (OCVN: 25 %)",
        Records(packages=[with_(pkg(award=700_000_000), next_bid=Decimal(1_000_000_000))]),
        Records(packages=[with_(pkg(award=800_000_000), next_bid=Decimal(1_000_000_000))]),
        "WIN_GAP",
    ),
    (
        "bids of 900 and 945 million, exactly 5 % apart (OCVN)",
        Records(packages=[with_(pkg(), bid_prices=(Decimal(900_000_000), Decimal(945_000_000)))]),
        Records(packages=[with_(pkg(), bid_prices=(Decimal(900_000_000), Decimal(946_300_000)))]),
        "ROUND_PCT_BIDS",
    ),
    (
        "two direct awards to one supplier in a year (OCVN)",
        Records(packages=[direct(1, "0101234567"), direct(2, "0101234567", D(2026, 9, 1))]),
        Records(packages=[direct(1, "0101234567"), direct(2, "0107654321", D(2026, 9, 1))]),
        "REPEAT_DIRECT",
    ),
    (
        "3 of 4 packages' value awarded in December (statistical, 50 %)",
        Records(
            packages=[pkg(1, day=D(2026, 3, 2))]
            + [pkg(i, day=D(2026, 12, 10 + i)) for i in (2, 3, 4)]
        ),
        Records(
            packages=[pkg(i, day=D(2026, 3 * i, 2)) for i in (1, 2, 3)]
            + [pkg(4, day=D(2026, 12, 9))]
        ),
        "YEAR_END_SPIKE",
    ),
]


@pytest.mark.parametrize(("case", "planted", "clean", "code"), TABLE, ids=[t[0] for t in TABLE])
def test_each_new_flag_finds_the_planted_case_and_not_the_clean_one(
    case: str, planted: Records, clean: Records, code: str
) -> None:
    found = run_rules(planted, NORMS)
    assert code in {h.rule for h in found}
    assert code not in {h.rule for h in run_rules(clean, NORMS)}
    hit = next(h for h in found if h.rule == code)
    assert hit.package_ids
    rule = REGISTRY[code]
    assert str(rule.basis) and str(rule.explanation)
    with translation.override("vi"):
        sentence = describe(hit.rule, hit.numbers)
    assert sentence != str(rule.title)
    assert "%(" not in sentence


def test_every_threshold_is_data() -> None:
    for code in NEW:
        for kind in REGISTRY[code].thresholds:
            assert NORMS.at(kind, D(2026, 6, 1)) is not None, kind


def test_the_gap_and_the_percentage_are_given() -> None:
    hit = next(h for h in run_rules(TABLE[2][1], NORMS) if h.rule == "WIN_GAP")
    assert hit.numbers["gap"] == "30"
    hit = next(h for h in run_rules(TABLE[3][1], NORMS) if h.rule == "ROUND_PCT_BIDS")
    assert hit.numbers["pct"] == "5"


@st.composite
def clean_package(draw: st.DrawFn, i: int) -> Package:
    """A competitive package that is sound by construction: several eligible bids, the winner
    within 20 % of the next, bids not a whole percentage apart, settlement within the award."""
    award = draw(st.integers(300_000_000, 2_000_000_000)) // 1000 * 1000 + 1
    others = tuple(
        Decimal(award + draw(st.integers(1, award // 5000)) * 1000 + 7) for _ in range(2)
    )
    month = draw(st.integers(1, 11))
    base = pkg(
        i,
        award=award,
        estimate=award * 11 // 10,
        bidders=3,
        day=D(2026, month, draw(st.integers(1, 28))),
        tax=f"09{i:08d}",
    )
    settled = draw(st.one_of(st.none(), st.integers(award // 2, award)))
    return with_(
        base,
        eligible_bidders=draw(st.integers(2, 3)),
        next_bid=min(others),
        bid_prices=(Decimal(award), *others),
        settlement=None if settled is None else Decimal(settled),
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=8, unique=True).flatmap(
        lambda ids: st.tuples(*[clean_package(i + 1) for i in range(len(ids))])
    )
)
def test_clean_packages_never_raise_a_new_flag(packages: tuple[Package, ...]) -> None:
    found = {h.rule for h in run_rules(Records(packages=list(packages)), NORMS)}
    assert not found & set(NEW)
