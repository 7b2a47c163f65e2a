from __future__ import annotations

import pytest
from django.test import Client

from thidua.awards.models import Proposal

from .conftest import AwardsCast

pytestmark = pytest.mark.django_db


def test_it_lists_titles_with_the_rule_and_the_amount(client: Client, acast: AwardsCast) -> None:
    client.force_login(acast.cast.reporter)
    rows = client.get("/api/v1/awards/titles?date=01/07/2026").json()
    by_code = {r["code"]: r for r in rows}
    assert by_code["CSTD_TQ"]["rule"]["consultation_working_days"] == 10
    assert by_code["CSTDCS"]["rule"]["cash_amount"] == "2530000"
    assert client.get("/api/v1/awards/titles?date=32/01/2026").status_code == 422


def test_it_gives_stored_and_live_eligibility_in_scope(client: Client, acast: AwardsCast) -> None:
    client.force_login(acast.head)
    unit = acast.cast.regional.pk
    rows = client.get(f"/api/v1/awards/eligibility?year=2025&title=CSTDCS&unit={unit}").json()
    eligible = {r["person_id"] for r in rows if r["outcome"] == "eligible"}
    assert eligible == {acast.people[0].pk, acast.people[1].pk}
    live = client.get(f"/api/v1/awards/people/{acast.people[5].pk}/eligibility?year=2025").json()
    ldtt = next(r for r in live if r["title"] == "LDTT")
    assert ldtt["outcome"] == "not_eligible"
    assert any(r["code"] == "discipline_in_year" for r in ldtt["reasons"])
    client.force_login(acast.cast.outsider)
    url = f"/api/v1/awards/eligibility?year=2025&title=CSTDCS&unit={unit}"
    assert client.get(url).status_code == 404
    assert (
        client.get(f"/api/v1/awards/people/{acast.people[0].pk}/eligibility?year=2025").status_code
        == 404
    )


def test_it_proposes_through_the_api_and_refuses_with_a_message(
    client: Client, acast: AwardsCast
) -> None:
    client.force_login(acast.head)
    body = {"title": "CSTDCS", "year": 2025, "proposing_unit_id": acast.cast.regional.pk}
    refused = client.post(
        "/api/v1/awards/proposals",
        {**body, "person_id": acast.people[2].pk},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "Luật 06/2022/QH15 Điều 23" in refused.json()["detail"]
    made = client.post(
        "/api/v1/awards/proposals",
        {**body, "person_id": acast.people[0].pk},
        content_type="application/json",
    )
    assert made.status_code == 201
    pid = made.json()["id"]
    submitted = client.post(f"/api/v1/awards/proposals/{pid}/submit")
    assert submitted.json()["status"] == "submitted"
    assert [p["id"] for p in client.get("/api/v1/awards/proposals?year=2025").json()] == [pid]
    client.force_login(acast.cast.outsider)
    assert client.get("/api/v1/awards/proposals").json() == []
    assert client.post(f"/api/v1/awards/proposals/{pid}/submit").status_code == 404
    assert Proposal.objects.count() == 1
