"""Out-of-range parameters and oversized lists are refused with 422 before anything runs
(issue 8, points 5 and 7)."""

from typing import Any

import pytest
from django.test import Client

from thidua.accounts.tokens import issue_token
from thidua.audit.models import AuditEvent
from thidua.reporting import actions
from thidua.reporting.models import DataValue
from thidua.reporting.testing import ROWS, ReportingCast

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, Any]:
    _token, secret = issue_token(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/people?offset=-1",
        "/api/v1/people?limit=-1",
        "/api/v1/people?limit=0",
        "/api/v1/reports?offset=-1",
        "/api/v1/reports?limit=-1",
        "/api/v1/evaluation/rankings/0",
        "/api/v1/evaluation/clusters?year=0",
        "/api/v1/awards/eligibility?year=0&title=CSTD&unit={unit}",
        "/api/v1/awards/proposals?year=0",
        "/api/v1/awards/people/1/eligibility?year=0",
        "/api/v1/units/{huge}",
        "/api/v1/reports?unit_id={huge}",
        "/api/v1/units?date=%C2%B2/01/2025",
        "/api/v1/units?q=a%00b",
        "/api/v1/rollups?unit_id={unit}&period_ids=%C2%B2",
    ],
)
def test_it_refuses_out_of_range_parameters_with_422(
    client: Client, rcast: ReportingCast, url: str
) -> None:
    url = url.format(unit=rcast.cast.root.pk, huge=2**64)

    response = client.get(url, **bearer(rcast.cast.admin))

    assert response.status_code == 422
    assert response.json()["detail"]


def test_it_documents_the_bounds_in_the_openapi(client: Client, rcast: ReportingCast) -> None:
    spec = client.get("/api/v1/openapi.json").json()

    people = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/people"]["get"]["parameters"]}
    assert people["offset"]["minimum"] == 0
    assert (people["limit"]["minimum"], people["limit"]["maximum"]) == (1, 1000)
    rankings = spec["paths"]["/api/v1/evaluation/rankings/{year}"]["get"]
    assert rankings["parameters"][0]["schema"]["minimum"] == 2000
    assert set(rankings["responses"]) == {"200", "401", "422"}


def _open(rcast: ReportingCast) -> int:
    c = rcast.cast
    return actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter).pk


def test_it_refuses_more_values_than_the_form_has_rows(
    client: Client, rcast: ReportingCast
) -> None:
    report_id = _open(rcast)
    events = AuditEvent.objects.count()
    entries = [{"indicator": code, "value": "1", "version": 0} for code in ROWS]
    entries.append({"indicator": "EST_RECURRENT", "value": "2", "version": 0})

    response = client.put(
        f"/api/v1/reports/{report_id}/values",
        entries,
        content_type="application/json",
        **bearer(rcast.cast.reporter),
    )

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Biểu mẫu chỉ có 8 dòng, nhưng gửi 9 số liệu / the form has 8 rows but 9 entries were sent"
    )
    assert not DataValue.objects.filter(report_id=report_id).exists()
    assert AuditEvent.objects.count() == events


def test_it_refuses_the_same_row_twice(client: Client, rcast: ReportingCast) -> None:
    report_id = _open(rcast)
    entries = [
        {"indicator": "EST_RECURRENT", "value": "1", "version": 0},
        {"indicator": "EST_RECURRENT", "value": "2", "version": 0},
    ]

    response = client.put(
        f"/api/v1/reports/{report_id}/values",
        entries,
        content_type="application/json",
        **bearer(rcast.cast.reporter),
    )

    assert response.status_code == 422
    assert "EST_RECURRENT" in response.json()["detail"]
    assert not DataValue.objects.filter(report_id=report_id).exists()


def test_it_refuses_thousands_of_values_before_reading_them(
    client: Client, rcast: ReportingCast, django_assert_max_num_queries: Any
) -> None:
    report_id = _open(rcast)
    entries = [{"indicator": f"X{i}", "value": "1", "version": 0} for i in range(8000)]
    headers = bearer(rcast.cast.reporter)

    with django_assert_max_num_queries(3):
        response = client.put(
            f"/api/v1/reports/{report_id}/values",
            entries,
            content_type="application/json",
            **headers,
        )

    assert response.status_code == 422
    assert not DataValue.objects.filter(report_id=report_id).exists()


@pytest.mark.parametrize("action", ["delete", "frobnicate"])
def test_a_report_action_outside_the_workflow_is_a_422(
    client: Client, rcast: ReportingCast, action: str
) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    response = client.post(
        f"/api/v1/reports/{report.pk}/{action}",
        data={"reason": ""},
        content_type="application/json",
        **bearer(rcast.head),
    )

    assert response.status_code == 422
    report.refresh_from_db()
    assert report.status == "draft"


def test_the_report_actions_are_listed_in_the_openapi(client: Client) -> None:
    """A fuzzer reading the description never sends POST …/values (the PUT-only values route
    answers that with 405, which the description cannot list for a path it does not know)."""
    spec = client.get("/api/v1/openapi.json").json()
    params = spec["paths"]["/api/v1/reports/{report_id}/{action}"]["post"]["parameters"]
    action = next(p for p in params if p["name"] == "action")["schema"]

    assert sorted(action["enum"]) == ["accept", "approve", "reopen", "return", "submit", "withdraw"]
