"""Demo council round: each standing council meets on 15/01/2026 on the proposals of 2025 the
awards demo submitted (one member absent, voting in writing), closes with quorum, and the
issuing unit signs a decision numbered from its register (e.g. 05/QĐ-VKSTC) on 05/02/2026,
after the 10-working-day consultation that Chiến sĩ thi đua toàn quốc needs.

The award history 2022–2024 has its council chain too (`build_history_rounds`, called by the
awards demo year by year): proposals, a closed session early the next year with its secret
ballot, and an issued decision behind every council-voted award of the demo's two councils."""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from thidua.accounts.models import User
from thidua.audit.chain import Change, record_many
from thidua.awards import eligibility as engine
from thidua.awards import facts
from thidua.awards.models import (
    AwardRecord,
    BaseSalary,
    Council,
    CouncilMember,
    NoBaseSalary,
    Proposal,
    ProposalTransition,
    Title,
)
from thidua.council import actions, rules
from thidua.council.models import (
    AgendaItem,
    BallotReceipt,
    CouncilSession,
    Decision,
    DecisionAwardee,
    DecisionRegister,
    SessionMember,
    Signer,
    working_calendar,
)
from thidua.demo import ksnd_codes as ksnd
from thidua.demo import names
from thidua.lib.numbers import format_vn_number as n
from thidua.lib.packs import pack_file
from thidua.org import tree
from thidua.org.models import OrgUnit

SESSION_DAY = dt.date(2026, 1, 15)
DECISION_DAY = dt.date(2026, 2, 5)
FIRST_NUMBER = 5
SYMBOLS = {"VKSNDTC": "QĐ-VKSTC"}
AGREE_SHARE = 0.97


def _agendas() -> dict[Council, list[Proposal]]:
    """Submitted proposals by council: the one named, else the nearest council above the
    proposing unit."""
    councils = {c.unit_id: c for c in Council.objects.select_related("unit")}
    agendas: dict[Council, list[Proposal]] = defaultdict(list)
    submitted = Proposal.objects.filter(status=Proposal.Status.SUBMITTED).order_by("id")
    for proposal in submitted.select_related("council"):
        council = proposal.council
        if council is None:
            chain = [
                proposal.proposing_unit_id,
                *tree.ancestor_ids(proposal.proposing_unit_id, SESSION_DAY),
            ]
            council = next((councils[u] for u in chain if u in councils), None)
        if council is not None:
            agendas[council].append(proposal)
    return agendas


def _secretary(council: Council) -> User:
    seat = council.members_on(SESSION_DAY).filter(role=CouncilMember.Role.SECRETARY).first()
    return seat.user if seat else User.objects.get(username="admin")


def _vote(rng: random.Random, session: CouncilSession, secretary: User) -> None:
    members = list(session.members.order_by("id"))
    for item in session.items.order_by("position"):
        for member in members:
            choice = "agree" if rng.random() < AGREE_SHARE else rng.choice(["disagree", "abstain"])
            if member.present:
                actions.cast_ballot(item, user=member.user, choice=choice)
            else:
                actions.record_written_ballot(item, member, choice=choice, by=secretary)


def _meet(rng: random.Random, council: Council, proposals: list[Proposal]) -> CouncilSession:
    secretary = _secretary(council)
    session = actions.create_session(council, day=SESSION_DAY, place=_place(council), by=secretary)
    for proposal in proposals:
        actions.add_agenda_item(session, proposal, by=secretary)
    ordinary = session.members.exclude(role__in=["chair", "secretary"]).order_by("id")
    if session.members.count() > 3 and ordinary.exists():
        actions.set_attendance(ordinary.last(), present=False, by=secretary)  # type: ignore[arg-type]
    actions.open_session(session, by=secretary)
    _vote(rng, session, secretary)
    return actions.close_session(session, by=secretary, day=SESSION_DAY)


def seed_documents() -> None:
    """Each council's unit gets its document settings (symbol, place) and its chair in the
    signer register, as the administrator would enter them at /council/documents/."""
    admin = User.objects.filter(username="admin").first() or "demo"
    for council in Council.objects.select_related("unit").order_by("id"):
        actions.save_document_settings(
            council.unit,
            symbol=SYMBOLS.get(council.unit.code, f"QĐ-VKS{council.unit.code}"),
            place=_place(council),
            by=admin,
        )
        # The demo's logins carry role labels ("Chủ tịch Hội đồng Tuyên Quang"); a decision is
        # signed by a person, so the register holds a (made-up) person's name.
        name = names.full_name(random.Random(f"signer-{council.unit.code}"), female=False)
        signer = Signer(unit=council.unit, full_name=name, title="Phó Viện trưởng")
        signer.valid_from = dt.date(2022, 1, 1)
        actions.save_signer(signer, by=admin)


def _place(council: Council) -> str:
    """The locality in the place-and-date line: Hà Nội for the supreme procuracy, else the
    province's name ("VKSND tỉnh Tuyên Quang" → "Tuyên Quang")."""
    if council.unit.code in SYMBOLS:
        return "Hà Nội"
    return council.unit.name.split("tỉnh")[-1].split("thành phố")[-1].strip()


def _decide(session: CouncilSession) -> Decision | None:
    council = session.council
    items = [i for i in session.items.order_by("position") if i.decidable_on(DECISION_DAY)]
    if not items:
        return None
    chair = council.chair_on(SESSION_DAY)
    signer = chair.user.get_full_name() if chair else "Lê Minh Trí"
    supreme = council.unit.code in SYMBOLS
    fields = {
        "issuer_name": council.unit.name,
        "governing_body": "" if supreme else "Viện kiểm sát nhân dân tối cao",
        "symbol": SYMBOLS.get(council.unit.code, f"QĐ-VKS{council.unit.code}"),
        "place": _place(council),
        "subject": "Về việc tặng danh hiệu thi đua năm 2025",
        "legal_bases": (
            "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;\n"
            "Căn cứ Nghị định số 152/2025/NĐ-CP quy định chi tiết Luật Thi đua, khen thưởng;\n"
            "Căn cứ Thông tư số 02/2024/TT-VKSTC."
        ),
        "authority": "KT.",
        "authority_of": "Viện trưởng",
        "signer_position": "Phó Viện trưởng",
        "signer_name": signer,
        "recipients": "Như Điều 3;\nVụ Thi đua - Khen thưởng;\nLưu: VT, TĐKT.",
    }
    by = _secretary(council)
    decision = actions.create_decision(
        session, issuer=council.unit, day=DECISION_DAY, fields=fields, items=items, by=by
    )
    return actions.issue_decision(decision, by=by, number=FIRST_NUMBER)


def build_council(rng: random.Random) -> list[str]:
    """One council round per council with submitted proposals; returns summary lines: the
    sessions of the history first (built with the award history, see below), then this round."""
    lines = history_lines()
    seed_documents()
    agendas = _agendas()
    if not agendas:
        return [*lines, "Hội đồng TĐKT: không có đề nghị nào đã gửi, không họp."]
    for council, proposals in sorted(agendas.items(), key=lambda kv: kv[0].pk):
        session = _meet(rng, council, proposals)
        passed = session.items.filter(result=AgendaItem.Result.PASSED).count()
        decision = _decide(session)
        issued = (
            f"; Quyết định số {decision.number_text} ({n(decision.awardees.count())} khen thưởng)"
            if decision
            else ""
        )
        lines.append(
            f"{council.name}, phiên họp {SESSION_DAY:%d/%m/%Y}: "
            f"{n(passed)}/{n(len(proposals))} đề nghị đạt{issued}."
        )
    return lines


# ------------------------------------------------------------------ history 2022–2024
#
# The award history 2022–2024 comes out of the same chain as the 2025 round, written in bulk
# (a few hundred proposals a year: through the actions one ballot at a time it would cost
# minutes): proposal (awarded, with its transitions) → agenda item of a closed session early the
# next year (members frozen, one absent voting in writing) → receipts and the items' totals, as
# actions.close_session leaves them → one issued decision per session, numbered from the
# issuer's register, naming the AwardRecords. Councils of the demo: the sector council (CSTĐ
# ngành, TTLĐXS and Cờ thi đua ngành everywhere, CSTĐ cơ sở of the supreme procuracy's own
# departments) and Tuyên Quang's (CSTĐ cơ sở of its units). CSTĐ cơ sở of the other provinces,
# whose councils the demo does not hold, stays imported history.

COUNCIL_TITLES = (ksnd.CSTDCS, ksnd.CSTD_NGANH, ksnd.TTLDXS, ksnd.CO_NGANH)
SECTOR_WIDE = (ksnd.CSTD_NGANH, ksnd.TTLDXS, ksnd.CO_NGANH)
SECTOR_OWN_LEVELS = {"toi-cao", "don-vi-vkstc"}
TITLES_JSON = pack_file("titles.json")


Verdicts = tuple[dict[int, dict[str, engine.Verdict]], dict[int, dict[str, engine.Verdict]]]


@dataclass
class HistoryRound:
    year: int
    council: Council
    session: CouncilSession
    decision: Decision
    awards: int
    cash_unknown: bool


def _session_day(year: int) -> dt.date:
    """The council meets on the second Thursday of January of the following year."""
    day = dt.date(year + 1, 1, 8)
    return day + dt.timedelta(days=(3 - day.weekday()) % 7)


@functools.cache
def _regimes() -> list[tuple[dt.date, dt.date, str]]:
    data = json.loads(TITLES_JSON.read_text(encoding="utf-8"))["regimes"]
    return [
        (
            dt.date.fromisoformat(r["valid_from"]),
            dt.date.fromisoformat(r["valid_to"] or "9999-12-31"),
            r["basis"],
        )
        for r in data.values()
    ]


def _legal_bases(day: dt.date) -> str:
    """The texts in force on the decision date (titles.json, regimes)."""
    basis = next(b for start, end, b in _regimes() if start <= day < end)
    return "\n".join(f"Căn cứ {part.strip()};" for part in basis.split(";"))


def _cash_or_none(title: Title, day: dt.date) -> Decimal | None:
    """None when no base salary is recorded for the day (before 01/07/2023 our sources give
    none: emulation-rules.md §7): the cash is unknown, not zero."""
    try:
        return actions.cash_for(title, day)
    except NoBaseSalary:
        return None


def _history_council(
    award: AwardRecord,
    code: str,
    home: dict[int, int],
    parents: dict[int, int | None],
    levels: dict[int, str],
    councils: dict[str, Council],
    tq_units: set[int],
) -> tuple[Council, int] | None:
    """The council that voted on this award, and the proposing unit; None when the demo
    holds no council for it."""
    if award.unit_id is not None:
        if code not in SECTOR_WIDE:
            return None
        return councils["VKSNDTC"], parents.get(award.unit_id) or award.unit_id
    unit = home.get(award.person_id)  # type: ignore[arg-type]
    if unit is None:
        return None
    if code in SECTOR_WIDE:
        return councils["VKSNDTC"], unit
    if unit in tq_units:
        return councils["TQ"], unit
    if levels.get(unit) in SECTOR_OWN_LEVELS:
        return councils["VKSNDTC"], unit
    return None


def _agree_needed(members: int, threshold: Decimal | None) -> int:
    return next(a for a in range(members + 1) if rules.ballot_passes(a, members, threshold))


def build_history_rounds(
    rng: random.Random,
    year: int,
    awards: list[AwardRecord],
    home: dict[int, int],
    verdicts: Verdicts,
) -> list[HistoryRound]:
    """The council chain behind the council-voted awards of `year` (see above). `home` is each
    person's unit at the end of the year; `verdicts` the engine's verdicts (people's, units'),
    kept in the proposal as its eligibility at proposal time."""
    councils = {c.unit.code: c for c in Council.objects.select_related("unit")}
    if not {"VKSNDTC", "TQ"} <= set(councils):
        return []
    end = dt.date(year, 12, 31)
    parents = facts.parents_at(end)
    levels = dict(OrgUnit.objects.values_list("id", "level__code"))
    tq_units = set(tree.subtree_ids(councils["TQ"].unit_id, end))
    titles = {t.pk: t for t in Title.objects.filter(code__in=COUNCIL_TITLES)}
    by_council: dict[Council, list[tuple[AwardRecord, Title, int]]] = defaultdict(list)
    for award in awards:
        title = titles.get(award.title_id)
        if title is None:
            continue
        found = _history_council(award, title.code, home, parents, levels, councils, tq_units)
        if found is not None:
            by_council[found[0]].append((award, title, found[1]))
    rounds = []
    for council in sorted(by_council, key=lambda c: c.pk):
        rounds.append(_history_round(rng, year, council, by_council[council], verdicts))
    return rounds


def _history_round(
    rng: random.Random,
    year: int,
    council: Council,
    rows: list[tuple[AwardRecord, Title, int]],
    verdicts: Verdicts,
) -> HistoryRound:
    day = _session_day(year)
    holidays, workdays = working_calendar()
    decided = rules.add_working_days(day, 5, holidays, workdays)
    secretary = _secretary(council)
    admin = User.objects.get(username="admin")
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                title=title,
                year=year,
                person_id=award.person_id,
                unit_id=award.unit_id,
                proposing_unit_id=proposing,
                council=council,
                status=Proposal.Status.AWARDED,
                report={
                    "kind": "individual" if award.person_id else "collective",
                    "narrative": {
                        "results": f"Báo cáo thành tích năm {year} đề nghị tặng {title.name}: "
                        "các tiêu chuẩn được xét từ dữ liệu của hệ thống (dữ liệu mẫu)."
                    },
                },
                eligibility=_verdict_json(verdicts, award, title, year, day),
                created_by=admin,
            )
            for award, title, proposing in rows
        ],
        batch_size=1000,
    )
    ids = [p.pk for p in proposals]
    submitted = day - dt.timedelta(days=14)
    mine = Proposal.objects.filter(year=year, council=council)  # this round's, by construction
    mine.update(created_at=_at(submitted), updated_at=_at(decided))
    steps = [
        (Proposal.Status.DRAFT, Proposal.Status.SUBMITTED, submitted, admin, ""),
        (Proposal.Status.SUBMITTED, Proposal.Status.IN_COUNCIL, day, secretary, ""),
        (
            Proposal.Status.IN_COUNCIL,
            Proposal.Status.PASSED,
            day,
            secretary,
            f"Phiên họp Hội đồng ngày {day:%d/%m/%Y}",
        ),
    ]
    ProposalTransition.objects.bulk_create(
        [
            ProposalTransition(proposal_id=pid, from_status=a, to_status=b, by=who, reason=why)
            for a, b, _on, who, why in steps
            for pid in ids
        ],
        batch_size=4000,
    )
    for _a, b, on, _who, _why in steps:
        ProposalTransition.objects.filter(proposal__in=mine, to_status=b).update(at=_at(on))

    session = CouncilSession.objects.create(
        council=council,
        date=day,
        place=_place(council),
        status=CouncilSession.Status.CLOSED,
        closed_on=day,
        created_by=secretary,
    )
    seats = list(council.members_on(day).select_related("user", "person").order_by("id"))
    members = SessionMember.objects.bulk_create(
        SessionMember(
            session=session,
            seat=seat,
            user=seat.user,
            name=seat.person.full_name
            if seat.person
            else seat.user.get_full_name() or seat.user.username,
            role=seat.role,
        )
        for seat in seats
    )
    ordinary = [m for m in members if m.role not in {"chair", "secretary"}]
    absent = rng.choice(ordinary) if len(members) > 3 and ordinary else None
    if absent is not None:
        absent.present = False
        absent.save(update_fields=["present"])
    total = len(members)
    items = []
    rules_on_day = {t.pk: t.rule_on(day) for t in {title for _a, title, _u in rows}}
    for position, proposal in enumerate(proposals, start=1):
        rule = rules_on_day[proposal.title_id]
        need = _agree_needed(total, rule.vote_threshold)
        agree = max(need, total - rng.choices([0, 1, 2], [80, 15, 5])[0])
        against = total - agree
        disagree = rng.randint(0, against)
        items.append(
            AgendaItem(
                session=session,
                proposal=proposal,
                position=position,
                result=AgendaItem.Result.PASSED,
                threshold=rule.vote_threshold,
                members_total=total,
                agree=agree,
                disagree=disagree,
                abstain=against - disagree,
                written=1 if absent is not None else 0,
            )
        )
    AgendaItem.objects.bulk_create(items, batch_size=1000)
    # A closed session keeps who voted and the items' totals, never a vote (actions.close_session).
    receipts = [
        BallotReceipt(session=session, item=item, member=m) for item in items for m in members
    ]
    BallotReceipt.objects.bulk_create(receipts, batch_size=4000)

    supreme = council.unit.code in SYMBOLS
    number = rng.randint(8, 30)
    DecisionRegister.objects.update_or_create(
        issuer=council.unit, year=decided.year, defaults={"next_number": number + 1}
    )
    chair = council.chair_on(day)
    decision = Decision.objects.create(
        issuer=council.unit,
        issuer_name=tree.names_at([council.unit_id], decided)[council.unit_id],
        governing_body="" if supreme else "Viện kiểm sát nhân dân tối cao",
        session=session,
        year=decided.year,
        number=number,
        symbol=SYMBOLS.get(council.unit.code, f"QĐ-VKS{council.unit.code}"),
        date=decided,
        place=_place(council),
        signer_name=chair.user.get_full_name() if chair else "Lê Minh Trí",
        signer_position="Phó Viện trưởng",
        authority="KT.",
        authority_of="Viện trưởng",
        subject=f"Về việc tặng danh hiệu thi đua năm {year}",
        legal_bases=_legal_bases(decided),
        recipients="Như Điều 3;\nVụ Thi đua - Khen thưởng;\nLưu: VT, TĐKT.",
        status=Decision.Status.ISSUED,
        created_by=secretary,
    )
    unknown = False
    awardees = []
    cash_by_title = {t.pk: _cash_or_none(t, decided) for t in {title for _a, title, _u in rows}}
    for item, proposal, (award, title, _unit) in zip(items, proposals, rows, strict=True):
        cash = cash_by_title[title.pk]
        unknown = unknown or cash is None
        awardees.append(
            DecisionAwardee(
                decision=decision,
                item=item,
                proposal=proposal,
                cash_amount=cash,
                award=award,
            )
        )
    DecisionAwardee.objects.bulk_create(awardees, batch_size=1000)
    # The awards now come from this decision: a few UPDATEs rather than one CASE per row.
    named = DecisionAwardee.objects.filter(decision=decision)
    for title_id, cash in cash_by_title.items():
        AwardRecord.objects.filter(pk__in=named.values("award_id"), title_id=title_id).update(
            proposal_id=Subquery(named.filter(award_id=OuterRef("pk")).values("proposal_id")),
            decision_number=decision.number_text,
            decided_on=decided,
            cash_amount=cash,  # None: unknown, no base salary recorded for the day
            source=AwardRecord.Source.DECISION,
        )
    ProposalTransition.objects.bulk_create(
        [
            ProposalTransition(
                proposal_id=pid,
                from_status=Proposal.Status.PASSED,
                to_status=Proposal.Status.AWARDED,
                by=secretary,
                reason=decision.number_text,
            )
            for pid in ids
        ],
        batch_size=4000,
    )
    ProposalTransition.objects.filter(proposal__in=mine, to_status="awarded").update(
        at=_at(decided)
    )
    record_many(
        [
            Change(
                "council.session.closed",
                "council.session",
                session.pk,
                after={"items": len(items), "members": total, "history": year},
            ),
            Change(
                "council.decision.issue",
                "council.decision",
                decision.pk,
                after={"number": decision.number_text, "awardees": len(awardees)},
            ),
        ],
        by=secretary,
        at=_at(decided),
    )
    return HistoryRound(year, council, session, decision, len(awardees), unknown)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def _verdict_json(
    verdicts: Verdicts,
    award: AwardRecord,
    title: Title,
    year: int,
    day: dt.date,
) -> dict[str, Any]:
    people, units = verdicts
    by_who = people.get(award.person_id) if award.person_id else units.get(award.unit_id)  # type: ignore[arg-type]
    verdict = (by_who or {}).get(title.code)
    reasons = [r.as_json() for r in verdict.reasons] if verdict else []
    return {
        "outcome": str(verdict.outcome) if verdict else "eligible",
        "reasons": reasons,
        "year": year,
        "title": title.code,
        "computed_on": (day - dt.timedelta(days=14)).isoformat(),
    }


def history_lines() -> list[str]:
    """One line per council session of the history, from the database."""
    lines = []
    sessions = (
        CouncilSession.objects.filter(date__lt=SESSION_DAY)
        .select_related("council")
        .order_by("date", "council_id")
    )
    for session in sessions:
        for decision in session.decisions.all():
            awardees = decision.awardees.count()
            passed = session.items.filter(result=AgendaItem.Result.PASSED).count()
            amounts = [a.cash_amount for a in decision.awardees.all()]
            cash = sum(a or 0 for a in amounts)
            known = None not in amounts
            money = f"tiền thưởng {n(cash)} đồng" if known else "tiền thưởng: chưa rõ (*)"
            lines.append(
                f"{session.council.name}, phiên họp {session.date:%d/%m/%Y}: "
                f"{n(passed)}/{n(session.items.count())} đề nghị đạt; "
                f"Quyết định số {decision.number_text} "
                f"ngày {decision.date:%d/%m/%Y} ({n(awardees)} khen thưởng; {money})."
            )
    first = BaseSalary.objects.order_by("valid_from").first()
    if first is not None and any("chưa rõ (*)" in line for line in lines):
        lines.append(
            f"(*) Chưa có mức lương cơ sở trước {first.valid_from:%d/%m/%Y} trong nguồn: "
            "tiền thưởng chưa xác định (để trống, không ghi 0)."
        )
    return lines
