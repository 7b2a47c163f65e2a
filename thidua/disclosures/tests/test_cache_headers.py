"""The portal's caching: public max-age, an ETag and Last-Modified, 304 on revalidation,
no cookie, and a new page (new ETag) once the log grows."""

from __future__ import annotations

import pytest
from django.test import Client

from thidua.disclosures import actions, sources
from thidua.evaluation.testing import regional_year
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def test_pages_carry_validators_and_answer_304(ecast: ReportingCast) -> None:
    regional_year(ecast, 2026, quarters=2)
    draft = sources.figures(ecast.cast.regional, 2026)
    assert draft is not None
    publication = actions.publish(draft, by=ecast.cast.secretary)
    client = Client()
    for url in ("/public/", "/public/figures/", f"/public/items/{publication.leaf_id}/"):
        first = client.get(url)
        assert first.status_code == 200 and not first.cookies, url
        assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
        etag, modified = first["ETag"], first["Last-Modified"]
        assert etag.startswith('"') and modified.endswith("GMT")
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    before = client.get("/public/")["ETag"]
    actions.withdraw(publication, by=ecast.cast.secretary, reason="Nhầm số liệu")
    from django.core.cache import cache

    cache.delete("public-log-size")
    after = client.get("/public/", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before
