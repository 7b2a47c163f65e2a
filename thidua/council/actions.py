"""The council's workflow. Each step is one atomic function that checks the rules, changes the
rows and writes one audit event (STYLE.md, "Where logic lives").

    session: planned ─open→ open ─close→ closed
    proposal (awards): submitted ─add_agenda_item→ in_council ─close→ passed | rejected
                       passed ─issue_decision→ awarded
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from thidua.audit.chain import record
from thidua.audit.workflow import move_status
from thidua.awards import actions as awards_actions
from thidua.awards.models import (
    AwardRecord,
    Council,
    NoBaseSalary,
    Proposal,
    Title,
    TitleRule,
    base_salary_on,
)
from thidua.lib.dates import OPEN_END
from thidua.lib.text import nfc
from thidua.org.body import profile_for
from thidua.org.models import OrgUnit

from . import ballot, notices, rules, signatures
from .models import (
    AgendaItem,
    BallotReceipt,
    BallotVote,
    CouncilSession,
    Decision,
    DecisionAwardee,
    DecisionRegister,
    DocumentSettings,
    Revocation,
    SessionMember,
    Signer,
    working_calendar,
)

S = CouncilSession.Status
P = Proposal.Status
SESSION_MOVES: dict[str, set[str]] = {S.PLANNED: {S.OPEN}, S.OPEN: {S.CLOSED}, S.CLOSED: set()}


def _move_proposal(proposal: Proposal, to: str, *, by: Any, reason: str = "") -> None:
    """Through the awards workflow (its transitions, history row and audit event)."""
    moved = awards_actions.move_proposal(proposal, to, by=by, reason=reason)
    proposal.status = moved.status


def _move_session(session: CouncilSession, to: str, *, by: Any) -> None:
    move_status(
        session,
        to,
        allowed=SESSION_MOVES,
        refusal=_("The session is %(status)s: it cannot move to %(to)s.")
        % {"status": session.get_status_display(), "to": S(to).label},
        object_type="council.session",
        by=by,
        fields=["closed_on"],
    )


@transaction.atomic
def create_session(
    council: Council,
    *,
    day: dt.date,
    place: str,
    by: Any,
    quorum: tuple[int, int] = (2, 3),
) -> CouncilSession:
    """Plan a session and freeze the council's membership on `day` (present by default)."""
    seats = list(council.members_on(day).select_related("user", "person"))
    if not seats:
        raise ValidationError(_("The council has no members on that day."))
    session = CouncilSession(
        council=council,
        date=day,
        place=nfc(place),
        quorum_numerator=quorum[0],
        quorum_denominator=quorum[1],
        created_by=by if getattr(by, "pk", None) else None,
    )
    session.full_clean()
    session.save()
    SessionMember.objects.bulk_create(
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
    record(
        "council.session.create",
        by=by,
        object_type="council.session",
        object_id=session.pk,
        after={"council": council.pk, "date": day.isoformat(), "members": len(seats)},
    )
    return session


@transaction.atomic
def set_attendance(member: SessionMember, *, present: bool, by: Any) -> SessionMember:
    """Mark a member present or absent; an absent member votes in writing."""
    session = member.session
    if session.status == S.CLOSED:
        raise ValidationError(_("The session is closed."))
    if member.receipts.exists() and member.present != present:
        raise ValidationError(_("This member has already voted: attendance cannot change."))
    member.present = present
    member.save(update_fields=["present"])
    record(
        "council.session.attendance",
        by=by,
        object_type="council.session",
        object_id=session.pk,
        after={"member": member.user_id, "present": present},
    )
    return member


@transaction.atomic
def add_agenda_item(session: CouncilSession, proposal: Proposal, *, by: Any) -> AgendaItem:
    """Put a submitted proposal on the agenda: the proposal moves to in_council."""
    if session.status == S.CLOSED:
        raise ValidationError(_("The session is closed."))
    if proposal.status != P.SUBMITTED:
        raise ValidationError(
            _("Only a submitted proposal can go on the agenda (this one is %(status)s).")
            % {"status": proposal.get_status_display()}
        )
    if proposal.council_id and proposal.council_id != session.council_id:
        raise ValidationError(_("The proposal is addressed to another council."))
    position = session.items.count() + 1
    item = AgendaItem.objects.create(session=session, proposal=proposal, position=position)
    _move_proposal(proposal, P.IN_COUNCIL, by=by)
    record(
        "council.agenda.add",
        by=by,
        object_type="council.session",
        object_id=session.pk,
        after={"proposal": proposal.pk, "item": item.pk},
    )
    return item


@transaction.atomic
def open_session(session: CouncilSession, *, by: Any) -> CouncilSession:
    """Open the ballot: members may vote on every item of the agenda. A fresh key pair seals
    this session's votes: the public half on the session, the private half in a file outside
    the database until the close (docs/decisions/0005-secret-ballot.md)."""
    if not session.items.exists():
        raise ValidationError(_("The agenda is empty."))
    private, session.ballot_key = ballot.new_key_pair()
    session.save(update_fields=["ballot_key"])
    _move_session(session, S.OPEN, by=by)
    ballot.store_private_key(session.pk, private)
    notices.ballot_opened(session)
    return session


def _check_ballot(item: AgendaItem, member: SessionMember | None, *, written: bool) -> None:
    session = item.session
    if session.status == S.CLOSED:
        raise ValidationError(_("The session is closed: no more votes are accepted."))
    if session.status != S.OPEN:
        raise ValidationError(_("The session is not open yet."))
    if member is None:
        raise ValidationError(_("Only members of the council can vote."))
    if written and member.present:
        raise ValidationError(_("A member who is present votes in person, not in writing."))
    if not written and not member.present:
        raise ValidationError(_("An absent member votes in writing, entered by the secretary."))
    if BallotReceipt.objects.filter(item=item, member=member).exists():
        raise ValidationError(_("This member has already voted on this item."))


def _store_ballot(item: AgendaItem, member: SessionMember, choice: str) -> None:
    """The receipt and the sealed vote in one commit. Whoever reads that commit (a WAL, a
    backup) learns who voted and when, and a ciphertext of fixed size that only the session's
    private key, never in the database, opens."""
    if choice not in BallotVote.Choice.values:
        raise ValidationError(_("Unknown choice."))
    BallotReceipt.objects.create(session=item.session, item=item, member=member)
    sealed = ballot.seal(bytes(item.session.ballot_key), choice, item.pk)
    BallotVote.objects.create(item=item, sealed=sealed)


@transaction.atomic
def cast_ballot(item: AgendaItem, *, user: Any, choice: str) -> None:
    """A present member votes agree/disagree/abstain by secret ballot (Decree 98/2023
    Art. 30(7)). The audit event names the voter and the item, never the choice."""
    item = AgendaItem.objects.select_for_update().select_related("session").get(pk=item.pk)
    member = SessionMember.objects.filter(session=item.session, user=user).first()
    _check_ballot(item, member, written=False)
    assert member is not None
    _store_ballot(item, member, choice)
    record(
        "council.ballot.cast",
        by=user,
        object_type="council.agendaitem",
        object_id=item.pk,
        after={"member": member.user_id},
    )


@transaction.atomic
def record_written_ballot(item: AgendaItem, member: SessionMember, *, choice: str, by: Any) -> None:
    """The secretary enters the written ballot of an absent member (Decree 98/2023
    Art. 30(7): absent members vote in writing). The audit event holds no choice."""
    item = AgendaItem.objects.select_for_update().select_related("session").get(pk=item.pk)
    if member.session_id != item.session_id:
        raise ValidationError(_("Only members of the council can vote."))
    _check_ballot(item, member, written=True)
    _store_ballot(item, member, choice)
    record(
        "council.ballot.written",
        by=by,
        object_type="council.agendaitem",
        object_id=item.pk,
        after={"member": member.user_id},
    )


def _rule(title: Title, day: dt.date) -> TitleRule | None:
    try:
        return title.rule_on(day)
    except TitleRule.DoesNotExist:
        return None


def _open_ballots(session: CouncilSession) -> dict[int, Counter[str]]:
    """Each item's choices, opened in memory with the session's private key: only these totals
    are ever stored. Refused, with nothing written, when the key is not on this server."""
    sealed = list(BallotVote.objects.filter(item__session=session).values_list("item_id", "sealed"))
    counts: dict[int, Counter[str]] = {}
    if not sealed:
        return counts
    try:
        private = ballot.load_private_key(session.pk, bytes(session.ballot_key))
    except ballot.BallotKeyMissing as exc:
        raise ValidationError(
            _(
                "The ballot key of this session is not on this server: the votes cannot be "
                "counted. Ask the administrator to restore the key file, or vote again."
            )
        ) from exc
    for item_id, vote in sealed:
        try:
            choice = ballot.unseal(private, bytes(vote), item_id)
        except ballot.BallotUnreadable as exc:
            raise ValidationError(
                _("A ballot cannot be read: it was altered after it was cast.")
            ) from exc
        counts.setdefault(item_id, Counter())[choice] += 1
    return counts


def _tally(
    item: AgendaItem,
    counts: Counter[str],
    members: int,
    day: dt.date,
    holidays: frozenset[dt.date],
    workdays: frozenset[dt.date] = frozenset(),
) -> None:
    # Absent members vote in writing, present ones on screen (_check_ballot).
    written = item.receipts.filter(member__present=False).count()
    rule = _rule(item.proposal.title, day)
    item.threshold = rule.vote_threshold if rule else None
    item.members_total = members
    item.agree, item.disagree, item.abstain = counts["agree"], counts["disagree"], counts["abstain"]
    item.written = written
    passed = rules.ballot_passes(item.agree, members, item.threshold)
    item.result = AgendaItem.Result.PASSED if passed else AgendaItem.Result.REJECTED
    if passed and rule and rule.consultation_working_days:
        item.consultation_ends_on = rules.add_working_days(
            day, rule.consultation_working_days, holidays, workdays
        )
    item.save()


def missing_ballots(session: CouncilSession) -> tuple[int, int]:
    """(ballots, members): how many ballots present members have not cast yet, over how many
    present members. Absent members vote in writing and are not counted here."""
    present = list(session.members.filter(present=True).values_list("pk", flat=True))
    items = list(session.items.values_list("pk", flat=True))
    cast = set(
        BallotReceipt.objects.filter(item__session=session, member_id__in=present).values_list(
            "item_id", "member_id"
        )
    )
    missing = [(i, m) for i in items for m in present if (i, m) not in cast]
    return len(missing), len({m for _, m in missing})


def missing_ballots_text(ballots: int, members: int) -> str:
    return _("%(ballots)s ballot(s) not yet cast by %(members)s present member(s).") % {
        "ballots": ballots,
        "members": members,
    }


@transaction.atomic
def close_session(
    session: CouncilSession, *, by: Any, day: dt.date, confirm_missing: bool = False
) -> CouncilSession:
    """Close the ballot and count: an item passes when its "agree" votes reach the title's
    threshold over ALL council members (Decree 98/2023 Art. 30(7)). Refused without quorum,
    and refused while a present member has not voted on an item unless `confirm_missing`
    (the secretary has seen how many ballots are missing and closes anyway).
    The sealed votes are opened in memory; the item totals are stored, the sealed votes deleted
    and, once committed, the session's private key destroyed."""
    CouncilSession.objects.select_for_update().filter(pk=session.pk).first()  # lock, then read
    session.refresh_from_db()
    if session.status == S.OPEN and not confirm_missing:
        ballots, voters = missing_ballots(session)
        if ballots:
            raise ValidationError(
                missing_ballots_text(ballots, voters)
                + " "
                + _("Confirm that you close the session anyway.")
            )
    members = session.members.count()
    present = session.members.filter(present=True).count()
    if session.status == S.OPEN and not rules.quorum_met(
        present, members, session.quorum_numerator, session.quorum_denominator
    ):
        raise ValidationError(
            _("No quorum: %(present)s of %(members)s members present, %(num)s/%(den)s needed.")
            % {
                "present": present,
                "members": members,
                "num": session.quorum_numerator,
                "den": session.quorum_denominator,
            }
        )
    counts = _open_ballots(session)
    session.closed_on = day
    _move_session(session, S.CLOSED, by=by)
    holidays, workdays = working_calendar()
    # Only the totals outlive the close: no row keeps a choice, in any order.
    BallotVote.objects.filter(item__session=session).delete()
    transaction.on_commit(lambda: ballot.destroy_private_key(session.pk))
    for item in session.items.select_related("proposal__title"):
        _tally(item, counts.get(item.pk, Counter()), members, session.date, holidays, workdays)
        to = P.PASSED if item.result == AgendaItem.Result.PASSED else P.REJECTED
        _move_proposal(
            item.proposal,
            to,
            by=by,
            reason=_("Council session of %(date)s") % {"date": f"{session.date:%d/%m/%Y}"},
        )
        record(
            "council.item.result",
            by=by,
            object_type="council.agendaitem",
            object_id=item.pk,
            after={"result": item.result, "agree": item.agree, "members": members},
        )
    return session


@transaction.atomic
def create_decision(
    session: CouncilSession,
    *,
    issuer: OrgUnit,
    day: dt.date,
    fields: dict[str, Any],
    items: list[AgendaItem],
    by: Any,
) -> Decision:
    """A draft decision naming passed items of a closed session. `fields` carries the signer,
    subject, legal bases and recipients as the form cleans them; a symbol or place left out
    is the issuing unit's (document_defaults)."""
    if session.status != S.CLOSED:
        raise ValidationError(_("The session is not closed yet."))
    if day < session.date:
        raise ValidationError(_("The decision cannot be dated before the council session."))
    items = list(
        AgendaItem.objects.filter(pk__in=[i.pk for i in items]).select_related("proposal__title")
    )
    if not items:
        raise ValidationError(_("Choose at least one passed proposal."))
    symbol, place = document_defaults(issuer)
    fields = {
        **fields,
        "symbol": fields.get("symbol") or symbol,
        "place": fields.get("place") or place,
    }
    decision = Decision(
        issuer=issuer, session=session, year=day.year, date=day, created_by=by, **fields
    )
    for name in ("signer_name", "signer_position", "subject", "legal_bases", "recipients"):
        setattr(decision, name, nfc(getattr(decision, name)))
    decision.full_clean(exclude=["number"])
    decision.save()
    for item in items:
        _add_awardee(decision, item)
    record(
        "council.decision.create",
        by=by,
        object_type="council.decision",
        object_id=decision.pk,
        after={"session": session.pk, "items": [i.pk for i in items]},
    )
    return decision


def cash_for(title: Title, day: dt.date) -> Decimal | None:
    """Cash = the title's multiple × the base salary in force on the decision date
    (Decree 152/2025 Art. 50, 54; emulation-rules.md §4.7, §7), to the whole đồng; None
    (unknown, never 0) when no base salary is recorded for that day."""
    rule = _rule(title, day)
    if rule is None or not rule.cash_multiple:
        return Decimal(0)
    try:
        salary = base_salary_on(day)
    except NoBaseSalary:
        return None
    return (rule.cash_multiple * salary).quantize(Decimal(1), ROUND_HALF_UP)


def _add_awardee(decision: Decision, item: AgendaItem) -> DecisionAwardee:
    if item.session_id != decision.session_id or not item.decidable_on(decision.date):
        if item.result == AgendaItem.Result.PASSED and item.consultation_ends_on:
            raise ValidationError(
                _("The public consultation runs until %(date)s: decide after that day.")
                % {"date": f"{item.consultation_ends_on:%d/%m/%Y}"}
            )
        raise ValidationError(_("Only proposals the council passed can be awarded."))
    if DecisionAwardee.objects.filter(proposal_id=item.proposal_id).exists():
        raise ValidationError(_("This proposal is already in a decision."))
    return DecisionAwardee.objects.create(
        decision=decision,
        item=item,
        proposal=item.proposal,
        cash_amount=cash_for(item.proposal.title, decision.date),
    )


def _take_number(decision: Decision, number: int | None) -> int:
    register, _created = DecisionRegister.objects.select_for_update().get_or_create(
        issuer=decision.issuer, year=decision.year
    )
    number = number or register.next_number
    taken = Decision.objects.filter(issuer=decision.issuer, year=decision.year, number=number)
    if taken.exclude(pk=decision.pk).exists():
        raise ValidationError(
            _("Decision number %(number)s is already used by this issuer in %(year)s.")
            % {"number": f"{number:02d}/{decision.symbol}", "year": decision.year}
        )
    register.next_number = max(register.next_number, number + 1)
    register.save(update_fields=["next_number"])
    return number


@transaction.atomic
def issue_decision(decision: Decision, *, by: Any, number: int | None = None) -> Decision:
    """Number the decision from the issuer's yearly register (or check a number typed in),
    write one AwardRecord per awardee and move each proposal to awarded."""
    Decision.objects.select_for_update().filter(pk=decision.pk).first()  # lock, then read
    decision.refresh_from_db()
    if decision.status != Decision.Status.DRAFT:
        raise ValidationError(_("Only a draft decision can be issued."))
    decision.number = _take_number(decision, number)
    decision.status = Decision.Status.ISSUED
    try:
        with transaction.atomic():
            decision.save(update_fields=["number", "status"])
    except IntegrityError as exc:  # a concurrent issue took the number first
        raise ValidationError(_("That decision number was just taken: try again.")) from exc
    for awardee in decision.awardees.select_related("proposal", "item"):
        if not awardee.item.decidable_on(decision.date):
            raise ValidationError(_("Only proposals the council passed can be awarded."))
        proposal = awardee.proposal
        awardee.cash_amount = cash_for(proposal.title, decision.date)
        awardee.award = AwardRecord.objects.create(
            title=proposal.title,
            year=proposal.year,
            person=proposal.person,
            unit=proposal.unit,
            decision_number=decision.number_text,
            decided_on=decision.date,
            cash_amount=awardee.cash_amount,
            proposal=proposal,
            source=AwardRecord.Source.DECISION,
        )
        awardee.save(update_fields=["cash_amount", "award"])
        _move_proposal(proposal, P.AWARDED, by=by, reason=decision.number_text)
    signatures.sign_issued(decision)  # when a signing key is configured (issue 12 point 8)
    record(
        "council.decision.issue",
        by=by,
        object_type="council.decision",
        object_id=decision.pk,
        after={
            "number": decision.number_text,
            "awardees": decision.awardees.count(),
            "signed_pdf_sha256": decision.signed_pdf_sha256,
        },
    )
    notices.decision_issued(decision)
    return decision


@transaction.atomic
def revoke_award(award: AwardRecord, *, reason: str, day: dt.date, by: Any) -> Revocation:
    """Withdraw an award: the record keeps its history with the date and reason, and the cash
    paid is to be recovered."""
    reason = nfc(reason)
    if not reason:
        raise ValidationError(_("Give the reason for the revocation."))
    if award.revoked_on:
        raise ValidationError(_("This award is already revoked."))
    if day < award.decided_on:
        raise ValidationError(_("An award cannot be revoked before it was decided."))
    award.revoked_on, award.revocation_reason = day, reason
    award.save(update_fields=["revoked_on", "revocation_reason"])
    awardee = DecisionAwardee.objects.filter(award=award).select_related("decision").first()
    revocation = Revocation.objects.create(
        award=award,
        decision=awardee.decision if awardee else None,
        day=day,
        reason=reason,
        cash_to_recover=award.cash_amount,
        by=by,
    )
    if awardee and not awardee.decision.awardees.filter(award__revoked_on__isnull=True).exists():
        awardee.decision.status = Decision.Status.REVOKED
        awardee.decision.save(update_fields=["status"])
    record(
        "council.award.revoke",
        by=by,
        object_type="awards.awardrecord",
        object_id=award.pk,
        after={"day": day.isoformat(), "cash_to_recover": str(award.cash_amount)},
        reason=reason,
    )
    return revocation


# The national legal bases of an award decision, in the form of Decree 30/2020 Mẫu 1.2 (each a
# full name with its date and issuer, ending in ";"), with the dates they apply from
# (docs/decisions/0007-decision-layout.md; /work/shared/domain/legal-facts.md). A body's own
# regulation is added by the clerk in the form (one per line).
NATIONAL_BASES: tuple[tuple[dt.date, dt.date, str], ...] = (
    (
        dt.date(2024, 1, 1),
        OPEN_END,
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    ),
    (
        dt.date(2024, 1, 1),
        dt.date(2025, 6, 30),
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi "
        "tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
    ),
    (
        dt.date(2025, 7, 1),
        OPEN_END,
        "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi "
        "tiết một số điều của Luật Thi đua, khen thưởng;",
    ),
)


def default_legal_bases(day: dt.date) -> list[str]:
    """The national bases in force on the decision date, in order."""
    return [text for start, end, text in NATIONAL_BASES if start <= day <= end]


# Document settings and signers (issue 9 item 6, issue 15 point 5): kept by the administrator.


def document_defaults(unit: OrgUnit | int) -> tuple[str, str]:
    """(number symbol, place) of the unit's decisions: its own settings, else its body's."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    own = DocumentSettings.objects.filter(unit_id=unit_id).first()
    if own is not None:
        return own.symbol, own.place
    profile = profile_for(unit_id)
    return profile.issuer_symbol, profile.place


def signers_on(unit: OrgUnit | int, day: dt.date) -> Any:
    """The signers of the unit's decisions in force on `day`."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    return Signer.objects.at(day).filter(unit_id=unit_id).order_by("title", "full_name")


def _settings_json(s: DocumentSettings) -> dict[str, Any]:
    return {"unit": s.unit_id, "symbol": s.symbol, "place": s.place}


@transaction.atomic
def save_document_settings(unit: OrgUnit, *, symbol: str, place: str, by: Any) -> DocumentSettings:
    """Set the number symbol and place of the unit's decisions; recorded in the audit chain."""
    current = DocumentSettings.objects.select_for_update().filter(unit=unit).first()
    before = _settings_json(current) if current is not None else None
    settings_row = current or DocumentSettings(unit=unit)
    settings_row.symbol, settings_row.place = nfc(symbol).strip(), nfc(place).strip()
    settings_row.full_clean()
    settings_row.save()
    after = _settings_json(settings_row)
    if after != before:
        record(
            "council.document_settings.save",
            by=by,
            object_type="org.unit",
            object_id=unit.pk,
            before=before,
            after=after,
        )
    return settings_row


def _signer_json(s: Signer) -> dict[str, Any]:
    return {
        "unit": s.unit_id,
        "full_name": s.full_name,
        "title": s.title,
        "valid_from": s.valid_from.isoformat(),
        "valid_to": None if s.valid_to == OPEN_END else s.valid_to.isoformat(),
    }


@transaction.atomic
def save_signer(signer: Signer, *, by: Any) -> Signer:
    """Add a signer to the register or change one; recorded in the audit chain."""
    old = Signer.objects.filter(pk=signer.pk).first() if signer.pk else None
    before = _signer_json(old) if old is not None else None
    signer.full_name, signer.title = nfc(signer.full_name).strip(), nfc(signer.title).strip()
    if signer.valid_to is None:
        signer.valid_to = OPEN_END
    if signer.valid_from >= signer.valid_to:
        raise ValidationError(_("The end date must come after the start date."))
    signer.full_clean()
    signer.save()
    after = _signer_json(signer)
    if after != before:
        record(
            "council.signer.add" if before is None else "council.signer.change",
            by=by,
            object_type="council.signer",
            object_id=signer.pk,
            before=before,
            after=after,
        )
    return signer
