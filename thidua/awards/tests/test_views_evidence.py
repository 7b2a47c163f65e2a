"""Dossier files of a proposal against the hostile corpus (thidua/lib/tests/hostile.py):
refused in Vietnamese with nothing written; a file is stored and served as what its bytes are."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from thidua.audit.models import AuditEvent
from thidua.awards import actions
from thidua.awards.models import Proposal, ProposalEvidence, Title
from thidua.lib.tests import hostile

from .conftest import AwardsCast


@pytest.fixture
def proposal(acast: AwardsCast) -> Proposal:
    return actions.create_proposal(
        title=Title.objects.get(code="LDTT"),
        year=2025,
        proposing_unit=acast.cast.regional,
        by=acast.head,
        person=acast.people[3],
    )


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _evidence_events(proposal: Proposal) -> int:
    return AuditEvent.objects.filter(
        action="awards.proposal.evidence", object_id=str(proposal.pk)
    ).count()


@pytest.mark.parametrize("case", hostile.HOSTILE_EVIDENCE)
def test_it_refuses_hostile_dossier_files_and_writes_nothing(
    client: Client, acast: AwardsCast, proposal: Proposal, media: Path, case: str
) -> None:
    name, data, reason = hostile.hostile_evidence()[case]
    client.force_login(acast.head)
    response = client.post(
        f"/awards/proposals/{proposal.pk}/evidence/",
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )
    assert hostile.shown_refusal(reason) in response.content.decode()
    assert not ProposalEvidence.objects.exists() and _evidence_events(proposal) == 0
    assert hostile.stored_files(media) == []


def test_it_stores_and_serves_a_dossier_file_as_what_its_bytes_are(
    client: Client, acast: AwardsCast, proposal: Proposal, media: Path
) -> None:
    client.force_login(acast.head)
    upload = SimpleUploadedFile("xac-nhan.html", hostile.PDF_BYTES, "text/html")
    client.post(f"/awards/proposals/{proposal.pk}/evidence/", {"file": upload})
    item = ProposalEvidence.objects.get()
    assert (item.original_name, item.content_type) == ("xac-nhan.pdf", "application/pdf")
    assert [p.suffix for p in hostile.stored_files(media)] == [".pdf"]
    download = client.get(f"/awards/proposals/{proposal.pk}/evidence/{item.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="xac-nhan.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(acast.cast.outsider)
    assert client.get(f"/awards/proposals/{proposal.pk}/evidence/{item.pk}/").status_code == 404


def test_it_refuses_an_oversized_dossier_file_before_keeping_any_of_it(
    client: Client, acast: AwardsCast, proposal: Proposal, media: Path, monkeypatch
) -> None:
    kept = hostile.watch_kept_uploads(monkeypatch)
    client.force_login(acast.head)
    big = b"%PDF-1.4\n" + b"\0" * (actions.MAX_EVIDENCE_BYTES + 100_000)
    response = client.post(
        f"/awards/proposals/{proposal.pk}/evidence/",
        {"file": SimpleUploadedFile("ho-so.pdf", big)},
        follow=True,
    )
    assert escape("Tệp lớn hơn 20 MB.") in response.content.decode()
    assert kept == []
    assert not ProposalEvidence.objects.exists() and hostile.stored_files(media) == []
