"""Scoring and ranking as pure functions: table-driven cases citing Circular 129/2017/TT-BTC,
and property tests (scores stay within bounds; a ranking is a total order)."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.evaluation import progress, rankings, scoring
from thidua.evaluation.scoring import CriterionSpec, GroupSpec

D = Decimal

# Circular 129/2017 Art. 4: a direct-spending unit scores 70 + 30, minus deductions (clause 3).
DIRECT = [GroupSpec("A", D(70)), GroupSpec("B", D(30)), GroupSpec("C", D(30), is_deduction=True)]
# The 4-group table of units with subordinate budget units: 10 + 40 + 40 + 10.
UPPER = [GroupSpec("A", D(10)), GroupSpec("B", D(40)), GroupSpec("C", D(40)), GroupSpec("D", D(10))]
# Art. 7: a commune budget scores 60 + 40, minus deductions.
COMMUNE = [GroupSpec("A", D(60)), GroupSpec("B", D(40)), GroupSpec("C", D(30), is_deduction=True)]

RATE = CriterionSpec(
    "A1",
    "A",
    "computed",
    D(30),
    formula="(EST_RECURRENT - SETTLE_RECURRENT) / EST_RECURRENT * 100",
    thresholds=scoring.thresholds_of([[5, 30], [3, 20], [1, 8]]),
)
LINEAR = CriterionSpec("C1", "C", "computed", D(40), formula="SUBORDINATE_AVERAGE * 0.4")
FINE = CriterionSpec("C1", "C", "deduction", D(20), per_violation=D(5))


@pytest.mark.parametrize(
    ("groups", "points", "expected", "article"),
    [
        (DIRECT, {"A": D(70), "B": D(30), "C": D(0)}, D(100), "Art. 4: 70 + 30 at most"),
        (DIRECT, {"A": D(70), "B": D(30), "C": D(-15)}, D(85), "Art. 4(3): deductions"),
        (DIRECT, {"A": D(90), "B": D(30), "C": D(0)}, D(100), "Art. 4(1): group A capped at 70"),
        (DIRECT, {"A": D(5), "B": D(0), "C": D(-40)}, D(0), "a total never goes below 0"),
        (UPPER, {"A": D(10), "B": D(40), "C": D(40), "D": D(10)}, D(100), "10 + 40 + 40 + 10"),
        (UPPER, {"A": D(12), "B": D(20), "C": D(30), "D": D(4)}, D(64), "group A capped at 10"),
        (COMMUNE, {"A": D(60), "B": D(40), "C": D(-5)}, D(95), "Art. 7: 60 + 40 − deductions"),
    ],
)
def test_it_totals_by_the_circulars_groups(
    groups: list[GroupSpec], points: dict[str, D], expected: D, article: str
) -> None:
    by_group = {code: code for code in points}
    assert scoring.total(groups, points, by_group).total == expected, article


@pytest.mark.parametrize(
    ("estimate", "settlement", "points", "threshold"),
    [
        ("1000", "950", D(30), D(5)),  # 5 % saved: the top threshold
        ("1000", "960", D(20), D(3)),  # 4 %: the next one reached is 3 %
        ("1000", "995", D(0), None),  # 0.5 %: none reached
        ("1000", "1100", D(0), None),  # overspent: no points, never negative
        ("0", "0", D(0), None),  # no estimate: no rate (division by zero), 0 points
    ],
)
def test_it_scores_a_computed_criterion_by_thresholds(
    estimate: str, settlement: str, points: D, threshold: D | None
) -> None:
    result = scoring.score_computed(
        RATE, {"EST_RECURRENT": D(estimate), "SETTLE_RECURRENT": D(settlement)}
    )
    assert (result.points, result.threshold) == (points, threshold)
    assert set(result.inputs) == {"EST_RECURRENT", "SETTLE_RECURRENT"}


def test_it_scores_linearly_within_the_maximum_and_says_when_figures_are_missing() -> None:
    assert scoring.score_computed(LINEAR, {"SUBORDINATE_AVERAGE": D(80)}).points == D(32)
    assert scoring.score_computed(LINEAR, {"SUBORDINATE_AVERAGE": D(500)}).points == D(40)
    missing = scoring.score_computed(RATE, {})
    assert (missing.points, missing.value) == (D(0), None)


@pytest.mark.parametrize(
    ("violations", "points"), [(0, D(0)), (1, D(-5)), (3, D(-15)), (9, D(-20))]
)
def test_it_deducts_per_violation_up_to_the_cap(violations: int, points: D) -> None:
    assert scoring.deduction_points(FINE, violations) == points


def test_it_grades_by_the_sectors_bands() -> None:
    grades = [
        {"code": "excellent", "min": 90},
        {"code": "good", "min": 75},
        {"code": "weak", "min": 0},
    ]
    assert [scoring.grade_for(D(x), grades) for x in (95, 90, 80, 10)] == [
        "excellent",
        "excellent",
        "good",
        "weak",
    ]
    assert scoring.grade_for(None, grades) == ""


points_st = st.decimals(
    min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False
)


@given(a=points_st, b=points_st, c=points_st, d=points_st)
def test_totals_always_stay_within_0_and_100(a: D, b: D, c: D, d: D) -> None:
    for groups in (DIRECT, UPPER, COMMUNE):
        codes = [g.code for g in groups]
        values = dict(zip(codes, [a, b, c, d], strict=False))
        result = scoring.total(groups, values, {k: k for k in values})
        assert D(0) <= result.total <= D(100)
        for g in groups:
            low, high = (-g.max_points, D(0)) if g.is_deduction else (D(0), g.max_points)
            assert low <= result.groups[g.code] <= high


@given(
    est=st.decimals(
        min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False
    ),
    settle=st.decimals(
        min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False
    ),
    violations=st.integers(min_value=0, max_value=10**6),
)
def test_criterion_points_always_stay_within_their_bounds(
    est: D, settle: D, violations: int
) -> None:
    got = scoring.score_computed(RATE, {"EST_RECURRENT": est, "SETTLE_RECURRENT": settle}).points
    assert D(0) <= got <= RATE.max_points
    assert -FINE.max_points <= scoring.deduction_points(FINE, violations) <= D(0)


entry_st = st.builds(
    rankings.Entry,
    unit_id=st.integers(min_value=1, max_value=10**6),
    code=st.text(alphabet="ABC-12", min_size=1, max_size=4),
    total=st.none() | st.decimals(min_value=0, max_value=100, places=0),
    deductions=st.decimals(min_value=-30, max_value=0, places=0),
    previous=st.none() | st.decimals(min_value=0, max_value=100, places=0),
    savings=st.none() | st.decimals(min_value=0, max_value=1000, places=0),
    staff=st.integers(min_value=0, max_value=50),
    budget=st.none() | st.decimals(min_value=0, max_value=10**5, places=0),
)


@given(entries=st.lists(entry_st, max_size=30, unique_by=lambda e: e.unit_id), seed=st.integers())
def test_a_ranking_is_a_total_order(entries: list[rankings.Entry], seed: int) -> None:
    """Positions 1..n with no two units sharing one, the same whatever the input order, and
    consistent with the documented key (antisymmetric and transitive because it is a sort on
    a key that differs for every unit)."""
    for measure in rankings.MEASURES.values():
        ranked = rankings.rank(entries, measure)
        assert [r.position for r in ranked] == list(range(1, len(entries) + 1))
        shuffled = list(entries)
        random.Random(seed).shuffle(shuffled)
        assert [r.entry for r in rankings.rank(shuffled, measure)] == [r.entry for r in ranked]
        keys = [rankings.sort_key(r.entry, measure) for r in ranked]
        assert all(k1 < k2 for k1, k2 in itertools.pairwise(keys))


def test_it_breaks_ties_by_the_documented_rule() -> None:
    e = rankings.Entry
    tied = [e(3, "C", D(80)), e(1, "B", D(80), deductions=D(-5)), e(2, "A", D(80)), e(4, "D", None)]
    assert [r.entry.code for r in rankings.rank(tied)] == ["A", "C", "B", "D"]


@pytest.mark.parametrize(
    ("kind", "comparator", "target", "actual", "baseline", "complete", "status"),
    [
        ("percent_change", "<=", D(-10), D(85), D(100), True, "met"),  # conference spending −15 %
        ("percent_change", "<=", D(-10), D(95), D(100), True, "missed"),
        ("percent_change", "<=", D(-10), D(95), D(100), False, "at_risk"),
        ("amount", ">=", D(95), D(96), None, False, "on_track"),  # disbursement ≥ 95 %
        ("percent_change", "<=", D(-10), D(95), None, True, "no_data"),
        ("amount", ">=", D(95), None, None, True, "no_data"),
    ],
)
def test_it_tracks_a_targets_progress(
    kind: str,
    comparator: str,
    target: D,
    actual: D | None,
    baseline: D | None,
    complete: bool,
    status: str,
) -> None:
    got = progress.target_progress(kind, comparator, target, actual, baseline, complete=complete)
    assert got.status == status
