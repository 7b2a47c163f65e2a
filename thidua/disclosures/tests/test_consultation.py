"""Public consultation on nominees: the published list (no personal data beyond name, unit,
title and achievements), the comment form's safeguards, the council seeing the comments on
the session page and their count in the minutes, and a closed consultation refusing."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from thidua.council import actions as council_actions
from thidua.council import consultation as council_consultation
from thidua.council import exports
from thidua.council.models import ConsultationComment, CouncilSession
from thidua.council.testing import SESSION_DAY, World
from thidua.disclosures import actions, consultation
from thidua.disclosures.models import Publication

pytestmark = pytest.mark.django_db
OPEN_DAY = dt.date(2025, 1, 20)  # within 15/01 – 29/01/2025 (10 working days)
CLOSED_DAY = dt.date(2025, 1, 30)


def _closed_session(world: World) -> CouncilSession:
    national = world.proposals[1]
    national.achievement_report = "Giải quyết 100% án được phân công, không có án bị hủy."
    national.save()
    session = council_actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    for proposal in world.proposals:
        council_actions.add_agenda_item(session, proposal, by=world.secretary)
    council_actions.open_session(session, by=world.secretary)
    for item in session.items.all():
        for user in world.voters:
            council_actions.cast_ballot(item, user=user, choice="agree")
    return council_actions.close_session(
        session, by=world.secretary, day=SESSION_DAY, confirm_missing=True
    )


def _published(world: World) -> tuple[CouncilSession, Publication]:
    session = _closed_session(world)
    draft = consultation.draft(session)
    assert draft is not None
    return session, actions.publish(draft, by=world.secretary)


def _on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    from thidua.disclosures import views_consultation

    monkeypatch.setattr(views_consultation, "today", lambda: day)


def _form(client: Client, url: str) -> dict[str, str]:
    page = client.get(url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page)
    question = re.search(r'for="c-answer">([^<]+)<', page)
    assert token and question, page
    words = consultation.NUMBER_WORDS
    a, b = re.findall(r"(\w+) cộng (\w+)", question.group(1).lower())[0]
    return {"token": token.group(1), "answer": str(words.index(a) + words.index(b))}


def test_the_list_holds_only_the_consulted_nominees_without_personal_data(world: World) -> None:
    session, publication = _published(world)
    content = json.loads(publication.content)
    assert [n["name"] for n in content["nominees"]] == ["Hoàng Thị Bích"]
    nominee = content["nominees"][0]
    assert nominee["title"] == "Chiến sĩ thi đua toàn quốc"
    assert nominee["unit"] == world.cast.pa.name
    assert "không có án bị hủy" in nominee["summary"]
    assert (nominee["opens_on"], nominee["closes_on"]) == ("2025-01-15", "2025-01-29")
    assert set(nominee) == {
        "number", "name", "unit", "title", "year", "summary", "opens_on", "closes_on"
    }  # fmt: skip
    assert consultation.draft(session) is not None
    session.status = CouncilSession.Status.OPEN
    assert consultation.draft(session) is None


def test_the_portal_shows_the_list_open_then_closed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _session, publication = _published(world)
    client = Client()
    _on(monkeypatch, OPEN_DAY)
    page = client.get(f"/public/items/{publication.leaf_id}/").content.decode()
    assert "Hoàng Thị Bích" in page and "29/01/2025" in page and "15/01/2025" in page
    assert 'data-testid="comment-link"' in page
    listing = client.get("/public/consultations/")
    assert listing.status_code == 200 and "Hoàng Thị Bích" not in listing.content.decode()
    assert publication.title in listing.content.decode()
    from django.core.cache import cache

    cache.clear()
    _on(monkeypatch, CLOSED_DAY)
    page = client.get(f"/public/items/{publication.leaf_id}/").content.decode()
    assert 'data-testid="consultation-closed"' in page and 'data-testid="comment-link"' not in page


def test_a_comment_reaches_the_council_page_and_the_minutes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, publication = _published(world)
    _on(monkeypatch, OPEN_DAY)
    monkeypatch.setattr(consultation, "limiter", consultation.RateLimiter())
    client = Client()
    url = f"/public/consultations/{publication.leaf_id}/comment/"
    form = client.get(url)
    assert form.status_code == 200 and not form.cookies and form["Cache-Control"] == "no-store"
    assert "csrfmiddlewaretoken" not in form.content.decode()
    data = {
        **_form(client, url),
        "nominee": "1",
        "text": "Đồng chí Bích làm việc rất tận tụy, tôi đồng ý.",
        "name": "Nguyễn Văn Dân",
        "contact": "0912 345 678",
        "website": "",
    }
    sent = client.post(url, data, REMOTE_ADDR="192.0.2.7")
    assert sent.status_code == 200 and 'data-testid="comment-sent"' in sent.content.decode()
    assert not sent.cookies
    comment = ConsultationComment.objects.get()
    assert comment.item.proposal == world.proposals[1] and comment.name == "Nguyễn Văn Dân"
    assert "192.0.2.7" not in json.dumps(
        list(ConsultationComment.objects.values("name", "contact", "text"))
    )
    secretary = Client()
    secretary.force_login(world.secretary)
    council_page = secretary.get(f"/council/sessions/{session.pk}/").content.decode()
    assert "tận tụy" in council_page and "Nguyễn Văn Dân" in council_page
    assert "Ý kiến góp ý trong thời gian lấy ý kiến: 1" in council_page
    texts = [getattr(b, "text", "") for b in exports.minutes_document(session).body]
    assert any("Ý kiến góp ý trong thời gian lấy ý kiến: 1." in t for t in texts)


def test_the_form_refuses_bad_answers_bots_and_floods(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _session, publication = _published(world)
    _on(monkeypatch, OPEN_DAY)
    monkeypatch.setattr(consultation, "limiter", consultation.RateLimiter(limit=2))
    client = Client()
    url = f"/public/consultations/{publication.leaf_id}/comment/"
    good = {"nominee": "1", "text": "Một góp ý đủ dài để gửi.", "website": ""}
    wrong = client.post(url, {**good, **_form(client, url), "answer": "999"})
    assert wrong.status_code == 400 and "câu hỏi kiểm tra" in wrong.content.decode()
    forged = _form(client, url)
    last = forged["token"][-1]
    forged["token"] = forged["token"][:-1] + ("1" if last == "0" else "0")  # a wrong signature
    assert client.post(url, {**good, **forged}).status_code == 400
    encoded, signature = _form(client, url)["token"].rsplit(".", 1)
    payload = base64.urlsafe_b64decode(encoded).decode().split(".")
    payload[0] = "99"  # a made-up answer under the old signature
    made_up = base64.urlsafe_b64encode(".".join(payload).encode()).decode() + "." + signature
    assert client.post(url, {**good, "token": made_up, "answer": "99"}).status_code == 400
    short = client.post(url, {**good, **_form(client, url), "text": "ngắn"})
    assert short.status_code == 400
    unknown = client.post(url, {**good, **_form(client, url), "nominee": "7"})
    assert unknown.status_code == 400
    bot = client.post(url, {**good, **_form(client, url), "website": "http://spam.example"})
    assert bot.status_code == 200  # looks accepted, stores nothing
    assert ConsultationComment.objects.count() == 0
    for _n in range(2):
        assert client.post(url, {**good, **_form(client, url)}).status_code == 200
    flood = client.post(url, {**good, **_form(client, url)})
    assert flood.status_code == 400 and "Quá nhiều" in flood.content.decode()
    assert ConsultationComment.objects.count() == 2


def test_a_closed_consultation_refuses_comments(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, publication = _published(world)
    url = f"/public/consultations/{publication.leaf_id}/comment/"
    _on(monkeypatch, OPEN_DAY)
    data = {"nominee": "1", "text": "Góp ý gửi quá hạn.", "website": "", **_form(Client(), url)}
    _on(monkeypatch, CLOSED_DAY)
    page = Client().get(url).content.decode()
    assert "đã kết thúc ngày 29/01/2025" in page and 'data-testid="comment-form"' not in page
    refused = Client().post(url, data)
    assert refused.status_code == 403 and ConsultationComment.objects.count() == 0
    item = council_consultation.consulted_items(session).get()
    with pytest.raises(ValidationError, match="29/01/2025"):
        council_consultation.add_comment(
            item, name="", contact="", text="Góp ý gửi quá hạn.", day=CLOSED_DAY
        )
    other = session.items.exclude(pk=item.pk).first()
    assert other is not None
    with pytest.raises(ValidationError):
        council_consultation.add_comment(other, name="", contact="", text="x" * 20, day=OPEN_DAY)


def test_the_check_question_and_the_rate_limit(monkeypatch: Any) -> None:
    challenge = consultation.new_challenge(now=1_000_000)
    total = consultation.check_answer
    answers = [str(n) for n in range(2, 19)]
    assert sum(total(challenge.token, a, now=1_000_010) for a in answers) == 1
    right = next(a for a in answers if total(challenge.token, a, now=1_000_010))
    assert not total(challenge.token, right, now=1_000_000 + consultation.CHALLENGE_MAX_AGE + 1)
    assert not total("garbage", right)
    limiter = consultation.RateLimiter(limit=2, window=60)
    assert limiter.allow("198.51.100.1", now=0) and limiter.allow("198.51.100.1", now=1)
    assert not limiter.allow("198.51.100.1", now=2) and limiter.allow("198.51.100.2", now=2)
    assert limiter.allow("198.51.100.1", now=61)
    assert "198.51.100.1" not in repr(limiter._seen)


def test_the_secretary_publishes_the_list_from_the_manage_page(world: World) -> None:
    session = _closed_session(world)
    client = Client()
    client.force_login(world.secretary)
    page = client.get("/public/manage/").content.decode()
    assert 'data-testid="publish-consultation"' in page
    client.post("/public/manage/consultation/", {"session": session.pk})
    client.post("/public/manage/consultation/", {"session": session.pk})
    assert Publication.objects.filter(kind="consultation").count() == 1
    assert client.post("/public/manage/consultation/", {"session": "x"}).status_code == 404
