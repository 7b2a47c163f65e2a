"""The demo's planted irregularities (issue 13 point 9): at least 40 of at least 10 kinds over
the four provinces and 2024–2026, each flagged by its rule; other flags stay under 5 % of the
records. (Here rather than in oversight/tests: the layers forbid oversight importing demo.)"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from thidua.demo.oversight_data import MORE, PLANTED, PROVINCES, build_oversight
from thidua.demo.tests.test_oversight_demo import provinces  # noqa: F401  (fixture)
from thidua.oversight.models import Finding, ProcurementPackage, TravelClaim

pytestmark = pytest.mark.django_db
START = dt.date(2015, 1, 1)


def test_the_planted_list_is_broad() -> None:
    assert len(PLANTED) >= 40
    assert len({p.rule for p in PLANTED}) >= 10
    assert len({(p.unit, p.year, p.rule) for p in PLANTED}) == len(PLANTED)
    assert {p.unit.split("-")[0] for p in PLANTED} == set(PROVINCES)
    assert {p.year for p in PLANTED} == {2024, 2025, 2026}
    assert ("TQ-KV01", 2026, "SPLIT") in {(p.unit, p.year, p.rule) for p in PLANTED}
    assert all(p.what for p in PLANTED)


@pytest.mark.usefixtures("provinces")
def test_each_planted_irregularity_is_flagged_and_little_else_is() -> None:
    build_oversight(random.Random(11))
    found = Counter(Finding.objects.values_list("unit__code", "year", "rule"))
    missing = [p for p in PLANTED if (p.unit, p.year, p.rule) not in found]
    assert missing == []
    assert len(MORE) + 11 == len(PLANTED)
    planted = {(p.unit, p.year, p.rule) for p in PLANTED}
    extra = [k for k in found if k not in planted]
    records = TravelClaim.objects.count() + ProcurementPackage.objects.count()
    assert sum(found[k] for k in extra) <= 0.05 * records, extra
    split = Finding.objects.get(unit__code="TQ-KV01", year=2026, rule="SPLIT")
    assert split.packages.count() == 3


@pytest.mark.usefixtures("provinces")
def test_each_planted_plan_case_is_flagged_and_the_rest_is_quiet() -> None:
    """The plan flags (disbursement, savings with no record, projects behind schedule) on the
    demo's records and annual reports: each planted case flagged, nothing else by these rules."""
    from thidua.demo.assets_data import PLANTED_ASSETS, build_assets
    from thidua.demo.plan_data import PLANTED_PLAN, build_plan
    from thidua.oversight.models_plan import Project
    from thidua.reporting.catalogue import load_catalogue
    from thidua.reporting.models import ReportForm

    load_catalogue()
    ReportForm.objects.create(
        code="thtk-nam", name="Báo cáo THTK-CLP năm", periodicity="year", valid_from=START
    )
    build_oversight(random.Random(11))
    build_assets(random.Random(12))
    build_plan(random.Random(13))
    plan_rules = {"DISBURSE_LAG", "SAVINGS_NO_RECORD", "PROJECT_BEHIND"}
    assert {p.rule for p in PLANTED_PLAN} == plan_rules
    found = set(
        Finding.objects.filter(rule__in=plan_rules).values_list("unit__code", "year", "rule")
    )
    assert found == {(p.unit, p.year, p.rule) for p in PLANTED_PLAN}
    everything = PLANTED + PLANTED_ASSETS + PLANTED_PLAN
    assert len(everything) >= 40 and len({p.rule for p in everything}) >= 10
    assert Project.objects.count() == 3 * len(PROVINCES) - 3 + 2  # clean, less those planted
    lag = Finding.objects.get(unit__code="HN", year=2025, rule="DISBURSE_LAG")
    assert lag.numbers["rate"] == "38" and lag.reports.count() == 1
