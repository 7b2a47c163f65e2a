from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.notifications import actions, delivery
from thidua.notifications.models import Channel, Kind, Language, Notification, OutgoingEmail
from thidua.testing import Cast

pytestmark = pytest.mark.django_db


def _tell(users: list[Any], key: str = "") -> list[Notification]:
    return actions.notify(
        users,
        Kind.REPORT_RETURNED,
        title=_("Report returned: %(form)s, %(period)s"),
        body=_("Returned by %(who)s. Reason: %(reason)s"),
        params={
            "form": "Biểu 01",
            "period": "Quý 1/2026",
            "who": "Nguyễn Văn A",
            "reason": "Thiếu số liệu",
        },
        link="/reports/1/",
        unit_name="Viện kiểm sát nhân dân khu vực 1",
        deadline=dt.date(2026, 1, 15),
        dedupe_key=key,
    )


def test_it_renders_each_message_in_the_recipients_language(cast: Cast) -> None:
    Language.objects.create(user=cast.reviewer, code="en")
    _tell([cast.reporter, cast.reviewer])
    vi = Notification.objects.get(recipient=cast.reporter)
    en = Notification.objects.get(recipient=cast.reviewer)
    assert vi.title == "Báo cáo bị trả lại: Biểu 01, Quý 1/2026"
    assert "Lý do: Thiếu số liệu" in vi.body
    assert en.title == "Report returned: Biểu 01, Quý 1/2026"
    assert en.deadline == dt.date(2026, 1, 15)


def test_it_tells_a_person_once_per_dedupe_key(cast: Cast) -> None:
    assert len(_tell([cast.reporter, cast.reporter], key="r1:7d")) == 1
    assert _tell([cast.reporter, cast.reviewer], key="r1:7d")[0].recipient == cast.reviewer
    assert Notification.objects.filter(recipient=cast.reporter).count() == 1
    _tell([cast.reporter], key="r1:1d")
    assert Notification.objects.filter(recipient=cast.reporter).count() == 2


def test_it_skips_inactive_users_and_rejects_unknown_kinds(cast: Cast) -> None:
    cast.outsider.is_active = False
    cast.outsider.save()
    assert _tell([cast.outsider]) == []
    with pytest.raises(ValueError, match="no_such_event"):
        actions.notify([cast.reporter], "no_such_event", title="x")


def test_it_queues_email_after_commit_and_sends_it_once(
    cast: Cast, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cast.reporter.email = "reporter@example.gov.vn"
    cast.reporter.save()
    with django_capture_on_commit_callbacks() as callbacks:
        _tell([cast.reporter])
    assert len(callbacks) == 1
    email = OutgoingEmail.objects.get()
    assert email.sent_at is None
    assert delivery.send_one(email.pk) is True
    assert delivery.send_one(email.pk) is False  # already sent: nothing twice
    assert delivery.send_pending() == (0, 0)
    assert len(smtp_server.messages) == 1
    msg = smtp_server.messages[0]
    assert msg["To"] == "reporter@example.gov.vn"
    assert msg["Subject"].strip() == "Báo cáo bị trả lại: Biểu 01, Quý 1/2026"
    text = msg.get_content()
    assert "Hạn: 15/01/2026" in text
    assert "http://127.0.0.1:8000/reports/1/" in text
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 1


def test_an_unreachable_server_keeps_the_email_and_a_retry_sends_it(
    cast: Cast, dead_smtp: int, settings: Any
) -> None:
    cast.reporter.email = "reporter@example.gov.vn"
    cast.reporter.save()
    _tell([cast.reporter])  # the action itself does not touch the server
    email = OutgoingEmail.objects.get()
    with pytest.raises(delivery.SendFailed):
        delivery.send_one(email.pk)
    email.refresh_from_db()
    assert email.sent_at is None and email.attempts == 1
    assert "Connection" in email.last_error or "refused" in email.last_error.lower()
    # Within the lease nothing retries; later the sweep does, once the server is back.
    assert delivery.send_pending() == (0, 0)
    from aiosmtpd.controller import Controller

    from .conftest import Inbox

    inbox = Inbox(port=dead_smtp)
    controller = Controller(inbox, hostname="127.0.0.1", port=dead_smtp)
    controller.start()
    try:
        later = timezone.now() + delivery.LEASE * 2
        assert delivery.send_pending(now=later) == (1, 0)
        assert delivery.send_pending(now=later + delivery.LEASE * 2) == (0, 0)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    email.refresh_from_db()
    assert email.sent_at is not None and email.last_error == "" and email.attempts == 2


def test_in_app_only_sends_no_email_and_the_digest_gathers_a_day(cast: Cast) -> None:
    cast.reporter.email = "r@example.gov.vn"
    cast.reporter.save()
    cast.reviewer.email = "v@example.gov.vn"
    cast.reviewer.save()
    actions.set_preferences(cast.reporter, {Kind.REPORT_RETURNED: Channel.IN_APP}, language=None)
    actions.set_preferences(cast.reviewer, {Kind.REPORT_RETURNED: Channel.DIGEST}, language="en")
    _tell([cast.reporter, cast.reviewer], key="a")
    _tell([cast.reporter, cast.reviewer], key="b")
    assert OutgoingEmail.objects.count() == 0
    assert actions.send_digests(now=timezone.now()) == 1
    assert actions.send_digests(now=timezone.now()) == 0
    digest = OutgoingEmail.objects.get()
    assert digest.to == "v@example.gov.vn"
    assert digest.subject == "thidua: 2 new notifications"
    assert digest.body.count("Report returned: Biểu 01, Quý 1/2026") == 2


def test_a_user_without_email_gets_the_inbox_row_only(cast: Cast) -> None:
    _tell([cast.reporter])
    assert Notification.objects.filter(recipient=cast.reporter).count() == 1
    assert OutgoingEmail.objects.count() == 0
