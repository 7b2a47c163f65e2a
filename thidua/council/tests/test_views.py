"""Council pages: happy paths, refusals, wrong methods, outsiders (404) and htmx fragments."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from docx import Document

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.awards.models import AwardRecord, Proposal
from thidua.council import actions, ballot
from thidua.council.models import BallotReceipt, BallotVote, CouncilSession, Decision
from thidua.council.testing import DECISION_DAY, SESSION_DAY, World
from thidua.testing import PASSWORD, START

HX = {"HX-Request": "true"}


def _vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def _session(world: World, *, open_: bool = True, absent: tuple[str, ...] = ()) -> CouncilSession:
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    for proposal in world.proposals:
        actions.add_agenda_item(session, proposal, by=world.secretary)
    for member in session.members.filter(user__username__in=absent):
        actions.set_attendance(member, present=False, by=world.secretary)
    if open_:
        actions.open_session(session, by=world.secretary)
    return session


def _closed(world: World) -> CouncilSession:
    session = _session(world)
    for item in session.items.all():
        for user in world.voters:
            actions.cast_ballot(item, user=user, choice="agree")
    return actions.close_session(session, by=world.secretary, day=SESSION_DAY)


def _issued(world: World) -> Decision:
    session = _closed(world)
    items = list(session.items.exclude(proposal__title=world.national_title))
    fields = {
        "issuer_name": "Viện kiểm sát nhân dân tối cao",
        "symbol": "QĐ-VKSTC",
        "place": "Hà Nội",
        "signer_name": "Nguyễn Huy Tiến",
        "signer_position": "Phó Viện trưởng",
        "authority": "KT.",
        "authority_of": "Viện trưởng",
        "subject": "Về việc tặng danh hiệu thi đua năm 2024",
        "legal_bases": "Căn cứ Luật Thi đua, khen thưởng;",
        "recipients": "Lưu: VT, TĐKT.",
    }
    decision = actions.create_decision(
        session,
        issuer=world.cast.root,
        day=DECISION_DAY,
        fields=fields,
        items=items,
        by=world.secretary,
    )
    return actions.issue_decision(decision, by=world.secretary, number=5)


def test_the_index_lists_sessions_and_plans_a_new_one(client: Client, world: World) -> None:
    client.force_login(world.secretary)
    _session(world, open_=False)
    page = client.get(reverse("council:index")).content.decode()
    assert "15/01/2025" in page and world.council.name in page
    response = client.post(
        reverse("council:session_new"),
        {
            "council": world.council.pk,
            "day": "20/03/2025",
            "place": "Hà Nội",
            "quorum_numerator": 2,
            "quorum_denominator": 3,
        },
    )
    assert response.status_code == 302
    session = CouncilSession.objects.get(date=dt.date(2025, 3, 20))
    assert session.members.count() == 5


def test_planning_refuses_a_bad_date_and_writes_nothing(client: Client, world: World) -> None:
    client.force_login(world.secretary)
    response = client.post(
        reverse("council:session_new"),
        {
            "council": world.council.pk,
            "day": "31/02/2025",
            "place": "Hà Nội",
            "quorum_numerator": 2,
            "quorum_denominator": 3,
        },
    )
    assert response.status_code == 422 and not CouncilSession.objects.exists()


def test_a_member_votes_and_gets_the_items_fragment(client: Client, world: World) -> None:
    session = _session(world)
    item = session.items.order_by("position").first()
    assert item is not None
    client.force_login(world.member_a)
    page = client.get(reverse("council:session", args=[session.pk])).content.decode()
    assert 'data-testid="ballot"' in page
    response = client.post(reverse("council:vote", args=[item.pk]), {"choice": "agree"}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'id="items"' in body
    assert 'data-testid="voted"' in body
    assert (
        BallotReceipt.objects.filter(item=item).count()
        == BallotVote.objects.filter(item=item).count()
        == 1
    )


def test_voting_twice_is_refused_with_a_message(client: Client, world: World) -> None:
    session = _session(world)
    item = session.items.first()
    assert item is not None
    client.force_login(world.member_a)
    client.post(reverse("council:vote", args=[item.pk]), {"choice": "agree"})
    response = client.post(
        reverse("council:vote", args=[item.pk]), {"choice": "disagree"}, follow=True
    )
    assert _vi("This member has already voted on this item.") in response.content.decode()
    assert BallotVote.objects.filter(item=item).count() == 1


def test_voting_after_close_is_refused(client: Client, world: World) -> None:
    session = _closed(world)
    item = session.items.first()
    assert item is not None
    client.force_login(world.member_a)
    response = client.post(
        reverse("council:vote", args=[item.pk]), {"choice": "agree"}, follow=True
    )
    assert _vi("The session is closed: no more votes are accepted.") in response.content.decode()


def test_the_secretary_records_a_written_vote_and_attendance(client: Client, world: World) -> None:
    session = _session(world, open_=False)
    member = session.members.get(user=world.member_b)
    client.force_login(world.secretary)
    response = client.post(
        reverse("council:attendance", args=[session.pk, member.pk]), {"present": "0"}, headers=HX
    )
    assert 'id="members"' in response.content.decode() and "<html" not in response.content.decode()
    member.refresh_from_db()
    assert member.present is False
    client.post(reverse("council:open", args=[session.pk]))
    item = session.items.first()
    assert item is not None
    client.post(
        reverse("council:written_vote", args=[item.pk]), {"member": member.pk, "choice": "agree"}
    )
    session.refresh_from_db()
    private = ballot.load_private_key(session.pk, bytes(session.ballot_key))
    sealed = bytes(BallotVote.objects.get(item=item).sealed)
    assert ballot.unseal(private, sealed, item.pk) == "agree"
    assert item.receipts.get().member == member  # the absent member's receipt: in writing


def test_closing_without_quorum_is_refused_and_closing_with_it_counts(
    client: Client, world: World
) -> None:
    session = _session(world, absent=("vice", "member_a"))
    client.force_login(world.secretary)
    response = client.post(reverse("council:close", args=[session.pk]), follow=True)
    session.refresh_from_db()
    assert session.status == "open"
    assert "3" in response.content.decode() and "alert" in response.content.decode()
    for name in ("vice", "member_a"):
        actions.set_attendance(session.members.get(user__username=name), present=True, by=None)
    client.post(reverse("council:close", args=[session.pk]), {"confirm_missing": "1"})
    session.refresh_from_db()
    assert session.status == "closed"
    page = client.get(reverse("council:session", args=[session.pk])).content.decode()
    assert 'data-testid="minutes-docx"' in page and 'data-testid="result"' in page


def test_the_minutes_download_as_docx_and_pdf(client: Client, world: World) -> None:
    session = _closed(world)
    client.force_login(world.chair)
    docx = client.get(reverse("council:minutes", args=[session.pk, "docx"]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    texts = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "BIÊN BẢN" in texts
    pdf = client.get(reverse("council:minutes", args=[session.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("council:minutes", args=[session.pk, "odt"])).status_code == 404


def test_the_secretary_drafts_and_issues_a_decision(client: Client, world: World) -> None:
    session = _closed(world)
    passed = session.items.exclude(proposal__title=world.national_title)
    client.force_login(world.secretary)
    assert client.get(reverse("council:decision_new", args=[session.pk])).status_code == 200
    response = client.post(
        reverse("council:decision_new", args=[session.pk]),
        {
            "date": "05/02/2025",
            "issuer_name": "Viện kiểm sát nhân dân tối cao",
            "governing_body": "",
            "symbol": "QĐ-VKSTC",
            "place": "Hà Nội",
            "subject": "Về việc tặng danh hiệu thi đua",
            "legal_bases": "Căn cứ Luật;",
            "authority": "KT.",
            "authority_of": "Viện trưởng",
            "signer_position": "Phó Viện trưởng",
            "signer_name": "Nguyễn Huy Tiến",
            "recipients": "Lưu: VT.",
            "items": [i.pk for i in passed],
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    client.post(reverse("council:issue", args=[decision.pk]), {"number": "5"})
    decision.refresh_from_db()
    assert (decision.status, decision.number_text) == ("issued", "05/QĐ-VKSTC")
    page = client.get(reverse("council:decision", args=[decision.pk])).content.decode()
    assert "05/QĐ-VKSTC" in page and "7.020.000" in page and "18.720.000" in page
    fragment = client.get(
        reverse("council:decision", args=[decision.pk]), headers=HX
    ).content.decode()
    assert 'id="awardees"' in fragment and "<html" not in fragment
    assert AwardRecord.objects.filter(decision_number="05/QĐ-VKSTC").count() == 2


def test_reusing_a_decision_number_is_refused_on_the_page(client: Client, world: World) -> None:
    first = _issued(world)
    proposal = Proposal.objects.create(
        title=world.sector_title,
        year=2023,
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
    actions.close_session(session, by=world.secretary, day=SESSION_DAY)
    draft = actions.create_decision(
        session,
        issuer=world.cast.root,
        day=DECISION_DAY,
        fields={"signer_name": "A", "signer_position": "B", "subject": "C", "issuer_name": "D"},
        items=[item],
        by=world.secretary,
    )
    client.force_login(world.secretary)
    response = client.post(
        reverse("council:issue", args=[draft.pk]), {"number": first.number}, follow=True
    )
    assert "05/QĐ-VKSTC" in response.content.decode() and "alert" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_decision_files_download(client: Client, world: World) -> None:
    decision = _issued(world)
    client.force_login(world.secretary)
    docx = client.get(reverse("council:decision_file", args=[decision.pk, "docx"]))
    assert 'filename="quyet-dinh-5-2025.docx"' in docx["Content-Disposition"]
    texts = [
        p.text
        for t in Document(io.BytesIO(docx.content)).tables
        for r in t.rows
        for c in r.cells
        for p in c.paragraphs
    ]
    assert "Số: 05/QĐ-VKSTC" in texts
    assert (
        client.get(reverse("council:decision_file", args=[decision.pk, "pdf"])).content[:4]
        == b"%PDF"
    )


def test_history_pages_and_revocation(client: Client, world: World) -> None:
    _issued(world)
    award = AwardRecord.objects.get(person=world.people[0])
    client.force_login(world.secretary)
    page = client.get(reverse("council:person_history", args=[world.people[0].pk])).content.decode()
    assert "05/QĐ-VKSTC" in page and "7.020.000" in page
    unit_page = client.get(reverse("council:unit_history", args=[world.cast.pa.pk]), headers=HX)
    assert "18.720.000" in unit_page.content.decode() and "<html" not in unit_page.content.decode()
    assert client.get(reverse("council:revoke", args=[award.pk])).status_code == 200
    response = client.post(
        reverse("council:revoke", args=[award.pk]),
        {"day": "01/06/2025", "reason": "Khai sai thành tích"},
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.revoked_on == dt.date(2025, 6, 1)
    page = client.get(reverse("council:person_history", args=[world.people[0].pk])).content.decode()
    assert "Khai sai thành tích" in page and "7.020.000" in page


def _urls(world: World) -> dict[str, tuple[str, str]]:
    """Every council URL with its allowed method."""
    decision = _issued(world)
    session = decision.session
    assert session is not None
    item = session.items.first()
    assert item is not None
    member = session.members.first()
    assert member is not None
    award = AwardRecord.objects.first()
    assert award is not None
    return {
        "session": (reverse("council:session", args=[session.pk]), "get"),
        "attendance": (reverse("council:attendance", args=[session.pk, member.pk]), "post"),
        "add_item": (reverse("council:add_item", args=[session.pk]), "post"),
        "open": (reverse("council:open", args=[session.pk]), "post"),
        "close": (reverse("council:close", args=[session.pk]), "post"),
        "minutes": (reverse("council:minutes", args=[session.pk, "pdf"]), "get"),
        "decision_new": (reverse("council:decision_new", args=[session.pk]), "get"),
        "vote": (reverse("council:vote", args=[item.pk]), "post"),
        "written_vote": (reverse("council:written_vote", args=[item.pk]), "post"),
        "decision": (reverse("council:decision", args=[decision.pk]), "get"),
        "issue": (reverse("council:issue", args=[decision.pk]), "post"),
        "decision_file": (reverse("council:decision_file", args=[decision.pk, "docx"]), "get"),
        "revoke": (reverse("council:revoke", args=[award.pk]), "get"),
        "person_history": (reverse("council:person_history", args=[world.people[0].pk]), "get"),
        "unit_history": (reverse("council:unit_history", args=[world.cast.pa.pk]), "get"),
    }


NAMES = [
    "session",
    "attendance",
    "add_item",
    "open",
    "close",
    "minutes",
    "decision_new",
    "vote",
    "written_vote",
    "decision",
    "issue",
    "decision_file",
    "revoke",
    "person_history",
    "unit_history",
]


@pytest.mark.parametrize("name", NAMES)
def test_an_outsider_gets_404_everywhere(client: Client, world: World, name: str) -> None:
    url, method = _urls(world)[name]
    client.force_login(world.cast.outsider)
    response: Any = getattr(client, method)(url)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    ["attendance", "add_item", "open", "close", "written_vote", "issue", "decision_new", "revoke"],
)
def test_a_plain_member_cannot_run_the_session(client: Client, world: World, name: str) -> None:
    url, method = _urls(world)[name]
    client.force_login(world.member_a)
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_the_wrong_method_is_refused(client: Client, world: World, name: str) -> None:
    url, method = _urls(world)[name]
    client.force_login(world.secretary)
    wrong = "get" if method == "post" else ("put" if name in ("decision_new", "revoke") else "post")
    assert getattr(client, wrong)(url).status_code == 405


def test_the_index_wrong_method_and_session_fragment(client: Client, world: World) -> None:
    session = _session(world)
    client.force_login(world.chair)
    assert client.post(reverse("council:index")).status_code == 405
    assert client.get(reverse("council:session_new")).status_code == 405
    assert client.post(reverse("council:session_new"), {}).status_code == 404  # not a secretary
    body = client.get(reverse("council:session", args=[session.pk]), headers=HX).content.decode()
    assert 'id="items"' in body and "<html" not in body


def test_the_api_lists_sessions_and_takes_a_vote(client: Client, world: World) -> None:
    session = _session(world)
    item = session.items.first()
    assert item is not None
    client.force_login(world.member_b)
    listed = client.get("/api/v1/council/sessions").json()
    assert [s["id"] for s in listed] == [session.pk] and listed[0]["items"][0]["agree"] == 0
    response = client.post(
        f"/api/v1/council/items/{item.pk}/vote",
        {"choice": "agree"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json() == {"recorded": True}
    again = client.post(
        f"/api/v1/council/items/{item.pk}/vote",
        {"choice": "agree"},
        content_type="application/json",
    )
    assert again.status_code == 422
    client.force_login(world.cast.outsider)
    assert client.get(f"/api/v1/council/sessions/{session.pk}").status_code == 404


def test_the_api_shows_decisions(client: Client, world: World) -> None:
    decision = _issued(world)
    client.force_login(world.secretary)
    data = client.get(f"/api/v1/council/decisions/{decision.pk}").json()
    assert data["number"] == "05/QĐ-VKSTC" and data["date"] == "05/02/2025"
    assert sorted(a["cash_amount"] for a in data["awardees"]) == [7020000, 18720000]


def test_a_secretary_of_another_province_cannot_revoke(client: Client, world: World) -> None:
    _issued(world)
    elsewhere = User.objects.create_user(username="secretary_pc", password=PASSWORD)
    RoleAssignment.objects.create(
        user=elsewhere, role=Role.COUNCIL_SECRETARY, unit=world.cast.pc, valid_from=START
    )
    client.force_login(elsewhere)
    for award in AwardRecord.objects.all():  # a person of PA and the unit PA
        assert client.get(reverse("council:revoke", args=[award.pk])).status_code == 404
    assert client.get(reverse("council:index")).status_code == 200


def test_the_seated_secretary_of_a_council_runs_its_sessions(client: Client, world: World) -> None:
    """A user seated as the council's own secretary (no council-secretary role, as the demo
    seats duyet.tq on Tuyên Quang's council) plans, opens and closes its sessions; the seat
    of another council, or a seat that has ended, gives nothing."""
    from thidua.awards.models import Council, CouncilMember

    seated = User.objects.create_user(username="seated", password=PASSWORD)
    CouncilMember.objects.create(
        council=world.council, user=seated, role="secretary", valid_from=START
    )
    ended = User.objects.create_user(username="ended", password=PASSWORD)
    CouncilMember.objects.create(
        council=world.council,
        user=ended,
        role="secretary",
        valid_from=START,
        valid_to=dt.date(2025, 6, 1),
    )
    other = Council.objects.create(unit=world.cast.pc, name="Hội đồng tỉnh C")
    CouncilMember.objects.create(council=other, user=ended, role="secretary", valid_from=START)
    client.force_login(seated)
    page = client.get(reverse("council:index")).content.decode()
    assert 'data-testid="new-session"' in page and world.council.name in page
    response = client.post(
        reverse("council:session_new"),
        {
            "council": world.council.pk,
            "day": "20/03/2025",
            "place": "Hà Nội",
            "quorum_numerator": 2,
            "quorum_denominator": 3,
        },
    )
    assert response.status_code == 302
    session = CouncilSession.objects.get(date=dt.date(2025, 3, 20))
    actions.add_agenda_item(session, world.proposals[0], by=world.secretary)
    assert client.post(reverse("council:open", args=[session.pk])).status_code == 302
    session.refresh_from_db()
    assert session.status == "open"

    client.force_login(ended)  # today only the other council's seat counts
    page = client.get(reverse("council:index")).content.decode()
    assert f'<option value="{other.pk}"' in page
    assert f'<option value="{world.council.pk}"' not in page
    assert client.post(reverse("council:close", args=[session.pk])).status_code == 404
    client.force_login(world.member_a)  # a plain member still runs nothing
    assert client.post(reverse("council:close", args=[session.pk])).status_code == 404
