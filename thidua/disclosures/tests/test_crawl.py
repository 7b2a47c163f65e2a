"""An anonymous visitor crawls the portal and its API: only published content, no personal
data, no internal code or id on a page; every private page answers 404 or the login page."""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from thidua.disclosures import actions, sources
from thidua.evaluation.testing import approved, regional_year
from thidua.org.models import Person
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db

HREF = re.compile(r'(?:href|src)="([^"#]+)"')
PUBLIC_PREFIXES = ("/public/", "/api/v1/public/", "/static/")
# Pages meant for anonymous visitors outside the portal (logging in, first set-up, the API's
# own documentation) are not private.
OPEN = (
    "/accounts/login/",
    "/accounts/password",
    "/accessibility/",
    "/setup/",
    "/api/v1/docs",
    "/api/v1/openapi",
    "/accounts/language/",
    "/accounts/logout/",
    "/quan-tri/logout/",
    "/quan-tri/login/",
)


def crawl(client: Client, start: list[str], limit: int = 300) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        assert response.status_code in (200, 404), (url, response.status_code)
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        for link in HREF.findall(response.content.decode()):
            target = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(target)
            if not parts.netloc and parts.path.startswith(("/public/", "/api/v1/public/")):
                queue.append(target)
    return seen


def test_an_anonymous_crawl_sees_only_what_was_published(ecast: ReportingCast) -> None:
    regional_year(ecast, 2026, quarters=2)
    approved(ecast, ecast.cast.pc1, 2026, 1, EST_RECURRENT="98765", SETTLE_RECURRENT="97531")
    draft = sources.figures(ecast.cast.regional, 2026)
    assert draft is not None
    publication = actions.publish(draft, by=ecast.cast.secretary)
    client = Client()
    start = [
        "/public/",
        "/public/?lang=en",
        "/api/v1/public/items",
        "/api/v1/public/heads/latest",
        f"/api/v1/public/entries/{publication.leaf_id}",
        "/api/v1/public/entries/1",
        # Issue 13 point 6: the anonymous waste reports' public pages.
        "/public/phan-anh/",
        "/public/phan-anh/theo-doi/",
        "/public/phan-anh/thong-ke/",
    ]
    pages = crawl(client, start)
    assert f"/public/items/{publication.leaf_id}/" in pages
    assert f"/public/verify/{publication.leaf_id}/" in pages
    assert "/public/phan-anh/thong-ke/" in pages
    users = (ecast.cast.reporter, ecast.cast.secretary, ecast.head)
    people = [p.full_name for p in Person.objects.all()] + [
        text for u in users for text in (u.get_full_name(), u.email) if text
    ]
    for url, response in pages.items():
        text = response.content.decode()
        for secret in ("98765", "98.765", "97531", "97.531"):
            assert secret not in text, (url, "an unpublished figure")
        for name in people:
            assert name not in text, (url, "personal data", name)
        if url.startswith("/public/"):
            assert ecast.cast.regional.code not in text, (url, "an internal code")
            assert "EST_RECURRENT" not in text, (url, "an indicator code")
        if url.startswith("/api/"):
            assert not re.search(r'"(id|pk|unit_id|user_id)":', text), (url, "an internal id")


def _paths(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    out = []
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            out += _paths(pattern.url_patterns, prefix + route)
        elif "<" not in route and "(" not in route and "^" not in route:
            out.append("/" + prefix + route)
    return out


def test_every_private_page_answers_404_or_the_login_page(ecast: ReportingCast) -> None:
    client = Client()
    private = [
        p
        for p in _paths(get_resolver().url_patterns)
        if p != "/" and not p.startswith(PUBLIC_PREFIXES) and not p.startswith(OPEN)
    ]
    assert "/public/manage/" not in private and len(private) > 30
    for url in [*private, "/public/manage/", "/public/manage/publish/"]:
        response = client.get(url)
        status = response.status_code
        to_login = status == 302 and "login" in response["Location"]
        assert to_login or status in (401, 403, 404, 405), (url, status)
