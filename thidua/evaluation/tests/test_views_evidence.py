"""Evidence files of an assessment's scores against the hostile corpus
(thidua/lib/tests/hostile.py): refused in Vietnamese with nothing saved, not even the points
sent with them; a file is stored and served as what its bytes are."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from thidua.evaluation import actions
from thidua.evaluation.forms import MAX_EVIDENCE_BYTES
from thidua.evaluation.models import Assessment, Score
from thidua.evaluation.testing import regional_year
from thidua.lib.tests import hostile
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(ecast: ReportingCast) -> Assessment:
    regional_year(ecast)
    return actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _score(a: Assessment, code: str = "A4") -> Score:
    return a.scores.get(criterion__code=code)


@pytest.mark.parametrize("case", hostile.HOSTILE_EVIDENCE)
def test_it_refuses_hostile_evidence_and_saves_nothing(
    client: Client, ecast: ReportingCast, assessed: Assessment, media: Path, case: str
) -> None:
    name, data, reason = hostile.hostile_evidence()[case]
    client.force_login(ecast.head)
    url = reverse("evaluation:self_score", args=[_score(assessed).pk])
    response = client.post(
        url, {"points": "6", "evidence_file": SimpleUploadedFile(name, data)}, follow=True
    )
    assert hostile.shown_refusal(reason) in response.content.decode()
    score = _score(assessed)
    assert score.self_points is None and not score.evidence_file
    assert hostile.stored_files(media) == []


def test_it_stores_and_serves_evidence_as_what_its_bytes_are(
    client: Client, ecast: ReportingCast, assessed: Assessment, media: Path
) -> None:
    client.force_login(ecast.head)
    url = reverse("evaluation:self_score", args=[_score(assessed).pk])
    upload = SimpleUploadedFile("chung-tu.html", hostile.PDF_BYTES, "text/html")
    client.post(url, {"points": "6", "evidence_file": upload})
    score = _score(assessed)
    assert score.evidence_file.name.endswith("/chung-tu.pdf")
    download = client.get(reverse("evaluation:evidence", args=[score.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="chung-tu.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_it_serves_evidence_stored_before_under_its_detected_kind(
    client: Client, ecast: ReportingCast, assessed: Assessment, media: Path
) -> None:
    """Files stored by the old check kept the name the user gave them."""
    score = _score(assessed)
    score.evidence_file.save("chung-tu.html", ContentFile(hostile.PDF_BYTES))
    client.force_login(ecast.head)
    download = client.get(reverse("evaluation:evidence", args=[score.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="chung-tu.pdf"'
    score.evidence_file.save("chuong-trinh.xls", ContentFile(hostile.xls_with_vba()))
    download = client.get(reverse("evaluation:evidence", args=[score.pk]))
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="chuong-trinh.bin"'


def test_it_refuses_an_oversized_file_before_keeping_it_and_saves_no_points(
    client: Client, ecast: ReportingCast, assessed: Assessment, media: Path, monkeypatch
) -> None:
    kept = hostile.watch_kept_uploads(monkeypatch)
    client.force_login(ecast.head)
    url = reverse("evaluation:self_score", args=[_score(assessed).pk])
    big = b"%PDF-1.4\n" + b"\0" * (MAX_EVIDENCE_BYTES + 100_000)
    response = client.post(
        url,
        {
            "points": "6",
            "evidence_link": "https://vks.example/ct.pdf",
            "evidence_file": SimpleUploadedFile("ct.pdf", big),
        },
        follow=True,
    )
    assert escape("Tệp lớn hơn 10 MB.") in response.content.decode()
    assert kept == []
    assert _score(assessed).self_points is None and hostile.stored_files(media) == []
