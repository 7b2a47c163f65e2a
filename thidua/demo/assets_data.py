"""Demo conferences, vehicles, office space and asset register (issue 13) for 2024–2026 in the
demo sector's provincial and regional units: clean on the whole, with the irregularities
listed in PLANTED_ASSETS. Every figure is FICTITIOUS. Written in bulk, then checked once per
year by the same rules as the pages."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from thidua.org.models import OrgUnit
from thidua.oversight.actions import recheck_year
from thidua.oversight.models import Norm
from thidua.oversight.models_assets import Asset, Conference, OfficeSpace, Vehicle
from thidua.oversight.norms import load_norms, norm_table
from thidua.oversight.rules_assets import vehicle_quota

from .oversight_data import YEARS, Planted, _units

D = dt.date
PLANTED_ASSETS = [
    Planted("TQ", 2025, "NORM_CONFERENCE", "hỗ trợ tiền ăn đại biểu 300.000 đ/ngày"),
    Planted(
        "CT-KV02", 2026, "PEER_CONFERENCE", "hội nghị tại khu nghỉ dưỡng, chi phí gấp nhiều lần"
    ),
    Planted("HN", 2026, "VEHICLE_QUOTA", "giữ nhiều hơn định mức một xe phục vụ công tác chung"),
    Planted("LCA", 2024, "VEHICLE_PRICE", "mua xe 5 chỗ giá 1,15 tỷ đồng"),
    Planted("TQ-KV01", 2026, "VEHICLE_EARLY_DISPOSAL", "thanh lý xe sau 7 năm, 90.000 km"),
    Planted("CT", 2025, "OFFICE_AREA", "20 m² làm việc mỗi người"),
    Planted("HN-KV02", 2026, "OFFICE_SHARED", "diện tích dùng chung 65%"),
    Planted("TQ", 2026, "IDLE_ASSET", "trụ sở cũ bỏ trống từ 07/2025"),
    Planted("LCA-KV03", 2026, "UPKEEP_UNUSABLE", "bảo dưỡng máy phát điện đã hỏng"),
]
TITLES = ["Hội nghị triển khai công tác năm", "Hội nghị sơ kết 6 tháng", "Tập huấn nghiệp vụ"]


def _staff(unit: OrgUnit) -> int:
    return unit.staff_count or 20


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.conferences: list[Conference] = []
        self.vehicles: list[Vehicle] = []
        self.offices: list[OfficeSpace] = []
        self.assets: list[Asset] = []

    def conference(self, unit: OrgUnit, year: int, title: str, **kw: object) -> None:
        rng = self.rng
        days = rng.randint(1, 2)
        on, off = rng.randint(20, 60), rng.randint(0, 10)
        level = "province"
        meal = 150_000 * off * days * rng.randint(80, 130) // 100
        refresh = 80_000 * (on + off) * days * rng.randint(70, 100) // 100
        values: dict[str, object] = {
            "unit": unit,
            "year": year,
            "title": title,
            "start": D(year, rng.randint(1, 11), rng.randint(1, 28)),
            "days": days,
            "level": level,
            "on_payroll": on,
            "off_payroll": off,
            "meals_paid": Decimal(meal),
            "refreshments_paid": Decimal(refresh),
            "venue_paid": Decimal(rng.randint(3, 8) * 1_000_000 * days),
            "other_paid": Decimal(rng.randint(1, 3) * 500_000),
        }
        self.conferences.append(Conference(**(values | kw)))

    def car(self, unit: OrgUnit, year: int, n: int, **kw: object) -> None:
        values: dict[str, object] = {
            "unit": unit,
            "year": year,
            "plate": f"{unit.code}-{n:02d}",
            "seats": 7,
            "kind": "general",
            "purchase_date": D(2019 + (unit.pk + n) % 4, 3, 15),
            "price": Decimal(850_000_000),
            "odometer": 30_000 * (year - 2018),
        }
        self.vehicles.append(Vehicle(**(values | kw)))

    def office(self, unit: OrgUnit, year: int, **kw: object) -> None:
        staff = _staff(unit)
        title = Decimal(staff * self.rng.randint(8, 11))
        values: dict[str, object] = {
            "unit": unit,
            "year": year,
            "building": f"Trụ sở {unit.name}",
            "staff": staff,
            "title_area": title,
            "shared_area": (title * Decimal(self.rng.randint(30, 45)) / 100).quantize(Decimal(1)),
            "special_area": Decimal(self.rng.randint(40, 120)),
        }
        self.offices.append(OfficeSpace(**(values | kw)))

    def asset(self, unit: OrgUnit, year: int, code: str, name: str, **kw: object) -> None:
        values: dict[str, object] = {
            "unit": unit,
            "year": year,
            "code": code,
            "name": name,
            "category": "equipment",
            "cost": Decimal(self.rng.randint(20, 200) * 1_000_000),
            "months": "u" * 12,
            "upkeep": Decimal(self.rng.randint(0, 5) * 1_000_000),
        }
        self.assets.append(Asset(**(values | kw)))

    def clean_year(self, unit: OrgUnit, year: int) -> None:
        for title in self.rng.sample(TITLES, 2):
            self.conference(unit, year, title)
        self.car(unit, year, 1)
        if unit.code.isalpha():  # a provincial procuracy: a car assigned to its head too
            self.car(unit, year, 9, kind="title", seats=5, price=Decimal(1_200_000_000))
        self.office(unit, year)
        self.asset(unit, year, "MT-01", "Máy chủ phòng máy")
        self.asset(unit, year, "DH-01", "Hệ thống điều hòa trung tâm")


def _plant(b: _Builder, units: dict[str, OrgUnit]) -> None:
    b.conference(
        units["TQ"], 2025, "Hội nghị tổng kết", days=2, on_payroll=30, off_payroll=20,
        meals_paid=Decimal(300_000 * 20 * 2), refreshments_paid=Decimal(80_000 * 50 * 2),
    )  # fmt: skip
    b.conference(
        units["CT-KV02"], 2026, "Hội nghị tại khu nghỉ dưỡng", days=3, on_payroll=25,
        off_payroll=0, meals_paid=Decimal(0), refreshments_paid=Decimal(0),
        venue_paid=Decimal(450_000_000), other_paid=Decimal(120_000_000),
    )  # fmt: skip
    hn = units["HN"]
    quota = vehicle_quota(_staff(hn), norm_table(), D(2026, 12, 31)) or 1
    for n in range(10, 10 + quota):  # with the clean year's car 1: quota + 1 cars in all
        b.car(hn, 2026, n)
    b.car(units["LCA"], 2024, 5, seats=5, purchase_date=D(2024, 5, 10), price=1_150_000_000)
    b.car(
        units["TQ-KV01"], 2026, 7, purchase_date=D(2019, 2, 1), odometer=90_000,
        disposal_date=D(2026, 3, 15),
    )  # fmt: skip
    ct = next(o for o in b.offices if o.unit_id == units["CT"].pk and o.year == 2025)
    ct.title_area = Decimal(ct.staff * 20)
    ct.shared_area = (ct.title_area * Decimal("0.4")).quantize(Decimal(1))
    hn2 = next(o for o in b.offices if o.unit_id == units["HN-KV02"].pk and o.year == 2026)
    hn2.shared_area = (hn2.title_area * Decimal("0.65")).quantize(Decimal(1))
    for year, months in ((2025, "u" * 6 + "i" * 6), (2026, "i" * 12)):
        b.asset(units["TQ"], year, "TS-CU", "Trụ sở cũ (số 12 đường Tân Trào)", category="office",
                months=months, upkeep=Decimal(6_000_000))  # fmt: skip
    b.asset(units["LCA-KV03"], 2026, "MPD-01", "Máy phát điện dự phòng",
            months="u" * 3 + "x" * 9, upkeep=Decimal(18_500_000))  # fmt: skip


def build_assets(rng: random.Random) -> list[str]:
    """The records, the planted irregularities and the checks of each year."""
    load_norms(Norm)  # idempotent: the migrations' data, again after a flushed database
    b = _Builder(rng)
    for year in YEARS:
        for unit in _units(year):
            b.clean_year(unit, year)
    codes = {p.unit for p in PLANTED_ASSETS}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    _plant(b, units)
    Conference.objects.bulk_create(b.conferences, batch_size=1000)
    Vehicle.objects.bulk_create(b.vehicles, batch_size=1000)
    OfficeSpace.objects.bulk_create(b.offices, batch_size=1000)
    Asset.objects.bulk_create(b.assets, batch_size=1000)
    for year in YEARS:
        recheck_year(year)
    return [
        f"Giám sát tài sản: {len(b.conferences)} hội nghị, {len(b.vehicles)} xe ô tô (theo năm), "
        f"{len(b.offices)} trụ sở, {len(b.assets)} tài sản ({len(PLANTED_ASSETS)} trường hợp"
        " cài sẵn)."
    ]
