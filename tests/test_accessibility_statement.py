"""The accessibility statement (issue 14): public, linked from every page's footer, in
Vietnamese by default and in English on request; and the page skeleton every page shares (skip
link, one main, labelled menu, the polite status region, the language buttons' names)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from thidua.testing import Cast


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return translation.gettext(msgid)


@pytest.mark.django_db
def test_statement_is_public_in_vietnamese_and_english() -> None:
    client = Client()
    page = client.get("/accessibility/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="vi">' in html
    assert "Tuyên bố về khả năng tiếp cận" in html and "Cách báo một rào cản" in html
    assert "WCAG" in html
    client.cookies["thidua_language"] = "en"
    html = client.get("/accessibility/").content.decode()
    assert '<html lang="en">' in html and "How to report a barrier" in html


def test_every_page_links_to_it_and_has_the_landmarks(cast: Cast, client: Client) -> None:
    client.force_login(cast.reporter)
    html = client.get(reverse("movements:list")).content.decode()
    assert f'href="{reverse("accessibility")}"' in html
    assert html.count("<main") == 1 and 'id="main"' in html
    skip = re.search(r'<a class="skip-link[^"]*" href="#main"[^>]*>([^<]+)</a>', html)
    assert skip is not None and skip.group(1) == vi("Skip to main content")
    assert html.index("skip-link") < html.index("<nav")  # the first thing Tab reaches
    assert '<nav class="navbar' in html and f'aria-label="{vi("Main menu")}"' in html
    assert re.search(r'id="live-status"[^>]*role="status"[^>]*aria-live="polite"', html)
    # The language buttons: full names in their own language, the current one pressed.
    assert re.search(
        r'lang="vi"[^>]*aria-pressed="true"[^>]*>VI<span class="visually-hidden"> – Tiếng Việt',
        html,
    )
    assert re.search(
        r'lang="en"[^>]*aria-pressed="false"[^>]*>EN<span class="visually-hidden"> – English', html
    )
