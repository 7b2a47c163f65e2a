"""Decisions: numbering from the register, cash × base salary, award records, revocation, and
the .docx/.pdf of the decision and of the minutes."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from docx import Document

from thidua.awards.models import AwardRecord, Proposal
from thidua.council import actions, exports
from thidua.council.models import AgendaItem, CouncilSession, Decision, Revocation
from thidua.council.testing import DECISION_DAY, SESSION_DAY, World
from thidua.lib.documents import Paragraph, Table, render_docx, render_pdf

FIELDS = {
    "issuer_name": "Viện kiểm sát nhân dân tối cao",
    "symbol": "QĐ-VKSTC",
    "place": "Hà Nội",
    "signer_name": "Nguyễn Huy Tiến",
    "signer_position": "Phó Viện trưởng",
    "authority": "KT.",
    "authority_of": "Viện trưởng",
    "subject": "Về việc tặng danh hiệu thi đua năm 2024",
    "legal_bases": (
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;\nCăn cứ Nghị định số 98/2023/NĐ-CP."
    ),
    "recipients": "Như Điều 3;\nLưu: VT, TĐKT.",
}


def _closed_session(world: World) -> CouncilSession:
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    for proposal in world.proposals:
        actions.add_agenda_item(session, proposal, by=world.secretary)
    actions.open_session(session, by=world.secretary)
    for item in session.items.all():
        for user in world.voters:
            actions.cast_ballot(item, user=user, choice="agree")
    return actions.close_session(session, by=world.secretary, day=SESSION_DAY, confirm_missing=True)


def _decision(world: World, session: CouncilSession, day: dt.date = DECISION_DAY) -> Decision:
    items = [i for i in session.items.all() if i.proposal.title != world.national_title]
    return actions.create_decision(
        session,
        issuer=world.cast.root,
        day=day,
        fields=dict(FIELDS),
        items=items,
        by=world.secretary,
    )


def test_it_issues_a_numbered_decision_and_writes_the_awards(world: World) -> None:
    session = _closed_session(world)
    decision = actions.issue_decision(_decision(world, session), by=world.secretary)
    assert (decision.number, decision.number_text, decision.status) == (1, "01/QĐ-VKSTC", "issued")
    awards = AwardRecord.objects.order_by("cash_amount")
    # Cash = multiple × base salary on 05/02/2025 (2.340.000, Decree 73/2024).
    assert [a.cash_amount for a in awards] == [Decimal("7020000"), Decimal("18720000")]
    assert {a.decision_number for a in awards} == {"01/QĐ-VKSTC"}
    assert {a.decided_on for a in awards} == {DECISION_DAY}
    statuses = {p.title_id: p.status for p in Proposal.objects.all()}
    assert statuses[world.sector_title.pk] == statuses[world.flag_title.pk] == "awarded"
    second = _decision_from_new_session(world)
    assert actions.issue_decision(second, by=world.secretary, number=None).number == 2


def _decision_from_new_session(world: World) -> Decision:
    proposal = Proposal.objects.create(
        title=world.sector_title,
        year=2024,
        person=world.people[1],
        proposing_unit=world.cast.pa,
        council=world.council,
        status="submitted",
    )
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    item = actions.add_agenda_item(session, proposal, by=world.secretary)
    actions.open_session(session, by=world.secretary)
    for user in world.voters:
        actions.cast_ballot(item, user=user, choice="agree")
    actions.close_session(session, by=world.secretary, day=SESSION_DAY, confirm_missing=True)
    return actions.create_decision(
        session,
        issuer=world.cast.root,
        day=DECISION_DAY,
        fields=dict(FIELDS),
        items=[item],
        by=world.secretary,
    )


def test_it_refuses_to_reuse_a_decision_number(world: World) -> None:
    session = _closed_session(world)
    actions.issue_decision(_decision(world, session), by=world.secretary, number=5)
    second = _decision_from_new_session(world)
    with pytest.raises(ValidationError, match="05/QĐ-VKSTC"):
        actions.issue_decision(second, by=world.secretary, number=5)
    second.refresh_from_db()
    assert (second.status, second.number) == ("draft", None)
    assert actions.issue_decision(second, by=world.secretary).number == 6  # the register moved on


def test_the_database_refuses_a_duplicate_number_too(world: World) -> None:
    session = _closed_session(world)
    first = actions.issue_decision(_decision(world, session), by=world.secretary, number=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            issuer=first.issuer,
            year=first.year,
            number=5,
            date=first.date,
            status="issued",
            **FIELDS,
        )


def test_it_waits_for_the_public_consultation(world: World) -> None:
    session = _closed_session(world)
    national = session.items.get(proposal__title=world.national_title)
    assert national.consultation_ends_on == dt.date(2025, 1, 29)
    with pytest.raises(ValidationError, match="29/01/2025"):
        actions.create_decision(
            session,
            issuer=world.cast.root,
            day=dt.date(2025, 1, 29),
            fields=dict(FIELDS),
            items=[national],
            by=world.secretary,
        )
    decision = actions.create_decision(
        session,
        issuer=world.cast.root,
        day=dt.date(2025, 1, 30),
        fields=dict(FIELDS),
        items=[national],
        by=world.secretary,
    )
    assert decision.awardees.get().cash_amount == Decimal("10530000")  # 4,5 × 2.340.000


def test_it_refuses_a_decision_dated_before_the_session(world: World) -> None:
    session = _closed_session(world)
    with pytest.raises(ValidationError):
        _decision(world, session, day=dt.date(2025, 1, 14))
    assert not Decision.objects.exists()


def test_it_refuses_rejected_items_and_open_sessions(world: World) -> None:
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    item = actions.add_agenda_item(session, world.proposals[0], by=world.secretary)
    with pytest.raises(ValidationError):
        actions.create_decision(
            session,
            issuer=world.cast.root,
            day=DECISION_DAY,
            fields=dict(FIELDS),
            items=[item],
            by=world.secretary,
        )
    actions.open_session(session, by=world.secretary)
    actions.close_session(
        session, by=world.secretary, day=SESSION_DAY, confirm_missing=True
    )  # nobody voted
    item.refresh_from_db()
    assert item.result == AgendaItem.Result.REJECTED
    with pytest.raises(ValidationError):
        actions.create_decision(
            session,
            issuer=world.cast.root,
            day=DECISION_DAY,
            fields=dict(FIELDS),
            items=[item],
            by=world.secretary,
        )


def test_it_revokes_an_award_with_the_cash_to_recover(world: World) -> None:
    session = _closed_session(world)
    decision = actions.issue_decision(_decision(world, session), by=world.secretary)
    award = AwardRecord.objects.get(person=world.people[0])
    revocation = actions.revoke_award(
        award,
        reason="Hồ sơ khai không đúng thành tích",
        day=dt.date(2025, 6, 1),
        by=world.secretary,
    )
    award.refresh_from_db()
    assert award.revoked_on == dt.date(2025, 6, 1)
    assert revocation.cash_to_recover == Decimal("7020000")
    assert revocation.decision == decision
    with pytest.raises(ValidationError):
        actions.revoke_award(award, reason="lần nữa", day=dt.date(2025, 6, 2), by=world.secretary)
    with pytest.raises(ValidationError):
        actions.revoke_award(
            AwardRecord.objects.get(unit=world.cast.pa),
            reason=" ",
            day=dt.date(2025, 6, 2),
            by=world.secretary,
        )
    assert Revocation.objects.count() == 1
    decision.refresh_from_db()
    assert decision.status == "issued"  # one award of two is still standing


def _docx_text(data: bytes) -> str:
    word = Document(io.BytesIO(data))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_decision_files_carry_the_number_date_awardees_and_cash(
    world: World, tmp_path: Path
) -> None:
    session = _closed_session(world)
    decision = actions.issue_decision(_decision(world, session), by=world.secretary, number=5)
    document = exports.decision_document(decision)
    text = _docx_text(render_docx(document))
    for expected in (
        "Số: 05/QĐ-VKSTC",
        "Hà Nội, ngày 05 tháng 02 năm 2025",
        "KT. VIỆN TRƯỞNG",
        "Vũ Văn Ánh",
        "7.020.000",
        "18.720.000",
        "Nơi nhận:",
        "- Lưu: VT, TĐKT.",
    ):
        assert expected in text, expected
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(render_pdf(document))
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Số: 05/QĐ-VKSTC" in out and "Vũ Văn Ánh" in out and "18.720.000" in out


def test_the_minutes_give_counts_and_shares_and_no_voter_names_with_votes(world: World) -> None:
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    item = actions.add_agenda_item(session, world.proposals[2], by=world.secretary)
    actions.set_attendance(
        session.members.get(user=world.member_b), present=False, by=world.secretary
    )
    actions.open_session(session, by=world.secretary)
    for user in [world.chair, world.vice, world.member_a, world.secretary]:
        actions.cast_ballot(item, user=user, choice="agree")
    actions.record_written_ballot(
        item, session.members.get(user=world.member_b), choice="disagree", by=world.secretary
    )
    actions.close_session(session, by=world.secretary, day=SESSION_DAY, confirm_missing=True)
    document = exports.minutes_document(session)
    table = [b for b in document.body if hasattr(b, "rows")][-1]  # after the attendance table
    assert table.rows == [
        ["1", "Tỉnh Hà Giang", world.flag_title.name, "4", "80,0%", "1", "0", "1", "≥ 80%", "Đạt"]
    ]
    text = _docx_text(render_docx(document))
    assert "BIÊN BẢN" in text and "có mặt: 4" in text and "Phạm Thu Hương" in text


def test_the_cash_is_unknown_not_zero_without_a_base_salary(world: World) -> None:
    """No base salary recorded for the decision date (before 01/07/2023 our sources give none,
    emulation-rules.md §7): the amount is left unknown — never computed as 0."""
    from thidua.awards.models import BaseSalary

    BaseSalary.objects.filter(valid_from__lte=DECISION_DAY, valid_to__gt=DECISION_DAY).delete()
    session = _closed_session(world)
    decision = actions.issue_decision(_decision(world, session), by=world.secretary)
    assert {a.cash_amount for a in AwardRecord.objects.all()} == {None}
    body = exports.decision_document(decision).body
    paragraphs = [b.text for b in body if isinstance(b, Paragraph)]
    assert any("chưa xác định" in t for t in paragraphs)
    tables = [b for b in body if isinstance(b, Table)]
    assert tables and all(row[-1] == "chưa xác định" for row in tables[0].rows)
