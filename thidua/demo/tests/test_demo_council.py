"""The demo council round on the council's test world: a session, written votes, a
numbered decision."""

from __future__ import annotations

import random

from thidua.awards.models import AwardRecord, Proposal
from thidua.council.models import BallotReceipt, BallotVote, CouncilSession, Decision
from thidua.council.testing import World
from thidua.demo.council import build_council


def test_the_demo_round_votes_and_issues_a_numbered_decision(world: World) -> None:
    lines = build_council(random.Random(7))
    session = CouncilSession.objects.get()
    assert session.status == "closed"
    assert session.members.filter(present=False).count() == 1
    written = BallotReceipt.objects.filter(member__present=False)
    assert written.count() == 3  # one absent member, three items
    assert not BallotVote.objects.exists()  # closed: only the items' totals remain
    decision = Decision.objects.get()
    assert decision.number_text == "05/QĐ-VKSROOT" and decision.status == "issued"
    awarded = Proposal.objects.filter(status="awarded").count()
    assert awarded == AwardRecord.objects.count() == decision.awardees.count() > 0
    assert lines and "05/QĐ-VKSROOT" in lines[0]


def test_the_demo_round_without_proposals_says_so(db: None) -> None:
    assert build_council(random.Random(1)) == [
        "Hội đồng TĐKT: không có đề nghị nào đã gửi, không họp."
    ]
