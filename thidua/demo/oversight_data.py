"""Oversight demo data (issue 13): travel claims and procurement packages 2024–2026 for four
provincial procuracies (Tuyên Quang, Hà Nội, Cần Thơ, Lào Cai) and their regional units, clean
on the whole, with the irregularities listed in PLANTED; a supervisor login for Tuyên Quang.

Every person, supplier and figure is FICTITIOUS. Records are written in bulk (the demo is data,
not a user's entry) and checked once per year by the same rules as the pages."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from thidua.accounts.actions import create_user, grant_role
from thidua.accounts.models import Role, RoleAssignment
from thidua.org.models import OrgUnit
from thidua.oversight.actions import recheck_year
from thidua.oversight.models import Finding, Norm, ProcurementPackage, TravelClaim
from thidua.oversight.norms import load_norms

from .build import DEMO_PASSWORD, FOUNDED
from .names import full_name

PROVINCES = ["TQ", "HN", "CT", "LCA"]
YEARS = (2024, 2025, 2026)
MERGER = dt.date(2025, 7, 1)
SUPERVISOR = ("giamsat.tq", "Giám sát", "Tuyên Quang", "TQ")
ITEMS = [
    ("Máy tính để bàn", "goods"),
    ("Máy in, máy photocopy", "goods"),
    ("Bàn ghế phòng làm việc", "goods"),
    ("Bảo trì hệ thống điều hòa", "services"),
    ("Vệ sinh trụ sở", "services"),
    ("Sửa chữa nhà để xe", "works"),
]


@dataclass(frozen=True)
class Planted:
    unit: str
    year: int
    rule: str
    what: str


PLANTED = [
    Planted("TQ-KV01", 2026, "SPLIT", "ba gói mua máy tính 180 triệu trong 25 ngày"),
    Planted("TQ", 2025, "DIRECT_OVER_LIMIT", "chỉ định thầu sửa chữa trụ sở 1,2 tỷ"),
    Planted("TQ-KV02", 2026, "SINGLE_BIDDER", "đấu thầu rộng rãi một nhà thầu"),
    Planted("TQ", 2024, "NORM_LODGING", "khoán phòng nghỉ 600.000 đ/đêm"),
    Planted("HN-KV01", 2026, "NORM_ALLOWANCE", "phụ cấp lưu trú 450.000 đ/ngày"),
    Planted("HN", 2025, "LATE_AWARD", "trao thầu 90 ngày sau đóng thầu"),
    Planted("CT", 2026, "SHORT_WINDOW", "đóng thầu sau 2 ngày"),
    Planted("CT", 2024, "NEAR_ESTIMATE", "giá trúng thầu bằng 99,6 % dự toán"),
    Planted("LCA", 2025, "REPEAT_SUPPLIER", "ba hợp đồng cho một nhà cung cấp"),
    Planted("LCA", 2026, "CENTRAL_BYPASS", "mua ô tô thuộc danh mục tập trung bằng chào hàng"),
    Planted("LCA-KV01", 2026, "PEER_TRAVEL", "chi phí công tác bình quân gấp nhiều lần"),
]

MORE: list[tuple[str, int, str]] = [
    ("HN", 2024, "SETTLEMENT_OVER"),
    ("TQ", 2026, "SETTLEMENT_OVER"),
    ("CT-KV02", 2026, "SETTLEMENT_OVER"),
    ("HN", 2026, "ONLY_WINNER_ELIGIBLE"),
    ("LCA", 2024, "ONLY_WINNER_ELIGIBLE"),
    ("TQ-KV03", 2026, "ONLY_WINNER_ELIGIBLE"),
    ("CT", 2025, "WIN_GAP"),
    ("HN-KV02", 2026, "WIN_GAP"),
    ("TQ", 2024, "WIN_GAP"),
    ("LCA", 2025, "ROUND_PCT_BIDS"),
    ("CT", 2024, "ROUND_PCT_BIDS"),
    ("HN-KV03", 2026, "ROUND_PCT_BIDS"),
    ("TQ", 2025, "REPEAT_DIRECT"),
    ("CT-KV01", 2026, "REPEAT_DIRECT"),
    ("HN", 2024, "REPEAT_DIRECT"),
    ("LCA-KV02", 2026, "YEAR_END_SPIKE"),
    ("HN", 2025, "YEAR_END_SPIKE"),
    ("CT", 2024, "YEAR_END_SPIKE"),
    ("HN", 2024, "SPLIT"),
    ("CT", 2025, "SPLIT"),
    ("LCA-KV03", 2026, "SPLIT"),
    ("CT-KV03", 2026, "DIRECT_OVER_LIMIT"),
    ("HN", 2026, "DIRECT_OVER_LIMIT"),
    ("LCA", 2024, "SINGLE_BIDDER"),
    ("HN-KV01", 2026, "SINGLE_BIDDER"),
    ("CT", 2025, "NORM_LODGING"),
    ("LCA", 2024, "NORM_LODGING"),
    ("TQ-KV03", 2026, "NORM_ALLOWANCE"),
    ("CT", 2024, "NORM_ALLOWANCE"),
    ("TQ", 2024, "LATE_AWARD"),
    ("LCA-KV01", 2026, "SHORT_WINDOW"),
    ("HN", 2026, "NEAR_ESTIMATE"),
    ("TQ", 2026, "CENTRAL_BYPASS"),
    ("CT", 2026, "REPEAT_SUPPLIER"),
]
"""More planted irregularities (issue 13 point 9): one generator per rule, `_plant_more`."""

WHAT = {
    "SETTLEMENT_OVER": "quyết toán vượt giá trúng thầu, không giải trình",
    "ONLY_WINNER_ELIGIBLE": "bốn hồ sơ dự thầu, chỉ nhà thầu trúng thầu đạt",
    "WIN_GAP": "giá trúng thầu thấp hơn giá xếp thứ hai 30 %",
    "ROUND_PCT_BIDS": "hai giá dự thầu chênh nhau đúng 5 %",
    "REPEAT_DIRECT": "hai gói chỉ định thầu cho cùng một công ty",
    "YEAR_END_SPIKE": "ba gói lớn trao thầu trong tháng 12",
    "SPLIT": "ba gói mua sắm 180 triệu trong 20 ngày",
    "DIRECT_OVER_LIMIT": "chỉ định thầu 900 triệu",
    "SINGLE_BIDDER": "chào hàng cạnh tranh một nhà thầu",
    "NORM_LODGING": "khoán phòng nghỉ 600.000 đ/đêm",
    "NORM_ALLOWANCE": "phụ cấp lưu trú vượt định mức",
    "LATE_AWARD": "trao thầu 80 ngày sau đóng thầu",
    "SHORT_WINDOW": "đóng thầu sau 1 ngày",
    "NEAR_ESTIMATE": "giá trúng thầu bằng 99,8 % dự toán",
    "CENTRAL_BYPASS": "mua máy photocopy thuộc danh mục tập trung bằng đấu thầu",
    "REPEAT_SUPPLIER": "ba hợp đồng cho một nhà cung cấp",
}
PLANTED += [Planted(unit, year, rule, WHAT[rule]) for unit, year, rule in MORE]


def _units(year: int) -> list[OrgUnit]:
    """The provinces, and from the 2025 reorganisation their regional units."""
    codes = [*PROVINCES]
    day = dt.date(year, 6, 1)
    units = list(OrgUnit.objects.filter(code__in=codes))
    if day >= MERGER or year > 2025:
        units += list(
            OrgUnit.objects.filter(code__regex=r"^(TQ|HN|CT|LCA)-KV0[1-3]$").order_by("code")
        )
    return units


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.travel: list[TravelClaim] = []
        self.packages: list[ProcurementPackage] = []
        self.supplier = 0

    def tax(self) -> str:
        self.supplier += 1
        return f"01{self.supplier:08d}"

    def trip(self, unit: OrgUnit, year: int, n: int, **kw: object) -> None:
        rng = self.rng
        start = dt.date(year, rng.randint(2, 10), rng.randint(1, 25))
        days = int(kw.pop("days", rng.randint(2, 4)))  # type: ignore[call-overload]
        rate = 300_000 if start >= dt.date(2025, 5, 4) else 200_000
        values: dict[str, object] = {
            "unit": unit,
            "year": year,
            "person": full_name(rng, rng.random() < 0.5),
            "start": start,
            "end": start + dt.timedelta(days=days - 1),
            "destination": rng.choice(["town", "other", "city"]),
            "allowance_paid": Decimal(rate * days),
            "lodging_mode": "invoice",
            "lodging_paid": Decimal(600_000 * (days - 1)),
            "transport_paid": Decimal(rng.choice([400_000, 600_000, 800_000])),
        }
        self.travel.append(TravelClaim(**(values | kw)))

    def package(self, unit: OrgUnit, year: int, **kw: object) -> None:
        rng = self.rng
        item, category = rng.choice(ITEMS)
        award = dt.date(year, rng.randint(2, 11), rng.randint(1, 28))
        estimate = Decimal(rng.randint(6, 30) * 50_000_000)
        values: dict[str, object] = {
            "unit": unit,
            "year": year,
            "item": item,
            "category": category,
            "method": rng.choice(["open", "competitive"]),
            "estimate": estimate,
            "award_price": (estimate * Decimal(rng.randint(85, 96)) / 100).quantize(Decimal(1)),
            "bidders": rng.randint(2, 5),
            "supplier_tax_code": self.tax(),
            "supplier_name": f"Công ty TNHH Cung ứng {self.supplier:03d}",
            "notice_date": award - dt.timedelta(days=rng.randint(35, 50)),
            "bid_closing": award - dt.timedelta(days=rng.randint(10, 25)),
            "award_date": award,
        }
        self.packages.append(ProcurementPackage(**(values | kw)))

    def clean_year(self, unit: OrgUnit, year: int) -> None:
        for n in range(self.rng.randint(5, 8)):
            self.trip(unit, year, n)
        for _n in range(self.rng.randint(2, 4)):
            self.package(unit, year)


def _plant(b: _Builder, units: dict[str, OrgUnit]) -> None:
    d = dt.date
    kv1 = units["TQ-KV01"]
    for i, day in enumerate((d(2026, 3, 2), d(2026, 3, 12), d(2026, 3, 27))):
        b.package(
            kv1,
            2026,
            item=f"Máy tính xách tay, đợt {i + 1}",
            category="goods",
            method="direct",
            estimate=Decimal(180_000_000),
            award_price=Decimal(180_000_000),
            bidders=1,
            notice_date=None,
            bid_closing=None,
            award_date=day,
        )
    b.package(
        units["TQ"],
        2025,
        item="Sửa chữa trụ sở",
        category="works",
        method="direct",
        estimate=Decimal(1_200_000_000),
        award_price=Decimal(1_190_000_000),
        bidders=1,
        award_date=d(2025, 9, 15),
    )
    b.package(units["TQ-KV02"], 2026, bidders=1, award_date=d(2026, 5, 20))
    b.trip(
        units["TQ"],
        2024,
        0,
        start=d(2024, 4, 8),
        end=d(2024, 4, 10),
        days=3,
        destination="town",
        allowance_paid=Decimal(600_000),
        lodging_mode="lump_sum",
        lodging_paid=Decimal(1_200_000),
    )
    b.trip(
        units["HN-KV01"],
        2026,
        0,
        start=d(2026, 6, 1),
        end=d(2026, 6, 3),
        days=3,
        allowance_paid=Decimal(1_350_000),
    )
    b.package(
        units["HN"],
        2025,
        notice_date=d(2025, 3, 1),
        bid_closing=d(2025, 3, 20),
        award_date=d(2025, 6, 18),
    )
    b.package(
        units["CT"],
        2026,
        notice_date=d(2026, 4, 1),
        bid_closing=d(2026, 4, 3),
        award_date=d(2026, 4, 20),
    )
    b.package(
        units["CT"],
        2024,
        estimate=Decimal(500_000_000),
        award_price=Decimal(498_000_000),
        award_date=d(2024, 8, 5),
    )
    for day in (d(2025, 2, 10), d(2025, 6, 10), d(2025, 10, 10)):
        b.package(
            units["LCA"],
            2025,
            supplier_tax_code="0109999999",
            supplier_name="Công ty TNHH Thiết bị văn phòng Hoàng Liên",
            award_date=day,
        )
    b.package(
        units["LCA"],
        2026,
        item="Ô tô phục vụ công tác chung",
        category="goods",
        on_central_list=True,
        method="competitive",
        award_date=d(2026, 7, 1),
    )
    for _n in range(6):
        b.trip(units["LCA-KV01"], 2026, 0, person="Phạm Văn Đi", days=20)


def _plant_one(b: _Builder, u: OrgUnit, y: int, rule: str) -> None:
    d, m = dt.date, Decimal
    if rule == "SETTLEMENT_OVER":
        b.package(
            u, y, estimate=m(800_000_000), award_price=m(720_000_000), settlement=m(790_000_000)
        )
    elif rule == "ONLY_WINNER_ELIGIBLE":
        b.package(u, y, bidders=4, eligible_bidders=1)
    elif rule == "WIN_GAP":
        b.package(
            u,
            y,
            estimate=m(1_100_000_000),
            award_price=m(700_000_000),
            next_bid=m(1_000_000_000),
            bid_prices=[700_000_000, 1_000_000_000, 1_040_000_001],
        )
    elif rule == "ROUND_PCT_BIDS":
        b.package(
            u,
            y,
            estimate=m(900_000_000),
            award_price=m(800_000_000),
            bid_prices=[800_000_000, 840_000_000],
        )
    elif rule == "REPEAT_DIRECT":
        tax = b.tax()
        for day, (item, category) in ((d(y, 3, 4), ITEMS[3]), (d(y, 9, 8), ITEMS[5])):
            b.package(
                u,
                y,
                item=item,
                category=category,
                method="direct",
                bidders=1,
                estimate=m(60_000_000),
                award_price=m(60_000_000),
                notice_date=None,
                bid_closing=None,
                award_date=day,
                supplier_tax_code=tax,
                supplier_name="Công ty TNHH Dịch vụ Thành Đạt",
            )
    elif rule == "YEAR_END_SPIKE":
        for dom in (5, 12, 19):
            b.package(
                u,
                y,
                estimate=m(3_000_000_000),
                award_price=m(2_700_000_000),
                notice_date=d(y, 10, dom),
                bid_closing=d(y, 11, dom),
                award_date=d(y, 12, dom),
            )
    elif rule == "SPLIT":
        for dom in (3, 13, 23):
            b.package(
                u,
                y,
                item="Máy tính để bàn",
                category="goods",
                method="direct",
                bidders=1,
                estimate=m(180_000_000),
                award_price=m(180_000_000),
                notice_date=None,
                bid_closing=None,
                award_date=d(y, 8, dom),
            )
    elif rule == "DIRECT_OVER_LIMIT":
        b.package(
            u,
            y,
            method="direct",
            bidders=1,
            estimate=m(900_000_000),
            award_price=m(900_000_000),
            notice_date=None,
            bid_closing=None,
        )
    elif rule == "SINGLE_BIDDER":
        b.package(u, y, method="competitive", bidders=1)
    elif rule == "NORM_LODGING":
        b.trip(
            u,
            y,
            0,
            start=d(y, 3, 10),
            end=d(y, 3, 12),
            days=3,
            destination="town",
            allowance_paid=m(600_000),
            lodging_mode="lump_sum",
            lodging_paid=m(1_200_000),
        )
    elif rule == "NORM_ALLOWANCE":
        per_day = 450_000 if y >= 2026 else 350_000
        b.trip(u, y, 0, start=d(y, 9, 14), end=d(y, 9, 15), days=2, allowance_paid=m(per_day * 2))
    elif rule == "LATE_AWARD":
        b.package(u, y, notice_date=d(y, 2, 1), bid_closing=d(y, 3, 1), award_date=d(y, 5, 20))
    elif rule == "SHORT_WINDOW":
        b.package(u, y, notice_date=d(y, 6, 2), bid_closing=d(y, 6, 3), award_date=d(y, 6, 24))
    elif rule == "NEAR_ESTIMATE":
        b.package(u, y, estimate=m(600_000_000), award_price=m(598_800_000))
    elif rule == "CENTRAL_BYPASS":
        b.package(u, y, item="Máy photocopy", category="goods", on_central_list=True, method="open")
    elif rule == "REPEAT_SUPPLIER":
        tax = b.tax()
        for month in (3, 6, 9):
            b.package(
                u,
                y,
                award_date=d(y, month, 15),
                supplier_tax_code=tax,
                supplier_name="Công ty Cổ phần Văn phòng phẩm Sông Hậu",
            )
    else:  # pragma: no cover - MORE lists only the rules above
        raise ValueError(rule)


def _plant_more(b: _Builder) -> None:
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={c for c, _y, _r in MORE})}
    for code, year, rule in MORE:
        _plant_one(b, units[code], year, rule)


def build_oversight(rng: random.Random) -> list[str]:
    """Records, planted irregularities and the checks' findings; the supervisor login."""
    load_norms(Norm)  # idempotent: the migration's data, again after a flushed database
    b = _Builder(rng)
    for year in YEARS:
        for unit in _units(year):
            b.clean_year(unit, year)
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={p.unit for p in PLANTED})}
    _plant(b, units)
    _plant_more(b)
    TravelClaim.objects.bulk_create(b.travel, batch_size=1000)
    ProcurementPackage.objects.bulk_create(b.packages, batch_size=1000)
    for year in YEARS:
        recheck_year(year)
    username, first, last, code = SUPERVISOR
    user = create_user(username, DEMO_PASSWORD, first_name=first, last_name=last)
    unit = OrgUnit.objects.get(code=code)
    grant_role(RoleAssignment(user=user, role=Role.SUPERVISOR, unit=unit, valid_from=FOUNDED))
    return [
        f"Giám sát: {len(b.travel)} khoản công tác phí, {len(b.packages)} gói thầu, "
        f"{Finding.objects.count()} phát hiện ({len(PLANTED)} trường hợp cài sẵn); "
        f"tài khoản giám sát Tuyên Quang: {username}."
    ]
