"""The plan flags: public-investment disbursement lagging late in the year, savings reported
with no record behind them, and projects behind their approved schedule (Decree 266/2026
Art. 5). A planted and a clean case for each, table-driven, and properties (database-free)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.oversight.norms import norm_rows
from thidua.oversight.rules import REGISTRY, NormTable, NormValue, Records, run_rules
from thidua.oversight.rules_assets import Conf
from thidua.oversight.rules_plan import (
    CONFIG,
    Figures,
    ProjectRec,
    disbursement_lag,
    elapsed_pct,
    load_config,
    savings_no_record,
)
from thidua.oversight.wording import describe

D = dt.date
NORMS = NormTable(
    NormValue(r["kind"], r["value"], r["valid_from"], r["valid_to"], r["legal_basis"], r["article"])
    for r in norm_rows()
)
PLAN_RULES = {"DISBURSE_LAG", "SAVINGS_NO_RECORD", "PROJECT_BEHIND"}
M = Decimal(1_000_000)
START, END, AS_OF = D(2024, 1, 1), D(2026, 12, 31), D(2025, 12, 31)


def figures(
    rid: int = 1,
    *,
    unit: int = 1,
    year: int = 2025,
    kind: str = "year",
    end: dt.date | None = None,
    **values: int | str | Decimal,
) -> Figures:
    ends = {"half": D(year, 6, 30), "nine_months": D(year, 9, 30), "year": D(year, 12, 31)}
    return Figures(
        rid,
        unit,
        year,
        kind,
        end or ends.get(kind, D(year, 9, 30)),
        {k: Decimal(str(v)) for k, v in values.items()},
        {"SAV_CONF": ("Tiết kiệm chi hội nghị, hội thảo, tọa đàm", "Conference savings")},
    )


def project(
    i: int = 1,
    *,
    start: dt.date = START,
    end: dt.date = END,
    expected: dt.date | None = None,
    progress: str = "60",
    as_of: dt.date = AS_OF,
    status: str = "building",
    unit: int = 1,
) -> ProjectRec:
    return ProjectRec(
        i, unit, as_of.year, f"Cải tạo trụ sở {i}", "QĐ 12/QĐ-VKSTC", start, end,
        Decimal(30_000) * M, Decimal(12_000) * M, Decimal(progress), as_of, status,
        expected or end,
    )  # fmt: skip


def rec(*figs: Figures, **kw: Any) -> Records:
    return Records(figures=list(figs), **kw)


def conf(unit: int = 1, year: int = 2025) -> Conf:
    return Conf(9, unit, year, "Hội nghị", D(year, 3, 1), 1, "province", 30, 0)


def codes(records: Records) -> list[str]:
    return sorted(h.rule for h in run_rules(records, NORMS) if h.rule in PLAN_RULES)


PLANTED_AND_CLEAN = [
    # (what, records, rules found) — the thresholds are the data file's defaults (60 % from
    # September for disbursement, 25 points for progress).
    (
        "annual report: 12.000 of 30.000 million disbursed (40 %)",
        rec(figures(INV_PLAN=30_000 * M, INV_DISBURSED=12_000 * M)),
        ["DISBURSE_LAG"],
    ),
    (
        "annual report: 24.000 of 30.000 million disbursed (80 %)",
        rec(figures(INV_PLAN=30_000 * M, INV_DISBURSED=24_000 * M)),
        [],
    ),
    (
        "nine-month report under the threshold",
        rec(figures(kind="nine_months", INV_PLAN=10 * M, INV_DISBURSED=5 * M)),
        ["DISBURSE_LAG"],
    ),
    (
        "half-year report under the threshold: too early in the year",
        rec(figures(kind="half", INV_PLAN=10 * M, INV_DISBURSED=1 * M)),
        [],
    ),
    (
        "a quarter's figures are not the year's running total",
        rec(figures(kind="quarter", end=D(2025, 12, 31), INV_PLAN=10 * M, INV_DISBURSED=1)),
        [],
    ),
    (
        "the annual report catches up with a lagging nine-month one",
        Records(
            figures=[
                figures(1, kind="nine_months", INV_PLAN=10 * M, INV_DISBURSED=3 * M),
                figures(2, kind="year", INV_PLAN=10 * M, INV_DISBURSED=9 * M),
            ]
        ),
        [],
    ),
    ("only the rate is reported", rec(figures(INV_DISBURSE_RATE="42.5")), ["DISBURSE_LAG"]),
    ("no investment plan", rec(figures(INV_PLAN=0, INV_DISBURSED=0)), []),
    (
        "conference savings claimed, no conference, other records kept",
        rec(figures(SAV_CONF=85 * M), projects=[project()]),
        ["SAVINGS_NO_RECORD"],
    ),
    (
        "conference savings claimed with a conference behind them",
        rec(figures(SAV_CONF=85 * M), conferences=[conf()]),
        [],
    ),
    (
        "a unit keeping no record in oversight at all is not flagged",
        rec(figures(SAV_CONF=85 * M)),
        [],
    ),
    (
        "a conference of another year does not count",
        rec(figures(SAV_CONF=85 * M), conferences=[conf(year=2024)], projects=[project()]),
        ["SAVINGS_NO_RECORD"],
    ),
    (
        "project bidding savings with a project behind them",
        rec(figures(SAV_BIDDING=900 * M), projects=[project()]),
        [],
    ),
    (
        "expected end eight months after the approved end",
        Records(projects=[project(expected=D(2027, 8, 31))]),
        ["PROJECT_BEHIND"],
    ),
    (
        "completed after the approved end",
        Records(
            projects=[
                project(
                    end=D(2025, 6, 30), expected=D(2025, 11, 30), progress="100", status="completed"
                )
            ]
        ),
        ["PROJECT_BEHIND"],
    ),
    (
        "10 % done with two thirds of the schedule gone",
        Records(projects=[project(progress="10")]),
        ["PROJECT_BEHIND"],
    ),
    ("60 % done with two thirds of the schedule gone", Records(projects=[project()]), []),
    (
        "completed on time",
        Records(projects=[project(progress="100", status="completed", as_of=D(2026, 12, 31))]),
        [],
    ),
]


@pytest.mark.parametrize(
    ("what", "records", "expected"), PLANTED_AND_CLEAN, ids=[c[0] for c in PLANTED_AND_CLEAN]
)
def test_planted_and_clean_cases(what: str, records: Records, expected: list[str]) -> None:
    assert codes(records) == expected, what


def test_every_plan_rule_is_registered_with_its_basis_and_thresholds() -> None:
    kinds = {r["kind"] for r in norm_rows()}
    for code in PLAN_RULES:
        r = REGISTRY[code]
        assert str(r.explanation) and str(r.basis) and r.severity in ("low", "medium", "high")
        assert set(r.thresholds) <= kinds, code
        assert not r.peers
    assert "266/2026" in str(REGISTRY["PROJECT_BEHIND"].basis)
    rows = [r for r in norm_rows() if r["kind"] in REGISTRY["DISBURSE_LAG"].thresholds]
    assert rows and all(r["set_by_sector"] and r["confidence"] == "low" for r in rows)


def test_the_disbursement_flag_gives_its_figures_and_wording() -> None:
    [h] = run_rules(rec(figures(INV_PLAN=30_000 * M, INV_DISBURSED=12_000 * M)), NORMS)
    assert h.numbers["rate"] == "40" and h.numbers["threshold"] == "60"
    assert h.amount == 18_000 * M and h.links == {"reports": [1]}
    with translation.override("vi"):
        text = describe("DISBURSE_LAG", h.numbers)
    assert "12.000.000.000" in text and "30.000.000.000" in text and "31/12/2025" in text
    assert "40%" in text and "60%" in text


def test_the_savings_flag_names_the_indicator_and_the_missing_kind() -> None:
    records = rec(figures(SAV_CONF=85 * M), projects=[project()])
    [h] = [h for h in run_rules(records, NORMS) if h.rule == "SAVINGS_NO_RECORD"]
    assert h.key == "SAVINGS_NO_RECORD:SAV_CONF" and h.amount == 85 * M
    with translation.override("vi"):
        text = describe("SAVINGS_NO_RECORD", h.numbers)
    assert "Tiết kiệm chi hội nghị" in text and "85.000.000" in text and "hội nghị" in text
    with translation.override("en"):
        assert "Conference savings" in describe("SAVINGS_NO_RECORD", h.numbers)


def test_the_schedule_flag_gives_the_delay_and_the_progress() -> None:
    [h] = run_rules(Records(projects=[project(progress="10", expected=D(2027, 3, 31))]), NORMS)
    assert h.numbers["late_days"] == "90" and h.numbers["slow"] == "1"
    assert h.numbers["elapsed"] == "66.7" and h.links == {"projects": [1]}
    assert h.amount == 18_000 * M
    with translation.override("vi"):
        text = describe("PROJECT_BEHIND", h.numbers)
    assert "31/03/2027" in text and "90" in text and "66,7%" in text and "10%" in text


def test_the_indicator_mapping_is_data(tmp_path: Path) -> None:
    """Another sector's pack with other codes: its mapping file, no code."""
    other = tmp_path / "flags.json"
    other.write_text(
        '{"disbursement": {"plan": ["KH_VON"], "disbursed": ["DA_GIAI_NGAN"]},'
        ' "savings": [{"indicator": "TK_HN", "kinds": ["conference"]}]}',
        encoding="utf-8",
    )
    config = load_config(other)
    lag = rec(figures(KH_VON=100 * M, DA_GIAI_NGAN=10 * M))
    assert [h.rule for h in disbursement_lag(lag, NORMS, config)] == ["DISBURSE_LAG"]
    assert disbursement_lag(lag, NORMS, CONFIG) == []
    claim = rec(figures(TK_HN=5 * M), projects=[project()])
    assert [h.key for h in savings_no_record(claim, NORMS, config)] == ["SAVINGS_NO_RECORD:TK_HN"]


def test_a_threshold_not_in_force_keeps_the_rule_silent() -> None:
    later = NormTable(
        NormValue(n.kind, n.value, D(2030, 1, 1), n.valid_to, n.basis, n.article)
        for values in NORMS.by_kind.values()
        for n in values
    )
    lag = rec(figures(INV_PLAN=30 * M, INV_DISBURSED=1 * M), projects=[project(progress="0")])
    assert run_rules(lag, later) == []


@settings(max_examples=150, deadline=None)
@given(
    span=st.integers(min_value=30, max_value=2000),
    gone=st.integers(min_value=0, max_value=3000),
    progress=st.integers(min_value=0, max_value=100),
)
def test_a_project_on_schedule_is_never_flagged(span: int, gone: int, progress: int) -> None:
    start = D(2023, 1, 1)
    p = project(start=start, end=start + dt.timedelta(days=span), as_of=start + dt.timedelta(gone))
    p = ProjectRec(**{**p.__dict__, "progress": Decimal(progress), "year": p.as_of.year})
    hits = run_rules(Records(projects=[p]), NORMS)
    assert 0 <= elapsed_pct(p) <= 100
    assert bool(hits) == (progress + 25 < elapsed_pct(p))


@settings(max_examples=150, deadline=None)
@given(
    plan=st.integers(min_value=1, max_value=10**6),
    share=st.integers(min_value=60, max_value=100),
)
def test_disbursement_at_or_above_the_threshold_is_never_flagged(plan: int, share: int) -> None:
    disbursed = -(-plan * share // 100)  # rounded up: at least `share` per cent
    assert run_rules(rec(figures(INV_PLAN=plan, INV_DISBURSED=disbursed)), NORMS) == []
