"""The oversight demo: each planted irregularity is flagged, and the clean records stay quiet."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from thidua.demo.oversight_data import PLANTED, PROVINCES, build_oversight
from thidua.org import actions
from thidua.org.actions import NewUnit
from thidua.org.models import OrgLevel
from thidua.oversight.models import Finding, ProcurementPackage, TravelClaim

pytestmark = pytest.mark.django_db
START = dt.date(2015, 6, 1)


@pytest.fixture
def provinces() -> None:
    top = OrgLevel.objects.create(code="tc", name="Tối cao", rank=0)
    province = OrgLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    regional = OrgLevel.objects.create(code="khu-vuc", name="Khu vực", rank=2)
    root = actions.create_unit(NewUnit("VKSNDTC", "VKSND tối cao", top, None), day=START)
    for code in PROVINCES:
        p = actions.create_unit(NewUnit(code, f"VKSND {code}", province, root), day=START)
        for n in (1, 2, 3):
            kv = NewUnit(f"{code}-KV0{n}", f"VKSND khu vực {n} {code}", regional, p)
            actions.create_unit(kv, day=dt.date(2025, 7, 1))


def test_each_planted_case_is_flagged(provinces: None) -> None:
    build_oversight(random.Random(7))
    found = set(Finding.objects.values_list("unit__code", "year", "rule"))
    missing = [p for p in PLANTED if (p.unit, p.year, p.rule) not in found]
    assert missing == []
    assert len({p.rule for p in PLANTED}) >= 10


def test_the_clean_records_are_not_drowned_in_flags(provinces: None) -> None:
    build_oversight(random.Random(7))
    planted = {(p.unit, p.year, p.rule) for p in PLANTED}
    extra = [
        f
        for f in Finding.objects.select_related("unit")
        if (f.unit.code, f.year, f.rule) not in planted
    ]
    records = TravelClaim.objects.count() + ProcurementPackage.objects.count()
    assert records > 200
    assert len(extra) <= 0.05 * records, [(f.unit.code, f.year, f.rule) for f in extra]


def test_the_demo_waste_reports_route_to_the_supervisor_and_open_with_the_code(
    provinces: None,
) -> None:
    from thidua.demo.waste_reports import ANSWER, CASES, build_waste_reports
    from thidua.notifications.models import Notification
    from thidua.oversight.models import WasteReport
    from thidua.oversight.reports import open_report

    build_oversight(random.Random(7))
    line = build_waste_reports()[0]
    assert WasteReport.objects.count() == len(CASES)
    states = set(WasteReport.objects.values_list("status", flat=True))
    assert states == {"new", "review", "confirmed", "dismissed"}
    code, secret = line.rstrip(".").split("mã ")[1].split(",")[0], line.rstrip(".").split()[-1]
    report = open_report(code, secret)
    assert report is not None and report.messages.get().text == ANSWER
    # Tuyên Quang's reports reach its supervisor; Hà Nội has none in the demo.
    assert Notification.objects.filter(kind="waste_report").count() == 4
