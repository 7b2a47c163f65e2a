"""Who the council tells (issue 10): the members when the ballot opens, the awardees when a
decision is issued."""

from __future__ import annotations

import pytest

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.council import actions
from thidua.council.testing import World
from thidua.notifications.models import Kind, Notification
from thidua.testing import START

from .test_decisions import _closed_session, _decision

pytestmark = pytest.mark.django_db


def test_opening_the_ballot_tells_each_member_once(world: World) -> None:
    session = _closed_session(world)
    notes = Notification.objects.filter(kind=Kind.BALLOT_OPENED)
    assert sorted(n.recipient.username for n in notes) == sorted(u.username for u in world.voters)
    note = notes.first()
    assert note is not None and note.link == f"/council/sessions/{session.pk}/"
    assert note.title.startswith("Mở bỏ phiếu: Hội đồng Thi đua - Khen thưởng")


def test_a_decision_tells_the_awarded_person_and_the_awarded_units_head(world: World) -> None:
    person_user = User.objects.create_user("ks1")
    person_user.person = world.people[0]
    person_user.save()
    head = User.objects.create_user("head_pa")
    RoleAssignment.objects.create(
        user=head, role=Role.UNIT_HEAD, unit=world.cast.pa, valid_from=START
    )
    session = _closed_session(world)
    actions.issue_decision(_decision(world, session), by=world.secretary)
    told = Notification.objects.filter(kind=Kind.DECISION_ISSUED)
    assert sorted(n.recipient.username for n in told) == ["head_pa", "ks1"]
    mine = told.get(recipient=person_user)
    assert "01/QĐ-VKSTC" in mine.title
    assert "Chiến sĩ thi đua ngành Kiểm sát nhân dân" in mine.title
    assert told.get(recipient=head).unit_name == world.cast.pa.name
