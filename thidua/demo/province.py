"""The demo province (`load_demo --sector province`): Tuyên Quang after the 2025 reorganisation
(Hà Giang merged into it; two-level local government from 01/07/2025), built on the `province`
sector pack through the same functions a real install uses: setup_body for the root unit, the
pack and the first administrator; org actions for the tree; reporting actions for the reports
(open, fill, submit, approve); awards actions for a registration; evaluation actions for the
two emulation blocks (khối thi đua). Small on purpose: 21 units, ~200 staff.

Every unit below the root, every person and every figure is FICTITIOUS: the names of the
departments follow the usual list of a province's departments after the 2025 reorganisation
(our sources do not list Tuyên Quang's), the communes are numbered, the figures are random."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from thidua.accounts.actions import create_user, grant_role
from thidua.accounts.models import Role, RoleAssignment, User
from thidua.awards.actions import move_registration, open_registration, save_registration
from thidua.awards.models import Council, CouncilMember, Registration, Title
from thidua.council import actions as council_actions
from thidua.council.models import Signer
from thidua.evaluation.actions import create_cluster
from thidua.evaluation.models import Cluster
from thidua.lib.text import fold, vn_sort_key
from thidua.org import actions
from thidua.org.actions import NewUnit
from thidua.org.models import OrgLevel, OrgUnit, Person, Position
from thidua.packs.setup import BodySpec, setup_body
from thidua.reporting.actions import approve_report, open_report, store_value, submit_report
from thidua.reporting.models import Indicator, Period, Report, ReportForm

from .build import DEMO_PASSWORD
from .names import full_name

PACK = "province"
FOUNDED = dt.date(2025, 7, 1)  # Resolution 202/2025/QH15: the merged province from 01/07/2025
BASIS = "Nghị quyết 202/2025/QH15"
ROOT = "UBND-TQ"
DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"),
    ("STC", "Sở Tài chính"),
    ("SXD", "Sở Xây dựng"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SCT", "Sở Công Thương"),
    ("VP-UBND", "Văn phòng UBND tỉnh"),
]
SUBORDINATE = [
    ("STC-TTTC", "Trung tâm Dịch vụ tài chính công", "STC"),
    ("SYT-TTKSBT", "Trung tâm Kiểm soát bệnh tật", "SYT"),
]
COMMUNES = [(f"XA-{n:02d}", f"Xã số {n:02d}") for n in range(1, 7)] + [
    ("PHUONG-01", "Phường số 01"),
    ("PHUONG-02", "Phường số 02"),
]
STAFF = {"tinh": (14, 16), "so": (10, 14), "xa": (8, 10), "don-vi": (6, 8)}
HEADS = {
    "tinh": ["Chủ tịch", "Phó Chủ tịch", "Phó Chủ tịch"],
    "so": ["Giám đốc", "Phó Giám đốc", "Phó Giám đốc"],
    "xa": ["Chủ tịch UBND", "Phó Chủ tịch UBND", "Phó Chủ tịch UBND"],
    "don-vi": ["Giám đốc", "Phó Giám đốc", "Phó Giám đốc"],
}
TITLES = [("Chuyên viên", 0.55), ("Chuyên viên chính", 0.2), ("Kế toán", 0.15), ("Văn thư", 0.1)]
USERS = [
    ("thuky", "Thư ký", "Hội đồng", Role.COUNCIL_SECRETARY, ROOT),
    ("uyvien", "Ủy viên", "Hội đồng", Role.COUNCIL_MEMBER, ROOT),
    ("giamsat", "Giám sát", "Tuyên Quang", Role.SUPERVISOR, ROOT),
    ("duyet.tinh", "Thẩm định", "Sở Nội vụ", Role.REVIEWER, ROOT),
    ("thutruong.stc", "Giám đốc", "Sở Tài chính", Role.UNIT_HEAD, "STC"),
    ("nhaplieu.stc", "Kế toán", "Sở Tài chính", Role.REPORTER, "STC"),
    ("thutruong.xa01", "Chủ tịch", "Xã số 01", Role.UNIT_HEAD, "XA-01"),
    ("nhaplieu.xa01", "Kế toán", "Xã số 01", Role.REPORTER, "XA-01"),
]
COUNCIL_USERS = [
    # username, first, last, council role (the council of the province, on the root unit)
    ("chutich.tinh", "Chủ tịch", "Hội đồng tỉnh", CouncilMember.Role.CHAIR),
    ("phochutich.tinh", "Phó Chủ tịch", "Hội đồng tỉnh", CouncilMember.Role.VICE_CHAIR),
    ("hoidong1.tinh", "Ủy viên 1", "Hội đồng tỉnh", CouncilMember.Role.MEMBER),
    ("hoidong2.tinh", "Ủy viên 2", "Hội đồng tỉnh", CouncilMember.Role.MEMBER),
]
EXISTING_SEATS = [("thuky", CouncilMember.Role.SECRETARY), ("uyvien", CouncilMember.Role.MEMBER)]
QUARTERS = (1, 2)  # 2026: approved quarterly reports
REGISTRATION_YEAR = 2026


@dataclass
class ProvinceDemo:
    root: OrgUnit
    units: list[OrgUnit] = field(default_factory=list)
    staff: int = 0
    reports: int = 0
    registrations: int = 0
    lines: list[str] = field(default_factory=list)


def build_tree(root: OrgUnit) -> list[OrgUnit]:
    """Ten departments and agencies, two subordinate units, eight communes and wards."""
    levels = {lv.code: lv for lv in OrgLevel.objects.all()}
    made: dict[str, OrgUnit] = {}
    for code, name in DEPARTMENTS:
        made[code] = actions.create_unit(
            NewUnit(code, name, levels["so"], root, budget_role="upper_level"),
            day=FOUNDED,
            legal_basis=BASIS,
        )
    for code, name, parent in SUBORDINATE:
        made[code] = actions.create_unit(
            NewUnit(code, name, levels["don-vi"], made[parent], budget_role="direct_spending"),
            day=FOUNDED,
            legal_basis=BASIS,
        )
    for code, name in COMMUNES:
        made[code] = actions.create_unit(
            NewUnit(code, name, levels["xa"], root, budget_role="budget_level"),
            day=FOUNDED,
            legal_basis=BASIS,
        )
    return [root, *made.values()]


def build_staff(rng: random.Random, units: list[OrgUnit]) -> int:
    """~200 people, each with a current position in one unit."""
    seq = 0
    for unit in units:
        low, high = STAFF[unit.level.code]
        n = rng.randint(low, high)
        titles = HEADS[unit.level.code] + rng.choices(
            [t for t, _w in TITLES], weights=[w for _t, w in TITLES], k=n - 3
        )
        if "Kế toán" not in titles:
            titles[-1] = "Kế toán"
        for title in titles:
            seq += 1
            female = rng.random() < 0.48
            name = full_name(rng, female)
            code = f"TQ{seq:05d}"
            born = dt.date(rng.randint(1968, 2000), rng.randint(1, 12), rng.randint(1, 28))
            person = Person.objects.create(
                code=code,
                full_name=name,
                gender="female" if female else "male",
                birth_date=born,
                joined_on=dt.date(max(born.year + 23, 1995), rng.randint(1, 12), 1),
                search_key=fold(f"{name} {code}"),
                sort_key=vn_sort_key(name, given_name_first=True),
            )
            Position.objects.create(person=person, unit=unit, title=title, valid_from=FOUNDED)
        unit.staff_count = n
        unit.save(update_fields=["staff_count"])
    return seq


def build_users(root: OrgUnit) -> None:
    """A login for each role (the administrator comes from setup_body), linked to a staff
    record of its unit for the reporter and the unit head."""
    for username, first, last, role, code in USERS:
        unit = OrgUnit.objects.get(code=code)
        person = None
        if role in {Role.REPORTER, Role.UNIT_HEAD}:
            wanted = "Kế toán" if role == Role.REPORTER else HEADS[unit.level.code][0]
            position = (
                Position.objects.filter(unit=unit, title=wanted, person__user__isnull=True)
                .select_related("person")
                .first()
            )
            person = position.person if position else None
        user = create_user(username, DEMO_PASSWORD, first_name=first, last_name=last, person=person)
        grant_role(RoleAssignment(user=user, role=role, unit=unit, valid_from=FOUNDED))


def build_council(root: OrgUnit) -> Council:
    """The province's emulation and commendation council (Hội đồng Thi đua - Khen thưởng
    tỉnh): a chair, a vice chair and two members with their own logins, and the secretary and
    the council member of USERS in their seats."""
    # setup_body made it from the pack's template (no members); an older install has none.
    council = Council.objects.filter(unit=root).first() or Council.objects.create(
        unit=root, name="Hội đồng Thi đua - Khen thưởng tỉnh Tuyên Quang"
    )
    for username, first, last, role in COUNCIL_USERS:
        user = create_user(username, DEMO_PASSWORD, first_name=first, last_name=last)
        grant_role(
            RoleAssignment(user=user, role=Role.COUNCIL_MEMBER, unit=root, valid_from=FOUNDED)
        )
        CouncilMember.objects.create(council=council, user=user, role=role, valid_from=FOUNDED)
    for username, role in EXISTING_SEATS:
        seat = User.objects.get(username=username)
        CouncilMember.objects.create(council=council, user=seat, role=role, valid_from=FOUNDED)
    return council


def build_signers(root: OrgUnit) -> None:
    """The register of signers of the province's decisions, as the administrator enters it at
    /council/documents/: the chair of the People's Committee, and a vice chair who signs "KT.
    CHỦ TỊCH" (made-up names: a decision is signed by a person, not a role label)."""
    admin = User.objects.get(username="admin")
    rng = random.Random(f"signers-{root.code}")
    for title in ("Chủ tịch", "Phó Chủ tịch"):
        signer = Signer(unit=root, full_name=full_name(rng, female=False), title=title)
        signer.valid_from = FOUNDED
        council_actions.save_signer(signer, by=admin)


def _fill(report: Report, rng: random.Random, staff: int, by: User) -> None:
    """Typed figures (million VND) in proportion to the unit's staff; savings of 2–6 %."""
    codes = {i.code: i for i in Indicator.objects.filter(code__in=FIGURES)}
    estimate = Decimal(staff * rng.randint(90, 130))
    rate = Decimal(rng.randint(20, 60)) / 1000
    settled = (estimate * (1 - rate)).quantize(Decimal(1))
    conference = (estimate * Decimal("0.03")).quantize(Decimal(1))
    values = {
        "EST_RECURRENT": estimate,
        "SETTLE_RECURRENT": settled,
        "CONF_SPEND": conference,
        "SAV_CONF": (conference * Decimal("0.1")).quantize(Decimal(1)),
        "SAV_STATIONERY": (estimate * Decimal("0.002")).quantize(Decimal(1)),
        "STAFF_QUOTA": Decimal(staff + 1),
        "STAFF_ACTUAL": Decimal(staff),
    }
    for code, value in values.items():
        store_value(report, codes[code], str(value), by=by, expected_version=0)


FIGURES = (
    "EST_RECURRENT",
    "SETTLE_RECURRENT",
    "CONF_SPEND",
    "SAV_CONF",
    "SAV_STATIONERY",
    "STAFF_QUOTA",
    "STAFF_ACTUAL",
)


def build_reports(rng: random.Random, root: OrgUnit, units: list[OrgUnit]) -> int:
    """The quarterly reports of 2026 Q1 and Q2: every unit files, the level above approves,
    from the subordinate units up to the departments and communes; the province's own report is
    approved last (the reviewer of the province approves them all)."""
    form = ReportForm.objects.get(code="thtk-quy")
    reporter = User.objects.get(username="admin")
    reviewer = User.objects.get(username="duyet.tinh")
    order = sorted(units, key=lambda u: -u.level.rank)  # the deepest units first
    count = 0
    for number in QUARTERS:
        period = Period.objects.get(kind="quarter", year=2026, number=number)
        for unit in order:
            report = open_report(unit, form, period, by=reporter)
            _fill(report, rng, unit.staff_count or 5, reporter)
            submit_report(report, by=reporter)
            approve_report(report, by=reviewer)
            _redate(report, rng)
            count += 1
    return count


# Days before the deadline a report of each rank is submitted and approved: the subordinate
# units first, then the departments and communes, then the province (approved after it).
TIMING = {2: (10, 8), 1: (6, 3), 0: (2, -3)}


def _redate(report: Report, rng: random.Random) -> None:
    """The steps happen now (when the demo is loaded); date them as they would have happened
    in the quarter's reporting window, before the deadline, so that the demo's reports are not
    counted late. The audit events keep their real time (when the demo was loaded)."""
    assert report.deadline is not None
    submit_days, approve_days = TIMING[report.unit.level.rank]
    hour = dt.time(rng.randint(8, 16), rng.randint(0, 59))
    submitted = timezone.make_aware(
        dt.datetime.combine(report.deadline - dt.timedelta(days=submit_days), hour)
    )
    approved = timezone.make_aware(
        dt.datetime.combine(report.deadline - dt.timedelta(days=approve_days), hour)
    )
    Report.objects.filter(pk=report.pk).update(submitted_at=submitted, approved_at=approved)
    report.transitions.filter(to_status=Report.Status.SUBMITTED).update(at=submitted)
    report.transitions.filter(to_status=Report.Status.APPROVED).update(at=approved)


def build_registration(root: OrgUnit) -> int:
    """The registration of Sở Tài chính for 2026: TTLĐTT for the unit, LĐTT for every member
    and CSTĐCS for two of them, submitted to the level above."""
    unit = OrgUnit.objects.get(code="STC")
    head = User.objects.get(username="thutruong.stc")
    titles = {t.code: t for t in Title.objects.filter(code__in=["TTLDTT", "LDTT", "CSTDCS"])}
    staff = (
        Position.objects.filter(unit=unit)
        .order_by("person__code")
        .values_list("person_id", flat=True)
    )
    chosen = {
        pid: [titles["LDTT"], titles["CSTDCS"]] if i < 2 else [titles["LDTT"]]
        for i, pid in enumerate(staff)
    }
    reg = open_registration(unit, REGISTRATION_YEAR, by=head)
    items = save_registration(reg, unit_titles=[titles["TTLDTT"]], person_titles=chosen, by=head)
    move_registration(reg, Registration.Status.SUBMITTED, by=head)
    return items


def build_blocks(root: OrgUnit) -> list[Cluster]:
    """The two emulation blocks (khối thi đua) of 2026: the departments and agencies, and the
    communes and wards."""
    admin = User.objects.get(username="admin")
    departments = list(OrgUnit.objects.filter(code__in=[c for c, _n in DEPARTMENTS]))
    communes = list(OrgUnit.objects.filter(code__in=[c for c, _n in COMMUNES]))
    return [
        create_cluster(
            by=admin,
            year=REGISTRATION_YEAR,
            code="khoi-so-nganh",
            name="Khối các sở, ban, ngành",
            organiser=root,
            members=departments,
            kind=Cluster.Kind.BLOCK,
            pact_signed_on=dt.date(2026, 3, 20),
        ),
        create_cluster(
            by=admin,
            year=REGISTRATION_YEAR,
            code="khoi-xa-phuong",
            name="Khối các xã, phường",
            organiser=root,
            members=communes,
            kind=Cluster.Kind.BLOCK,
            pact_signed_on=dt.date(2026, 3, 25),
        ),
    ]


@transaction.atomic
def build_province_demo(seed: int = 2023) -> ProvinceDemo:
    """All or nothing: the body with its pack and administrator, the tree, the staff, the
    users, the province's council, the 2026 Q1–Q2 reports, a registration and the two blocks."""
    rng = random.Random(seed)
    result = setup_body(
        BodySpec(
            name="Ủy ban nhân dân tỉnh Tuyên Quang",
            short_name=ROOT,
            seat="Tuyên Quang",
            pack=PACK,
            admin_username="admin",
            admin_password=DEMO_PASSWORD,
            founded=FOUNDED,
            admin_full_name="Quản trị hệ thống",
        ),
        by="load_demo",
    )
    root = result.body.unit
    demo = ProvinceDemo(root=root)
    demo.units = build_tree(root)
    demo.staff = build_staff(rng, demo.units)
    build_users(root)
    council = build_council(root)
    build_signers(root)
    demo.reports = build_reports(rng, root, demo.units)
    demo.registrations = build_registration(root)
    blocks = build_blocks(root)
    demo.lines = [
        f"Báo cáo THTK-CLP quý đã duyệt (quý 1, quý 2 năm 2026): {demo.reports}.",
        f"Đăng ký thi đua năm {REGISTRATION_YEAR} của Sở Tài chính: {demo.registrations} mục.",
        "Khối thi đua: " + "; ".join(b.name for b in blocks) + ".",
        f"{council.name}: {council.members.count()} thành viên.",
    ]
    return demo
