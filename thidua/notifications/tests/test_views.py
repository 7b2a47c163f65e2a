from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from thidua.notifications import actions
from thidua.notifications.models import Channel, Kind, Notification, OutgoingEmail, Preference
from thidua.testing import Cast

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _note(user: Any, title: str = "Báo cáo bị trả lại") -> Notification:
    return actions.notify([user], Kind.REPORT_RETURNED, title=title, link="/reports/")[0]


def test_the_inbox_lists_my_notifications_and_the_navbar_counts_unread(cast: Cast) -> None:
    _note(cast.reporter, "Báo cáo quý 1 bị trả lại")
    _note(cast.outsider, "Không phải của tôi")
    page = _client(cast.reporter).get(reverse("notifications:inbox"))
    html = page.content.decode()
    assert "Báo cáo quý 1 bị trả lại" in html
    assert "Không phải của tôi" not in html
    assert 'data-testid="unread-count">1<' in html


def test_opening_marks_read_and_follows_the_link(cast: Cast) -> None:
    note = _note(cast.reporter)
    client = _client(cast.reporter)
    response = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/reports/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(reverse("notifications:read", args=[note.pk])).status_code == 405


def test_someone_elses_notification_is_a_404(cast: Cast) -> None:
    note = _note(cast.reporter)
    response = _client(cast.outsider).post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read(cast: Cast) -> None:
    _note(cast.reporter)
    _note(cast.reporter)
    client = _client(cast.reporter)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=cast.reporter, read_at=None).exists()
    assert "unread-count" not in client.get(reverse("notifications:inbox")).content.decode()


def test_preferences_are_saved_per_event(cast: Cast) -> None:
    client = _client(cast.reporter)
    data = {f"kind_{k.value}": Channel.EMAIL for k in Kind} | {
        "kind_deadline_soon": Channel.DIGEST,
        "language": "en",
    }
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    pref = Preference.objects.get(user=cast.reporter, kind=Kind.DEADLINE_SOON)
    assert pref.channel == Channel.DIGEST
    bad = client.post(reverse("notifications:preferences"), data | {"kind_reminder": "fax"})
    assert bad.status_code == 200
    assert Preference.objects.get(user=cast.reporter, kind=Kind.REMINDER).channel == "email"


def test_the_administrator_sees_unsent_emails_and_others_do_not(cast: Cast) -> None:
    cast.reporter.email = "r@example.gov.vn"
    cast.reporter.save()
    _note(cast.reporter)
    OutgoingEmail.objects.update(attempts=3, last_error="ConnectionRefusedError: refused")
    html = _client(cast.admin).get(reverse("notifications:outbox")).content.decode()
    assert "ConnectionRefusedError: refused" in html
    assert 'data-testid="unsent-count">1<' in html
    assert _client(cast.reporter).get(reverse("notifications:outbox")).status_code in (403, 404)
    _client(cast.admin).post(
        reverse("notifications:outbox"), {"retry": OutgoingEmail.objects.get().pk}
    )
    assert OutgoingEmail.objects.get().attempts == 0
