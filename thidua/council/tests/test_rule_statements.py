"""The council session page states how the ballot threshold counts (a share of all members,
a fraction of a vote rounded up), with the article (issue 9 item 5)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from django.test import Client

from thidua.council import actions
from thidua.council.testing import SESSION_DAY, World

pytestmark = pytest.mark.django_db


def test_the_session_page_states_the_ballot_rounding(client: Client, world: World) -> None:
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    for proposal in world.proposals:
        actions.add_agenda_item(session, proposal, by=world.secretary)
    client.force_login(world.secretary)
    page = client.get(f"/council/sessions/{session.pk}/").content.decode()
    members = session.members.count()
    needed = math.ceil(Decimal("0.9") * members)
    assert 'data-testid="rule-statement"' in page
    assert f"trên tổng số {members} thành viên Hội đồng" in page
    assert f"cần {needed} phiếu đồng ý (phần lẻ tính tròn lên một phiếu)" in page
    assert "(Nghị định 98/2023/NĐ-CP Điều 30(7))" in page  # the rule's legal basis
