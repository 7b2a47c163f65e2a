"""The norm checks and red flags on conferences, vehicles, office space and the asset register:
a planted and a clean case for each rule (citing its article), and properties that a record
within the norm never yields a finding (database-free)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.oversight.norms import norm_rows
from thidua.oversight.rules import REGISTRY, NormTable, NormValue, Records, run_rules
from thidua.oversight.rules_assets import (
    AssetLine,
    Car,
    Conf,
    Office,
    longest_unused_run,
    peer_conference,
    vehicle_quota,
)
from thidua.oversight.wording import describe

D = dt.date
NORMS = NormTable(
    NormValue(r["kind"], r["value"], r["valid_from"], r["valid_to"], r["legal_basis"], r["article"])
    for r in norm_rows()
)
SEPT = D(2025, 9, 10)
MARCH_2024 = D(2024, 3, 1)
NEW_RULES = {
    "NORM_CONFERENCE",
    "PEER_CONFERENCE",
    "VEHICLE_QUOTA",
    "VEHICLE_PRICE",
    "VEHICLE_EARLY_DISPOSAL",
    "OFFICE_AREA",
    "OFFICE_SHARED",
    "IDLE_ASSET",
    "UPKEEP_UNUSABLE",
}


def conf(
    i: int = 1,
    *,
    day: dt.date = SEPT,
    days: int = 2,
    level: str = "province",
    on: int = 40,
    off: int = 10,
    meals: int = 0,
    refresh: int = 0,
    venue: int = 5_000_000,
    unit: int = 1,
) -> Conf:
    return Conf(
        i, unit, day.year, f"Hội nghị {i}", day, days, level, on, off,
        Decimal(meals), Decimal(refresh), Decimal(venue), Decimal(0),
    )  # fmt: skip


def car(
    i: int = 1,
    *,
    kind: str = "general",
    seats: int = 5,
    price: int = 900_000_000,
    bought: dt.date = MARCH_2024,
    year: int = 2024,
    km: int = 20_000,
    disposed: dt.date | None = None,
    unit: int = 1,
) -> Car:
    return Car(i, unit, year, f"80A-{i:05d}", seats, kind, bought, Decimal(price), km, disposed)


def office(
    *, staff: int = 30, area: int = 300, shared: int = 120, year: int = 2025, i: int = 1
) -> Office:
    return Office(i, 1, year, "Trụ sở", staff, Decimal(area), Decimal(shared), Decimal(0))


def asset(
    months: str,
    *,
    year: int = 2026,
    upkeep: int = 0,
    disposed: bool = False,
    context: bool = False,
    i: int = 1,
    code: str = "TS-01",
) -> AssetLine:
    return AssetLine(
        i, 1, year, code, "Nhà kho", "office", months, Decimal(upkeep), disposed, context
    )


def codes(records: Records, *, peers: bool = False) -> list[str]:
    return sorted(h.rule for h in run_rules(records, NORMS, peers=peers))


# Each rule: (rule, article cited by its norms or its basis, planted records, clean records).
# Province conference, 10 guests off the payroll × 2 days: meals ≤ 150.000 × 130% × 20 =
# 3.900.000; refreshments ≤ 40.000 × 2 × 50 × 2 = 8.000.000; together 11.900.000.
CASES = [
    (
        "NORM_CONFERENCE",
        "Điều 12",
        Records(conferences=[conf(meals=6_000_000, refresh=7_000_000)]),
        Records(conferences=[conf(meals=3_900_000, refresh=8_000_000)]),
    ),
    (
        "VEHICLE_QUOTA",
        "Điều 9 khoản 2",
        # 45 staff: 2 general-service cars at most (41–100).
        Records(vehicles=[car(1), car(2), car(3)], staff={1: 45}),
        Records(
            vehicles=[car(1), car(2), car(3, km=260_000, disposed=D(2024, 6, 1))], staff={1: 45}
        ),
    ),
    (
        "VEHICLE_PRICE",
        "Điều 15",
        Records(vehicles=[car(price=990_000_000)], staff={1: 45}),
        Records(vehicles=[car(price=950_000_000)], staff={1: 45}),
    ),
    (
        "VEHICLE_EARLY_DISPOSAL",
        "",
        Records(
            vehicles=[car(bought=D(2018, 1, 1), year=2025, km=120_000, disposed=D(2025, 5, 1))],
            staff={1: 45},
        ),
        Records(
            vehicles=[car(bought=D(2018, 1, 1), year=2025, km=260_000, disposed=D(2025, 5, 1))],
            staff={1: 45},
        ),
    ),
    (
        "OFFICE_AREA",
        "",
        Records(offices=[office(staff=30, area=400, shared=100)]),
        Records(offices=[office(staff=30, area=360, shared=100)]),
    ),
    (
        "OFFICE_SHARED",
        "",
        Records(offices=[office(area=300, shared=151)]),
        Records(offices=[office(area=300, shared=150)]),
    ),
    (
        "IDLE_ASSET",
        "Điều 5",
        # Idle from 01/2026 to 01/2027: 13 consecutive months across the two registers.
        Records(assets=[asset("i" * 12, context=True), asset("i" + "u" * 11, year=2027, i=2)]),
        Records(assets=[asset("u" + "i" * 11, context=True), asset("i" + "u" * 11, year=2027)]),
    ),
    (
        "UPKEEP_UNUSABLE",
        "Điều 5",
        Records(assets=[asset("u" * 6 + "x" * 6, upkeep=15_000_000)]),
        Records(assets=[asset("u" * 6 + "x" * 6, upkeep=15_000_000, disposed=True)]),
    ),
]


@pytest.mark.parametrize(("code", "article", "planted", "clean"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_finds_the_planted_case_and_not_the_clean_one(
    code: str, article: str, planted: Records, clean: Records
) -> None:
    hits = run_rules(planted, NORMS)
    assert [h.rule for h in hits] == [code]
    assert hits[0].numbers.get("article", "") == article
    assert hits[0].links  # the records behind the finding
    assert codes(clean) == []
    with translation.override("vi"):
        text = describe(code, hits[0].numbers)
    assert text and "%(" not in text and text != str(REGISTRY[code].title)


def test_every_new_rule_is_registered_with_a_case() -> None:
    assert set(REGISTRY) >= NEW_RULES
    assert {c[0] for c in CASES} | {"PEER_CONFERENCE"} == NEW_RULES


def test_the_conference_finding_states_figures_and_basis() -> None:
    [hit] = run_rules(Records(conferences=[conf(meals=6_000_000, refresh=7_000_000)]), NORMS)
    assert hit.amount == Decimal(1_100_000)
    assert hit.links == {"conferences": [1]}
    with translation.override("vi"):
        text = describe(hit.rule, hit.numbers)
    assert "13.000.000" in text and "11.900.000" in text and "1.100.000" in text
    assert "Điều 12, Thông tư 40/2017/TT-BTC" in text


def test_conference_meals_follow_the_level_where_it_is_held() -> None:
    # 4.000.000 of meals for 20 guest-days is 200.000 a day: within 130% × 200.000 in a
    # centrally-run city, above 130% × 100.000 for a commune (refreshments at their ceiling).
    central = conf(meals=4_000_000, refresh=8_000_000, level="central")
    commune = conf(meals=4_000_000, refresh=8_000_000, level="commune")
    assert codes(Records(conferences=[central])) == []
    assert codes(Records(conferences=[commune])) == ["NORM_CONFERENCE"]


@pytest.mark.parametrize(
    ("staff", "quota"),
    [(1, 1), (40, 1), (41, 2), (100, 2), (101, 3), (500, 6), (501, 7), (800, 7), (801, 8)],
)
def test_the_vehicle_quota_follows_the_staff_bands(staff: int, quota: int) -> None:
    assert vehicle_quota(staff, NORMS, D(2025, 12, 31)) == quota


def test_no_quota_before_decree_72_2023() -> None:
    assert vehicle_quota(45, NORMS, D(2023, 11, 9)) is None
    old = Records(vehicles=[car(i, bought=D(2019, 1, 1), year=2022) for i in range(5)])
    assert codes(Records(vehicles=old.vehicles, staff={1: 10})) == []


def test_price_caps_by_kind_and_seats() -> None:
    assert codes(Records(vehicles=[car(seats=16, price=1_250_000_000)])) == []
    assert codes(Records(vehicles=[car(seats=7, price=1_250_000_000)])) == ["VEHICLE_PRICE"]
    assert codes(Records(vehicles=[car(kind="title", price=1_400_000_000)])) == []
    assert codes(Records(vehicles=[car(kind="title", price=1_450_000_000)])) == ["VEHICLE_PRICE"]
    assert codes(Records(vehicles=[car(kind="special", price=5_000_000_000)])) == []
    # Only a purchase of the record's year is checked (not each year the car is kept).
    assert codes(Records(vehicles=[car(price=990_000_000, year=2025)])) == []


def test_idle_before_decree_266_2026_is_not_flagged() -> None:
    after = [asset("i" * 12, year=2025, context=True), asset("i" * 12, year=2026)]
    before = [asset("i" * 12, year=2024, context=True), asset("i" * 12, year=2025)]
    assert codes(Records(assets=after)) == ["IDLE_ASSET"]
    assert codes(Records(assets=before)) == []
    # The previous year's line alone never yields a finding.
    assert codes(Records(assets=[asset("x" * 12, year=2026, upkeep=9, context=True)])) == []


def test_longest_unused_run() -> None:
    assert longest_unused_run("uuiixu") == (3, 4)
    assert longest_unused_run("u-u") == (0, -1)


def test_conference_peers_flag_the_outlier_of_the_group_only() -> None:
    confs = [conf(u, unit=u, venue=5_000_000 + u * 100_000) for u in range(1, 8)]
    confs.append(conf(8, unit=8, venue=60_000_000))
    hits = peer_conference(Records(conferences=confs), NORMS, {})
    assert [(h.rule, h.unit_id) for h in hits] == [("PEER_CONFERENCE", 8)]
    assert hits[0].numbers["peers"] == "8"
    # In another peer group, unit 8 is alone: no comparison, no finding.
    groups = dict.fromkeys(range(1, 8), "a") | {8: "b"}
    assert peer_conference(Records(conferences=confs), NORMS, groups) == []
    assert "PEER_CONFERENCE" in codes(Records(conferences=confs), peers=True)


# --- Properties: a record within the norm never yields a finding ---------------------------

days = st.integers(1, 5)
heads = st.integers(0, 300)


@settings(max_examples=150, deadline=None)
@given(
    level=st.sampled_from(["central", "province", "commune"]),
    days=days,
    on=heads,
    off=heads,
    meal_share=st.floats(0, 1),
    refresh_share=st.floats(0, 1),
    venue=st.integers(0, 10**9),
    day=st.dates(D(2017, 7, 1), D(2027, 12, 31)),
)
def test_a_conference_within_the_norm_is_never_flagged(
    level: str,
    days: int,
    on: int,
    off: int,
    meal_share: float,
    refresh_share: float,
    venue: int,
    day: dt.date,
) -> None:
    meal = {"central": 200_000, "province": 150_000, "commune": 100_000}[level]
    meals = int(meal * 1.3 * off * days * meal_share)
    refresh = int(40_000 * 2 * (on + off) * days * refresh_share)
    c = conf(day=day, days=days, level=level, on=on, off=off, meals=meals, refresh=refresh)
    assert codes(Records(conferences=[c])) == []


@settings(max_examples=150, deadline=None)
@given(
    staff=st.integers(1, 3000),
    share=st.floats(0, 1),
    seats=st.integers(4, 16),
    price_share=st.floats(0, 1),
    year=st.integers(2024, 2030),
)
def test_a_fleet_within_quota_and_caps_is_never_flagged(
    staff: int, share: float, seats: int, price_share: float, year: int
) -> None:
    quota = vehicle_quota(staff, NORMS, D(year, 12, 31)) or 0
    cap = 1_300_000_000 if seats >= 12 else 950_000_000
    cars = [
        car(i, seats=seats, price=int(cap * price_share), bought=D(year, 1, 2), year=year)
        for i in range(int(quota * share))
    ]
    assert codes(Records(vehicles=cars, staff={1: staff})) == []


@settings(max_examples=150, deadline=None)
@given(
    staff=st.integers(1, 500),
    area_share=st.floats(0, 1),
    shared_share=st.floats(0, 1),
    year=st.integers(2018, 2030),
)
def test_an_office_within_the_norm_is_never_flagged(
    staff: int, area_share: float, shared_share: float, year: int
) -> None:
    area = int(12 * staff * area_share)
    o = office(staff=staff, area=area, shared=int(area * 0.5 * shared_share), year=year)
    assert codes(Records(offices=[o])) == []


@settings(max_examples=150, deadline=None)
@given(
    before=st.text("ui-", min_size=12, max_size=12),
    now=st.text("ui-", min_size=12, max_size=12),
    upkeep=st.integers(0, 10**9),
    year=st.integers(2024, 2030),
)
def test_an_asset_never_unused_long_nor_unusable_is_never_flagged(
    before: str, now: str, upkeep: int, year: int
) -> None:
    # Runs of unused months of at most 12 across the two years, and no unusable month.
    if longest_unused_run(before + now)[0] > 12:
        return
    lines = [asset(before, year=year - 1, context=True), asset(now, year=year, upkeep=upkeep)]
    assert codes(Records(assets=lines)) == []
