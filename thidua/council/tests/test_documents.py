"""Document settings and the signer register (issue 9 item 6, issue 15 point 5): the
administrator keeps them in pages, every change is audited, and decision drafting takes the
symbol and place of the issuing unit and the signer from the register."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import translation

from thidua.audit.models import AuditEvent
from thidua.council import actions
from thidua.council.models import CouncilSession, Decision, DocumentSettings, Signer
from thidua.council.testing import DECISION_DAY, SESSION_DAY, World
from thidua.lib.dates import OPEN_END
from thidua.org.body import Body

DOCS = reverse("council:documents")


def _closed(world: World) -> CouncilSession:
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    for proposal in world.proposals:
        actions.add_agenda_item(session, proposal, by=world.secretary)
    actions.open_session(session, by=world.secretary)
    for item in session.items.all():
        for user in world.voters:
            actions.cast_ballot(item, user=user, choice="agree")
    return actions.close_session(session, by=world.secretary, day=SESSION_DAY)


def test_only_the_administrator_sees_the_document_pages(client: Client, world: World) -> None:
    root = world.cast.root
    for user in (world.secretary, world.cast.reporter, world.cast.outsider):
        client.force_login(user)
        assert client.get(DOCS).status_code == 404
        url = reverse("council:document_settings", args=[root.pk])
        assert client.post(url, {"symbol": "QĐ-X", "place": "Huế"}).status_code == 404
        assert client.get(reverse("council:signer_new")).status_code == 404
    assert not DocumentSettings.objects.exists()
    client.force_login(world.cast.admin)
    page = client.get(DOCS).content.decode()
    assert f'data-unit="{root.code}"' in page
    # Without its own settings, the unit shows the body's symbol and place (the pack's).
    assert "…/QĐ-VKSTC" in page and "Hà Nội" in page
    assert client.put(DOCS).status_code == 405


def test_the_administrator_sets_the_symbol_and_place_and_drafting_takes_them(
    client: Client, world: World
) -> None:
    root = world.cast.root
    client.force_login(world.cast.admin)
    url = reverse("council:document_settings", args=[root.pk])
    assert 'value="QĐ-VKSTC"' in client.get(url).content.decode()  # the body's, to start from
    response = client.post(url, {"symbol": " QĐ-STC ", "place": "Đà Nẵng"}, follow=True)
    assert response.redirect_chain[-1][0] == DOCS
    assert (DocumentSettings.objects.get(unit=root).symbol, actions.document_defaults(root)) == (
        "QĐ-STC",
        ("QĐ-STC", "Đà Nẵng"),
    )
    event = AuditEvent.objects.filter(action="council.document_settings.save").get()
    assert event.after == {"unit": root.pk, "symbol": "QĐ-STC", "place": "Đà Nẵng"}
    assert client.post(url, {"symbol": "", "place": "Huế"}).status_code == 400
    assert actions.document_defaults(root) == ("QĐ-STC", "Đà Nẵng")
    # The session form and the decision form start from the issuing unit's settings.
    client.force_login(world.secretary)
    assert 'value="Đà Nẵng"' in client.get(reverse("council:index")).content.decode()
    session = _closed(world)
    form = client.get(reverse("council:decision_new", args=[session.pk])).content.decode()
    assert 'value="QĐ-STC"' in form and 'value="Đà Nẵng"' in form


def test_a_decision_drafted_without_symbol_takes_the_body_s(world: World) -> None:
    session = _closed(world)
    decision = actions.create_decision(
        session,
        issuer=world.cast.root,
        day=DECISION_DAY,
        fields={"signer_name": "A", "signer_position": "B", "subject": "C", "issuer_name": "D"},
        items=list(session.items.all()[:1]),
        by=world.secretary,
    )
    assert (decision.symbol, decision.place) == ("QĐ-VKSTC", "Hà Nội")
    Body.objects.all().delete()  # no body: the neutral symbol and no place
    assert actions.document_defaults(world.cast.root) == ("QĐ", "")


def test_the_administrator_keeps_the_signer_register(client: Client, world: World) -> None:
    root = world.cast.root
    client.force_login(world.cast.admin)
    new = reverse("council:signer_new")
    assert client.get(new, {"unit": root.pk}).status_code == 200
    data = {
        "unit": root.pk,
        "full_name": "Nguyễn  Huy Tiến",
        "title": "Phó Thủ trưởng",
        "valid_from": "01/01/2024",
        "valid_to": "",
    }
    assert client.post(new, data).status_code == 302
    signer = Signer.objects.get()
    assert (signer.full_name, signer.valid_to) == ("Nguyễn  Huy Tiến", OPEN_END)
    page = client.get(DOCS).content.decode()
    assert 'data-testid="signer"' in page and "Phó Thủ trưởng Nguyễn  Huy Tiến" in page
    # Refused: an end before the start, a unit that issues nothing; nothing is written.
    edit = reverse("council:signer", args=[signer.pk])
    with translation.override("vi"):
        bad = client.post(edit, {**data, "valid_to": "31/12/2023"})
    assert bad.status_code == 400 and "Ngày kết thúc phải sau ngày bắt đầu" in bad.content.decode()
    assert client.post(new, {**data, "unit": world.cast.pc1.pk}).status_code == 400
    assert Signer.objects.count() == 1
    assert client.post(edit, {**data, "valid_to": "01/07/2026"}).status_code == 302
    signer.refresh_from_db()
    assert signer.valid_to == dt.date(2026, 7, 1)
    actions_done = list(
        AuditEvent.objects.filter(object_type="council.signer").values_list("action", flat=True)
    )
    assert actions_done == ["council.signer.add", "council.signer.change"]
    assert list(actions.signers_on(root, dt.date(2026, 1, 1))) == [signer]
    assert not actions.signers_on(root, dt.date(2026, 7, 1)).exists()
    assert client.get(reverse("council:signer", args=[signer.pk + 99])).status_code == 404


def test_drafting_picks_the_signer_from_the_register(client: Client, world: World) -> None:
    root = world.cast.root
    signer = Signer.objects.create(
        unit=root, full_name="Lê Minh Trí", title="Thủ trưởng", valid_from=dt.date(2020, 1, 1)
    )
    Signer.objects.create(
        unit=root,
        full_name="Người Cũ",
        title="Thủ trưởng",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2021, 1, 1),
    )
    session = _closed(world)
    client.force_login(world.secretary)
    url = reverse("council:decision_new", args=[session.pk])
    form = client.get(url).content.decode()
    assert "Thủ trưởng Lê Minh Trí" in form and "Người Cũ" not in form
    data = {
        "date": "05/02/2025",
        "issuer_name": "Cơ quan trung ương",
        "symbol": "QĐ-STC",
        "place": "Hà Nội",
        "subject": "Về việc tặng danh hiệu thi đua",
        "authority": "",
        "signer": signer.pk,
        "recipients": "Lưu: VT.",
        "items": [i.pk for i in session.items.all()[:1]],
    }
    with translation.override("vi"):
        missing = client.post(url, {**data, "signer": ""})
    assert (
        missing.status_code == 200 and "Chọn người ký trong danh sách" in missing.content.decode()
    )
    assert client.post(url, data).status_code == 302
    decision = Decision.objects.get()
    assert (decision.signer_position, decision.signer_name) == ("Thủ trưởng", "Lê Minh Trí")


def test_the_administrator_edits_the_body_s_wording(client: Client, world: World) -> None:
    body = Body.objects.get()
    url = reverse("council:body_wording")
    client.force_login(world.secretary)
    assert client.get(url).status_code == 404
    client.force_login(world.cast.admin)
    assert 'data-testid="body-wording"' in client.get(DOCS).content.decode()
    page = client.get(url).content.decode()
    assert f'value="{body.wording["issuer_symbol"]}"' in page
    data = {**body.wording, "head_title": " Giám đốc ", "cluster_guidance": ""}
    assert client.post(url, data).status_code == 302
    body.refresh_from_db()
    assert body.wording["head_title"] == "Giám đốc" and "cluster_guidance" not in body.wording
    event = AuditEvent.objects.get(action="org.body.wording")
    assert (event.before or {})["head_title"] != "Giám đốc"
    assert (event.after or {})["head_title"] == "Giám đốc"
    # A title that is not a collective award is refused; nothing changes.
    bad = client.post(url, {**data, "thematic_award_form": "NOPE"})
    assert bad.status_code == 400
    body.refresh_from_db()
    assert body.wording["head_title"] == "Giám đốc"
    assert AuditEvent.objects.filter(action="org.body.wording").count() == 1
