"""Demo public-investment projects (issue 13) for 2024–2026 in the demo sector's provincial
procuracies, and the planted cases of the plan flags listed in PLANTED_PLAN: disbursement
lagging in an approved annual report, savings claimed with no record behind them, projects
behind their approved schedule. Every figure is FICTITIOUS.

Runs after the reports, the oversight records and the assets (build.py): the planted figures
are written into the units' annual THTK-CLP reports (created approved when the reports demo
did not make them), keeping the roll-ups equal to the sum of the approved reports."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from thidua.org.models import OrgUnit
from thidua.oversight.actions import recheck_year
from thidua.oversight.models import Norm
from thidua.oversight.models_plan import Project
from thidua.oversight.norms import load_norms
from thidua.reporting import rollups
from thidua.reporting.catalogue import ensure_periods
from thidua.reporting.models import DataValue, Indicator, Period, Report, ReportForm

from .oversight_data import PROVINCES, YEARS, Planted

D = dt.date
ANNUAL = "thtk-nam"
PLANTED_PLAN = [
    Planted("HN", 2025, "DISBURSE_LAG", "giải ngân 15.200/40.000 triệu đồng vốn cả năm (38 %)"),
    Planted("CT", 2024, "DISBURSE_LAG", "giải ngân 9.300/31.000 triệu đồng vốn cả năm (30 %)"),
    Planted("TQ", 2024, "SAVINGS_NO_RECORD", "báo cáo tiết kiệm chi lễ khởi công, không có dự án"),
    Planted(
        "LCA", 2025, "SAVINGS_NO_RECORD", "báo cáo tiết kiệm chi lễ khánh thành, không có dự án"
    ),
    Planted("LCA", 2026, "PROJECT_BEHIND", "trụ sở dự kiến xong 30/06/2027, phê duyệt 31/12/2026"),
    Planted("HN-KV02", 2026, "PROJECT_BEHIND", "kho lưu trữ đạt 15 % khi đã qua 80 % thời gian"),
]
FIGURES: dict[tuple[str, int], dict[str, int]] = {
    # Million VND, as the report forms take them.
    ("HN", 2025): {"INV_PLAN": 40_000, "INV_DISBURSED": 15_200},
    ("CT", 2024): {"INV_PLAN": 31_000, "INV_DISBURSED": 9_300},
    ("TQ", 2024): {"SAV_CEREMONY": 140},
    ("LCA", 2025): {"SAV_CEREMONY": 95},
}
NO_PROJECT = {("TQ", 2024), ("LCA", 2025)}
"""Units and years whose report claims savings on projects while no project is recorded."""
START, END = D(2024, 3, 1), D(2026, 12, 31)


def _as_of(year: int) -> dt.date:
    return D(year, 9, 30) if year == 2026 else D(year, 12, 31)


def _project(unit: OrgUnit, year: int, rng: random.Random, **kw: object) -> Project:
    """The provincial office renovation, on schedule: progress follows the time gone by."""
    as_of = _as_of(year)
    share = Decimal((as_of - START).days) / Decimal((END - START).days)
    total = Decimal(rng.randint(20, 45) * 1_000_000_000)
    values: dict[str, object] = {
        "unit": unit,
        "year": year,
        "name": "Cải tạo, nâng cấp trụ sở làm việc",
        "decision": f"Quyết định số {10 + unit.pk % 80}/QĐ-VKSTC ngày 15/01/2024",
        "approved_start": START,
        "approved_end": END,
        "total_investment": total,
        "disbursed": (total * share * Decimal("0.95")).quantize(Decimal(1_000_000)),
        "progress": min(Decimal(100), share * 100 + rng.randint(-5, 5)).quantize(Decimal("0.1")),
        "as_of": as_of,
        "status": "building",
        "expected_end": END,
    }
    return Project(**(values | kw))


def _planted_projects(units: dict[str, OrgUnit]) -> list[Project]:
    lca = _project(units["LCA"], 2026, random.Random(1), expected_end=D(2027, 6, 30))
    lca.progress = Decimal("70.0")
    archive = Project(
        unit=units["HN-KV02"], year=2026, name="Xây dựng kho lưu trữ hồ sơ",
        decision="Quyết định số 41/QĐ-VKSTC ngày 20/12/2024", approved_start=D(2025, 1, 1),
        approved_end=D(2026, 12, 31), total_investment=Decimal(6_500_000_000),
        disbursed=Decimal(900_000_000), progress=Decimal(15), as_of=D(2026, 9, 30),
        status="building", expected_end=D(2026, 12, 31),
    )  # fmt: skip
    return [lca, archive]


def _annual_report(unit: OrgUnit, year: int) -> Report | None:
    """The unit's approved annual THTK-CLP report of the year (approved now if the reports
    demo left none); None without the reporting setup."""
    form = ReportForm.objects.filter(code=ANNUAL).first()
    if form is None:
        return None
    ensure_periods(year, year)
    period = Period.objects.get(kind=Period.Kind.YEAR, year=year)
    report, _created = Report.objects.get_or_create(unit=unit, form=form, period=period)
    if report.status not in Report.LOCKED:
        report.status = Report.Status.APPROVED
        report.approved_at = timezone.make_aware(dt.datetime(year + 1, 2, 20, 9))
        report.save(update_fields=["status", "approved_at"])
        return report
    rollups.apply_report(report, sign=-1)
    return report


def _plant_figures(units: dict[str, OrgUnit]) -> None:
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=_codes())}
    for (code, year), figures in FIGURES.items():
        report = _annual_report(units[code], year)
        if report is None:
            continue
        for indicator, value in figures.items():
            DataValue.objects.update_or_create(
                report=report, indicator=indicators[indicator], defaults={"value": Decimal(value)}
            )
        rollups.apply_report(report, sign=1)


def _codes() -> set[str]:
    return {c for f in FIGURES.values() for c in f}


def build_plan(rng: random.Random) -> list[str]:
    """The projects, the planted figures and the checks of each year."""
    load_norms(Norm)  # idempotent: the migrations' data, again after a flushed database
    codes = {p.unit for p in PLANTED_PLAN} | set(PROVINCES)
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    projects = [
        _project(units[code], year, rng)
        for year in YEARS
        for code in PROVINCES
        if (code, year) not in NO_PROJECT and (code, year) != ("LCA", 2026)
    ]
    projects += _planted_projects(units)
    Project.objects.bulk_create(projects, batch_size=500)
    _plant_figures(units)
    for year in YEARS:
        recheck_year(year)
    return [
        f"Giám sát kế hoạch: {len(projects)} dự án đầu tư công (theo năm), "
        f"{len(PLANTED_PLAN)} trường hợp cài sẵn (giải ngân, tiết kiệm không có hồ sơ, dự án"
        " chậm tiến độ)."
    ]
