"""Password reset by e-mail (queued, in Vietnamese) and the profile page (issue 10, point 6)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from thidua.notifications import delivery
from thidua.notifications.models import OutgoingEmail
from thidua.testing import Cast

pytestmark = pytest.mark.django_db


def test_a_forgotten_password_is_reset_through_a_queued_email(cast: Cast, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast.reporter.email = "nhaplieu@example.gov.vn"
    cast.reporter.save()
    client = Client()
    assert "Quên mật khẩu?" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/password/reset/", {"email": "nhaplieu@example.gov.vn"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/sent/"
    queued = OutgoingEmail.objects.get()
    assert queued.subject == "thidua: đặt lại mật khẩu" and queued.sent_at is None
    assert delivery.send_pending() == (1, 0)
    body = str(mail.outbox[0].body)
    assert "Kính gửi" in body and '"reporter"' in body
    link = re.search(r"http://testserver(/accounts/password/\S+/)", body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert 'data-testid="reset-confirm"' in form_page.content.decode()
    new = "mat-khau-moi-2026"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/password/done/"
    cast.reporter.refresh_from_db()
    assert cast.reporter.check_password(new)
    again = client.get(link.group(1), follow=True)
    assert 'data-testid="reset-invalid"' in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(cast: Cast) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "ai@example.gov.vn"})
    assert response.status_code == 302
    assert not OutgoingEmail.objects.exists()


def test_the_profile_shows_my_roles_units_and_choices(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.reviewer)
    html = client.get("/accounts/profile/").content.decode()
    assert "Tỉnh Hà Giang" in html
    assert 'data-testid="preferences"' in html
    assert 'href="/accounts/profile/"' in html  # the navbar name leads here
    assert Client().get("/accounts/profile/").status_code == 302
    assert client.post("/accounts/profile/").status_code == 405
