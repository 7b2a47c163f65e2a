"""Demo council round: each standing council meets on 15/01/2026 on the proposals of 2025 the
awards demo submitted (one member absent, voting in writing), closes with quorum, and the
issuing unit signs a decision numbered from its register (e.g. 05/QĐ-VKSTC) on 05/02/2026,
after the 10-working-day consultation that Chiến sĩ thi đua toàn quốc needs."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from thidua.accounts.models import User
from thidua.awards.models import Council, CouncilMember, Proposal
from thidua.council import actions
from thidua.council.models import AgendaItem, CouncilSession, Decision
from thidua.org import tree

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
    """One council round per council with submitted proposals; returns summary lines."""
    agendas = _agendas()
    if not agendas:
        return ["Hội đồng TĐKT: không có đề nghị nào đã gửi, không họp."]
    lines = []
    for council, proposals in sorted(agendas.items(), key=lambda kv: kv[0].pk):
        session = _meet(rng, council, proposals)
        passed = session.items.filter(result=AgendaItem.Result.PASSED).count()
        decision = _decide(session)
        issued = (
            f"; Quyết định số {decision.number_text} ({decision.awardees.count()} khen thưởng)"
            if decision
            else ""
        )
        lines.append(
            f"{council.name}, phiên họp {SESSION_DAY:%d/%m/%Y}: "
            f"{passed}/{len(proposals)} đề nghị đạt{issued}."
        )
    return lines
