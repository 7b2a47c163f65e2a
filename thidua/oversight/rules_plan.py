"""Red flags on the plan: public-investment disbursement lagging late in the year, savings
reported with no record behind them, and projects behind their approved schedule.

Pure functions over plain records (no ORM), registered in `rules.REGISTRY`. The first two read
the figures of the unit's approved THTK-CLP reports (`Figures`); which indicator codes they
read is data (`data/plan_flags.json`), so that another sector's pack needs no code. Every
threshold is a dated norm of `data/norms.json`; no norm in force, no flag."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from .rules import Hit, NormTable, Records, _s, rule

CONFIG_FILE = Path(__file__).parent / "data" / "plan_flags.json"
CUMULATIVE = ("half", "nine_months", "year")
"""Reporting periods counted from 1 January (reporting.Period.Kind): only their figures are
the year's running totals."""
COMPLETED, SUSPENDED = "completed", "suspended"


@dataclass(frozen=True)
class SavingsLink:
    indicator: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class PlanConfig:
    plan: tuple[str, ...] = ("INV_PLAN",)
    disbursed: tuple[str, ...] = ("INV_DISBURSED",)
    rate: tuple[str, ...] = ("INV_DISBURSE_RATE",)
    savings: tuple[SavingsLink, ...] = ()
    only_units_keeping_records: bool = True

    @property
    def codes(self) -> set[str]:
        return {*self.plan, *self.disbursed, *self.rate, *(s.indicator for s in self.savings)}


def load_config(path: Path = CONFIG_FILE) -> PlanConfig:
    data = json.loads(path.read_text(encoding="utf-8"))
    d = data.get("disbursement", {})
    return PlanConfig(
        tuple(d.get("plan", ())),
        tuple(d.get("disbursed", ())),
        tuple(d.get("rate", ())),
        tuple(SavingsLink(s["indicator"], tuple(s["kinds"])) for s in data.get("savings", ())),
        bool(data.get("savings_only_units_keeping_records", True)),
    )


CONFIG = load_config()


@dataclass(frozen=True)
class Figures:
    """The figures of one approved (or accepted) THTK-CLP report: amounts in đồng, rates in
    per cent, by indicator code; `names` gives each code's (Vietnamese, English) name."""

    report_id: int
    unit_id: int
    year: int
    period_kind: str
    period_end: dt.date
    values: Mapping[str, Decimal]
    names: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectRec:
    id: int
    unit_id: int
    year: int
    name: str
    decision: str
    approved_start: dt.date
    approved_end: dt.date
    total_investment: Decimal
    disbursed: Decimal
    progress: Decimal
    as_of: dt.date
    status: str
    expected_end: dt.date


def latest_cumulative(figures: Sequence[Figures]) -> dict[tuple[int, int], Figures]:
    """Per (unit, year): the approved report of the latest period counted from 1 January."""
    out: dict[tuple[int, int], Figures] = {}
    for f in figures:
        if f.period_kind not in CUMULATIVE:
            continue
        k = (f.unit_id, f.year)
        if k not in out or (f.period_end, f.report_id) > (out[k].period_end, out[k].report_id):
            out[k] = f
    return out


def _sum(f: Figures, codes: Sequence[str]) -> Decimal | None:
    found = [f.values[c] for c in codes if c in f.values]
    return sum(found, Decimal(0)) if found else None


@rule(
    "DISBURSE_LAG",
    _("Public-investment disbursement lagging the plan late in the year"),
    _(
        "In the unit's approved THTK-CLP report for a period counted from 1 January and ending"
        " in or after the configured month (the end of the third quarter by default), the"
        " public-investment capital disbursed is below the threshold share of the capital"
        " plan."
    ),
    _("Threshold set by the sector (norm data); figures of the approved THTK-CLP report"),
    "medium",
    ("flag.disbursement_rate_pct", "flag.disbursement_from_month"),
)
def check_disbursement(records: Records, norms: NormTable) -> list[Hit]:
    return disbursement_lag(records, norms, CONFIG)


def disbursement_lag(records: Records, norms: NormTable, config: PlanConfig) -> list[Hit]:
    candidates = [
        f
        for f in records.figures
        if f.period_end.month
        >= norms.value("flag.disbursement_from_month", f.period_end, Decimal(13))
    ]
    hits = []
    for (unit_id, year), f in sorted(latest_cumulative(candidates).items()):
        threshold = norms.at("flag.disbursement_rate_pct", f.period_end)
        if threshold is None:
            continue
        plan, disbursed = _sum(f, config.plan), _sum(f, config.disbursed)
        if plan is not None and plan > 0 and disbursed is not None:
            rate = disbursed * 100 / plan
        else:
            given = _sum(f, config.rate)
            if given is None or plan == 0:
                continue
            rate = given
        rate = rate.quantize(Decimal("0.1"))
        if rate >= threshold.value:
            continue
        hits.append(
            Hit(
                "DISBURSE_LAG",
                unit_id,
                year,
                "DISBURSE_LAG",
                {
                    "plan": _s(plan) if plan is not None else "",
                    "disbursed": _s(disbursed) if disbursed is not None else "",
                    "rate": _s(rate),
                    "threshold": _s(threshold.value),
                    "until": f.period_end.isoformat(),
                    "basis": threshold.basis,
                    "article": threshold.article,
                },
                max((plan or Decimal(0)) - (disbursed or Decimal(0)), Decimal(0)),
                links={"reports": [f.report_id]},
            )
        )
    return hits


def kinds_kept(records: Records) -> dict[tuple[int, int], set[str]]:
    """The kinds of record each unit keeps in oversight for each year (the asset register's
    previous-year lines, given only as context, do not count)."""
    kept: dict[tuple[int, int], set[str]] = defaultdict(set)
    groups: dict[str, Sequence[Any]] = {
        "travel": records.travel,
        "package": records.packages,
        "conference": records.conferences,
        "vehicle": records.vehicles,
        "office": records.offices,
        "asset": [a for a in records.assets if not a.context],
        "project": records.projects,
    }
    for kind, rows in groups.items():
        for r in rows:
            kept[(r.unit_id, r.year)].add(kind)
    return kept


@rule(
    "SAVINGS_NO_RECORD",
    _("Savings reported with no record behind them"),
    _(
        "The unit's approved THTK-CLP report claims savings on a kind of spending (conferences,"
        " travel, procurement, projects…) while the unit, which keeps its records in oversight,"
        " has no record of that kind for the year."
    ),
    _(
        "Consistency of the THTK-CLP report with the records (the indicators and record kinds"
        " are mapped in data)"
    ),
    "medium",
    ("flag.savings_no_record_min",),
)
def check_savings_no_record(records: Records, norms: NormTable) -> list[Hit]:
    return savings_no_record(records, norms, CONFIG)


def savings_no_record(records: Records, norms: NormTable, config: PlanConfig) -> list[Hit]:
    kept = kinds_kept(records)
    hits = []
    for (unit_id, year), f in sorted(latest_cumulative(records.figures).items()):
        mine = kept.get((unit_id, year), set())
        if config.only_units_keeping_records and not mine:
            continue
        least = norms.at("flag.savings_no_record_min", f.period_end)
        if least is None:
            continue
        for link in config.savings:
            claimed = f.values.get(link.indicator)
            if claimed is None or claimed <= least.value or mine & set(link.kinds):
                continue
            name, name_en = f.names.get(link.indicator, (link.indicator, link.indicator))
            hits.append(
                Hit(
                    "SAVINGS_NO_RECORD",
                    unit_id,
                    year,
                    f"SAVINGS_NO_RECORD:{link.indicator}",
                    {
                        "indicator": link.indicator,
                        "name": name,
                        "name_en": name_en,
                        "claimed": _s(claimed),
                        "kinds": ",".join(link.kinds),
                        "until": f.period_end.isoformat(),
                    },
                    claimed,
                    links={"reports": [f.report_id]},
                )
            )
    return hits


def elapsed_pct(p: ProjectRec) -> Decimal:
    """The share of the approved schedule gone by on the date of the figures (0–100)."""
    span = (p.approved_end - p.approved_start).days
    if span <= 0:
        return Decimal(100) if p.as_of >= p.approved_end else Decimal(0)
    gone = min(max((p.as_of - p.approved_start).days, 0), span)
    return (Decimal(gone) * 100 / span).quantize(Decimal("0.1"))


@rule(
    "PROJECT_BEHIND",
    _("Public-investment project behind its approved schedule"),
    _(
        "The project's expected or actual end is after the end approved in its investment"
        " decision, or its physical progress is far behind the share of the approved schedule"
        " already gone by (by more than the threshold in percentage points)."
    ),
    _("Decree 266/2026/NĐ-CP, Art. 5 (waste consequences: project delay against the schedule)"),
    "high",
    ("flag.project_progress_gap_pct",),
)
def check_project_behind(records: Records, norms: NormTable) -> list[Hit]:
    hits = []
    for p in records.projects:
        gap = norms.at("flag.project_progress_gap_pct", p.as_of)
        if gap is None:
            continue
        late_days = (p.expected_end - p.approved_end).days
        elapsed = elapsed_pct(p)
        slow = p.status != COMPLETED and p.progress + gap.value < elapsed
        if late_days <= 0 and not slow:
            continue
        hits.append(
            Hit(
                "PROJECT_BEHIND",
                p.unit_id,
                p.year,
                f"PROJECT_BEHIND:j{p.id}",
                {
                    "project": p.name,
                    "decision": p.decision,
                    "approved_start": p.approved_start.isoformat(),
                    "approved_end": p.approved_end.isoformat(),
                    "expected_end": p.expected_end.isoformat(),
                    "late_days": str(max(late_days, 0)),
                    "progress": _s(p.progress),
                    "elapsed": _s(elapsed),
                    "gap": _s(gap.value),
                    "as_of": p.as_of.isoformat(),
                    "slow": "1" if slow else "",
                    "completed": "1" if p.status == COMPLETED else "",
                    "basis": gap.basis,
                    "article": gap.article,
                },
                max(p.total_investment - p.disbursed, Decimal(0)),
                links={"projects": [p.id]},
            )
        )
    return hits
