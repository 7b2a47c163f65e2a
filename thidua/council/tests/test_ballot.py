"""Sessions and the secret ballot: results, refusals, and a database with no voter-vote link."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from thidua.audit.models import AuditEvent
from thidua.awards.models import Proposal
from thidua.council import actions, ballot
from thidua.council.models import (
    AgendaItem,
    BallotReceipt,
    BallotVote,
    CouncilSession,
    Holiday,
)
from thidua.council.testing import SESSION_DAY, World

CLOSE_DAY = SESSION_DAY


def _open_session(world: World, *, absent: tuple[str, ...] = ()) -> CouncilSession:
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    for proposal in world.proposals:
        actions.add_agenda_item(session, proposal, by=world.secretary)
    for member in session.members.filter(user__username__in=absent):
        actions.set_attendance(member, present=False, by=world.secretary)
    return actions.open_session(session, by=world.secretary)


def _items(session: CouncilSession) -> list[AgendaItem]:
    return list(session.items.order_by("position"))


def test_it_snapshots_the_members_and_moves_proposals_into_council(world: World) -> None:
    session = _open_session(world)
    assert session.members.count() == 5
    assert {m.role for m in session.members.all()} == {"chair", "vice_chair", "member", "secretary"}
    assert set(Proposal.objects.values_list("status", flat=True)) == {"in_council"}


def test_it_passes_at_ninety_and_eighty_percent_of_all_members(world: World) -> None:
    """Decree 98/2023 Art. 30(7): one absent member votes in writing and still counts."""
    session = _open_session(world, absent=("member_b",))
    sector, national, flag = _items(session)
    absent = session.members.get(user=world.member_b)
    present_voters = [world.chair, world.vice, world.member_a, world.secretary]
    for user in present_voters:
        actions.cast_ballot(sector, user=user, choice="agree")
        actions.cast_ballot(national, user=user, choice="agree")
    actions.record_written_ballot(sector, absent, choice="agree", by=world.secretary)
    actions.record_written_ballot(national, absent, choice="disagree", by=world.secretary)
    for user, choice in zip(present_voters, ["agree", "agree", "agree", "abstain"], strict=True):
        actions.cast_ballot(flag, user=user, choice=choice)
    actions.record_written_ballot(flag, absent, choice="agree", by=world.secretary)
    actions.close_session(session, by=world.secretary, day=CLOSE_DAY, confirm_missing=True)
    sector, national, flag = _items(session)
    assert (sector.result, sector.agree, sector.members_total, sector.written) == (
        "passed",
        5,
        5,
        1,
    )
    assert (national.result, national.agree, national.disagree) == ("rejected", 4, 1)  # 80 % < 90 %
    assert (flag.result, flag.agree, flag.abstain) == ("passed", 4, 1)  # 80 % ≥ 80 %
    statuses = {p.pk: p.status for p in Proposal.objects.all()}
    assert [statuses[p.pk] for p in world.proposals] == ["passed", "rejected", "passed"]


def test_it_counts_members_who_did_not_vote_against_the_threshold(world: World) -> None:
    """Art. 30(7) counts over ALL members: 4 agree of 5, with one silent, is 80 % < 90 %."""
    session = _open_session(world)
    sector = _items(session)[0]
    for user in [world.chair, world.vice, world.member_a, world.member_b]:
        actions.cast_ballot(sector, user=user, choice="agree")
    actions.close_session(session, by=world.secretary, day=CLOSE_DAY, confirm_missing=True)
    sector.refresh_from_db()
    assert (sector.agree, sector.members_total, sector.result) == (4, 5, "rejected")


@pytest.mark.parametrize("case", ["twice", "closed", "outsider", "absent_in_person", "not_open"])
def test_it_refuses_bad_ballots_and_writes_nothing(world: World, case: str) -> None:
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    item = actions.add_agenda_item(session, world.proposals[0], by=world.secretary)
    user = world.chair
    if case != "not_open":
        actions.open_session(session, by=world.secretary)
    if case == "twice":
        actions.cast_ballot(item, user=user, choice="agree")
    if case == "closed":
        actions.close_session(session, by=world.secretary, day=CLOSE_DAY, confirm_missing=True)
    if case == "outsider":
        user = world.cast.outsider
    if case == "absent_in_person":
        actions.set_attendance(session.members.get(user=user), present=False, by=world.secretary)
    before = (BallotReceipt.objects.count(), BallotVote.objects.count())
    with pytest.raises(ValidationError):
        actions.cast_ballot(item, user=user, choice="disagree")
    assert (BallotReceipt.objects.count(), BallotVote.objects.count()) == before


def test_it_refuses_a_written_ballot_for_a_present_member_or_twice(world: World) -> None:
    session = _open_session(world, absent=("member_b",))
    item = _items(session)[0]
    with pytest.raises(ValidationError):
        actions.record_written_ballot(
            item, session.members.get(user=world.chair), choice="agree", by=world.secretary
        )
    absent = session.members.get(user=world.member_b)
    actions.record_written_ballot(item, absent, choice="agree", by=world.secretary)
    with pytest.raises(ValidationError):
        actions.record_written_ballot(item, absent, choice="agree", by=world.secretary)
    assert BallotVote.objects.filter(item=item).count() == 1


def test_it_refuses_to_close_without_quorum(world: World) -> None:
    session = _open_session(world, absent=("vice", "member_a"))  # 3 of 5 < 2/3
    with pytest.raises(ValidationError, match="3"):
        actions.close_session(session, by=world.secretary, day=CLOSE_DAY, confirm_missing=True)
    session.refresh_from_db()
    assert session.status == "open"
    assert set(Proposal.objects.values_list("status", flat=True)) == {"in_council"}


def test_it_sets_a_consultation_period_in_working_days(world: World) -> None:
    """Decree 152/2025 Art. 60(3): 10 working days for CSTĐ toàn quốc; holidays skipped."""
    Holiday.objects.create(day=dt.date(2025, 1, 27), name="Tết Nguyên đán")
    Holiday.objects.create(day=dt.date(2025, 1, 28), name="Tết Nguyên đán")
    session = _open_session(world)
    national = _items(session)[1]
    for user in world.voters:
        actions.cast_ballot(national, user=user, choice="agree")
    actions.close_session(session, by=world.secretary, day=CLOSE_DAY, confirm_missing=True)
    national.refresh_from_db()
    assert national.result == "passed"
    assert national.consultation_ends_on == dt.date(2025, 1, 31)
    assert not national.decidable_on(dt.date(2025, 1, 31))
    assert national.decidable_on(dt.date(2025, 2, 3))


def test_the_database_keeps_no_link_between_a_voter_and_a_vote(world: World) -> None:
    """Issue 4 item 8, issue 8 point 3: the ballot store holds sealed votes of one size, with
    no voter, no time, and no plain choice. The commit-by-commit proof is in
    test_ballot_secrecy.py."""
    session = _open_session(world)
    item = _items(session)[0]
    for user, choice in zip(
        world.voters, ["agree", "disagree", "agree", "abstain", "agree"], strict=True
    ):
        actions.cast_ballot(item, user=user, choice=choice)
    vote_table = BallotVote._meta.db_table
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, vote_table)
        relations = connection.introspection.get_relations(cursor, vote_table)
        cursor.execute(f"SELECT * FROM {vote_table}")
        rows = cursor.fetchall()
    names = [c.name for c in columns]
    assert set(names) == {"id", "item_id", "sealed"}
    # The only foreign key leads to the agenda item, never to a member, user or receipt.
    assert {target for _, (_, target) in relations.items()} == {AgendaItem._meta.db_table}
    # No column can hold a time or a sequence (the exact column set above): the key is random.
    ids = [str(row[names.index("id")]).replace("-", "") for row in rows]
    assert len(ids) == 5 and all(len(i) == 32 and int(i[12], 16) == 4 for i in ids)  # UUID v4
    receipt_names = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), BallotReceipt._meta.db_table
        )
    }
    assert "choice" not in receipt_names and not receipt_names & {"vote_id", "ballotvote_id"}
    # Every sealed vote has the same size whatever the choice, and no two are alike.
    sealed = [bytes(row[names.index("sealed")]) for row in rows]
    assert {len(s) for s in sealed} == {ballot.SEALED_SIZE} and len(set(sealed)) == 5
    assert not any(word in s for s in sealed for word in (b"agree", b"disagree", b"abstain"))
    # The audit trail names the voters and never a choice.
    for event in AuditEvent.objects.filter(action="council.ballot.cast"):
        assert "choice" not in str(event.after) and "agree" not in str(event.after)
    assert BallotReceipt.objects.filter(item=item).count() == 5


def test_closing_keeps_only_the_totals_and_destroys_the_key(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    session = _open_session(world, absent=("member_b",))
    item = _items(session)[0]
    key_file = ballot.key_dir() / f"session-{session.pk}.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    private = key_file.read_bytes()
    assert bytes(session.ballot_key) not in (b"", private)  # only the public half is stored
    for user, choice in zip(
        [world.chair, world.vice, world.member_a, world.secretary],
        ["agree", "disagree", "abstain", "agree"],
        strict=True,
    ):
        actions.cast_ballot(item, user=user, choice=choice)
    absent = session.members.get(user=world.member_b)
    actions.record_written_ballot(item, absent, choice="agree", by=world.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        actions.close_session(session, by=world.secretary, day=CLOSE_DAY, confirm_missing=True)
    item.refresh_from_db()
    assert (item.agree, item.disagree, item.abstain, item.written) == (3, 1, 1, 1)
    assert not BallotVote.objects.exists()  # no row keeps a choice, in any order
    assert BallotReceipt.objects.filter(item=item).count() == 5  # who voted stays
    assert not key_file.exists()


def test_it_refuses_to_count_without_the_key_and_writes_nothing(world: World) -> None:
    session = _open_session(world)
    item = _items(session)[0]
    actions.cast_ballot(item, user=world.chair, choice="agree")
    (ballot.key_dir() / f"session-{session.pk}.key").unlink()
    with pytest.raises(ValidationError, match="khóa bỏ phiếu"):
        actions.close_session(session, by=world.secretary, day=CLOSE_DAY, confirm_missing=True)
    session.refresh_from_db()
    assert session.status == "open" and BallotVote.objects.count() == 1


def test_a_sealed_vote_moved_to_another_item_does_not_count(world: World) -> None:
    session = _open_session(world)
    sector, national, _flag = _items(session)
    actions.cast_ballot(sector, user=world.chair, choice="agree")
    BallotVote.objects.filter(item=sector).update(item=national)
    with pytest.raises(ValidationError, match="bị sửa"):
        actions.close_session(session, by=world.secretary, day=CLOSE_DAY, confirm_missing=True)


@pytest.mark.parametrize("choice", BallotVote.Choice.values)
def test_a_sealed_vote_opens_only_with_its_key_and_item(choice: str) -> None:
    private, public = ballot.new_key_pair()
    other, _public = ballot.new_key_pair()
    sealed = ballot.seal(public, choice, 7)
    assert len(sealed) == ballot.SEALED_SIZE
    assert ballot.unseal(private, sealed, 7) == choice
    for key, item_id in [(other, 7), (private, 8)]:
        with pytest.raises(ballot.BallotUnreadable):
            ballot.unseal(key, sealed, item_id)
