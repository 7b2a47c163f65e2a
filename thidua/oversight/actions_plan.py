"""Reading public-investment projects and the figures of the approved THTK-CLP reports as the
plain records of the plan flags (rules_plan.py): one query per kind and year.

Oversight sits above reporting and reads its models; reporting never reads oversight."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from thidua.reporting.models import DataValue, Indicator, Report

from .models_plan import Project
from .rules_plan import CONFIG, CUMULATIVE, Figures, PlanConfig, ProjectRec

MILLION = Decimal(1_000_000)


def project_rec(p: Project) -> ProjectRec:
    return ProjectRec(
        p.pk,
        p.unit_id,
        p.year,
        p.name,
        p.decision,
        p.approved_start,
        p.approved_end,
        p.total_investment,
        p.disbursed,
        p.progress,
        p.as_of,
        p.status,
        p.expected_end,
    )


def report_figures(
    year: int, unit_ids: Collection[int] | None = None, config: PlanConfig = CONFIG
) -> list[Figures]:
    """The plan flags' figures of the approved or accepted reports of the year for periods
    counted from 1 January: amounts in million VND converted to đồng."""
    codes = sorted(config.codes)
    rows = DataValue.objects.filter(
        report__status__in=list(Report.LOCKED),
        report__period__year=year,
        report__period__kind__in=CUMULATIVE,
        indicator__code__in=codes,
        value__isnull=False,
    )
    if unit_ids is not None:
        rows = rows.filter(report__unit_id__in=list(unit_ids))
    names = {
        code: (name, name_en or name)
        for code, name, name_en in Indicator.objects.filter(code__in=codes).values_list(
            "code", "name", "name_en"
        )
    }
    reports: dict[int, dict[str, Any]] = {}
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for rid, unit_id, kind, end, code, unit, value in rows.values_list(
        "report_id",
        "report__unit_id",
        "report__period__kind",
        "report__period__end",
        "indicator__code",
        "indicator__unit",
        "value",
    ):
        reports[rid] = {"unit_id": unit_id, "kind": kind, "end": end}
        amount = value if value is not None else Decimal(0)
        values[rid][code] = amount * MILLION if unit == Indicator.Unit.MILLION_VND else amount
    return [
        Figures(
            rid,
            r["unit_id"],
            year,
            r["kind"],
            r["end"],
            values[rid],
            {c: names[c] for c in values[rid] if c in names},
        )
        for rid, r in sorted(reports.items())
    ]


def plan_records(year: int, unit_ids: Collection[int] | None = None) -> dict[str, Any]:
    """The `Records` fields of the plan flags for the year (of the units, or all)."""
    projects = Project.objects.filter(year=year)
    if unit_ids is not None:
        projects = projects.filter(unit_id__in=list(unit_ids))
    return {
        "projects": [project_rec(p) for p in projects],
        "figures": report_figures(year, unit_ids),
    }


def recheck_report(report: Report) -> None:
    """A report of a period counted from 1 January was approved or taken back: re-check its
    unit's year (the per-unit rules only; the peers do not read report figures)."""
    from .actions import recheck_unit

    if report.period.kind in CUMULATIVE:
        recheck_unit(report.unit_id, report.period.year, peers=False)
