"""Norm checks and red-flag rules: pure functions over plain records and a table of dated norms.

Each rule is registered with its code, a plain-language explanation, its basis, its severity
and the norm kinds whose values are its thresholds (data, `data/norms.json`). A rule returns
`Hit`s: the figures that triggered it and the records behind it. No ORM here."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from thidua.lib.dates import OPEN_END

CITY, TOWN, OTHER, SEA = "city", "town", "other", "sea"
LUMP_SUM = "lump_sum"
DIRECT, CENTRALISED = "direct", "centralised"
COMPETITIVE = frozenset({"open", "competitive"})


@dataclass(frozen=True)
class NormValue:
    kind: str
    value: Decimal
    valid_from: dt.date
    valid_to: dt.date = OPEN_END
    basis: str = ""
    article: str = ""


class NormTable:
    """The norms as dated values; `at(kind, day)` is the one in force on `day`."""

    def __init__(self, norms: Iterable[NormValue]) -> None:
        self.by_kind: dict[str, list[NormValue]] = defaultdict(list)
        self._seen: dict[tuple[str, dt.date], NormValue | None] = {}
        for n in norms:
            self.by_kind[n.kind].append(n)
        for values in self.by_kind.values():
            values.sort(key=lambda n: n.valid_from, reverse=True)

    def at(self, kind: str, day: dt.date) -> NormValue | None:
        key = (kind, day)
        if key in self._seen:
            return self._seen[key]
        found = None
        for n in self.by_kind.get(kind, ()):
            if n.valid_from <= day < n.valid_to:
                found = n
                break
        self._seen[key] = found
        return found

    def value(self, kind: str, day: dt.date, default: Decimal) -> Decimal:
        n = self.at(kind, day)
        return n.value if n is not None else default


@dataclass(frozen=True)
class Travel:
    id: int
    unit_id: int
    year: int
    person: str
    start: dt.date
    end: dt.date
    destination: str
    allowance_paid: Decimal
    lodging_mode: str = LUMP_SUM
    lodging_paid: Decimal = Decimal(0)
    transport_paid: Decimal = Decimal(0)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def total(self) -> Decimal:
        return self.allowance_paid + self.lodging_paid + self.transport_paid


@dataclass(frozen=True)
class Package:
    id: int
    unit_id: int
    year: int
    item: str
    category: str
    method: str
    estimate: Decimal
    award_price: Decimal | None
    bidders: int
    award_date: dt.date
    supplier_tax_code: str = ""
    supplier_name: str = ""
    on_central_list: bool = False
    notice_date: dt.date | None = None
    bid_closing: dt.date | None = None
    eligible_bidders: int | None = None
    next_bid: Decimal | None = None
    bid_prices: tuple[Decimal, ...] = ()
    settlement: Decimal | None = None
    settlement_note: str = ""


@dataclass(frozen=True)
class Records:
    travel: Sequence[Travel] = ()
    packages: Sequence[Package] = ()
    # Conferences, vehicles, office space, assets (rules_assets.py) and each unit's staff.
    conferences: Sequence[Any] = ()
    vehicles: Sequence[Any] = ()
    offices: Sequence[Any] = ()
    assets: Sequence[Any] = ()
    staff: Mapping[int, int] = field(default_factory=dict)
    # Public-investment projects and the approved THTK-CLP report figures (rules_plan.py).
    projects: Sequence[Any] = ()
    figures: Sequence[Any] = ()


@dataclass
class Hit:
    rule: str
    unit_id: int
    year: int
    key: str
    numbers: dict[str, str]
    amount: Decimal = Decimal(0)
    travel_ids: list[int] = field(default_factory=list)
    package_ids: list[int] = field(default_factory=list)
    links: dict[str, list[int]] = field(default_factory=dict)
    """Other records behind the hit, by Finding relation ("conferences", "vehicles"…)."""


@dataclass(frozen=True)
class Rule:
    code: str
    title: Promise
    explanation: Promise
    basis: Promise
    severity: str
    thresholds: tuple[str, ...]
    check: Callable[[Records, NormTable], list[Hit]]
    norm: bool = False
    """A norm check (an excess over a legal norm) rather than a red flag."""
    peers: bool = False
    """Compares units with each other: run over every unit of the year."""


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    title: Promise,
    explanation: Promise,
    basis: Promise,
    severity: str,
    thresholds: tuple[str, ...] = (),
    *,
    norm: bool = False,
    peers: bool = False,
) -> Callable[
    [Callable[[Records, NormTable], list[Hit]]], Callable[[Records, NormTable], list[Hit]]
]:
    def register(
        fn: Callable[[Records, NormTable], list[Hit]],
    ) -> Callable[[Records, NormTable], list[Hit]]:
        REGISTRY[code] = Rule(
            code, title, explanation, basis, severity, thresholds, fn, norm=norm, peers=peers
        )
        return fn

    return register


def _s(value: Decimal | int | float) -> str:
    """A figure as plain text for `Hit.numbers` ("450000", "12.5")."""
    d = Decimal(str(value))
    return str(d.quantize(Decimal(1))) if d == d.to_integral_value() else str(d.normalize())


# --- Norm checks -------------------------------------------------------------------------


@rule(
    "NORM_ALLOWANCE",
    _("Daily allowance above the norm"),
    _("The daily allowance paid per day of travel is above the rate in force on the first day."),
    _("Circular 40/2017/TT-BTC as amended by Circular 12/2025/TT-BTC"),
    "medium",
    norm=True,
)
def check_allowance(records: Records, norms: NormTable) -> list[Hit]:
    """Phụ cấp lưu trú per day against the rate in force on the trip's first day."""
    hits = []
    for t in records.travel:
        kind = "travel.allowance.sea" if t.destination == SEA else "travel.allowance"
        n = norms.at(kind, t.start)
        if n is None or t.days <= 0:
            continue
        per_day = (t.allowance_paid / t.days).quantize(Decimal(1))
        if per_day <= n.value:
            continue
        excess = t.allowance_paid - n.value * t.days
        hits.append(
            Hit(
                "NORM_ALLOWANCE",
                t.unit_id,
                t.year,
                f"NORM_ALLOWANCE:t{t.id}",
                {
                    "paid": _s(per_day),
                    "norm": _s(n.value),
                    "basis": n.basis,
                    "article": n.article,
                    "diff": _s(per_day - n.value),
                    "days": str(t.days),
                    "excess": _s(excess),
                    "person": t.person,
                },
                excess,
                travel_ids=[t.id],
            )
        )
    return hits


@rule(
    "NORM_LODGING",
    _("Lodging lump sum above the norm"),
    _("The lodging lump sum per night is above the rate for the destination in force then."),
    _("Circular 40/2017/TT-BTC"),
    "medium",
    norm=True,
)
def check_lodging(records: Records, norms: NormTable) -> list[Hit]:
    """Khoán tiền thuê phòng nghỉ per night (days − 1, at least one) against the rate."""
    hits = []
    for t in records.travel:
        if t.lodging_mode != LUMP_SUM or t.lodging_paid <= 0 or t.destination == SEA:
            continue
        n = norms.at(f"travel.lodging.{t.destination}", t.start)
        if n is None:
            continue
        nights = max(t.days - 1, 1)
        per_night = (t.lodging_paid / nights).quantize(Decimal(1))
        if per_night <= n.value:
            continue
        excess = t.lodging_paid - n.value * nights
        hits.append(
            Hit(
                "NORM_LODGING",
                t.unit_id,
                t.year,
                f"NORM_LODGING:t{t.id}",
                {
                    "paid": _s(per_night),
                    "norm": _s(n.value),
                    "basis": n.basis,
                    "article": n.article,
                    "diff": _s(per_night - n.value),
                    "days": str(nights),
                    "excess": _s(excess),
                    "person": t.person,
                },
                excess,
                travel_ids=[t.id],
            )
        )
    return hits


# --- Procurement red flags -----------------------------------------------------------------


def _price(p: Package) -> Decimal:
    return p.award_price if p.award_price is not None else p.estimate


@rule(
    "SPLIT",
    _("Purchase splitting"),
    _(
        "Several direct purchases of the same category by one unit within a short window, each"
        " under the direct-contracting limit, together above it."
    ),
    _("Law on Bidding: a package may not be split to avoid competitive bidding"),
    "high",
    ("procurement.direct_limit", "flag.split_window_days"),
)
def check_split(records: Records, norms: NormTable) -> list[Hit]:
    """Same unit and category, direct contracting, award dates within the window, each under
    the limit and together over it: one hit per maximal cluster."""
    hits = []
    groups: dict[tuple[int, str], list[Package]] = defaultdict(list)
    for p in records.packages:
        if p.method == DIRECT:
            groups[(p.unit_id, p.category)].append(p)
    for (unit_id, category), items in groups.items():
        items.sort(key=lambda p: (p.award_date, p.id))
        used: set[int] = set()
        for i, first in enumerate(items):
            if first.id in used:
                continue
            limit = norms.value("procurement.direct_limit", first.award_date, Decimal(0))
            window = int(norms.value("flag.split_window_days", first.award_date, Decimal(30)))
            if limit <= 0:
                continue
            cluster = [
                p
                for p in items[i:]
                if (p.award_date - first.award_date).days <= window and _price(p) < limit
            ]
            total = sum((_price(p) for p in cluster), Decimal(0))
            if len(cluster) < 2 or total <= limit or _price(first) >= limit:
                continue
            used |= {p.id for p in cluster}
            ids = [p.id for p in cluster]
            hits.append(
                Hit(
                    "SPLIT",
                    unit_id,
                    first.year,
                    "SPLIT:" + ",".join(f"p{i}" for i in ids),
                    {
                        "count": str(len(cluster)),
                        "total": _s(total),
                        "limit": _s(limit),
                        "window": str(window),
                        "category": category,
                        "first": first.award_date.isoformat(),
                        "last": cluster[-1].award_date.isoformat(),
                    },
                    total,
                    package_ids=ids,
                )
            )
    return hits


def _each(
    code: str,
    records: Records,
    test: Callable[[Package], dict[str, str] | None],
) -> list[Hit]:
    hits = []
    for p in records.packages:
        numbers = test(p)
        if numbers is not None:
            key = f"{code}:p{p.id}"
            hits.append(Hit(code, p.unit_id, p.year, key, numbers, _price(p), package_ids=[p.id]))
    return hits


@rule(
    "SINGLE_BIDDER",
    _("Single bidder"),
    _("A competitive procedure received only one bid."),
    _("Open Contracting Vietnam red flag: single bidder"),
    "medium",
)
def check_single_bidder(records: Records, norms: NormTable) -> list[Hit]:
    return _each(
        "SINGLE_BIDDER",
        records,
        lambda p: (
            {"bidders": str(p.bidders)} if p.method in COMPETITIVE and p.bidders == 1 else None
        ),
    )


@rule(
    "DIRECT_OVER_LIMIT",
    _("Direct contracting above the limit"),
    _("A package awarded by direct contracting is worth more than the direct-contracting limit."),
    _("Law on Bidding: limits of direct contracting"),
    "high",
    ("procurement.direct_limit",),
)
def check_direct_over_limit(records: Records, norms: NormTable) -> list[Hit]:
    def test(p: Package) -> dict[str, str] | None:
        limit = norms.value("procurement.direct_limit", p.award_date, Decimal(0))
        if p.method != DIRECT or limit <= 0 or _price(p) <= limit:
            return None
        return {"price": _s(_price(p)), "limit": _s(limit), "excess": _s(_price(p) - limit)}

    return _each("DIRECT_OVER_LIMIT", records, test)


@rule(
    "LATE_AWARD",
    _("Award long after bid closing"),
    _("The contract was awarded more days after the bid closing than the threshold."),
    _("Open Contracting Vietnam red flag: award more than 60 days after bid closing"),
    "low",
    ("flag.late_award_days",),
)
def check_late_award(records: Records, norms: NormTable) -> list[Hit]:
    def test(p: Package) -> dict[str, str] | None:
        if p.bid_closing is None:
            return None
        limit = int(norms.value("flag.late_award_days", p.award_date, Decimal(60)))
        days = (p.award_date - p.bid_closing).days
        return {"days": str(days), "limit": str(limit)} if days > limit else None

    return _each("LATE_AWARD", records, test)


@rule(
    "SHORT_WINDOW",
    _("Bidding window too short"),
    _("Fewer days between the notice and the bid closing than the threshold."),
    _("Open Contracting Vietnam red flag: bidding window under 3 days"),
    "medium",
    ("flag.short_window_days",),
)
def check_short_window(records: Records, norms: NormTable) -> list[Hit]:
    def test(p: Package) -> dict[str, str] | None:
        if p.method not in COMPETITIVE or p.notice_date is None or p.bid_closing is None:
            return None
        limit = int(norms.value("flag.short_window_days", p.award_date, Decimal(3)))
        days = (p.bid_closing - p.notice_date).days
        return {"days": str(days), "limit": str(limit)} if days < limit else None

    return _each("SHORT_WINDOW", records, test)


@rule(
    "NEAR_ESTIMATE",
    _("Winning bid almost equal to the estimate"),
    _("The winning bid of a competitive procedure is within a small percentage of the estimate."),
    _("Open Contracting Vietnam red flag: winning bid within one per cent of the estimate"),
    "low",
    ("flag.near_estimate_pct",),
)
def check_near_estimate(records: Records, norms: NormTable) -> list[Hit]:
    def test(p: Package) -> dict[str, str] | None:
        if p.method not in COMPETITIVE or p.award_price is None or p.estimate <= 0:
            return None
        pct = norms.value("flag.near_estimate_pct", p.award_date, Decimal(1))
        gap = (abs(p.estimate - p.award_price) / p.estimate * 100).quantize(Decimal("0.01"))
        if gap > pct:
            return None
        return {
            "award": _s(p.award_price),
            "estimate": _s(p.estimate),
            "gap": str(gap),
            "pct": str(pct.normalize()),
        }

    return _each("NEAR_ESTIMATE", records, test)


@rule(
    "REPEAT_SUPPLIER",
    _("Repeated awards to one supplier"),
    _("One unit awarded several contracts to the same supplier in the year."),
    _("Open Contracting Vietnam red flag: two or more awards from one buyer to one supplier"),
    "low",
    ("flag.repeat_awards",),
)
def check_repeat_supplier(records: Records, norms: NormTable) -> list[Hit]:
    groups: dict[tuple[int, int, str], list[Package]] = defaultdict(list)
    for p in records.packages:
        if p.supplier_tax_code and p.award_price is not None and p.method != CENTRALISED:
            groups[(p.unit_id, p.year, p.supplier_tax_code)].append(p)
    hits = []
    for (unit_id, year, tax), items in groups.items():
        limit = int(norms.value("flag.repeat_awards", dt.date(year, 12, 31), Decimal(2)))
        if len(items) < limit:
            continue
        total = sum((_price(p) for p in items), Decimal(0))
        ids = sorted(p.id for p in items)
        hits.append(
            Hit(
                "REPEAT_SUPPLIER",
                unit_id,
                year,
                f"REPEAT_SUPPLIER:{tax}",
                {
                    "count": str(len(items)),
                    "limit": str(limit),
                    "supplier": items[0].supplier_name or tax,
                    "total": _s(total),
                },
                total,
                package_ids=ids,
            )
        )
    return hits


@rule(
    "CENTRAL_BYPASS",
    _("Item on the centralised list bought outside it"),
    _("An item on a centralised-procurement list was bought by another method."),
    _("Decree 151/2017/NĐ-CP, Art. 67ff (centralised procurement is mandatory)"),
    "high",
)
def check_central_bypass(records: Records, norms: NormTable) -> list[Hit]:
    return _each(
        "CENTRAL_BYPASS",
        records,
        lambda p: (
            {"price": _s(_price(p))} if p.on_central_list and p.method != CENTRALISED else None
        ),
    )


@rule(
    "SETTLEMENT_OVER",
    _("Settlement above the award without explanation"),
    _("The amount settled is above the award price and no explanation is recorded."),
    _("Red flag: settlement above the contract price (sector review rule)"),
    "medium",
)
def check_settlement_over(records: Records, norms: NormTable) -> list[Hit]:
    def test(p: Package) -> dict[str, str] | None:
        if p.settlement is None or p.settlement_note.strip():
            return None
        base = _price(p)
        if p.settlement <= base:
            return None
        return {"settled": _s(p.settlement), "award": _s(base), "excess": _s(p.settlement - base)}

    return _each("SETTLEMENT_OVER", records, test)


@rule(
    "ONLY_WINNER_ELIGIBLE",
    _("Only the winner found eligible"),
    _("Several bids were received but only the winning bidder was found eligible."),
    _("Open Contracting Vietnam red flag: only the winning bidder was eligible"),
    "medium",
)
def check_only_winner(records: Records, norms: NormTable) -> list[Hit]:
    return _each(
        "ONLY_WINNER_ELIGIBLE",
        records,
        lambda p: (
            {"bidders": str(p.bidders), "eligible": "1"}
            if p.method in COMPETITIVE and p.bidders >= 2 and p.eligible_bidders == 1
            else None
        ),
    )


@rule(
    "WIN_GAP",
    _("Winning bid far below the next"),
    _("The winning bid is lower than the next-best bid by the threshold percentage or more."),
    _("Open Contracting Vietnam red flag: winning bid at least 25 per cent below the next"),
    "low",
    ("flag.win_gap_pct",),
)
def check_win_gap(records: Records, norms: NormTable) -> list[Hit]:
    def test(p: Package) -> dict[str, str] | None:
        if p.award_price is None or p.next_bid is None or p.next_bid <= 0:
            return None
        pct = norms.value("flag.win_gap_pct", p.award_date, Decimal(25))
        gap = ((p.next_bid - p.award_price) / p.next_bid * 100).quantize(Decimal("0.1"))
        if gap < pct:
            return None
        return {
            "award": _s(p.award_price),
            "next": _s(p.next_bid),
            "gap": _s(gap),
            "pct": _s(pct),
        }

    return _each("WIN_GAP", records, test)


@rule(
    "ROUND_PCT_BIDS",
    _("Bids an exact whole percentage apart"),
    _(
        "Two bids of the package differ by an exact whole percentage, a sign of bids prepared"
        " together."
    ),
    _("Open Contracting Vietnam red flag: bid prices an exact percentage apart"),
    "low",
)
def check_round_pct(records: Records, norms: NormTable) -> list[Hit]:
    def test(p: Package) -> dict[str, str] | None:
        bids = sorted(b for b in p.bid_prices if b > 0)
        for i, low in enumerate(bids):
            for high in bids[i + 1 :]:
                pct = (high - low) * 100 / low
                if high > low and pct == pct.to_integral_value():
                    return {"low": _s(low), "high": _s(high), "pct": _s(pct)}
        return None

    return _each("ROUND_PCT_BIDS", records, test)


@rule(
    "REPEAT_DIRECT",
    _("Repeated direct awards to one supplier"),
    _("One unit awarded several contracts to the same supplier by direct contracting in the year."),
    _(
        "Open Contracting Vietnam red flag: two or more direct awards from one buyer to one"
        " supplier"
    ),
    "medium",
    ("flag.repeat_direct_awards",),
)
def check_repeat_direct(records: Records, norms: NormTable) -> list[Hit]:
    groups: dict[tuple[int, int, str], list[Package]] = defaultdict(list)
    for p in records.packages:
        if p.supplier_tax_code and p.method == DIRECT:
            groups[(p.unit_id, p.year, p.supplier_tax_code)].append(p)
    hits = []
    for (unit_id, year, tax), items in groups.items():
        limit = int(norms.value("flag.repeat_direct_awards", dt.date(year, 12, 31), Decimal(2)))
        if len(items) < limit:
            continue
        total = sum((_price(p) for p in items), Decimal(0))
        hits.append(
            Hit(
                "REPEAT_DIRECT",
                unit_id,
                year,
                f"REPEAT_DIRECT:{tax}",
                {
                    "count": str(len(items)),
                    "limit": str(limit),
                    "supplier": items[0].supplier_name or tax,
                    "total": _s(total),
                },
                total,
                package_ids=sorted(p.id for p in items),
            )
        )
    return hits


@rule(
    "YEAR_END_SPIKE",
    _("Year-end spending spike"),
    _("A large share of the unit's procurement of the year was awarded in December."),
    _("Statistical: share of the year's awards in December above the threshold"),
    "low",
    ("flag.year_end_share_pct", "flag.year_end_min_packages"),
)
def check_year_end(records: Records, norms: NormTable) -> list[Hit]:
    groups: dict[tuple[int, int], list[Package]] = defaultdict(list)
    for p in records.packages:
        groups[(p.unit_id, p.year)].append(p)
    hits = []
    for (unit_id, year), items in groups.items():
        end = dt.date(year, 12, 31)
        share_max = norms.value("flag.year_end_share_pct", end, Decimal(50))
        least = int(norms.value("flag.year_end_min_packages", end, Decimal(4)))
        if len(items) < least:
            continue
        total = sum((_price(p) for p in items), Decimal(0))
        late = [p for p in items if p.award_date.month == 12]
        amount = sum((_price(p) for p in late), Decimal(0))
        if total <= 0 or not late:
            continue
        share = (amount / total * 100).quantize(Decimal("0.1"))
        if share <= share_max:
            continue
        hits.append(
            Hit(
                "YEAR_END_SPIKE",
                unit_id,
                year,
                "YEAR_END_SPIKE",
                {
                    "share": _s(share),
                    "threshold": _s(share_max),
                    "december": _s(amount),
                    "total": _s(total),
                },
                amount,
                package_ids=sorted(p.id for p in late),
            )
        )
    return hits


@rule(
    "SAMPLE_REVIEW",
    _("Violation found in the sampled second review"),
    _("The supervisor's sampled verification of the unit's report and records found a violation."),
    _("Sampled second review (kiểm tra xác suất) by the supervising level"),
    "high",
)
def check_sample_review(records: Records, norms: NormTable) -> list[Hit]:
    """Recorded by the supervisor (sampling.py), never found by the checks."""
    return []


@rule(
    "WASTE_REPORT",
    _("Waste confirmed from an anonymous report"),
    _(
        "The supervisor verified an anonymous waste report about the unit and found it "
        "substantiated; the unit explains before the violation is confirmed."
    ),
    _("Anonymous waste report (phản ánh lãng phí) verified by the supervising level"),
    "high",
)
def check_waste_report(records: Records, norms: NormTable) -> list[Hit]:
    """Recorded when a supervisor confirms a waste report (reports.py), never found by the
    checks."""
    return []


# --- Peers ---------------------------------------------------------------------------------


def robust_z(values: Sequence[float]) -> list[float]:
    """0.6745 (x − median) / MAD (Iglewicz and Hoaglin); zeros when the MAD is zero."""
    if len(values) < 3:
        return [0.0] * len(values)
    med = statistics.median(values)
    mad = statistics.median([abs(v - med) for v in values])
    if mad == 0:
        return [0.0] * len(values)
    return [0.6745 * (v - med) / mad for v in values]


@dataclass(frozen=True)
class Peers:
    """The peer group of each unit (e.g. its level): units compared with each other."""

    group_of: dict[int, str]


PEER_GROUPS: dict[str, Peers] = {}


@rule(
    "PEER_TRAVEL",
    _("Travel cost per person far above peers"),
    _(
        "The unit's travel cost per traveller in the year is far above that of the units of the"
        " same level (robust z-score on the median and the MAD)."
    ),
    _("Statistical: robust z-score above 3.5 (Iglewicz and Hoaglin)"),
    "medium",
    ("flag.peer_z",),
    peers=True,
)
def check_peer_travel(records: Records, norms: NormTable) -> list[Hit]:
    return peer_travel(records, norms, {})


def peer_travel(records: Records, norms: NormTable, group_of: dict[int, str]) -> list[Hit]:
    """Per unit and year: total travel cost / distinct travellers, compared within each peer
    group (`group_of` unit → group; one group when empty)."""
    cost: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    people: dict[tuple[int, int], set[str]] = defaultdict(set)
    for t in records.travel:
        cost[(t.unit_id, t.year)] += t.total
        people[(t.unit_id, t.year)].add(t.person.lower())
    totals = {k: (v, len(people[k])) for k, v in cost.items()}
    hits = peer_outliers(totals, norms, group_of)
    for h in hits:
        h.travel_ids = [t.id for t in records.travel if (t.unit_id, t.year) == (h.unit_id, h.year)]
    return hits


def outliers(
    code: str,
    threshold: str,
    totals: Mapping[tuple[int, int], tuple[Decimal, int]],
    norms: NormTable,
    group_of: Mapping[int, str],
    *,
    name_group: bool = False,
) -> list[Hit]:
    """The peer rules' one comparison. `totals`: (unit, year) → (cost, measure: travellers,
    participant-days…). A `code` hit per unit whose cost per measure has a robust z-score above
    the norm `threshold` (in force at the year's end, 3.5 by default) within its peer group
    (`group_of` unit → group; one group when empty) and year; `name_group` adds the group to
    the hit's numbers."""
    groups: dict[tuple[str, int], list[tuple[int, Decimal]]] = defaultdict(list)
    for (unit_id, year), (total, measure) in totals.items():
        if measure > 0:
            groups[(group_of.get(unit_id, ""), year)].append((unit_id, total / measure))
    hits = []
    for (group, year), rows in groups.items():
        limit = float(norms.value(threshold, dt.date(year, 12, 31), Decimal("3.5")))
        values = [float(per) for _u, per in rows]
        median = statistics.median(values) if values else 0.0
        for (unit_id, per), z in zip(rows, robust_z(values), strict=True):
            if z <= limit:
                continue
            numbers = {
                "per": _s(per.quantize(Decimal(1))),
                "median": _s(Decimal(str(round(median)))),
                "z": f"{z:.1f}",
                "threshold": str(limit),
                "peers": str(len(rows)),
            }
            if name_group:
                numbers["group"] = group
            hits.append(Hit(code, unit_id, year, code, numbers, per.quantize(Decimal(1))))
    return hits


def peer_outliers(
    totals: Mapping[tuple[int, int], tuple[Decimal, int]],
    norms: NormTable,
    group_of: Mapping[int, str],
) -> list[Hit]:
    """`totals`: (unit, year) → (travel cost, distinct travellers): the PEER_TRAVEL hits."""
    return outliers("PEER_TRAVEL", "flag.peer_z", totals, norms, group_of)


def run_rules(
    records: Records,
    norms: NormTable,
    *,
    peers: bool = False,
    group_of: dict[int, str] | None = None,
) -> list[Hit]:
    """Every rule over `records`: the per-unit rules, or only the peer rules (`peers`)."""
    hits: list[Hit] = []
    for r in REGISTRY.values():
        if r.peers != peers:
            continue
        if r.code == "PEER_TRAVEL":
            hits += peer_travel(records, norms, group_of or {})
        elif r.code in GROUPED:
            hits += GROUPED[r.code](records, norms, group_of or {})
        else:
            hits += r.check(records, norms)
    return hits


GROUPED: dict[str, Callable[[Records, NormTable, dict[int, str]], list[Hit]]] = {}
"""Peer rules that take the peer groups (registered by rules_assets)."""

# Registers the asset rules, then the plan and project rules.
from . import rules_assets, rules_plan  # noqa: E402,F401
