"""The evaluation pages: happy path, wrong method, outsider 404, htmx fragments, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from thidua.evaluation import actions
from thidua.evaluation.models import Assessment, Cluster, Programme, Score, Target
from thidua.evaluation.testing import approved, regional_year
from thidua.lib.packs import pack_file
from thidua.movements.actions import load_movement
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def assessed(ecast: ReportingCast) -> Assessment:
    regional_year(ecast)
    return actions.open_assessment(ecast.cast.regional, 2026, by=ecast.head)


def _score(a: Assessment, code: str) -> Score:
    return a.scores.get(criterion__code=code)


def test_it_shows_the_assessment_with_every_point_explained(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    client.force_login(ecast.head)
    body = client.get(reverse("evaluation:assessment", args=[assessed.pk])).content.decode()
    # the formula and its inputs by indicator name, never by code
    assert "(EST_RECURRENT - SETTLE_RECURRENT)" not in body and "EST_RECURRENT =" not in body
    assert (
        "(Dự toán chi thường xuyên được giao − Quyết toán chi thường xuyên)"
        " ÷ Dự toán chi thường xuyên được giao × 100"
    ) in body
    assert "Quyết toán chi thường xuyên = " in body
    assert "4.000" in body and "55,00" in body  # inputs and total, Vietnamese number format
    with translation.override("vi"):
        assert gettext("set by the sector, not by the Circular") in body


def test_it_returns_the_scores_fragment_to_htmx(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    client.force_login(ecast.head)
    response = client.get(reverse("evaluation:assessment", args=[assessed.pk]), headers=HTMX)
    body = response.content.decode()
    assert 'id="scores"' in body and "<html" not in body


def test_it_hides_an_assessment_from_an_outsider(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    client.force_login(ecast.cast.outsider)
    assert client.get(reverse("evaluation:assessment", args=[assessed.pk])).status_code == 404
    url = reverse("evaluation:self_score", args=[_score(assessed, "A4").pk])
    assert client.post(url, {"points": "5", "evidence_link": "https://x.vn/a"}).status_code == 404
    assert client.get(reverse("evaluation:unit", args=[ecast.cast.regional.pk])).status_code == 404


def test_it_refuses_the_wrong_method(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    client.force_login(ecast.head)
    assert (
        client.get(reverse("evaluation:self_score", args=[_score(assessed, "A4").pk])).status_code
        == 405
    )
    assert client.post(reverse("evaluation:assessment", args=[assessed.pk])).status_code == 405
    assert client.post(reverse("evaluation:index")).status_code == 405


def test_it_saves_a_self_score_through_htmx(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    client.force_login(ecast.head)
    url = reverse("evaluation:self_score", args=[_score(assessed, "A4").pk])
    response = client.post(
        url, {"points": "7,5", "evidence_link": "https://vks.example/ct.pdf"}, headers=HTMX
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assessed.refresh_from_db()
    assert assessed.total == Decimal("62.50")


def test_it_refuses_points_without_evidence_and_writes_nothing(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    client.force_login(ecast.head)
    url = reverse("evaluation:self_score", args=[_score(assessed, "A4").pk])
    response = client.post(url, {"points": "8"}, follow=True)
    with translation.override("vi"):
        assert (
            gettext("Attach a file or give a link as evidence for these points.")
            in response.content.decode()
        )
    assert _score(assessed, "A4").self_points is None
    response = client.post(url, {"points": "abc", "evidence_link": "https://x.vn"}, follow=True)
    assert response.status_code == 200 and _score(assessed, "A4").self_points is None


def test_it_lets_the_level_above_review_with_a_reason_and_finalise(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    actions.save_self_score(
        _score(assessed, "A4"), points="8", evidence_link="https://x.vn/a", by=ecast.head
    )
    client.force_login(ecast.head)
    assert (
        client.post(reverse("evaluation:transition", args=[assessed.pk, "submit"])).status_code
        == 302
    )
    client.force_login(ecast.cast.reviewer)
    url = reverse("evaluation:review_score", args=[_score(assessed, "A4").pk])
    client.post(url, {"points": "4", "reason": ""})
    assert _score(assessed, "A4").review_points is None  # no reason: refused
    client.post(url, {"points": "4", "reason": "Thiếu kế hoạch kiểm tra"})
    with translation.override("vi"):
        done = client.post(
            reverse("evaluation:transition", args=[assessed.pk, "finalise"]), follow=True
        ).content.decode()
    assert "Đã chốt điểm năm 2026 của Khu vực 1." in done  # what happened, to whom
    assessed.refresh_from_db()
    assert (assessed.status, assessed.total) == ("final", Decimal("59.00"))
    page = client.get(reverse("evaluation:assessment", args=[assessed.pk])).content.decode()
    assert f'data-grade="{assessed.grade}">{assessed.grade_label}<' in page
    assert assessed.grade_label != assessed.grade  # "Đạt", not the code "fair"
    ranking = client.get(reverse("evaluation:index"), {"year": 2026}).content.decode()
    assert 'data-unit="PA-R1"' in ranking


def test_it_keeps_the_unit_from_reviewing_itself(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    actions.save_self_score(
        _score(assessed, "A4"), points="8", evidence_link="https://x.vn/a", by=ecast.head
    )
    actions.submit_assessment(assessed, by=ecast.head)
    client.force_login(ecast.head)
    url = reverse("evaluation:review_score", args=[_score(assessed, "A4").pk])
    assert client.post(url, {"points": "10", "reason": "tự sửa"}).status_code == 404
    assert (
        client.post(reverse("evaluation:transition", args=[assessed.pk, "finalise"])).status_code
        == 404
    )


def test_it_ranks_with_htmx_fragment(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    client.force_login(ecast.cast.admin)
    response = client.get(
        reverse("evaluation:index"), {"year": "2026", "measure": "per_billion"}, headers=HTMX
    )
    body = response.content.decode()
    assert 'id="ranking"' in body and "<html" not in body and "PA-R1" in body
    assert "20,00" in body  # 80 million saved per 4,000 million of estimate = 20 per billion


def test_it_drafts_and_approves_a_programme_and_shows_progress(
    client: Client, ecast: ReportingCast
) -> None:
    regional_year(ecast)
    unit = ecast.cast.regional
    client.force_login(ecast.head)
    url = reverse("evaluation:programme", args=[unit.pk, 2026])
    assert (
        client.post(url, {"key_tasks": "Giảm chi hội nghị", "issued_on": "31/02/2025"}).status_code
        == 200
    )
    assert not Programme.objects.exists()  # 31/02 refused
    assert (
        client.post(url, {"key_tasks": "Giảm chi hội nghị", "issued_on": "20/12/2025"}).status_code
        == 302
    )
    programme = Programme.objects.get()
    assert programme.issued_on == dt.date(2025, 12, 20)
    add = reverse("evaluation:add_target", args=[programme.pk])
    client.post(
        add, {"indicator": "SAV_CONF", "kind": "amount", "comparator": ">=", "value": "100"}
    )
    client.post(
        add, {"indicator": "CONF_SPEND", "kind": "amount", "comparator": "<=", "value": "1.000"}
    )
    assert Target.objects.count() == 2
    client.post(reverse("evaluation:approve_programme", args=[programme.pk]))
    programme.refresh_from_db()
    assert programme.status == "approved"
    page = client.get(reverse("evaluation:unit", args=[unit.pk]), {"year": 2026}).content.decode()
    assert 'data-indicator="SAV_CONF" data-status="missed"' in page  # 80 < 100
    assert 'data-indicator="CONF_SPEND" data-status="met"' in page  # 320 ≤ 1.000
    assert actions.recompute_scores(2026) == 0
    assert set(Target.objects.values_list("status", flat=True)) == {"met", "missed"}
    # The same programme over the API, scoped like the page
    api = f"/api/v1/evaluation/units/{unit.pk}/programmes/2026"
    data = client.get(api).json()
    assert data["status"] == "approved" and data["issued_on"] == "2025-12-20"
    targets = {t["indicator"]: t for t in data["targets"]}
    assert targets["SAV_CONF"]["status"] == "missed" and targets["CONF_SPEND"]["status"] == "met"
    assert client.get(f"/api/v1/evaluation/units/{unit.pk}/programmes/2030").status_code == 404
    client.force_login(ecast.cast.outsider)
    assert client.get(api).status_code == 404


def test_the_api_lists_the_clusters_the_caller_can_see(
    client: Client, ecast: ReportingCast
) -> None:
    c = ecast.cast
    actions.create_cluster(
        by=c.admin,
        year=2026,
        code="cum-1",
        name="Cụm thi đua số 1",
        organiser=c.root,
        members=[c.pa, c.pc],
        pact_signed_on=dt.date(2026, 3, 29),
    )
    client.force_login(c.reviewer)  # PA's reviewer: PA is a member
    data = client.get("/api/v1/evaluation/clusters", {"year": "2026"}).json()
    assert [(d["code"], d["members"], d["pact_signed_on"]) for d in data] == [
        ("cum-1", ["PA", "PC"], "2026-03-29")
    ]
    assert client.get("/api/v1/evaluation/clusters", {"year": "2025"}).json() == []
    client.force_login(c.outsider)  # PC-1's user sees no cluster of its own
    assert client.get("/api/v1/evaluation/clusters", {"year": "2026"}).json() == []


def test_it_shows_clusters_rubrics_and_phase_candidates(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    c = ecast.cast
    cluster = actions.create_cluster(
        by=c.admin,
        year=2026,
        code="cum-1",
        name="Cụm thi đua số 1",
        organiser=c.root,
        members=[c.regional, c.pc1],
        rubric=assessed.rubric,
    )
    client.force_login(c.admin)
    body = client.get(reverse("evaluation:cluster", args=[cluster.pk])).content.decode()
    assert 'data-unit="PA-R1"' in body and 'data-unit="PC-1"' in body
    response = client.post(
        reverse("evaluation:cluster_officers", args=[cluster.pk]),
        {"chair": c.regional.pk, "deputy": c.pc1.pk},
        follow=True,
    )
    cluster.refresh_from_db()
    assert cluster.chair is None and "2025" in response.content.decode()
    rubric = client.get(reverse("evaluation:rubric", args=[assessed.rubric_id])).content.decode()
    assert "coalesce(" not in rubric and "(nếu trống: 0)" in rubric
    assert client.get(reverse("evaluation:phase"), {"phase": "2026-2030"}).status_code == 200
    client.force_login(c.outsider)
    assert (
        client.get(reverse("evaluation:cluster", args=[cluster.pk])).status_code == 200
    )  # PC-1 is a member
    client.force_login(ecast.head)
    assert (
        client.post(
            reverse("evaluation:cluster_officers", args=[cluster.pk]), {"chair": 1, "deputy": 2}
        ).status_code
        == 404
    )


def test_the_api_gives_and_reviews_scores(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    client.force_login(ecast.cast.outsider)
    assert client.get(f"/api/v1/evaluation/assessments/{assessed.pk}").status_code == 404
    client.force_login(ecast.head)
    data = client.get(f"/api/v1/evaluation/assessments/{assessed.pk}").json()
    assert data["total"] == "55.00" and {s["criterion"] for s in data["scores"]} >= {"A1", "C2"}
    ranking = client.get("/api/v1/evaluation/rankings/2026").json()
    assert ranking[0]["unit"] == "PA-R1"
    assert client.get("/api/v1/evaluation/rankings/2026?measure=bogus").status_code == 422


def test_it_takes_a_pdf_as_evidence_and_refuses_other_files(
    client: Client, ecast: ReportingCast, assessed: Assessment
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ecast.head)
    url = reverse("evaluation:self_score", args=[_score(assessed, "A4").pk])
    script = SimpleUploadedFile("x.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")
    client.post(url, {"points": "6", "evidence_file": script})
    assert _score(assessed, "A4").self_points is None
    pdf = SimpleUploadedFile("ct.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(url, {"points": "6", "evidence_file": pdf})
    score = _score(assessed, "A4")
    assert score.self_points == Decimal(6) and score.evidence_file.name.endswith(".pdf")
    page = client.get(reverse("evaluation:assessment", args=[assessed.pk])).content.decode()
    link = reverse("evaluation:evidence", args=[score.pk])
    assert link in page
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")  # type: ignore[attr-defined]
    assert client.post(link).status_code == 405
    client.force_login(ecast.cast.outsider)
    assert client.get(link).status_code == 404
    client.force_login(ecast.head)
    empty = _score(assessed, "A1")
    assert client.get(reverse("evaluation:evidence", args=[empty.pk])).status_code == 404


def test_programme_and_phase_pages_respect_scope_and_methods(
    client: Client, ecast: ReportingCast
) -> None:
    from thidua.org.models import Person, Position

    c = ecast.cast
    client.force_login(c.outsider)
    assert (
        client.get(reverse("evaluation:programme", args=[c.regional.pk, 2026])).status_code == 404
    )
    programme = actions.save_programme(c.regional, 2026, by=ecast.head, key_tasks="Giảm chi")
    add = reverse("evaluation:add_target", args=[programme.pk])
    assert (
        client.post(
            add, {"indicator": "SAV_CONF", "kind": "amount", "comparator": ">=", "value": "1"}
        ).status_code
        == 404
    )
    client.force_login(ecast.head)
    assert client.get(add).status_code == 405
    response = client.post(
        add, {"indicator": "NOPE", "kind": "amount", "comparator": ">=", "value": "x"}, follow=True
    )
    assert response.status_code == 200 and not programme.targets.exists()
    # phase page: the head of a candidate unit is listed
    for year in (2024, 2025):
        for q in (1, 2, 3, 4):
            approved(ecast, c.pc1, year, q, EST_RECURRENT="500", SETTLE_RECURRENT="480")
    person = Person.objects.create(code="NV-1", full_name="Nguyễn Văn Thủ Trưởng")
    Position.objects.create(
        person=person, unit=c.pc1, title="Viện trưởng", valid_from=dt.date(2020, 1, 1)
    )
    for year in (2024, 2025):
        a = actions.open_assessment(c.pc1, year, by=c.admin)
        a.status = "final"
        a.save()
    client.force_login(c.admin)
    # The phases are the movement's (movements.Phase rows): 2022–2025 first.
    load_movement(pack_file("movement.json"), organisation=c.root)
    body = client.get(reverse("evaluation:phase")).content.decode()
    assert 'data-unit="PC-1"' in body and "Nguyễn Văn Thủ Trưởng" in body


def test_the_secretary_sets_up_a_cluster_of_the_units_under_the_organiser(
    client: Client, ecast: ReportingCast
) -> None:
    c = ecast.cast
    url = reverse("evaluation:cluster_new")
    client.force_login(c.secretary)
    page = client.get(url, {"year": "2026"}).content.decode()
    assert 'data-testid="cluster-members"' in page
    boxes = page[page.index('data-testid="cluster-members"') :]
    assert f'value="{c.pa.pk}"' in boxes and f'value="{c.pc.pk}"' in boxes  # provinces, 2026
    assert f'value="{c.pb.pk}"' not in boxes  # merged into PA on 01/07/2025
    # Bad input: one member only, a date that is not one — a message, nothing written
    bad = client.post(
        url,
        {
            "year": "2026",
            "code": "cum-1",
            "name": "Cụm 1",
            "kind": "cluster",
            "pact_signed_on": "31/02/2026",
            "members": [str(c.pa.pk)],
        },
    )
    assert bad.status_code == 200 and 'data-testid="cluster-form"' in bad.content.decode()
    assert not Cluster.objects.exists()
    one = client.post(
        url,
        {
            "year": "2026",
            "code": "cum-1",
            "name": "Cụm 1",
            "kind": "cluster",
            "members": [str(c.pa.pk)],
        },
    )
    assert 'data-testid="form-errors"' in one.content.decode()
    assert not Cluster.objects.exists()
    done = client.post(
        url,
        {
            "year": "2026",
            "code": "cum-1",
            "name": "Cụm thi đua số 1",
            "kind": "cluster",
            "pact_signed_on": "29/03/2026",
            "members": [str(c.pa.pk), str(c.pc.pk)],
        },
    )
    cluster = Cluster.objects.get(year=2026, code="cum-1")
    assert done.status_code == 302 and done["Location"].endswith(f"/cluster/{cluster.pk}/")
    assert cluster.pact_signed_on == dt.date(2026, 3, 29) and cluster.organiser == c.root
    assert set(cluster.memberships.values_list("unit__code", flat=True)) == {"PA", "PC"}
    # A reporter, an outsider: 404; another method: 405
    client.force_login(c.reporter)
    assert client.get(url).status_code == 404
    client.force_login(c.outsider)
    assert client.post(url, {"year": "2026"}).status_code == 404
    client.force_login(c.secretary)
    assert client.put(url).status_code == 405
