"""A finished phase review published on the portal (issue 12): the dashboards' review_public
gives its key figures and the .pdf's SHA-256; the portal serves that very .pdf. Here, in the
glue's tests, because dashboards and disclosures are siblings that do not import each other."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from thidua.dashboards import review_jobs
from thidua.dashboards.tests.test_dashboard import TODAY, choice
from thidua.dashboards.tests.test_dashboard import data as data  # the fixture
from thidua.disclosures.models import Publication
from thidua.movements.models import Phase
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def test_a_finished_review_is_published_with_its_pdf(
    data: ReportingCast, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # pages of earlier tests, cached under the same (rolled back) log size
    one = Phase.objects.filter(movement__code="thtk").order_by("number").first()
    assert one is not None
    job = review_jobs.new_job(data.top_reviewer.pk, choice(data, "root", [2024, 2025], TODAY), one)
    review_jobs.run(job.token, today=dt.date(2025, 12, 20))
    pdf = review_jobs.read_file(review_jobs.load(job.token) or job, "pdf")
    assert pdf is not None
    client = Client()
    client.force_login(data.cast.secretary)
    page = client.get("/public/manage/").content.decode()
    assert job.token in page and 'data-testid="publish-review"' in page
    assert client.post("/public/manage/review/", {"review": "nope"}).status_code == 404
    client.post("/public/manage/review/", {"review": job.token})
    publication = Publication.objects.get(kind="review")
    content = json.loads(publication.content)
    assert content["pdf_sha256"] == hashlib.sha256(pdf).hexdigest()
    assert content["years"] == [2024, 2025] and content["areas"]
    assert job.token not in publication.content and job.token not in publication.subject
    anonymous = Client()
    item = anonymous.get(f"/public/items/{publication.leaf_id}/").content.decode()
    assert 'data-testid="review"' in item and content["pdf_sha256"] in item
    served = anonymous.get(f"/public/items/{publication.leaf_id}.pdf")
    assert served.status_code == 200 and served.content == pdf
