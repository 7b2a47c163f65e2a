"""THTK-CLP reports for the demo sector, 2022 Q1 to 2026 Q3 (phase 1 of the movement complete,
phase 2 under way), as they stand on 27/11/2026.

Every figure is FICTITIOUS: the Procuracy publishes no THTK-CLP figures
(../shared/domain/thtk-clp-details.md §3.4). Magnitudes follow the published national ones:
a procuracy's recurrent budget is about 0.45 billion VND per person a year, recurrent savings
are a few per cent of it (2–3 % in 2022, 5–6 % by 2025), public investment belongs to the
provincial and supreme procuracies only.

What is generated (deterministic for a seed; bulk inserts, no per-cell actions, but every row is
what the workflow in reporting/actions.py would have left):
- quarterly reports (thtk-quy) of every unit open at each quarter's end whose level fills the
  form; annual reports (thtk-nam) 2022–2025 with the six narrative parts; 6-month and 9-month
  reports (cumulative from 1 January) for 2026 only, the first year of phase 2;
- statuses: the past approved by the level above (district and regional reports by the
  province, provincial and high-level reports approved then accepted at the top), some sent back
  once with a reason before approval, some submitted after the deadline; some missing: districts
  wound up on 01/07/2025 that never filed Q2/2025, a few units in 2026; 2026 Q2 nearly done and
  2026 Q3 under way (drafts, submitted, returned, missing, approved). A report is approved only
  once every unit below it that fills the form is approved, as approve_report() demands;
- a ReportTransition row for every status change, with the demo users where their unit matches;
- one audit event per report (action "demo.report.load"); the roll-ups rebuilt at the end.

Derived (formula) indicators are never stored. Blocking validation rules hold for every
submitted report: settlement above the estimate and figures above three times last year carry
the reporter's explanation (a comment), disbursement never exceeds the plan, savings are never
negative.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import DateField, DateTimeField, DecimalField, Model

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.audit.chain import Change, record_many
from thidua.lib.numbers import format_vn_number
from thidua.org import tree
from thidua.org.models import OrgUnit, OrgUnitVersion, Position, ReorgLink
from thidua.reporting import rollups
from thidua.reporting.catalogue import deadline_for, ensure_periods
from thidua.reporting.models import (
    DataValue,
    Indicator,
    NarrativeText,
    Period,
    Report,
    ReportForm,
    ReportTransition,
)
from thidua.reporting.validation import JUMP_CODES, JUMP_FACTOR, SAVINGS_CODES

S = Report.Status
LOCKED = frozenset({S.APPROVED, S.ACCEPTED})
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = dt.date(2026, 11, 27)
"""The demo's "today": 2026 Q3 is the latest quarter, its deadline (15/10/2026) has passed."""
FIRST_YEAR, LAST_YEAR = 2022, 2026
LAST_QUARTER = (2026, 3)
HALF_YEARS = (2026,)
"""6-month and 9-month reports are generated for these years only."""
QUARTERLY, HALF, NINE, ANNUAL = "thtk-quy", "thtk-6-thang", "thtk-9-thang", "thtk-nam"
LEAF_LEVELS = frozenset({"cap-huyen", "khu-vuc"})
INVESTING_LEVELS = frozenset({"toi-cao", "cap-tinh"})
ACTOR = "load_demo"

# Magnitudes (fictitious, scaled from ../shared/domain/thtk-clp-details.md §3).
BUDGET_PER_PERSON = 450.0  # million VND a year, recurrent, 2022
PAY_GROWTH = {2022: 1.00, 2023: 1.09, 2024: 1.22, 2025: 1.36, 2026: 1.42}
"""Base salary 1.49 → 1.8 (07/2023) → 2.34 million VND (07/2024), plus other regimes."""
BUDGET_SEASON = {1: 0.22, 2: 0.24, 3: 0.24, 4: 0.30}
SAVING_RATE = {2022: 2.4, 2023: 3.3, 2024: 4.3, 2025: 5.3, 2026: 6.2}
"""Sector recurrent savings, % of the estimate: the movement's phase 1 shows."""
SAVING_SEASON = {1: 0.80, 2: 0.95, 3: 1.00, 4: 1.20}
CONF_SHARE = {2022: 0.016, 2023: 0.015, 2024: 0.013, 2025: 0.012, 2026: 0.011}
CONF_SAVED = {2022: 0.08, 2023: 0.10, 2024: 0.13, 2025: 0.16, 2026: 0.17}
E_SHARE = {2022: 48.0, 2023: 62.0, 2024: 75.0, 2025: 86.0, 2026: 92.0}
CENTRAL_SHARE = {2022: 0.36, 2023: 0.45, 2024: 0.55, 2025: 0.66, 2026: 0.70}
DISBURSE_RATE = {2022: 0.62, 2023: 0.70, 2024: 0.78, 2025: 0.88, 2026: 0.90}
ONLINE_GROWTH = {2022: 1.0, 2023: 1.3, 2024: 1.6, 2025: 1.9, 2026: 2.1}
KWH_PER_PERSON = {1: 330.0, 2: 450.0, 3: 470.0, 4: 350.0}
INV_SEASON = {1: 0.15, 2: 0.25, 3: 0.25, 4: 0.35}
DISBURSE_SEASON = {1: 0.70, 2: 0.90, 3: 1.00, 4: 1.08}
STAFF_FLOOR = {"cap-tinh": (88, 130), "cap-cao": (120, 160), "cap-huyen": (8, 12)}
"""Pre-merger units the staff generator left thin get a plausible headcount."""

RETURN_REASONS = (
    "Số quyết toán chi thường xuyên chưa khớp với báo cáo quyết toán quý gửi Cục Kế hoạch – "
    "Tài chính; đề nghị rà soát lại.",
    "Thiếu thuyết minh các khoản tiết kiệm chi hội nghị, công tác phí; đề nghị bổ sung ghi chú "
    "giải trình.",
    "Chưa đính kèm bảng kê chi tiết các khoản tiết kiệm; đề nghị bổ sung tài liệu minh chứng.",
    "Số cán bộ có mặt chưa khớp với báo cáo tổ chức cán bộ cùng kỳ; đề nghị kiểm tra lại.",
    "Điện năng tiêu thụ tăng so với cùng kỳ nhưng chưa nêu nguyên nhân; đề nghị giải trình.",
    "Số văn bản xử lý trên môi trường điện tử chưa khớp với số liệu trên hệ thống quản lý văn "
    "bản; đề nghị cập nhật.",
    "Chi tiếp khách và chi hội nghị đang ghi chung một dòng; đề nghị tách riêng theo đúng mẫu "
    "biểu.",
    "Giá trị mua sắm tập trung chưa khớp với hợp đồng đã ký; đề nghị đối chiếu lại.",
)
JUMP_COMMENTS = {
    "EST_RECURRENT": "Dự toán tăng do được giao bổ sung kinh phí thực hiện chế độ tiền lương "
    "mới và nhiệm vụ sau sắp xếp tổ chức bộ máy.",
    "SETTLE_RECURRENT": "Quyết toán tăng tương ứng với dự toán được giao bổ sung trong kỳ.",
    "CONF_SPEND": "Trong kỳ đơn vị tổ chức hội nghị sơ kết, tập huấn nghiệp vụ theo kế hoạch "
    "của ngành nên chi hội nghị tăng so với cùng kỳ.",
    "INV_PLAN": "Được giao bổ sung kế hoạch vốn cho dự án cải tạo, nâng cấp trụ sở làm việc.",
    "INV_DISBURSED": "Dự án trụ sở vào giai đoạn thi công chính nên giải ngân tăng so với cùng kỳ.",
    "PROC_CENTRAL": "Thực hiện mua sắm tập trung trang thiết bị tin học theo kế hoạch chung của "
    "ngành.",
    "PROC_OUTSIDE": "Mua sắm bổ sung trang thiết bị thiết yếu phục vụ trụ sở mới sau sắp xếp "
    "đơn vị.",
    "ELECTRICITY_KWH": "Đưa thêm trụ sở, kho vật chứng vào sử dụng nên điện năng tiêu thụ tăng.",
    "WATER_M3": "Đưa thêm trụ sở vào sử dụng nên lượng nước tiêu thụ tăng.",
}
SAVINGS_JUMP_COMMENT = (
    "Số tiết kiệm tăng do đơn vị rà soát, cắt giảm mạnh các khoản chi chưa thực sự cần thiết "
    "theo chỉ đạo của VKSND tối cao."
)
OVERRUN_COMMENTS = {
    "default": "Chi sửa chữa đột xuất hệ thống điện, chống thấm trụ sở; dự toán bổ sung được "
    "giao ở quý sau.",
    "yagi": "Chi khắc phục thiệt hại do bão số 3 (Yagi) đối với trụ sở làm việc; dự toán bổ "
    "sung được giao ở quý sau.",
    "178": "Chi trả trợ cấp cho cán bộ nghỉ hưu trước tuổi theo Nghị định 178/2024/NĐ-CP; "
    "kinh phí đã được cấp bổ sung nhưng chưa ghi nhận trong kỳ.",
}


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    level: str
    valid_from: dt.date
    valid_to: dt.date

    def open_on(self, day: dt.date) -> bool:
        return self.valid_from <= day < self.valid_to


@dataclass
class Step:
    to: str
    at: dt.datetime
    by: User | None
    reason: str = ""


@dataclass
class Planned:
    unit: Unit
    form: ReportForm
    period: Period
    deadline: dt.date | None
    status: str = S.DRAFT
    values: dict[str, Decimal] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    narratives: dict[str, str] = field(default_factory=dict)
    opened: dt.datetime | None = None
    edited: dt.datetime | None = None

    @property
    def approved_at(self) -> dt.datetime | None:
        times = [s.at for s in self.steps if s.to == S.APPROVED]
        return times[-1] if times else None

    @property
    def submitted_at(self) -> dt.datetime | None:
        times = [s.at for s in self.steps if s.to == S.SUBMITTED]
        return times[-1] if times else None


@dataclass
class ReportSummary:
    reports: int = 0
    values: int = 0
    narratives: int = 0
    transitions: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    late: int = 0
    missing: int = 0
    returned_before_approval: int = 0
    by_form: Counter[str] = field(default_factory=Counter)


Figures = dict[str, float]


def load_reporting_setup() -> None:
    """Every period of the demo years (idempotent); the catalogue, the forms with their
    deadlines and the validation rules come with the sector pack (build.py)."""
    ensure_periods(FIRST_YEAR, LAST_YEAR)


def _quarters() -> list[tuple[int, int]]:
    return [
        (y, q)
        for y in range(FIRST_YEAR, LAST_YEAR + 1)
        for q in range(1, 5)
        if (y, q) <= LAST_QUARTER
    ]


def _money(x: float, floor: int = 0) -> Decimal:
    return Decimal(max(floor, round(x)))


class Generator:
    """Plans every report in memory, then writes them in a few bulk inserts."""

    def __init__(self, rng: random.Random, as_of: dt.date = AS_OF) -> None:
        self.rng = rng
        self.seed = rng.random()
        self.as_of = as_of
        self.cap = dt.datetime.combine(as_of - dt.timedelta(days=1), dt.time(16, 30), tzinfo=TZ)
        self.forms = {f.code: f for f in ReportForm.objects.prefetch_related("levels")}
        self.form_levels = {
            code: {lv.code for lv in f.levels.all()} for code, f in self.forms.items()
        }
        self.periods = {(p.kind, p.year, p.number): p for p in Period.objects.all()}
        self.indicators = {i.code: i for i in Indicator.objects.all()}
        self.form_rows: dict[str, list[str]] = {
            code: [
                row.indicator.code
                for section in f.sections.all()
                for row in section.rows.select_related("indicator").all()
                if not row.indicator.formula
            ]
            for code, f in self.forms.items()
        }
        self.units = {
            u.pk: Unit(u.pk, u.code, u.level.code, u.valid_from, u.valid_to)
            for u in OrgUnit.objects.select_related("level")
        }
        self.by_code = {u.code: u for u in self.units.values()}
        self.versions: dict[int, list[tuple[dt.date, dt.date, int | None]]] = defaultdict(list)
        for unit_id, parent_id, start, end in OrgUnitVersion.objects.values_list(
            "unit_id", "parent_id", "valid_from", "valid_to"
        ):
            self.versions[unit_id].append((start, end, parent_id))
        self.predecessors: dict[int, list[int]] = defaultdict(list)
        for pred, succ in ReorgLink.objects.values_list("predecessor_id", "successor_id"):
            self.predecessors[succ].append(pred)
        self.positions: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for unit_id, start, end in Position.objects.values_list(
            "unit_id", "valid_from", "valid_to"
        ):
            self.positions[unit_id].append((start, end))
        self._users()
        self.constants: dict[int, dict[str, float]] = {}
        self.figures: dict[tuple[int, int, int], Figures] = {}
        self.investment: dict[tuple[int, int], float] = {}
        self.planned: dict[tuple[str, int, int], Planned] = {}
        self.missing = 0
        self.deadlines: dict[tuple[str, int], dt.date | None] = {}
        self._targets: dict[tuple[str, int], dict[int, str | None]] = {}
        self._filling: dict[tuple[str, dt.date], list[Unit]] = {}
        self._kids: dict[tuple[str, dt.date], dict[int, list[int]]] = {}

    # Reference data ------------------------------------------------------------------------

    def _users(self) -> None:
        self.heads: dict[int, User] = {}
        self.reviewers: dict[int, User] = {}
        self.reporters: dict[int, User] = {}
        self.acceptor: User | None = None
        for ra in RoleAssignment.objects.select_related("user").order_by("pk"):
            if ra.role == Role.UNIT_HEAD:
                self.heads.setdefault(ra.unit_id, ra.user)
            elif ra.role == Role.REVIEWER:
                self.reviewers.setdefault(ra.unit_id, ra.user)
            elif ra.role == Role.REPORTER:
                self.reporters.setdefault(ra.unit_id, ra.user)
            elif ra.role == Role.COUNCIL_SECRETARY and self.acceptor is None:
                self.acceptor = ra.user

    def parent(self, unit_id: int, day: dt.date) -> int | None:
        for start, end, parent in self.versions[unit_id]:
            if start <= day < end:
                return parent
        return None

    def headcount(self, unit: Unit, day: dt.date) -> int:
        if unit.level == "toi-cao":
            return sum(
                self.headcount(child, day)
                for child in self.units.values()
                if child.level == "don-vi-vkstc" and self.parent(child.id, day) == unit.id
            )
        count = sum(1 for start, end in self.positions[unit.id] if start <= day < end)
        if unit.level in STAFF_FLOOR:
            count = max(count, int(self.const(unit)["floor"]))
        return count

    def const(self, unit: Unit) -> dict[str, float]:
        """A unit's lasting traits: how thrifty, how digital, how big its floor headcount."""
        if unit.id not in self.constants:
            rng = random.Random(f"{self.seed}-{unit.code}")
            low, high = STAFF_FLOOR.get(unit.level, (0, 0))
            self.constants[unit.id] = {
                "skill": rng.uniform(0.65, 1.35),
                "kwh": rng.uniform(0.8, 1.25),
                "vacancy": rng.uniform(0.02, 0.10),
                "docs": rng.uniform(0.8, 1.2),
                "e_offset": rng.uniform(-6.0, 6.0),
                "proc": rng.uniform(0.6, 1.4),
                "conf": rng.uniform(0.7, 1.3),
                "online": rng.uniform(0.7, 1.3),
                "floor": float(rng.randint(low, high)) if high else 0.0,
            }
        return self.constants[unit.id]

    def period(self, kind: str, year: int, number: int = 1) -> Period:
        return self.periods[(kind, year, number)]

    def deadline(self, form: ReportForm, period: Period) -> dt.date | None:
        key = (form.code, period.pk)
        if key not in self.deadlines:
            self.deadlines[key] = deadline_for(form, period)[0]
        return self.deadlines[key]

    def filling(self, form_code: str, day: dt.date) -> list[Unit]:
        """The units that fill the form for a period ending on `day`."""
        key = (form_code, day)
        if key not in self._filling:
            levels = self.form_levels[form_code]
            self._filling[key] = sorted(
                (u for u in self.units.values() if u.level in levels and u.open_on(day)),
                key=lambda u: u.code,
            )
        return self._filling[key]

    def children(self, unit_id: int, form_code: str, day: dt.date) -> list[int]:
        """The units right below that fill the same form."""
        key = (form_code, day)
        if key not in self._kids:
            kids: dict[int, list[int]] = defaultdict(list)
            for unit in self.filling(form_code, day):
                parent = self.parent(unit.id, day)
                if parent is not None:
                    kids[parent].append(unit.id)
            self._kids[key] = kids
        return self._kids[key].get(unit_id, [])

    # Figures -------------------------------------------------------------------------------

    def plan_investment(self) -> None:
        """Office projects of the provincial procuracies and the supreme procuracy: annual
        capital plans in million VND, some years with none."""
        for unit in sorted(self.units.values(), key=lambda u: u.code):
            if unit.level not in INVESTING_LEVELS:
                continue
            last = 0.0
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                if unit.level == "toi-cao":
                    plan = self.rng.uniform(260_000, 380_000)
                elif last and self.rng.random() < 0.6:
                    plan = last * self.rng.uniform(0.7, 1.5)
                elif self.rng.random() < 0.28:
                    plan = self.rng.uniform(12_000, 45_000)
                else:
                    plan = 0.0
                if plan:
                    self.investment[(unit.id, year)] = plan
                last = plan

    def quarter_figures(self, unit: Unit, year: int, q: int, day: dt.date) -> Figures:
        rng, c = self.rng, self.const(unit)
        staff = self.headcount(unit, day)
        budget = staff * BUDGET_PER_PERSON * PAY_GROWTH[year]
        est = budget * BUDGET_SEASON[q] * rng.uniform(0.98, 1.02)
        rate = SAVING_RATE[year] * SAVING_SEASON[q] * c["skill"] * rng.uniform(0.9, 1.1)
        rate = max(rate, 0.3)
        saved = est * rate / 100
        conf = est * CONF_SHARE[year] * c["conf"] * rng.uniform(0.85, 1.15)
        central = CENTRAL_SHARE[year] + rng.uniform(-0.08, 0.08)
        procurement = est * 0.025 * c["proc"] * rng.uniform(0.8, 1.2)
        docs = staff * 55 * c["docs"] * rng.uniform(0.92, 1.08)
        e_share = min(99.0, E_SHARE[year] + c["e_offset"] + rng.uniform(-3, 3)) / 100
        f: Figures = {
            "EST_RECURRENT": est,
            "SETTLE_RECURRENT": est - saved,
            "CONF_SPEND": conf,
            "SAV_CONF": conf * CONF_SAVED[year] * rng.uniform(0.85, 1.15),
            "SAV_TRAVEL_DOMESTIC": saved * 0.22 * rng.uniform(0.85, 1.15),
            "SAV_UTILITIES": saved * 0.12 * rng.uniform(0.85, 1.15),
            "SAV_STATIONERY": saved * 0.07 * rng.uniform(0.85, 1.15),
            "SAV_RECEPTION": saved * 0.09 * rng.uniform(0.85, 1.15),
            "ELECTRICITY_KWH": staff
            * KWH_PER_PERSON[q]
            * c["kwh"]
            * 0.97 ** (year - FIRST_YEAR)
            * rng.uniform(0.95, 1.05),
            "PROC_CENTRAL": procurement * central,
            "PROC_OUTSIDE": procurement * (1 - central),
            "DOCS_TOTAL": docs,
            "DOCS_ELECTRONIC": docs * e_share,
            "ONLINE_MEETINGS": max(1.0, staff / 6 * ONLINE_GROWTH[year] * c["online"]),
            "STAFF_ACTUAL": float(staff),
            "STAFF_QUOTA": float(math.ceil(staff * (1 + c["vacancy"]))),
        }
        plan = self.investment.get((unit.id, year), 0.0)
        if plan:
            plan_q = plan * INV_SEASON[q]
            rate_q = min(0.99, DISBURSE_RATE[year] * DISBURSE_SEASON[q] * rng.uniform(0.92, 1.05))
            f["INV_PLAN"] = plan_q
            f["INV_DISBURSED"] = math.floor(round(plan_q) * rate_q)
        return f

    def build_figures(self) -> None:
        self.plan_investment()
        for year, q in _quarters():
            period = self.period(Period.Kind.QUARTER, year, q)
            for unit in self.filling(QUARTERLY, period.end):
                self.figures[(unit.id, year, q)] = self.quarter_figures(unit, year, q, period.end)
        self._add_overruns_and_events()

    def _add_overruns_and_events(self) -> None:
        """A few settlements above the quarter's estimate, and a few conferences far above
        last year's: each explained by the reporter (see `explain`)."""
        keys = sorted(self.figures)
        for key in self.rng.sample(keys, k=max(1, len(keys) // 250)):
            f = self.figures[key]
            f["SETTLE_RECURRENT"] = f["EST_RECURRENT"] * self.rng.uniform(1.004, 1.025)
        later = [k for k in keys if k[1] > FIRST_YEAR]
        for key in self.rng.sample(later, k=max(1, len(keys) // 800)):
            self.figures[key]["CONF_SPEND"] *= self.rng.uniform(3.4, 4.2)

    def cumulative(self, unit: Unit, year: int, quarters: Iterable[int]) -> Figures:
        """Figures over several quarters of a year: sums, the last headcount."""
        out: Figures = defaultdict(float)
        last: Figures = {}
        for q in quarters:
            f = self.figures.get((unit.id, year, q))
            if f is None:
                continue
            for code, value in f.items():
                out[code] += value
            last = f
        for code in ("STAFF_ACTUAL", "STAFF_QUOTA"):
            if code in last:
                out[code] = last[code]
        return dict(out)

    def annual_figures(self, unit: Unit, year: int) -> Figures:
        rng, c = self.rng, self.const(unit)
        f = self.cumulative(unit, year, range(1, 5))
        if not f:
            return f
        est, staff = f["EST_RECURRENT"], f["STAFF_ACTUAL"]
        trend = SAVING_RATE[year] / SAVING_RATE[FIRST_YEAR]
        upper = unit.level not in LEAF_LEVELS
        f["SAV_FESTIVAL"] = est * 0.0012 * trend * rng.uniform(0.85, 1.15)
        f["WATER_M3"] = staff * 55 * rng.uniform(0.9, 1.1)
        f["SAV_PROC_BIDDING"] = (
            (f["PROC_CENTRAL"] + f["PROC_OUTSIDE"]) * 0.05 * rng.uniform(0.8, 1.2)
        )
        f["ONLINE_SERVICES"] = staff * 3 * ONLINE_GROWTH[year] * c["online"]
        f["TIME_SAVED_HOURS"] = staff * 20 * ONLINE_GROWTH[year] * rng.uniform(0.85, 1.15)
        f["PUBLIC_DISCLOSURES"] = float(rng.randint(2, 6))
        if unit.level == "toi-cao":
            f["SAV_TRAVEL_FOREIGN"] = 1_200 * trend * rng.uniform(0.85, 1.15)
            f["INSPECTIONS"] = float(rng.randint(10, 20))
        elif unit.level == "cap-cao":
            f["SAV_TRAVEL_FOREIGN"] = 90 * trend * rng.uniform(0.85, 1.15)
            f["INSPECTIONS"] = float(rng.randint(2, 5))
        elif upper:
            f["INSPECTIONS"] = float(rng.randint(3, 8))
        else:
            f["INSPECTIONS"] = float(rng.randint(1, 2))
        cases = rng.choice((0, 0, 0, 1, 1, 2)) if upper else rng.choice((0,) * 9 + (1,))
        f["WASTE_CASES"] = float(cases)
        f["WASTE_HANDLED"] = float(cases)
        if cases:
            f["WASTE_RECOVERY"] = rng.uniform(15, 400) * cases
        plan = self.investment.get((unit.id, year), 0.0)
        if plan:
            f["SAV_BIDDING"] = plan * rng.uniform(0.03, 0.06)
            f["SAV_AUDIT"] = plan * rng.uniform(0.01, 0.02)
            f["SAV_CEREMONY"] = rng.uniform(60, 180)
            if rng.random() < 0.3:
                f["SAV_INV_CUT"] = plan * rng.uniform(0.05, 0.10)
        if upper and rng.random() < 0.4:
            f["SAV_VEHICLE_DEFER"] = rng.uniform(600, 1_300)
        if upper and rng.random() < 0.1:
            f["SAV_OFFICE_DEFER"] = rng.uniform(1_500, 4_000)
        if rng.random() < 0.04:
            f["AREA_RECOVERED"] = rng.uniform(40, 400)
        return f

    # Statuses ------------------------------------------------------------------------------

    def targets(self, form_code: str, period: Period) -> dict[int, str | None]:
        """The status each expected unit's report has today (None: no report)."""
        units = self.filling(form_code, period.end)
        status: dict[int, str | None] = {
            u.id: (S.APPROVED if u.level in LEAF_LEVELS else S.ACCEPTED) for u in units
        }
        leaves = [u for u in units if u.level in LEAF_LEVELS]
        key = (period.year, period.number)
        rng = self.rng
        if form_code == QUARTERLY and period.kind == Period.Kind.QUARTER:
            if key == (2025, 2):  # districts wound up on 01/07/2025 that never filed
                for unit in rng.sample(leaves, k=6):
                    status[unit.id] = None
            elif key == (2026, 2):
                self._q2_2026(status, leaves)
            elif key == LAST_QUARTER:
                self._q3_2026(status, units)
        elif period.year == 2026 and period.kind in (Period.Kind.HALF, Period.Kind.NINE_MONTHS):
            number = 2 if period.kind == Period.Kind.HALF else 3
            mirror = self._targets.get((QUARTERLY, self.period("quarter", 2026, number).pk))
            if mirror is not None:
                status.update({u: s for u, s in mirror.items() if u in status})
        self._demote(status, form_code, period.end)
        self._targets[(form_code, period.pk)] = status
        return status

    def _q2_2026(self, status: dict[int, str | None], leaves: list[Unit]) -> None:
        demo = self.by_code.get("TQ-KV01")
        others = [u for u in leaves if u.code != "TQ-KV01"]
        picked = self.rng.sample(others, k=3)
        for unit in [*picked[:2], *([demo] if demo else [])]:
            status[unit.id] = S.RETURNED
        status[picked[2].id] = None

    def _q3_2026(self, status: dict[int, str | None], units: list[Unit]) -> None:
        """The latest quarter, six weeks after its deadline: some provinces done, most still
        reviewing, a few slow."""
        rng, day = self.rng, self.period("quarter", *LAST_QUARTER).end
        provinces = [u for u in units if u.level == "cap-tinh"]
        order = rng.sample(provinces, k=len(provinces))
        n_done, n_slow = round(len(order) * 0.3), round(len(order) * 0.22)
        pace = {p.id: "done" for p in order[:n_done]}
        pace.update({p.id: "slow" for p in order[n_done : n_done + n_slow]})
        for code in ("TQ", "HN"):
            if code in self.by_code:
                pace[self.by_code[code].id] = "reviewing"
        weights = {
            "reviewing": ((S.APPROVED, 60), (S.SUBMITTED, 24), (S.RETURNED, 8), (S.DRAFT, 8)),
            "slow": (
                (S.APPROVED, 25),
                (S.SUBMITTED, 25),
                (S.RETURNED, 6),
                (S.DRAFT, 26),
                (None, 18),
            ),
        }
        for unit in units:
            if unit.level in LEAF_LEVELS:
                kind = pace.get(self.parent(unit.id, day) or 0, "reviewing")
                if kind != "done":
                    choices = weights[kind]
                    status[unit.id] = rng.choices(
                        [s for s, _w in choices], weights=[w for _s, w in choices]
                    )[0]
            elif unit.level == "cap-tinh":
                kind = pace.get(unit.id, "reviewing")
                if kind == "done":
                    status[unit.id] = rng.choice((S.ACCEPTED, S.ACCEPTED, S.APPROVED))
                elif kind == "reviewing":
                    status[unit.id] = rng.choice((S.SUBMITTED, S.SUBMITTED, S.DRAFT))
                else:
                    status[unit.id] = rng.choice((S.DRAFT, None))
            else:
                status[unit.id] = S.DRAFT
        forced = {"TQ-KV01": S.DRAFT, "TQ-KV02": S.SUBMITTED, "TQ-KV03": S.SUBMITTED}
        forced["HN-KV01"] = S.DRAFT
        for code, value in forced.items():
            if code in self.by_code and self.by_code[code].id in status:
                status[self.by_code[code].id] = value

    def _demote(self, status: dict[int, str | None], form_code: str, day: dt.date) -> None:
        """A report is approved only when every report below it is: otherwise it waits."""
        for rank in ("mid", "root"):
            for unit_id, value in status.items():
                unit = self.units[unit_id]
                is_root = self.parent(unit_id, day) is None
                if unit.level in LEAF_LEVELS or (rank == "root") != is_root:
                    continue
                kids = self.children(unit_id, form_code, day)
                if value in LOCKED and any(status.get(k) not in LOCKED for k in kids):
                    status[unit_id] = S.SUBMITTED

    # Timelines -----------------------------------------------------------------------------

    def _moment(self, day: dt.date) -> dt.datetime:
        minutes = self.rng.randint(7 * 60 + 30, 16 * 60 + 45)
        return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=TZ)

    @staticmethod
    def _workdays(day: dt.date, n: int) -> dt.date:
        step = 1 if n >= 0 else -1
        left = abs(n)
        while left:
            day += dt.timedelta(days=step)
            if day.weekday() < 5:
                left -= 1
        return day

    def _after(self, moment: dt.datetime, low: int, high: int) -> dt.datetime:
        day = self._workdays(moment.astimezone(TZ).date(), self.rng.randint(low, high))
        later = self._moment(day)
        if later > self.cap:
            later = moment + dt.timedelta(minutes=20)
        return later

    def timeline(
        self,
        item: Planned,
        *,
        late: bool,
        loops: int,
        after_children: dt.datetime | None,
        reviewer: User | None,
    ) -> None:
        deadline = item.deadline or item.period.end + dt.timedelta(days=15)
        rng, head = self.rng, self.heads.get(item.unit.id)
        if item.status == S.DRAFT:
            item.opened = self._moment(self._workdays(item.period.end, rng.randint(3, 25)))
            item.opened = min(item.opened, self.cap - dt.timedelta(days=12))
            item.edited = self._after(item.opened, 1, 10)
            return
        if late:
            day = self._workdays(deadline, rng.randint(1, 14))
        else:
            day = self._workdays(deadline, -rng.randint(0, 7))
            day = day if day <= deadline else deadline
        moment = min(self._moment(day), self.cap)
        steps = [Step(S.SUBMITTED, moment, head)]
        loops = max(loops, 1) if item.status == S.RETURNED else loops
        for n in range(loops):
            moment = self._after(moment, 1, 4)
            steps.append(Step(S.RETURNED, moment, reviewer, rng.choice(RETURN_REASONS)))
            if item.status == S.RETURNED and n == loops - 1:
                break
            moment = self._after(moment, 1, 5)
            steps.append(Step(S.SUBMITTED, moment, head))
        if item.status in LOCKED:
            base = max(moment, after_children) if after_children else moment
            moment = self._after(base, 1, 5)
            steps.append(Step(S.APPROVED, moment, reviewer))
        if item.status == S.ACCEPTED:
            moment = self._after(moment, 1, 6)
            steps.append(Step(S.ACCEPTED, moment, self.acceptor))
        item.steps = steps
        first_day = self._workdays(item.period.end, 1)
        opened = self._workdays(steps[0].at.date(), -rng.randint(2, 12))
        item.opened = self._moment(max(opened, first_day))
        if item.opened >= steps[0].at:
            item.opened = steps[0].at - dt.timedelta(hours=3)
        last = max(i for i, step in enumerate(steps) if step.to == S.SUBMITTED)
        before = steps[last - 1].at if last else item.opened
        edited = steps[last].at - dt.timedelta(minutes=rng.randint(20, 180))
        item.edited = max(edited, before + dt.timedelta(minutes=5))

    def _late_chance(self, period: Period) -> float:
        if (period.year, period.number) == LAST_QUARTER and period.kind == Period.Kind.QUARTER:
            return 0.35
        return 0.09 if period.year == 2026 else 0.06

    # Planning ------------------------------------------------------------------------------

    def plan_form(self, form_code: str, period: Period, figures: dict[int, Figures]) -> None:
        form = self.forms[form_code]
        status = self.targets(form_code, period)
        deadline = self.deadline(form, period)
        day = period.end
        for unit_id in sorted(status, key=lambda u: -self._depth(u, day)):
            value = status[unit_id]
            if value is None:
                self.missing += 1
                continue
            unit = self.units[unit_id]
            item = Planned(unit=unit, form=form, period=period, deadline=deadline, status=value)
            parent = self.parent(unit_id, day)
            kids = [
                self.planned[(form_code, period.pk, k)]
                for k in self.children(unit_id, form_code, day)
                if (form_code, period.pk, k) in self.planned
            ]
            done = [k.approved_at for k in kids if k.status in LOCKED and k.approved_at]
            self.timeline(
                item,
                late=self.rng.random() < self._late_chance(period),
                loops=1 if self.rng.random() < 0.04 or self._forced_return(item) else 0,
                after_children=max(done) if done else None,
                reviewer=self.reviewers.get(parent) if parent else None,
            )
            item.values = self._typed(form_code, figures[unit_id], partial=value == S.DRAFT)
            self.planned[(form_code, period.pk, unit_id)] = item

    def _depth(self, unit_id: int, day: dt.date) -> int:
        depth, parent = 0, self.parent(unit_id, day)
        while parent is not None and depth < 10:
            depth, parent = depth + 1, self.parent(parent, day)
        return depth

    def _typed(self, form_code: str, f: Figures, *, partial: bool) -> dict[str, Decimal]:
        rows = [code for code in self.form_rows[form_code] if code in f]
        if partial:
            rows = rows[: max(3, round(len(rows) * self.rng.uniform(0.35, 0.8)))]
        out = {}
        for code in rows:
            floor = 1 if code in SAVINGS_CODES or code in JUMP_CODES else 0
            out[code] = _money(f[code], floor)
        if "INV_DISBURSED" in out and "INV_PLAN" in out:
            out["INV_DISBURSED"] = min(out["INV_DISBURSED"], out["INV_PLAN"])
        return out

    def plan_all(self) -> None:
        for year, q in _quarters():
            period = self.period(Period.Kind.QUARTER, year, q)
            figures = {u: f for (u, y, qq), f in self.figures.items() if (y, qq) == (year, q)}
            self.plan_form(QUARTERLY, period, figures)
        for year in HALF_YEARS:
            for kind, form_code, quarters in (
                (Period.Kind.HALF, HALF, (1, 2)),
                (Period.Kind.NINE_MONTHS, NINE, (1, 2, 3)),
            ):
                period = self.period(kind, year)
                units = self.filling(form_code, period.end)
                figures = {u.id: self.cumulative(u, year, quarters) for u in units}
                self.plan_form(form_code, period, figures)
        for year in range(FIRST_YEAR, LAST_QUARTER[0]):
            period = self.period(Period.Kind.YEAR, year)
            units = self.filling(ANNUAL, period.end)
            figures = {u.id: self.annual_figures(u, year) for u in units}
            self.plan_form(ANNUAL, period, figures)
        self.explain()
        self.write_narratives()

    @staticmethod
    def _forced_return(item: Planned) -> bool:
        """The demo unit's Q4/2025 report was sent back once before its approval."""
        period = item.period
        return (item.unit.code, item.form.code, period.year, period.number) == (
            "TQ-KV01",
            QUARTERLY,
            2025,
            4,
        )

    # Explanations --------------------------------------------------------------------------

    def _last_year(self, item: Planned) -> dict[str, Decimal]:
        """What checks.values_for() compares with: the unit's own report of the same period a
        year earlier, else the sum of its predecessors' reports."""
        period = item.period
        key = (period.kind, period.year - 1, period.number)
        if key not in self.periods:
            return {}
        before = self.periods[key]
        own = self.planned.get((item.form.code, before.pk, item.unit.id))
        if own is not None:
            return own.values
        total: dict[str, Decimal] = defaultdict(Decimal)
        for pred in self.predecessors.get(item.unit.id, []):
            other = self.planned.get((item.form.code, before.pk, pred))
            if other is not None:
                for code, value in other.values.items():
                    total[code] += value
        return dict(total)

    def explain(self) -> None:
        """The reporter's comment wherever a waivable blocking rule would otherwise fail."""
        for item in self.planned.values():
            values = item.values
            est, settle = values.get("EST_RECURRENT"), values.get("SETTLE_RECURRENT")
            if est is not None and settle is not None and settle > est:
                item.comments["SETTLE_RECURRENT"] = self._overrun_comment(item.period)
            last = self._last_year(item)
            for code in JUMP_CODES:
                if code not in values or code not in last or code in item.comments:
                    continue
                if values[code] > JUMP_FACTOR * last[code]:
                    item.comments[code] = JUMP_COMMENTS.get(code, SAVINGS_JUMP_COMMENT)

    @staticmethod
    def _overrun_comment(period: Period) -> str:
        if period.year >= 2025:
            return OVERRUN_COMMENTS["178"]
        if (period.year, period.number) == (2024, 3) and period.kind == Period.Kind.QUARTER:
            return OVERRUN_COMMENTS["yagi"]
        return OVERRUN_COMMENTS["default"]

    # Narratives ----------------------------------------------------------------------------

    def write_narratives(self) -> None:
        form = self.forms[ANNUAL]
        parts = list(form.narrative_parts.values_list("code", flat=True))
        by_year: dict[int, list[Planned]] = defaultdict(list)
        for item in self.planned.values():
            if item.form.code == ANNUAL:
                by_year[item.period.year].append(item)
        for year, items in by_year.items():
            names = tree.names_at([i.unit.id for i in items], dt.date(year, 12, 31))
            for item in items:
                texts = narrative(self.rng, names[item.unit.id], year, item.values)
                item.narratives = {code: texts[code] for code in parts if code in texts}

    # Writing -------------------------------------------------------------------------------

    def write(self) -> ReportSummary:
        """Insert the planned reports, values, texts and transitions (multi-row INSERTs:
        several times faster than bulk_create for 300,000 rows), then one audit event per
        report."""
        items = sorted(
            self.planned.values(),
            key=lambda i: (i.period.end, i.form.code, i.unit.code),
        )
        _insert(
            Report,
            (
                "unit_id",
                "form_id",
                "period_id",
                "status",
                "version",
                "deadline",
                "submitted_at",
                "approved_at",
                "created_at",
                "updated_at",
            ),
            (
                (
                    i.unit.id,
                    i.form.pk,
                    i.period.pk,
                    i.status,
                    1 + len(i.steps),
                    i.deadline,
                    i.submitted_at,
                    i.approved_at,
                    i.opened,
                    i.steps[-1].at if i.steps else i.edited,
                )
                for i in items
            ),
        )
        ids = {
            (unit, form, period): pk
            for unit, form, period, pk in Report.objects.values_list(
                "unit_id", "form_id", "period_id", "pk"
            )
        }
        report_ids = [ids[(i.unit.id, i.form.pk, i.period.pk)] for i in items]
        indicator_ids = {code: ind.pk for code, ind in self.indicators.items()}
        parts = dict(self.forms[ANNUAL].narrative_parts.values_list("code", "pk"))
        summary = ReportSummary(missing=self.missing)
        summary.values = _insert(
            DataValue,
            (
                "report_id",
                "indicator_id",
                "value",
                "comment",
                "version",
                "updated_by_id",
                "updated_at",
            ),
            (
                (
                    pk,
                    indicator_ids[code],
                    value,
                    item.comments.get(code, ""),
                    1,
                    self._reporter_id(item),
                    item.edited,
                )
                for pk, item in zip(report_ids, items, strict=True)
                for code, value in item.values.items()
            ),
        )
        summary.narratives = _insert(
            NarrativeText,
            ("report_id", "part_id", "text", "version", "updated_at"),
            (
                (pk, parts[code], text, 1, item.edited)
                for pk, item in zip(report_ids, items, strict=True)
                for code, text in item.narratives.items()
            ),
        )
        summary.transitions = _insert(
            ReportTransition,
            ("report_id", "from_status", "to_status", "by_id", "at", "reason"),
            (
                (
                    pk,
                    previous.to if previous else S.DRAFT,
                    step.to,
                    _pk(step.by),
                    step.at,
                    step.reason,
                )
                for pk, item in zip(report_ids, items, strict=True)
                for previous, step in zip([None, *item.steps], item.steps, strict=False)
            ),
        )
        for item in items:
            summary.by_status[item.status] += 1
            summary.by_form[item.form.code] += 1
            submitted = item.submitted_at
            if submitted is not None and item.deadline and submitted.date() > item.deadline:
                summary.late += 1
            if item.status in LOCKED and any(s.to == S.RETURNED for s in item.steps):
                summary.returned_before_approval += 1
        record_many(
            (
                Change(
                    "demo.report.load",
                    "reporting.report",
                    pk,
                    after={
                        "unit": item.unit.code,
                        "form": item.form.code,
                        "period": f"{item.period.kind}:{item.period.year}:{item.period.number}",
                        "status": item.status,
                        "values": len(item.values),
                        "transitions": len(item.steps),
                    },
                )
                for pk, item in zip(report_ids, items, strict=True)
            ),
            by=ACTOR,
            reason="Dữ liệu mẫu (số liệu giả định)",
        )
        summary.reports = len(items)
        return summary

    def _reporter_id(self, item: Planned) -> int | None:
        return _pk(self.reporters.get(item.unit.id))


def _pk(user: User | None) -> int | None:
    return user.pk if user is not None else None


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterable[list[Sequence[Any]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _converter(field: Any) -> Callable[[Any], Any] | None:
    """What the field's get_db_prep_save() does to a value, without its per-call overhead;
    datetimes repeat a lot, so they are remembered."""
    ops = connection.ops
    if isinstance(field, DateTimeField):
        memo: dict[Any, Any] = {}

        def moment(value: Any) -> Any:
            if value not in memo:
                memo[value] = ops.adapt_datetimefield_value(value)
            return memo[value]

        return moment
    if isinstance(field, DateField):
        return ops.adapt_datefield_value
    if isinstance(field, DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    return None


def _insert(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows without the ORM's per-object cost: COPY on PostgreSQL, batches of
    multi-row VALUES elsewhere. `names` are attribute names (`unit_id`); dates, datetimes and
    decimals get the conversion the field would give them."""
    fields = [next(f for f in model._meta.concrete_fields if f.attname == n) for n in names]
    convert = [_converter(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    prepared = (
        [v if c is None else c(v) for v, c in zip(row, convert, strict=True)] for row in rows
    )
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Identifiers come from the model's metadata; values are streamed, not spliced.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
                    count += 1
            return count
        row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        limit = connection.features.max_query_params or 30_000
        for chunk in _chunks(prepared, max(1, min(2_000, limit // len(fields)))):
            values = ", ".join([row_sql] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
            cursor.execute(sql, [v for row in chunk for v in row])
            count += len(chunk)
    return count


def _n(value: Decimal | float | None, decimals: int = 0) -> str:
    return format_vn_number(value if value is not None else 0, decimals)


def narrative(
    rng: random.Random, name: str, year: int, values: dict[str, Decimal]
) -> dict[str, str]:
    """The six parts of an annual report (Decree 266/2026 Art. 37) from a few templates."""
    est = values.get("EST_RECURRENT", Decimal(0))
    settle = values.get("SETTLE_RECURRENT", Decimal(0))
    saved = est - settle
    rate = saved / est * 100 if est else Decimal(0)
    total = sum((values.get(code, Decimal(0)) for code in SAVINGS_CODES), Decimal(0))
    docs = values.get("DOCS_TOTAL", Decimal(0))
    e_share = values.get("DOCS_ELECTRONIC", Decimal(0)) / docs * 100 if docs else Decimal(0)
    staff = values.get("STAFF_ACTUAL", Decimal(0))
    inspections = values.get("INSPECTIONS", Decimal(0))
    cases = values.get("WASTE_CASES", Decimal(0))
    handled = values.get("WASTE_HANDLED", Decimal(0))
    a = rng.choice(
        (
            f"Thực hiện Chương trình thực hành tiết kiệm, chống lãng phí năm {year} của ngành "
            f"Kiểm sát nhân dân, {name} đã ban hành kế hoạch triển khai, phân công lãnh đạo phụ "
            f"trách và quán triệt đến toàn thể {_n(staff)} cán bộ, công chức, người lao động.",
            f"Lãnh đạo {name} xác định thực hành tiết kiệm, chống lãng phí là nhiệm vụ thường "
            f"xuyên; trong năm {year} đã sửa đổi quy chế chi tiêu nội bộ, quy chế quản lý tài sản "
            "công và gắn kết quả thực hiện với bình xét thi đua cuối năm.",
            f"Năm {year}, {name} lồng ghép nội dung thực hành tiết kiệm, chống lãng phí vào các "
            "cuộc họp giao ban hằng tháng và phát động phong trào thi đua đến từng bộ phận.",
        )
    )
    b = (
        f"Dự toán chi thường xuyên được giao {_n(est)} triệu đồng, quyết toán {_n(settle)} triệu "
        f"đồng, tiết kiệm {_n(saved)} triệu đồng ({_n(rate, 2)}% dự toán). Tổng số tiền tiết kiệm "
        f"theo các lĩnh vực đạt {_n(total)} triệu đồng; tỷ lệ văn bản xử lý trên môi trường điện "
        f"tử đạt {_n(e_share, 1)}%. (Số liệu giả định, chỉ dùng cho bản trình diễn.)"
    )
    if cases:
        c = (
            f"Trong năm đã tiến hành {_n(inspections)} cuộc kiểm tra việc thực hành tiết kiệm, "
            f"chống lãng phí; phát hiện {_n(cases)} vụ việc, đã xử lý {_n(handled)} vụ việc, kiến "
            f"nghị thu hồi {_n(values.get('WASTE_RECOVERY'))} triệu đồng."
        )
    else:
        c = (
            f"Trong năm đã tiến hành {_n(inspections)} cuộc kiểm tra việc thực hành tiết kiệm, "
            "chống lãng phí; qua kiểm tra chưa phát hiện vụ việc lãng phí."
        )
    d = rng.choice(
        (
            "Việc ứng dụng công nghệ thông tin còn chưa đồng đều giữa các bộ phận; một số khoản "
            "chi hội nghị, công tác phí còn tập trung vào cuối năm. Nguyên nhân chủ yếu do khối "
            "lượng công việc tăng và định mức chi chưa được cập nhật kịp thời.",
            "Trụ sở làm việc xuống cấp nên chi sửa chữa, điện nước còn cao; việc theo dõi tiết "
            "kiệm theo từng lĩnh vực chưa thường xuyên. Trách nhiệm thuộc bộ phận kế toán và "
            "lãnh đạo phụ trách.",
            "Một số chỉ tiêu tiết kiệm chưa được lượng hóa cụ thể; việc công khai kết quả thực "
            "hành tiết kiệm có lúc chưa kịp thời.",
        )
    )
    e = rng.choice(
        (
            "Đề nghị VKSND tối cao sớm ban hành định mức sử dụng xe ô tô, trang thiết bị chuyên "
            "dùng phù hợp với mô hình tổ chức mới của ngành.",
            "Đề nghị sớm hướng dẫn mẫu biểu báo cáo thống nhất theo Nghị định 266/2026/NĐ-CP để "
            "thuận tiện cho việc tổng hợp.",
            "Đề nghị bố trí kinh phí nâng cấp hạ tầng công nghệ thông tin để mở rộng xử lý hồ sơ "
            "trên môi trường điện tử.",
        )
    )
    target = min(Decimal(8), (rate + Decimal("0.5")).quantize(Decimal("0.1")))
    f = (
        f"Năm {year + 1}, tiếp tục quán triệt và thực hiện nghiêm các quy định về thực hành tiết "
        f"kiệm, chống lãng phí; phấn đấu tiết kiệm ít nhất {_n(target, 1)}% dự toán chi thường "
        "xuyên, đẩy mạnh xử lý văn bản trên môi trường điện tử và mua sắm tập trung."
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def generate_reports(rng: random.Random, *, as_of: dt.date = AS_OF) -> ReportSummary:
    """Plan, write and roll up every demo report. Call inside build_demo()'s transaction,
    after the tree, the staff and the users exist."""
    generator = Generator(rng, as_of)
    generator.build_figures()
    generator.plan_all()
    summary = generator.write()
    rollups.rebuild()
    from .reviews import build_reviews  # issue 11: units' phase reviews with their figures

    for review in build_reviews():
        review.refresh_from_db()
        summary.reports += 1
        summary.by_status[review.status] += 1
        summary.by_form[review.form.code] += 1
        summary.values += review.values.count()
        summary.narratives += review.narratives.count()
        summary.transitions += review.transitions.count()
    return summary


STATUS_VI = {
    S.ACCEPTED: "đã tiếp nhận",
    S.APPROVED: "đã duyệt",
    S.SUBMITTED: "chờ duyệt",
    S.RETURNED: "bị trả lại",
    S.DRAFT: "đang soạn",
}


def describe(summary: ReportSummary) -> list[str]:
    """Lines for load_demo's output, in Vietnamese."""
    mix = ", ".join(
        f"{STATUS_VI[s]} {format_vn_number(summary.by_status[s])}"
        for s in STATUS_VI
        if summary.by_status[s]
    )
    return [
        f"Báo cáo THTK-CLP mẫu (quý 1/{FIRST_YEAR} – quý {LAST_QUARTER[1]}/{LAST_QUARTER[0]}): "
        f"{format_vn_number(summary.reports)} báo cáo, {format_vn_number(summary.values)} số liệu, "
        f"{format_vn_number(summary.narratives)} đoạn thuyết minh, "
        f"{format_vn_number(summary.transitions)} lượt chuyển trạng thái.",
        f"  Trạng thái: {mix}; nộp muộn {format_vn_number(summary.late)}; "
        f"bị trả lại rồi mới duyệt {format_vn_number(summary.returned_before_approval)}; "
        f"chưa có báo cáo {format_vn_number(summary.missing)}.",
        "  Số liệu báo cáo là số liệu giả định, chỉ dùng cho bản trình diễn.",
    ]
