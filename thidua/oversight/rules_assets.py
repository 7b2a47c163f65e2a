"""Norm checks and red flags on conferences, vehicles, office space and the asset register.

Pure functions over plain records (no ORM), registered in `rules.REGISTRY`. Every threshold is
a dated norm of `data/norms.json`; a rule whose norm is not in force on the day checked stays
silent rather than guess."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .rules import GROUPED, Hit, NormTable, Records, _s, outliers, rule

TITLE, GENERAL, SPECIAL = "title", "general", "special"
IN_USE, IDLE, UNUSABLE, NOT_HELD = "u", "i", "x", "-"


@dataclass(frozen=True)
class Conf:
    id: int
    unit_id: int
    year: int
    title: str
    start: dt.date
    days: int
    level: str
    on_payroll: int
    off_payroll: int
    meals_paid: Decimal = Decimal(0)
    refreshments_paid: Decimal = Decimal(0)
    venue_paid: Decimal = Decimal(0)
    other_paid: Decimal = Decimal(0)

    @property
    def participants(self) -> int:
        return self.on_payroll + self.off_payroll

    @property
    def total(self) -> Decimal:
        return self.meals_paid + self.refreshments_paid + self.venue_paid + self.other_paid


@dataclass(frozen=True)
class Car:
    id: int
    unit_id: int
    year: int
    plate: str
    seats: int
    kind: str
    purchase_date: dt.date
    price: Decimal
    odometer: int = 0
    disposal_date: dt.date | None = None


@dataclass(frozen=True)
class Office:
    id: int
    unit_id: int
    year: int
    building: str
    staff: int
    title_area: Decimal
    shared_area: Decimal = Decimal(0)
    special_area: Decimal = Decimal(0)


@dataclass(frozen=True)
class AssetLine:
    id: int
    unit_id: int
    year: int
    code: str
    name: str
    category: str
    months: str
    upkeep: Decimal = Decimal(0)
    disposed: bool = False
    context: bool = False
    """The previous year's line, given only so that a run of unused months can be counted
    across the new year; no finding is made on it."""


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _basis(norms: NormTable, kind: str, day: dt.date) -> dict[str, str]:
    n = norms.at(kind, day)
    return {"basis": n.basis, "article": n.article} if n else {"basis": "", "article": ""}


# --- Conferences ---------------------------------------------------------------------------


@rule(
    "NORM_CONFERENCE",
    _("Conference meals and refreshments above the norm"),
    _(
        "The meals and refreshments paid for a conference are above what the norms allow: the"
        " meal support for participants not on a state payroll (up to 130% when meals are"
        " collective) and the refreshment rate per half-day for every participant."
    ),
    _("Circular 40/2017/TT-BTC, Art. 11–12"),
    "medium",
    ("conference.meal_collective_pct", "conference.refreshment_half_day"),
    norm=True,
)
def check_conference(records: Records, norms: NormTable) -> list[Hit]:
    hits = []
    for c in records.conferences:
        meal = norms.at(f"conference.meal.{c.level}", c.start)
        if meal is None or c.participants <= 0 or c.days <= 0:
            continue
        pct = norms.value("conference.meal_collective_pct", c.start, Decimal(100))
        refresh = norms.value("conference.refreshment_half_day", c.start, Decimal(0))
        allowed = (
            meal.value * pct / 100 * c.off_payroll * c.days + refresh * 2 * c.participants * c.days
        ).quantize(Decimal(1))
        paid = c.meals_paid + c.refreshments_paid
        if paid <= allowed:
            continue
        person_days = c.participants * c.days
        hits.append(
            Hit(
                "NORM_CONFERENCE",
                c.unit_id,
                c.year,
                f"NORM_CONFERENCE:c{c.id}",
                {
                    "title": c.title,
                    "paid": _s(paid),
                    "allowed": _s(allowed),
                    "per": _s((paid / person_days).quantize(Decimal(1))),
                    "norm_per": _s((allowed / person_days).quantize(Decimal(1))),
                    "participants": str(c.participants),
                    "days": str(c.days),
                    "excess": _s(paid - allowed),
                    "basis": meal.basis,
                    "article": meal.article,
                },
                paid - allowed,
                links={"conferences": [c.id]},
            )
        )
    return hits


@rule(
    "PEER_CONFERENCE",
    _("Conference cost per participant far above peers"),
    _(
        "The unit's conference cost per participant and day in the year is far above that of"
        " the units of the same level (robust z-score on the median and the MAD)."
    ),
    _("Statistical: robust z-score above 3.5 (Iglewicz and Hoaglin)"),
    "medium",
    ("flag.conference_peer_z",),
    peers=True,
)
def check_peer_conference(records: Records, norms: NormTable) -> list[Hit]:
    return peer_conference(records, norms, {})


def peer_conference(records: Records, norms: NormTable, group_of: dict[int, str]) -> list[Hit]:
    cost: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    person_days: dict[tuple[int, int], int] = defaultdict(int)
    ids: dict[tuple[int, int], list[int]] = defaultdict(list)
    for c in records.conferences:
        k = (c.unit_id, c.year)
        cost[k] += c.total
        person_days[k] += c.participants * c.days
        ids[k].append(c.id)
    hits = conference_outliers({k: (v, person_days[k]) for k, v in cost.items()}, norms, group_of)
    for h in hits:
        h.links = {"conferences": ids[(h.unit_id, h.year)]}
    return hits


def conference_outliers(
    totals: Mapping[tuple[int, int], tuple[Decimal, int]],
    norms: NormTable,
    group_of: Mapping[int, str],
) -> list[Hit]:
    """`totals`: (unit, year) → (conference cost, participant-days): the PEER_CONFERENCE hits
    (cost per participant-day), the peer group named."""
    return outliers(
        "PEER_CONFERENCE", "flag.conference_peer_z", totals, norms, group_of, name_group=True
    )


GROUPED["PEER_CONFERENCE"] = peer_conference


# --- Vehicles ------------------------------------------------------------------------------


def vehicle_quota(staff: int, norms: NormTable, day: dt.date) -> int | None:
    """General-service cars allowed for a unit of `staff` people (Decree 72/2023 Art. 9(2)):
    the bands are the norms `vehicle.quota.band.<up to>`; above the last band, one more car
    for each started block of `vehicle.quota.extra_staff` people. None: no norm in force."""
    bands = []
    for kind in norms.by_kind:
        if kind.startswith("vehicle.quota.band."):
            n = norms.at(kind, day)
            if n is not None:
                bands.append((int(kind.rsplit(".", 1)[1]), int(n.value)))
    if not bands:
        return None
    bands.sort()
    for top, cars in bands:
        if staff <= top:
            return cars
    top, cars = bands[-1]
    extra = int(norms.value("vehicle.quota.extra_staff", day, Decimal(0)))
    return cars + (math.ceil((staff - top) / extra) if extra > 0 else 0)


@rule(
    "VEHICLE_QUOTA",
    _("More general-service cars than the quota"),
    _(
        "The unit keeps more general-service cars at the end of the year than the quota for its"
        " staff numbers allows. Extra cars for difficult areas are not counted automatically:"
        " the unit explains them."
    ),
    _("Decree 72/2023/NĐ-CP, Art. 9"),
    "high",
    ("vehicle.quota.extra_staff",),
    norm=True,
)
def check_vehicle_quota(records: Records, norms: NormTable) -> list[Hit]:
    fleets: dict[tuple[int, int], list[Car]] = defaultdict(list)
    for v in records.vehicles:
        if v.kind == GENERAL and v.disposal_date is None:
            fleets[(v.unit_id, v.year)].append(v)
    hits = []
    for (unit_id, year), cars in fleets.items():
        staff = records.staff.get(unit_id, 0)
        day = _year_end(year)
        quota = vehicle_quota(staff, norms, day) if staff > 0 else None
        if quota is None or len(cars) <= quota:
            continue
        ids = sorted(c.id for c in cars)
        hits.append(
            Hit(
                "VEHICLE_QUOTA",
                unit_id,
                year,
                "VEHICLE_QUOTA",
                {
                    "cars": str(len(cars)),
                    "quota": str(quota),
                    "staff": str(staff),
                    **_basis(norms, "vehicle.quota.band.40", day),
                },
                sum((c.price for c in sorted(cars, key=lambda c: c.price)[quota:]), Decimal(0)),
                links={"vehicles": ids},
            )
        )
    return hits


def price_cap_kind(v: Car) -> str | None:
    if v.kind == TITLE:
        return "vehicle.price.title"
    if v.kind == GENERAL:
        return "vehicle.price.general_12_16" if v.seats >= 12 else "vehicle.price.general"
    return None


@rule(
    "VEHICLE_PRICE",
    _("Car bought above the price cap"),
    _("A car bought in the year cost more than the price cap for its kind and seats."),
    _("Decree 72/2023/NĐ-CP, Art. 7 and 15"),
    "high",
    norm=True,
)
def check_vehicle_price(records: Records, norms: NormTable) -> list[Hit]:
    hits = []
    for v in records.vehicles:
        kind = price_cap_kind(v)
        if kind is None or v.purchase_date.year != v.year:
            continue
        cap = norms.at(kind, v.purchase_date)
        if cap is None or v.price <= cap.value:
            continue
        hits.append(
            Hit(
                "VEHICLE_PRICE",
                v.unit_id,
                v.year,
                f"VEHICLE_PRICE:v{v.id}",
                {
                    "plate": v.plate,
                    "price": _s(v.price),
                    "cap": _s(cap.value),
                    "excess": _s(v.price - cap.value),
                    "basis": cap.basis,
                    "article": cap.article,
                },
                v.price - cap.value,
                links={"vehicles": [v.id]},
            )
        )
    return hits


@rule(
    "VEHICLE_EARLY_DISPOSAL",
    _("Car disposed of before the disposal conditions"),
    _(
        "A car was disposed of (to be replaced) before its depreciation life was over and before"
        " it reached the distance allowing disposal. A repair costing more than 30 per cent of"
        " the original cost also allows it: the unit explains that case."
    ),
    _("Decree 72/2023/NĐ-CP (conditions for disposing of and replacing cars)"),
    "medium",
    ("vehicle.life_years", "vehicle.disposal_km"),
    norm=True,
)
def check_vehicle_disposal(records: Records, norms: NormTable) -> list[Hit]:
    hits = []
    for v in records.vehicles:
        day = v.disposal_date
        if day is None or day.year != v.year:
            continue
        life = norms.at("vehicle.life_years", day)
        km = norms.at("vehicle.disposal_km", day)
        if life is None or km is None:
            continue
        years = (day - v.purchase_date).days / 365.25
        if years >= float(life.value) or v.odometer >= km.value:
            continue
        hits.append(
            Hit(
                "VEHICLE_EARLY_DISPOSAL",
                v.unit_id,
                v.year,
                f"VEHICLE_EARLY_DISPOSAL:v{v.id}",
                {
                    "plate": v.plate,
                    "years": f"{years:.1f}",
                    "life": _s(life.value),
                    "km": str(v.odometer),
                    "km_norm": _s(km.value),
                    "basis": km.basis,
                    "article": km.article,
                },
                v.price,
                links={"vehicles": [v.id]},
            )
        )
    return hits


# --- Office space --------------------------------------------------------------------------


@rule(
    "OFFICE_AREA",
    _("Working area above the norm"),
    _("The working area of the titles is above the norm per person for the staff working there."),
    _("Decree 155/2025/NĐ-CP (formerly Decree 152/2017/NĐ-CP): working area by title"),
    "medium",
    ("office.title_m2_per_staff",),
    norm=True,
)
def check_office_area(records: Records, norms: NormTable) -> list[Hit]:
    hits = []
    for o in records.offices:
        n = norms.at("office.title_m2_per_staff", _year_end(o.year))
        if n is None or o.staff <= 0:
            continue
        allowed = n.value * o.staff
        if o.title_area <= allowed:
            continue
        hits.append(
            Hit(
                "OFFICE_AREA",
                o.unit_id,
                o.year,
                f"OFFICE_AREA:o{o.id}",
                {
                    "building": o.building,
                    "area": _s(o.title_area),
                    "allowed": _s(allowed),
                    "staff": str(o.staff),
                    "per": _s(n.value),
                    "excess": _s(o.title_area - allowed),
                    "basis": n.basis,
                    "article": n.article,
                },
                links={"offices": [o.id]},
            )
        )
    return hits


@rule(
    "OFFICE_SHARED",
    _("Shared area above the norm"),
    _("The shared area is above the share of the titles' working area that the norm allows."),
    _("Decree 155/2025/NĐ-CP (formerly Decree 152/2017/NĐ-CP): shared area at most 50%"),
    "medium",
    ("office.shared_pct",),
    norm=True,
)
def check_office_shared(records: Records, norms: NormTable) -> list[Hit]:
    hits = []
    for o in records.offices:
        n = norms.at("office.shared_pct", _year_end(o.year))
        if n is None:
            continue
        allowed = o.title_area * n.value / 100
        if o.shared_area <= allowed:
            continue
        hits.append(
            Hit(
                "OFFICE_SHARED",
                o.unit_id,
                o.year,
                f"OFFICE_SHARED:o{o.id}",
                {
                    "building": o.building,
                    "shared": _s(o.shared_area),
                    "allowed": _s(allowed.quantize(Decimal("0.1"))),
                    "pct": _s(n.value),
                    "excess": _s((o.shared_area - allowed).quantize(Decimal("0.1"))),
                    "basis": n.basis,
                    "article": n.article,
                },
                links={"offices": [o.id]},
            )
        )
    return hits


# --- Asset register (Decree 266/2026 Art. 5) -----------------------------------------------


def longest_unused_run(months: str) -> tuple[int, int]:
    """The longest run of months not in use (idle or unusable) in `months`, as (length, index
    of its last month); (0, -1) when every month is in use or not held."""
    best, end, run = 0, -1, 0
    for i, m in enumerate(months):
        run = run + 1 if m in (IDLE, UNUSABLE) else 0
        if run > best:
            best, end = run, i
    return best, end


def _previous_months(records: Records) -> dict[tuple[int, str, int], str]:
    return {(a.unit_id, a.code, a.year): a.months for a in records.assets}


@rule(
    "IDLE_ASSET",
    _("Office or asset not in use for more than 12 consecutive months"),
    _(
        "An office, building or other asset was idle or unusable for more than the threshold of"
        " consecutive months (counting the previous year's register), without a disposal"
        " decision."
    ),
    _("Decree 266/2026/NĐ-CP, Art. 5 (waste consequences)"),
    "high",
    ("flag.idle_months",),
)
def check_idle_asset(records: Records, norms: NormTable) -> list[Hit]:
    by_year = _previous_months(records)
    hits = []
    for a in records.assets:
        if a.disposed or a.context:
            continue
        before = by_year.get((a.unit_id, a.code, a.year - 1), NOT_HELD * 12)
        length, end = longest_unused_run(before + a.months)
        if end < 12:
            continue
        last_day = dt.date(a.year, end - 11, 1)
        n = norms.at("flag.idle_months", last_day)
        if n is None or length <= n.value:
            continue
        hits.append(
            Hit(
                "IDLE_ASSET",
                a.unit_id,
                a.year,
                f"IDLE_ASSET:{a.code}",
                {
                    "asset": a.name,
                    "code": a.code,
                    "months": str(length),
                    "limit": _s(n.value),
                    "until": last_day.isoformat(),
                    "basis": n.basis,
                    "article": n.article,
                },
                a.upkeep,
                links={"assets": [a.id]},
            )
        )
    return hits


@rule(
    "UPKEEP_UNUSABLE",
    _("Upkeep spent on an unusable asset not disposed of"),
    _(
        "Money was spent in the year on the upkeep of an asset recorded as unusable, and no"
        " disposal was decided."
    ),
    _("Decree 266/2026/NĐ-CP, Art. 5 (waste consequences)"),
    "high",
    ("flag.upkeep_unusable",),
)
def check_upkeep_unusable(records: Records, norms: NormTable) -> list[Hit]:
    hits = []
    for a in records.assets:
        unusable = a.months.count(UNUSABLE)
        if a.disposed or a.context or unusable == 0:
            continue
        n = norms.at("flag.upkeep_unusable", _year_end(a.year))
        if n is None or a.upkeep <= n.value:
            continue
        hits.append(
            Hit(
                "UPKEEP_UNUSABLE",
                a.unit_id,
                a.year,
                f"UPKEEP_UNUSABLE:{a.code}",
                {
                    "asset": a.name,
                    "code": a.code,
                    "upkeep": _s(a.upkeep),
                    "unusable": str(unusable),
                    "basis": n.basis,
                    "article": n.article,
                },
                a.upkeep,
                links={"assets": [a.id]},
            )
        )
    return hits
