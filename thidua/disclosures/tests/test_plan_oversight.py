"""The movement's plan and the oversight statistics as publications: content, portal page,
publishing from /public/manage/."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from thidua.disclosures import actions, sources_more
from thidua.disclosures.models import Publication
from thidua.movements.models import ContentArea, Movement, Phase
from thidua.oversight.models import Finding, FindingHistory, FindingState
from thidua.oversight.queries import public_monthly_counts
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def _finding(unit_id: int, key: str, status: str, month: int) -> Finding:
    finding = Finding.objects.create(
        unit_id=unit_id, year=2025, rule="r", key=key, severity="high", status=status
    )
    moment = timezone.make_aware(dt.datetime(2025, month, 10, 9, 0))
    FindingHistory.objects.create(
        finding=finding, from_status="review", to_status=status, at=moment
    )
    return finding


def test_confirmed_violations_are_counted_per_province_and_month(ecast: ReportingCast) -> None:
    cast = ecast.cast
    _finding(cast.pa1.pk, "a", FindingState.CONFIRMED, 3)
    _finding(cast.pa.pk, "b", FindingState.CONFIRMED, 3)
    _finding(cast.pb1.pk, "c", FindingState.CONFIRMED, 5)
    _finding(cast.pb1.pk, "d", FindingState.REVIEW, 5)  # not confirmed: not counted
    rows = public_monthly_counts(2025)
    assert [(r.province, r.month, r.confirmed) for r in rows] == sorted(
        [(cast.pa.name, 3, 2), (cast.pb.name, 5, 1)]
    )
    assert public_monthly_counts(2024) == []
    assert sources_more.oversight(2024) is None
    draft = sources_more.oversight(2025)
    assert draft is not None
    publication = actions.publish(draft, by=cast.secretary)
    assert set(json.loads(publication.content)["rows"][0]) == {"province", "month", "confirmed"}
    page = Client().get(f"/public/items/{publication.leaf_id}/").content.decode()
    assert cast.pa.name in page and 'id="oversight-data"' in page and "oversight-chart.js" in page


def test_the_plan_is_published_from_the_manage_page(ecast: ReportingCast) -> None:
    cast = ecast.cast
    movement = Movement.objects.create(
        code="thtk-test",
        title="Phong trào thi đua thực hành tiết kiệm",
        launching_body="Cơ quan phát động",
        organisation=cast.root,
        start_year=2026,
        end_year=2030,
        objectives="Tiết kiệm chi thường xuyên.",
        decision_date=dt.date(2026, 3, 2),
        decision_number="12/QĐ",
    )
    Phase.objects.create(
        movement=movement, number=1, start_year=2026, end_year=2028, review="preliminary",
        review_year=2028,
    )  # fmt: skip
    ContentArea.objects.create(movement=movement, number=1, title="Tiết kiệm điện")
    client = Client()
    client.force_login(cast.secretary)
    assert 'data-testid="publish-plan"' in client.get("/public/manage/").content.decode()
    client.post("/public/manage/plan/", {"movement": "thtk-test"})
    publication = Publication.objects.get(kind="plan")
    assert client.post("/public/manage/plan/", {"movement": "nope"}).status_code == 404
    client.post("/public/manage/oversight/", {"year": "abc"})
    assert not Publication.objects.filter(kind="oversight").exists()
    page = Client().get(f"/public/items/{publication.leaf_id}/").content.decode()
    assert "Tiết kiệm điện" in page and "02/03/2026" in page and "Tiết kiệm chi" in page


def test_the_oversight_statistics_carry_the_waste_reports(ecast: ReportingCast) -> None:
    """Issue 12 §1: the oversight statistics publish the anonymous waste reports received per
    province and month with their state today, counts only (no text, no code)."""
    from thidua.oversight.models import WasteReport

    cast = ecast.cast

    def report(code: str, status: str, month: int) -> None:
        WasteReport.objects.create(
            unit=cast.pa1,
            province=cast.pa,
            text="Xe công dùng việc riêng.",
            received_on=dt.date(2025, month, 4),
            code=code,
            secret_hash="x",
            status=status,
        )

    report("AAAA-1", FindingState.NEW, 4)
    report("AAAA-2", FindingState.CONFIRMED, 4)
    report("AAAA-3", FindingState.DISMISSED, 6)
    draft = sources_more.oversight(2025)  # no confirmed finding: the reports alone publish
    assert draft is not None
    content = draft.content
    assert content["rows"] == []
    assert sorted(
        (r["month"], r["received"], r["confirmed"], r["dismissed"])
        for r in content["waste_reports"]
    ) == [(4, 2, 1, 0), (6, 1, 0, 1)]
    publication = actions.publish(draft, by=cast.secretary)
    page = Client().get(f"/public/items/{publication.leaf_id}/").content.decode()
    assert 'data-testid="waste-reports"' in page and cast.pa.name in page
    assert "AAAA-1" not in page and "Xe công" not in page and "AAAA" not in publication.content
