"""Issue 9 item 9: a session is not closed while a present member has not voted, unless the
secretary confirms with the count of missing ballots in view; each item links to its dossier."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from thidua.council import actions
from thidua.council.models import CouncilSession
from thidua.council.testing import SESSION_DAY, World


def _open(world: World) -> CouncilSession:
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    for proposal in world.proposals[:2]:
        actions.add_agenda_item(session, proposal, by=world.secretary)
    actions.open_session(session, by=world.secretary)
    first, second = session.items.order_by("pk")
    for user in world.voters:
        actions.cast_ballot(first, user=user, choice="agree")
    for user in world.voters[:-2]:
        actions.cast_ballot(second, user=user, choice="agree")
    return session


def test_closing_with_missing_ballots_needs_the_confirmation(world: World) -> None:
    session = _open(world)
    assert actions.missing_ballots(session) == (2, 2)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        actions.close_session(session, by=world.secretary, day=SESSION_DAY)
    assert "Còn 2 phiếu chưa bỏ của 2 thành viên có mặt" in refused.value.messages[0]
    session.refresh_from_db()
    assert session.status == "open"
    actions.close_session(session, by=world.secretary, day=SESSION_DAY, confirm_missing=True)
    session.refresh_from_db()
    assert session.status == "closed"


def test_closing_when_everyone_voted_needs_no_confirmation(world: World) -> None:
    session = _open(world)
    second = session.items.order_by("pk").last()
    assert second is not None
    for user in world.voters[-2:]:
        actions.cast_ballot(second, user=user, choice="disagree")
    assert actions.missing_ballots(session) == (0, 0)
    actions.close_session(session, by=world.secretary, day=SESSION_DAY)
    session.refresh_from_db()
    assert session.status == "closed"


def test_the_page_shows_the_count_and_the_confirmation(client: Client, world: World) -> None:
    session = _open(world)
    client.force_login(world.secretary)
    url = reverse("council:session", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="missing-ballots"' in page and 'name="confirm_missing"' in page
    assert "Còn 2 phiếu chưa bỏ của 2 thành viên có mặt." in page
    response = client.post(reverse("council:close", args=[session.pk]), follow=True)
    session.refresh_from_db()
    assert session.status == "open" and response.status_code == 200
    assert "Còn 2 phiếu chưa bỏ của 2 thành viên có mặt" in response.content.decode()
    client.post(reverse("council:close", args=[session.pk]), {"confirm_missing": "1"})
    session.refresh_from_db()
    assert session.status == "closed"


def test_a_member_reads_the_dossier_of_each_item(client: Client, world: World) -> None:
    session = _open(world)
    client.force_login(world.member_a)
    page = client.get(reverse("council:session", args=[session.pk])).content.decode()
    for item in session.items.all():
        url = reverse("awards:proposal", args=[item.proposal_id])
        assert url in page
        assert client.get(url).status_code == 200
        # The achievement report, in the form of the regulation in force, for the voters.
        report = reverse("awards:proposal_report_file", args=[item.proposal_id, "pdf"])
        assert report in page
        assert client.get(report).content[:4] == b"%PDF"
    client.force_login(world.cast.outsider)  # sits in no session: the dossier stays closed
    for item in session.items.all():
        assert client.get(reverse("awards:proposal", args=[item.proposal_id])).status_code == 404
        report = reverse("awards:proposal_report_file", args=[item.proposal_id, "docx"])
        assert client.get(report).status_code == 404
