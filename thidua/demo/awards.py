"""Awards for the demo sector: the catalogue, person facts 2022–2025 (ratings, discipline,
absences, a few open cases), initiatives, standing councils, award history 2022–2024 decided by
the rules themselves (so 2025 has real chains), registrations 2022–2026, eligibility for
2022–2025, and some 2025 proposals submitted for the council's sessions.

Every fact is FICTITIOUS. Deterministic for a seed; bulk inserts, except the proposals, which
go through awards.actions (checked and audited) as a user would make them.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q

from thidua.accounts.actions import create_user, grant_role
from thidua.accounts.models import Role, RoleAssignment, User
from thidua.audit.chain import Change, record_many
from thidua.awards import actions
from thidua.awards import eligibility as engine
from thidua.awards import verdicts as read
from thidua.awards.catalogue import load_catalogue, rules_for_year
from thidua.awards.facts import staff_at
from thidua.awards.models import (
    Absence,
    AwardRecord,
    BaseSalary,
    Council,
    CouncilMember,
    Discipline,
    EligibilityResult,
    Initiative,
    OpenCase,
    PerformanceRating,
    Proposal,
    Registration,
    RegistrationItem,
    Title,
    TitleRule,
)
from thidua.demo import ksnd_codes as ksnd
from thidua.demo.council import HistoryRound, build_history_rounds
from thidua.lib.numbers import format_vn_number as n
from thidua.org import tree
from thidua.org.models import OrgUnit, Person, Position

YEARS = (2022, 2023, 2024, 2025)
DEMO_DAY = dt.date(2026, 11, 27)
PASSWORD = "thidua-demo-2026"
COUNCIL_USERS = [
    # username, first, last, council unit, council role
    ("chutich.vkstc", "Chủ tịch", "Hội đồng ngành", "VKSNDTC", CouncilMember.Role.CHAIR),
    (
        "phochutich.vkstc",
        "Phó Chủ tịch",
        "Hội đồng ngành",
        "VKSNDTC",
        CouncilMember.Role.VICE_CHAIR,
    ),
    ("hoidong1.vkstc", "Ủy viên 1", "Hội đồng ngành", "VKSNDTC", CouncilMember.Role.MEMBER),
    ("hoidong2.vkstc", "Ủy viên 2", "Hội đồng ngành", "VKSNDTC", CouncilMember.Role.MEMBER),
    ("hoidong3.vkstc", "Ủy viên 3", "Hội đồng ngành", "VKSNDTC", CouncilMember.Role.MEMBER),
    ("chutich.tq", "Chủ tịch", "Hội đồng Tuyên Quang", "TQ", CouncilMember.Role.CHAIR),
    ("hoidong1.tq", "Ủy viên 1", "Hội đồng Tuyên Quang", "TQ", CouncilMember.Role.MEMBER),
    ("hoidong2.tq", "Ủy viên 2", "Hội đồng Tuyên Quang", "TQ", CouncilMember.Role.MEMBER),
]
EXISTING_SEATS = [
    ("thuky", "VKSNDTC", CouncilMember.Role.SECRETARY),
    ("uyvien", "VKSNDTC", CouncilMember.Role.MEMBER),
    ("duyet.tq", "TQ", CouncilMember.Role.SECRETARY),
]


def _rating(rng: random.Random, strong: bool) -> str:
    x = rng.random()
    if strong:
        return "HTXS" if x < 0.85 else "HTT"
    return "HTXS" if x < 0.07 else "HTT" if x < 0.86 else "HT" if x < 0.97 else "KHT"


def build_facts(rng: random.Random, people: list[tuple[int, str, int]]) -> set[int]:
    """Ratings, absences and discipline 2022–2025; returns the ids of the strong performers."""
    strong = {pid for pid, _g, _u in people if rng.random() < 0.10}
    ratings, absences, disciplines = [], [], []
    for year in YEARS:
        for pid, gender, _unit in people:
            ratings.append(
                PerformanceRating(person_id=pid, year=year, level=_rating(rng, pid in strong))
            )
            x = rng.random()
            if x < 0.02 and gender == "female":
                absences.append(
                    Absence(person_id=pid, year=year, months=Decimal(6), reason="maternity")
                )
            elif x < 0.035:
                months = Decimal(rng.choice(["1.5", "2", "3", "4", "5", "7"]))
                absences.append(Absence(person_id=pid, year=year, months=months, reason="sickness"))
            if pid not in strong and rng.random() < 0.006:
                on = dt.date(year, rng.randint(2, 11), rng.randint(1, 28))
                level = rng.choices(["reprimand", "warning", "demotion"], [70, 25, 5])[0]
                served = on + dt.timedelta(days=365)
                disciplines.append(
                    Discipline(
                        person_id=pid,
                        level=level,
                        decided_on=on,
                        breach_ref=f"VP-{year}-{pid}",
                        served_until=served,
                    )
                )
    PerformanceRating.objects.bulk_create(ratings, batch_size=4000)
    Absence.objects.bulk_create(absences, batch_size=4000)
    Discipline.objects.bulk_create(disciplines, batch_size=4000)
    return strong


def build_initiatives(
    rng: random.Random, people: list[tuple[int, str, int]], strong: set[int]
) -> int:
    """Base-level initiatives for most strong performers each year, some recognised by the
    Prosecutor General (sector), a few with nationwide effect."""
    rows: list[tuple[Initiative, int]] = []
    for year in YEARS:
        for pid, _g, unit_id in people:
            chance = 0.5 if pid in strong else 0.01
            if rng.random() >= chance:
                continue
            level = "base"
            if pid in strong:
                level = rng.choices(["base", "sector", "national"], [60, 35, 5])[0]
            by = {
                "base": "Hội đồng sáng kiến cơ sở",
                "sector": "Viện trưởng VKSND tối cao",
                "national": "Viện trưởng VKSND tối cao (phạm vi toàn quốc)",
            }[level]
            on = dt.date(year, rng.randint(3, 11), rng.randint(1, 28))
            subject = rng.choice(
                [
                    "Số hoá hồ sơ kiểm sát",
                    "Tiết kiệm văn phòng phẩm",
                    "Quy trình kiểm sát trực tuyến",
                    "Giảm chi hội nghị",
                    "Mẫu biểu điện tử",
                    "Quản lý tài sản công",
                ]
            )
            rows.append(
                (
                    Initiative(
                        title=f"{subject} ({year}-{pid})",
                        unit_id=unit_id,
                        level=level,
                        recognised_on=on,
                        recognised_by=by,
                        decision_ref=f"{pid % 97 + 1}/QĐ-SK",
                    ),
                    pid,
                )
            )
    created = Initiative.objects.bulk_create([i for i, _p in rows], batch_size=2000)
    through = Initiative.authors.through
    through.objects.bulk_create(
        [
            through(initiative_id=i.pk, person_id=pid)
            for i, (_x, pid) in zip(created, rows, strict=True)
        ],
        batch_size=4000,
    )
    return len(created)


def build_cases(rng: random.Random, people: list[tuple[int, str, int]]) -> None:
    picks = rng.sample(people, min(25, len(people)))
    cases = [
        OpenCase(
            person_id=pid,
            kind=rng.choice(["disciplinary", "complaint"]),
            opened_on=dt.date(2026, rng.randint(1, 10), 5),
        )
        for pid, _g, _u in picks
    ]
    closed = rng.sample(people, min(10, len(people)))
    cases += [
        OpenCase(
            person_id=pid,
            kind="inspection",
            opened_on=dt.date(2024, 3, 1),
            closed_on=dt.date(2024, 9, 1),
        )
        for pid, _g, _u in closed
    ]
    OpenCase.objects.bulk_create(cases)


@functools.cache
def _cash(code: str, day: dt.date) -> Decimal | None:
    title_ids = dict(Title.objects.values_list("code", "id"))
    rule = TitleRule.objects.filter(
        title_id=title_ids[code], valid_from__lte=day, valid_to__gt=day
    ).first()
    salary = BaseSalary.objects.filter(valid_from__lte=day, valid_to__gt=day).first()
    if rule is None:
        return Decimal(0)
    if salary is None:
        return None  # unknown: no base salary recorded for the day (never 0)
    return engine.cash_amount(rule.cash_multiple, salary.amount)


def build_history(rng: random.Random) -> tuple[int, list[HistoryRound]]:
    """Award history 2022–2024 decided by the engine itself, year after year, so the chains
    the 2025 rules look at are consistent with the facts. The council-voted titles of the demo's
    councils then get their proposals, session, ballots and decision (demo/council.py); the
    others (LĐTT, TTLĐTT, Kỷ niệm chương, CSTĐ cơ sở of provinces without a council in the
    demo) stay imported history."""
    titles = dict(Title.objects.values_list("code", "id"))
    total = 0
    rounds: list[HistoryRound] = []
    for year in (2022, 2023, 2024):
        decided = dt.date(year + 1, 1, 20)
        verdicts, staff, people = read.evaluate_people(year, decided)
        collective = read.evaluate_units(year, decided, people, verdicts, staff)
        records: list[AwardRecord] = []
        for pid in sorted(verdicts):
            by_title = verdicts[pid]
            given: set[str] = set()
            for code, share, needs in (
                (ksnd.LDTT, 1.0, None),
                (ksnd.CSTDCS, 0.9, ksnd.LDTT),
                (ksnd.CSTD_NGANH, 0.8, ksnd.CSTDCS),  # the chain counts this year's CSTĐCS
                (ksnd.KNC, 0.95 if year == 2022 else 0.6, None),
            ):
                v = by_title.get(code)
                if v is None or not v.eligible or (needs and needs not in given):
                    continue
                if rng.random() < share:
                    records.append(_award(titles, code, year, decided, person_id=pid))
                    given.add(code)
        for uid in sorted(collective):
            for code in (ksnd.TTLDTT, ksnd.TTLDXS, ksnd.CO_NGANH):
                v = collective[uid].get(code)
                if v is not None and v.eligible:
                    records.append(_award(titles, code, year, decided, unit_id=uid))
        created = AwardRecord.objects.bulk_create(records, batch_size=2000)
        _mark_used_initiatives(created, people, year)
        total += len(created)
        rounds += build_history_rounds(
            random.Random(f"council-{year}"), year, created, staff.home, (verdicts, collective)
        )
    return total, rounds


def _award(
    titles: dict[str, int], code: str, year: int, decided: dt.date, **who: int
) -> AwardRecord:
    return AwardRecord(
        title_id=titles[code],
        year=year,
        decided_on=decided,
        source="imported",
        decision_number=f"{year % 100:02d}/QĐ-VKSTC",  # a sector-level decision, not a code
        cash_amount=_cash(code, decided),
        **who,
    )


def _mark_used_initiatives(
    awards: Iterable[AwardRecord], people: dict[int, engine.PersonFacts], year: int
) -> None:
    """One achievement, one award: the initiative that carried a CSTĐCS (without HTXS) or a
    CSTĐ ngành is marked as used by it."""
    codes = dict(Title.objects.values_list("id", "code"))
    updates = []
    for award in awards:
        code = codes[award.title_id]
        if award.person_id is None or code not in {ksnd.CSTDCS, ksnd.CSTD_NGANH}:
            continue
        p = people[award.person_id]
        if code == ksnd.CSTDCS:
            if p.ratings.get(year) == "HTXS":
                continue
            usable = engine.usable_initiatives(p, "base", code, year, in_year=year)
        else:
            usable = engine.usable_initiatives(p, "sector", code, year)
        if usable:
            updates.append(Initiative(pk=usable[0].id, used_for_id=award.pk))
    Initiative.objects.bulk_update(updates, ["used_for"], batch_size=1000)


def build_registrations(rng: random.Random, strong: set[int]) -> int:
    titles = dict(Title.objects.values_list("code", "id"))
    count = 0
    for year in (*YEARS, 2026):
        day = dt.date(year, 12, 31) if year < 2026 else DEMO_DAY
        staff = staff_at(day).members()
        regs = []
        for uid in sorted(staff):
            status = "approved" if year < 2026 else rng.choice(["approved", "submitted", "draft"])
            regs.append(Registration(unit_id=uid, year=year, status=status))
        saved = Registration.objects.bulk_create(regs, batch_size=2000)
        items = []
        for reg in saved:
            items.append(RegistrationItem(registration=reg, title_id=titles[ksnd.TTLDTT]))
            if rng.random() < 0.3:
                items.append(RegistrationItem(registration=reg, title_id=titles[ksnd.TTLDXS]))
            for pid in staff[reg.unit_id]:
                items.append(
                    RegistrationItem(registration=reg, title_id=titles[ksnd.LDTT], person_id=pid)
                )
                if pid in strong or rng.random() < 0.05:
                    items.append(
                        RegistrationItem(
                            registration=reg, title_id=titles[ksnd.CSTDCS], person_id=pid
                        )
                    )
        RegistrationItem.objects.bulk_create(items, batch_size=5000)
        count += len(items)
    return count


def build_councils() -> list[Council]:
    """The sector council at the supreme procuracy and Tuyên Quang's provincial council."""
    councils = {
        "VKSNDTC": Council.objects.create(
            unit=OrgUnit.objects.get(code="VKSNDTC"),
            name="Hội đồng Thi đua - Khen thưởng ngành Kiểm sát nhân dân",
        ),
        "TQ": Council.objects.create(
            unit=OrgUnit.objects.get(code="TQ"),
            name="Hội đồng Thi đua - Khen thưởng VKSND tỉnh Tuyên Quang",
        ),
    }
    start = dt.date(2022, 1, 1)
    for username, first, last, code, role in COUNCIL_USERS:
        user = create_user(username, PASSWORD, first_name=first, last_name=last)
        unit = councils[code].unit
        grant_role(RoleAssignment(user=user, role=Role.COUNCIL_MEMBER, unit=unit, valid_from=start))
        CouncilMember.objects.create(council=councils[code], user=user, role=role, valid_from=start)
    for username, code, role in EXISTING_SEATS:
        seat = User.objects.filter(username=username).first()
        if seat is not None:
            CouncilMember.objects.create(
                council=councils[code], user=seat, role=role, valid_from=start
            )
    return list(councils.values())


def build_proposals() -> int:
    """2025 proposals, submitted: CSTĐCS nominees of Tuyên Quang's units to its council, CSTĐ
    ngành nominees and TTLĐXS collectives to the sector council."""
    by = User.objects.get(username="admin")
    tq = OrgUnit.objects.get(code="TQ")
    sector = Council.objects.get(unit__code="VKSNDTC")
    tq_units = set(tree.subtree_ids(tq.pk, dt.date(2025, 12, 31)))
    eligible = EligibilityResult.objects.filter(year=2025, outcome="eligible").select_related(
        "title", "person", "unit", "home_unit"
    )
    picks = list(
        eligible.filter(title__code=ksnd.CSTDCS, home_unit_id__in=tq_units).order_by("person_id")[
            :8
        ]
    )
    picks += list(eligible.filter(title__code=ksnd.CSTD_NGANH).order_by("person_id")[:5])
    picks += list(
        eligible.filter(title__code=ksnd.TTLDXS).filter(~Q(unit=None)).order_by("unit_id")[:3]
    )
    made = 0
    for row in picks:
        council = sector if row.title.code != ksnd.CSTDCS else None
        proposal = actions.create_proposal(
            title=row.title,
            year=2025,
            proposing_unit=row.home_unit or tq,
            by=by,
            person=row.person,
            unit=row.unit,
            council=council,
        )
        actions.move_proposal(proposal, Proposal.Status.SUBMITTED, by=by)
        made += 1
    return made


def build_awards(rng: random.Random) -> list[str]:
    """Build everything above; returns one summary line per part."""
    _cash.cache_clear()
    rules = load_catalogue()
    home = _home_units()
    people = [
        (pid, gender, home[pid])
        for pid, gender in Person.objects.order_by("id").values_list("id", "gender")
        if pid in home
    ]
    strong = build_facts(rng, people)
    initiatives = build_initiatives(rng, people, strong)
    build_cases(rng, people)
    councils = build_councils()
    history, rounds = build_history(rng)
    registrations = build_registrations(rng, strong)
    results = sum(actions.recompute_eligibility(y, as_of=DEMO_DAY) for y in YEARS)
    proposals = build_proposals()
    record_many(
        [Change("demo.awards.load", "awards.demo", 1, after={"history": history})], by="system"
    )
    assert rules_for_year(2025)
    return [
        f"Danh hiệu, hình thức khen thưởng: {n(rules)} quy định theo thời kỳ; "
        f"{n(len(strong))} cán bộ hoàn thành xuất sắc nhiệm vụ; {n(initiatives)} sáng kiến.",
        f"Hội đồng TĐKT: {n(len(councils))}; khen thưởng đã có 2022–2024: {n(history)}, "
        f"trong đó {n(sum(r.awards for r in rounds))} qua Hội đồng "
        f"({n(len(rounds))} phiên họp, {n(len(rounds))} quyết định).",
        f"Đăng ký thi đua 2022–2026: {n(registrations)} danh hiệu; "
        f"{n(results)} kết quả xét điều kiện.",
        f"Đề nghị khen thưởng năm 2025 đã gửi: {n(proposals)}.",
    ]


def _home_units() -> dict[int, int]:
    """Each person's unit: the current one, or the last one held."""
    rows = Position.objects.order_by("valid_from", "id").values_list("person_id", "unit_id")
    return dict(rows)
