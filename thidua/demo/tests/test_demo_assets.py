"""The demo's conferences, vehicles, office space and assets: each planted irregularity of
these kinds is flagged, and the clean records stay quiet."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from thidua.demo.assets_data import PLANTED_ASSETS, build_assets
from thidua.demo.oversight_data import PROVINCES
from thidua.org import actions
from thidua.org.actions import NewUnit
from thidua.org.models import OrgLevel
from thidua.oversight.models import Finding
from thidua.oversight.models_assets import Asset, Conference, OfficeSpace, Vehicle
from thidua.oversight.rules import REGISTRY

pytestmark = pytest.mark.django_db
START = dt.date(2015, 6, 1)
ASSET_RULES = {
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


@pytest.fixture
def provinces() -> None:
    top = OrgLevel.objects.create(code="tc", name="Tối cao", rank=0)
    province = OrgLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    regional = OrgLevel.objects.create(code="khu-vuc", name="Khu vực", rank=2)
    root = actions.create_unit(NewUnit("VKSNDTC", "VKSND tối cao", top, None), day=START)
    for i, code in enumerate(PROVINCES):
        spec = NewUnit(code, f"VKSND {code}", province, root, staff_count=60 + 10 * i)
        p = actions.create_unit(spec, day=START)
        for n in (1, 2, 3):
            kv = NewUnit(f"{code}-KV0{n}", f"VKSND khu vực {n} {code}", regional, p, staff_count=25)
            actions.create_unit(kv, day=dt.date(2025, 7, 1))


def test_each_planted_asset_case_is_flagged_and_the_rest_is_quiet(provinces: None) -> None:
    build_assets(random.Random(7))
    assert {p.rule for p in PLANTED_ASSETS} == ASSET_RULES
    found = set(Finding.objects.values_list("unit__code", "year", "rule"))
    missing = [p for p in PLANTED_ASSETS if (p.unit, p.year, p.rule) not in found]
    assert missing == []
    planted = {(p.unit, p.year, p.rule) for p in PLANTED_ASSETS}
    extra = [
        (f.unit.code, f.year, f.rule)
        for f in Finding.objects.select_related("unit")
        if f.rule in ASSET_RULES and (f.unit.code, f.year, f.rule) not in planted
    ]
    records = sum(m.objects.count() for m in (Conference, Vehicle, OfficeSpace, Asset))
    assert records > 150
    assert extra == []
    # Every finding of these kinds links the records behind it.
    for f in Finding.objects.filter(rule__in=ASSET_RULES):
        linked = f.conferences.count() + f.vehicles.count() + f.offices.count()
        assert linked + f.assets.count() > 0, REGISTRY[f.rule].code
    assert Asset.objects.filter(code="TS-CU").count() == 2
