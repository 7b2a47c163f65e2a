"""The demo KSND sector: the real provinces before and after the merger of 01/07/2025
(data/ copies ../shared/data), the supreme procuracy's departments, the three high-level
procuracies (wound up on 01/07/2025), synthetic district procuracies (~700; their real names
are not in our sources) merged into 355 regional procuracies, ~16,000 staff with position
histories, a user for each role, and the movement plan. Deterministic: seeded."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from thidua.accounts.actions import create_user, grant_role
from thidua.accounts.models import Role, RoleAssignment, User
from thidua.council.holidays import load_holidays
from thidua.lib.dates import OPEN_END
from thidua.lib.text import fold, vn_sort_key
from thidua.org import actions
from thidua.org.actions import NewUnit
from thidua.org.body import Body
from thidua.org.levels import load_levels
from thidua.org.models import OrgLevel, OrgUnit, Person, Position
from thidua.packs.loader import load_pack, read_pack
from thidua.packs.setup import pack_wording

from .awards import build_awards
from .council import build_council
from .disclosures import build_disclosures
from .evaluation import build_evaluation
from .names import full_name
from .reports import ReportSummary, generate_reports, load_reporting_setup

DATA = Path(__file__).resolve().parent / "data"
FOUNDED = dt.date(2015, 6, 1)  # Law on the Organisation of People's Procuracies 2014 in force
HUE_CITY = dt.date(2025, 1, 1)  # Resolution 175/2024/QH15
MERGER = dt.date(2025, 7, 1)  # Resolution 202/2025/QH15; Resolution 84/2025/UBTVQH15
DISTRICTS_TOTAL = 696
REGIONAL_TOTAL = 355
REGIONAL_KNOWN = {"HCM": 19}  # Decision 115/QĐ-VKSTC annex (single source)
DEMO_PASSWORD = "thidua-demo-2026"
BASIS_MERGER = "Nghị quyết 84/2025/UBTVQH15"

PACK = "ksnd"  # the sector pack the demo is built on (thidua/packs/ksnd/)
DEPARTMENTS = [f"Vụ {n}" for n in range(1, 17)] + [
    "Cục 1",
    "Cục 2",
    "Cục 3",
    "Văn phòng",
    "Thanh tra",
    "Viện Khoa học kiểm sát",
    "Báo Bảo vệ pháp luật",
    "Tạp chí Kiểm sát",
    "Trường Đại học Kiểm sát Hà Nội",
    "Trường Đào tạo, bồi dưỡng nghiệp vụ Kiểm sát tại TP. Hồ Chí Minh",
]
HIGH_LEVEL = [("CC-HN", "Hà Nội"), ("CC-DNG", "Đà Nẵng"), ("CC-HCM", "TP. Hồ Chí Minh")]


@dataclass
class Credentials:
    username: str
    role: str
    unit: str


@dataclass
class Demo:
    rng: random.Random
    levels: dict[str, OrgLevel] = field(default_factory=dict)
    supreme: OrgUnit | None = None
    provinces: dict[str, OrgUnit] = field(default_factory=dict)
    districts: dict[str, list[OrgUnit]] = field(default_factory=dict)
    regionals: dict[str, list[OrgUnit]] = field(default_factory=dict)
    credentials: list[Credentials] = field(default_factory=list)
    reports: ReportSummary | None = None
    emulation: list[str] = field(default_factory=list)


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _prefix(kind: str) -> str:
    return "thành phố" if kind == "thanh_pho_truc_thuoc_trung_uong" else "tỉnh"


def _spread(
    total: int, weights: dict[str, float], fixed: dict[str, int], floor: Callable[[str], int]
) -> dict[str, int]:
    """Split `total` over keys by weight (largest remainder), honouring fixed counts."""
    free = {k: w for k, w in weights.items() if k not in fixed}
    rest = total - sum(fixed.values())
    scale = rest / sum(free.values())
    raw = {k: w * scale for k, w in free.items()}
    counts = {k: max(floor(k), int(v)) for k, v in raw.items()}
    order = sorted(free, key=lambda k: raw[k] - int(raw[k]), reverse=True)
    i = 0
    while sum(counts.values()) < rest:
        counts[order[i % len(order)]] += 1
        i += 1
    return {**counts, **fixed}


def build_levels(demo: Demo) -> None:
    """The sector's levels, from the pack."""
    demo.levels = load_levels(read_pack(PACK).file("levels"))


def build_before(demo: Demo) -> None:
    """The structure in force from 2015: supreme, departments, high-level, 63 provinces,
    district procuracies."""
    lv = demo.levels
    supreme = actions.create_unit(
        NewUnit(
            "VKSNDTC",
            "Viện kiểm sát nhân dân tối cao",
            lv["toi-cao"],
            None,
            budget_role="budget_level",
        ),
        day=FOUNDED,
        legal_basis="Luật Tổ chức VKSND 2014",
    )
    demo.supreme = supreme
    for n, name in enumerate(DEPARTMENTS, start=1):
        actions.create_unit(
            NewUnit(f"VKSNDTC-{n:02d}", name, lv["don-vi-vkstc"], supreme, kind="internal"),
            day=FOUNDED,
        )
    for code, place in HIGH_LEVEL:
        actions.create_unit(
            NewUnit(
                code,
                f"VKSND cấp cao tại {place}",
                lv["cap-cao"],
                supreme,
                budget_role="direct_spending",
            ),
            day=FOUNDED,
        )
    old = _read("provinces_2024.csv")
    counts = _spread(
        DISTRICTS_TOTAL, {r["code"]: demo.rng.uniform(7, 16) for r in old}, {}, lambda _k: 6
    )
    for row in old:
        unit = actions.create_unit(
            NewUnit(
                row["code"],
                f"VKSND {_prefix(row['kind'])} {row['name']}",
                lv["cap-tinh"],
                supreme,
                budget_role="upper_level",
            ),
            day=FOUNDED,
        )
        demo.provinces[row["name"]] = unit
        demo.districts[row["name"]] = [
            actions.create_unit(
                NewUnit(
                    f"{row['code']}-H{n:02d}",
                    f"VKSND cấp huyện số {n:02d} – {row['name']}",
                    lv["cap-huyen"],
                    unit,
                    budget_role="direct_spending",
                ),
                day=FOUNDED,
            )
            for n in range(1, counts[row["code"]] + 1)
        ]


def build_reorganisation(demo: Demo) -> None:
    """Huế becomes a city (01/01/2025); on 01/07/2025 the high-level procuracies close into
    the supreme procuracy, 63 provinces become 34, districts merge into regional units."""
    hue = demo.provinces["Thừa Thiên Huế"]
    actions.rename_unit(
        hue, "VKSND thành phố Huế", day=HUE_CITY, legal_basis="Nghị quyết 175/2024/QH15"
    )
    assert demo.supreme is not None
    for code, _place in HIGH_LEVEL:
        actions.close_unit(
            OrgUnit.objects.get(code=code),
            day=MERGER,
            successor=demo.supreme,
            legal_basis=BASIS_MERGER,
        )
    new = _read("provinces_2025.csv")
    members = {r["code"]: r["merged_from"].split(";") for r in new}
    weights = {c: float(sum(len(demo.districts[m]) for m in ms)) for c, ms in members.items()}
    regional = _spread(REGIONAL_TOTAL, weights, REGIONAL_KNOWN, lambda _k: 3)
    for row in new:
        _merge_province(demo, row, members[row["code"]], regional[row["code"]])


def _merge_province(demo: Demo, row: dict[str, str], merged: list[str], n_regional: int) -> None:
    kept = demo.provinces[merged[0]]
    districts = [d for name in merged for d in demo.districts[name]]
    units = [
        actions.create_unit(
            NewUnit(
                f"{row['code']}-KV{n:02d}",
                f"VKSND khu vực {n} – {row['name']}",
                demo.levels["khu-vuc"],
                kept,
                budget_role="direct_spending",
            ),
            day=MERGER,
            legal_basis=BASIS_MERGER,
        )
        for n in range(1, n_regional + 1)
    ]
    demo.regionals[row["code"]] = units
    groups: list[list[OrgUnit]] = [[] for _ in units]
    for i, district in enumerate(districts):
        groups[i * len(units) // len(districts)].append(district)
    for unit, group in zip(units, groups, strict=True):
        actions.merge_units(group, into=unit, day=MERGER, legal_basis=BASIS_MERGER)
    if len(merged) > 1:
        actions.merge_units(
            [demo.provinces[m] for m in merged[1:]], into=kept, day=MERGER, legal_basis=BASIS_MERGER
        )
    new_name = f"VKSND {_prefix(row['kind'])} {row['name']}"
    if kept.name != new_name:
        actions.rename_unit(kept, new_name, day=MERGER, legal_basis=BASIS_MERGER)


TITLES_PROCURACY = [
    ("Kiểm sát viên cao cấp", 0.04),
    ("Kiểm sát viên trung cấp", 0.22),
    ("Kiểm sát viên sơ cấp", 0.26),
    ("Kiểm tra viên", 0.22),
    ("Chuyên viên", 0.12),
    ("Kế toán", 0.04),
    ("Văn thư", 0.05),
    ("Lái xe", 0.05),
]
TITLES_DEPARTMENT = [
    ("Kiểm sát viên cao cấp", 0.18),
    ("Kiểm sát viên trung cấp", 0.20),
    ("Kiểm tra viên", 0.17),
    ("Chuyên viên", 0.35),
    ("Kế toán", 0.04),
    ("Văn thư", 0.06),
]
STAFF_RANGE = {"don-vi-vkstc": (28, 62), "cap-tinh": (118, 170), "khu-vuc": (20, 36)}


def _heads(unit: OrgUnit) -> list[str]:
    if unit.level.code == "don-vi-vkstc":
        head = "Vụ trưởng" if unit.name.startswith("Vụ") else "Thủ trưởng đơn vị"
        return [head, "Phó " + head[0].lower() + head[1:], "Phó " + head[0].lower() + head[1:]]
    return ["Viện trưởng", "Phó Viện trưởng", "Phó Viện trưởng"]


def _titles(rng: random.Random, unit: OrgUnit, n: int) -> list[str]:
    table = TITLES_DEPARTMENT if unit.level.code == "don-vi-vkstc" else TITLES_PROCURACY
    titles = _heads(unit)
    titles += rng.choices([t for t, _w in table], weights=[w for _t, w in table], k=n - 3)
    return titles


def _origins(demo: Demo) -> dict[int, list[OrgUnit]]:
    """Where each current unit's staff worked before 01/07/2025."""
    origins: dict[int, list[OrgUnit]] = {}
    high = list(OrgUnit.objects.filter(code__in=[c for c, _p in HIGH_LEVEL]))
    for unit in OrgUnit.objects.filter(level__code="don-vi-vkstc"):
        origins[unit.pk] = high
    for regional in OrgUnit.objects.filter(level__code="khu-vuc").prefetch_related(
        "predecessor_links__predecessor"
    ):
        origins[regional.pk] = [link.predecessor for link in regional.predecessor_links.all()]
    for province in OrgUnit.objects.filter(level__code="cap-tinh", valid_to=OPEN_END):
        origins[province.pk] = [link.predecessor for link in province.predecessor_links.all()]
    return origins


def build_staff(demo: Demo) -> int:
    """~16,000 people in today's units, with the positions they held before the merger."""
    rng, seq = demo.rng, 0
    origins = _origins(demo)
    people: list[Person] = []
    plans: list[tuple[int, OrgUnit, str, OrgUnit | None, dt.date]] = []
    units = OrgUnit.objects.current().filter(level__code__in=STAFF_RANGE).select_related("level")
    for unit in units.order_by("code"):
        low, high = STAFF_RANGE[unit.level.code]
        for title in _titles(rng, unit, rng.randint(low, high)):
            seq += 1
            female = rng.random() < 0.42
            born = dt.date(rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28))
            joined = max(dt.date(born.year + 23, rng.randint(1, 12), 1), dt.date(1990, 1, 1))
            name = full_name(rng, female)
            people.append(
                Person(
                    code=f"CB{seq:06d}",
                    full_name=name,
                    gender="female" if female else "male",
                    birth_date=born,
                    joined_on=joined,
                    search_key=fold(f"{name} CB{seq:06d}"),
                    sort_key=vn_sort_key(name, given_name_first=True),
                )
            )
            share = 1.0 if unit.level.code == "khu-vuc" else 0.25
            before = (
                rng.choice(origins[unit.pk])
                if origins.get(unit.pk) and (rng.random() < share)
                else None
            )
            plans.append((seq - 1, unit, title, before, joined))
    Person.objects.bulk_create(people, batch_size=2000)
    saved = list(Person.objects.order_by("code"))
    positions: list[Position] = []
    for index, unit, title, before, joined in plans:
        person = saved[index]
        if before is not None:
            start = max(joined, before.valid_from)
            positions.append(
                Position(person=person, unit=before, title=title, valid_from=start, valid_to=MERGER)
            )
            positions.append(Position(person=person, unit=unit, title=title, valid_from=MERGER))
        else:
            positions.append(
                Position(
                    person=person, unit=unit, title=title, valid_from=max(joined, unit.valid_from)
                )
            )
    Position.objects.bulk_create(positions, batch_size=4000)
    _update_staff_counts()
    return len(saved)


def _update_staff_counts() -> None:
    from django.db.models import Count

    counts = dict(
        Position.objects.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
    )
    units = list(OrgUnit.objects.all())
    for unit in units:
        unit.staff_count = counts.get(unit.pk, 0)
    OrgUnit.objects.bulk_update(units, ["staff_count"], batch_size=1000)


USERS = [
    ("admin", "Quản", "Trị", Role.ADMIN, "VKSNDTC"),
    ("thuky", "Thư ký", "Hội đồng", Role.COUNCIL_SECRETARY, "VKSNDTC"),
    ("uyvien", "Ủy viên", "Hội đồng", Role.COUNCIL_MEMBER, "VKSNDTC"),
    ("giamsat.hn", "Giám sát", "Hà Nội", Role.SUPERVISOR, "HN"),
    ("duyet.vkstc", "Thẩm định", "VKSND tối cao", Role.REVIEWER, "VKSNDTC"),
    ("duyet.tq", "Thẩm định", "Tuyên Quang", Role.REVIEWER, "TQ"),
    ("thutruong.kv1tq", "Viện trưởng", "KV1 Tuyên Quang", Role.UNIT_HEAD, "TQ-KV01"),
    ("nhaplieu.kv1tq", "Kế toán", "KV1 Tuyên Quang", Role.REPORTER, "TQ-KV01"),
    ("nhaplieu.kv1hn", "Kế toán", "KV1 Hà Nội", Role.REPORTER, "HN-KV01"),
]


def build_users(demo: Demo) -> None:
    """A login for each role, linked to a staff record of its unit where one fits."""
    for username, first, last, role, code in USERS:
        unit = OrgUnit.objects.get(code=code)
        person = None
        if role in {Role.REPORTER, Role.UNIT_HEAD}:
            title = "Kế toán" if role == Role.REPORTER else "Viện trưởng"
            position = (
                Position.objects.current()
                .filter(unit=unit, title=title)
                .exclude(person__user__isnull=False)
                .select_related("person")
                .first()
            )
            person = position.person if position else None
        user = create_user(username, DEMO_PASSWORD, first_name=first, last_name=last, person=person)
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True  # the Django admin edits rule data
            user.save(update_fields=["is_staff", "is_superuser"])
        grant_role(RoleAssignment(user=user, role=role, unit=unit, valid_from=FOUNDED))
        demo.credentials.append(Credentials(username, str(role.label), unit.name))


@transaction.atomic
def build_demo(seed: int = 2023, *, with_reports: bool = True) -> Demo:
    """Create the whole demo sector in one transaction (all or nothing): the tree, staff,
    users, the sector pack (movement plan, reporting catalogue, forms, rules, rubrics, titles),
    the periods, and (unless
    `with_reports` is False) the reports 2022 Q1 – 2026 Q3 (demo/reports.py) and the emulation
    built on them: programmes, clusters and assessments (demo/evaluation.py), titles, facts,
    registrations, award history and proposals (demo/awards.py), the council round and its
    decisions (demo/council.py)."""
    demo = Demo(rng=random.Random(seed))
    build_levels(demo)
    build_before(demo)
    build_reorganisation(demo)
    build_staff(demo)
    build_users(demo)
    # The pack: catalogue, forms, deadline and validation rules, rubrics, titles, movement.
    load_pack(PACK, organisation=demo.supreme)
    # The demo body: its root unit and the pack's wording (what setup_body writes for an install).
    assert demo.supreme is not None
    Body.objects.create(
        unit=demo.supreme,
        seat="Hà Nội",
        pack=PACK,
        pack_version=read_pack(PACK).version,
        wording=pack_wording(read_pack(PACK)),
    )
    load_reporting_setup()
    load_holidays()  # the official days off 2022–2030: working-day counts and reminders
    if with_reports:
        demo.reports = generate_reports(random.Random(seed + 1))
        demo.emulation += build_evaluation(random.Random(seed + 2))
        demo.emulation += build_awards(random.Random(seed + 3))
        # Last: the council votes on the awards demo's proposals.
        demo.emulation += build_council(random.Random(seed + 4))
        from .oversight_data import build_oversight

        demo.emulation += build_oversight(random.Random(seed + 5))
        from .waste_reports import build_waste_reports  # issue 13 point 6

        demo.emulation += build_waste_reports()
        from .assets_data import build_assets

        demo.emulation += build_assets(random.Random(seed + 6))
        from .plan_data import build_plan

        demo.emulation += build_plan(random.Random(seed + 7))
        demo.emulation += build_disclosures()  # the public portal (issue 12): last
    return demo


def is_loaded() -> bool:
    return User.objects.filter(username="admin").exists() or OrgUnit.objects.exists()
