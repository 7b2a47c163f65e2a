from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from thidua.accounts.tokens import issue_token, revoke_token
from thidua.reporting import actions
from thidua.reporting.models import Report
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_it_runs_the_loop_over_the_api_with_tokens(client: Client, rcast: ReportingCast) -> None:
    c = rcast.cast
    _t, reporter = issue_token(c.reporter, "bảng tính")
    _t, head = issue_token(rcast.head, "head")
    _t, reviewer = issue_token(c.reviewer, "reviewer")
    opened = client.post(
        "/api/v1/reports",
        {"unit_id": c.regional.pk, "form_id": rcast.form.pk, "period_id": rcast.q3_2025.pk},
        content_type="application/json",
        **bearer(reporter),
    )
    assert opened.status_code == 200
    report_id = opened.json()["id"]
    saved = client.put(
        f"/api/v1/reports/{report_id}/values",
        [
            {"indicator": "EST_RECURRENT", "value": "1.000", "version": 0},
            {"indicator": "SETTLE_RECURRENT", "value": "950,5", "version": 0},
        ],
        content_type="application/json",
        **bearer(reporter),
    )
    assert saved.status_code == 200
    values = {v["indicator"]: v["value"] for v in saved.json()["values"]}
    assert values["SETTLE_RECURRENT"] == "950.5"
    stale = client.put(
        f"/api/v1/reports/{report_id}/values",
        [{"indicator": "EST_RECURRENT", "value": "2", "version": 0}],
        content_type="application/json",
        **bearer(head),
    )
    assert stale.status_code == 409
    assert (
        client.post(
            f"/api/v1/reports/{report_id}/submit",
            {},
            content_type="application/json",
            **bearer(reporter),
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/reports/{report_id}/submit",
            {},
            content_type="application/json",
            **bearer(head),
        ).json()["status"]
        == "submitted"
    )
    assert (
        client.post(
            f"/api/v1/reports/{report_id}/approve",
            {},
            content_type="application/json",
            **bearer(reviewer),
        ).json()["status"]
        == "approved"
    )
    totals = client.get(
        f"/api/v1/rollups?unit_id={c.pa.pk}&period_ids={rcast.q3_2025.pk}"
        "&indicators=EST_RECURRENT,SETTLE_RECURRENT,SAVING_RATE_RECURRENT",
        **bearer(reviewer),
    ).json()
    assert totals["values"]["SETTLE_RECURRENT"] == "950.5"
    assert totals["values"]["SAVING_RATE_RECURRENT"].startswith("4.95")


def test_it_gives_the_api_exactly_the_scope_of_the_pages(
    client: Client, rcast: ReportingCast
) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    _t, outsider = issue_token(c.outsider, "x")
    assert client.get(f"/api/v1/reports/{report.pk}", **bearer(outsider)).status_code == 404
    assert client.get("/api/v1/reports", **bearer(outsider)).json() == []
    assert (
        client.post(
            "/api/v1/reports",
            {"unit_id": c.regional.pk, "form_id": rcast.form.pk, "period_id": rcast.q3_2025.pk},
            content_type="application/json",
            **bearer(outsider),
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/rollups?unit_id={c.pa.pk}&period_ids={rcast.q3_2025.pk}", **bearer(outsider)
        ).status_code
        == 404
    )


def test_it_refuses_bad_input_with_a_message(client: Client, rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    token, secret = issue_token(c.reporter, "x")
    bad = client.put(
        f"/api/v1/reports/{report.pk}/values",
        [
            {"indicator": "SAV_CONF", "value": "1", "version": 0},
            {"indicator": "NOT_A_CODE", "value": "2", "version": 0},
        ],
        content_type="application/json",
        **bearer(secret),
    )
    assert bad.status_code == 422
    assert "NOT_A_CODE" in bad.json()["detail"]
    assert not Report.objects.get(pk=report.pk).values.exists()  # all or nothing
    text = client.put(
        f"/api/v1/reports/{report.pk}/values",
        [{"indicator": "SAV_CONF", "value": "mười", "version": 0}],
        content_type="application/json",
        **bearer(secret),
    )
    assert text.status_code == 422
    revoke_token(token)
    assert client.get("/api/v1/reports", **bearer(secret)).status_code == 401


def test_it_lists_the_catalogue_forms_and_periods(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.reporter)
    codes = {i["code"] for i in client.get("/api/v1/indicators").json()}
    assert {"SAV_CONF", "SAVING_RATE_RECURRENT"} <= codes
    forms = client.get("/api/v1/forms").json()
    assert any(f["code"] == "test-quy" for f in forms)
    periods = client.get("/api/v1/periods?year=2025&kind=quarter").json()
    assert [p["number"] for p in periods] == [1, 2, 3, 4]


def test_it_shows_a_new_token_once_and_revokes_it(client: Client, rcast: ReportingCast) -> None:
    client.force_login(rcast.cast.reporter)
    page = client.post("/accounts/tokens/", {"name": "Excel macro"}).content.decode()
    secret = page.split("<code>")[1].split("</code>")[0]
    assert secret.startswith("thd_")
    assert Client().get("/api/v1/reports", **bearer(secret)).status_code == 200
    token = rcast.cast.reporter.api_tokens.get()
    assert secret not in client.get("/accounts/tokens/").content.decode()
    client.post("/accounts/tokens/", {"revoke": token.pk})
    assert Client().get("/api/v1/reports", **bearer(secret)).status_code == 401


def test_it_reads_api_figures_by_the_rule_of_the_entry_page(
    client: Client, rcast: ReportingCast
) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    _t, secret = issue_token(c.reporter, "x")

    def put(code: str, value: str) -> Any:
        return client.put(
            f"/api/v1/reports/{report.pk}/values",
            [{"indicator": code, "value": value, "version": 0}],
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
            **bearer(secret),
        )

    for code, value, refusal in (
        ("EST_RECURRENT", "1.5", "1,5"),  # was read as 1.5 while 1.234 was 1234
        ("EST_RECURRENT", "1,234.5", "1.234,5"),  # was stored as 1,2345
        ("STAFF_ACTUAL", "7,5", "“7,5”"),  # persons: whole numbers only
        ("STAFF_ACTUAL", "-7", "“-7”"),  # cannot be negative
    ):
        refused = put(code, value)
        assert refused.status_code == 422, value
        assert refusal in refused.json()["detail"]
    assert not report.values.exists()
    assert put("EST_RECURRENT", "1.234.567,5").status_code == 200
    assert report.values.get().value == Decimal("1234567.5")
    indicators = {i["code"]: i for i in client.get("/api/v1/indicators", **bearer(secret)).json()}
    assert indicators["STAFF_ACTUAL"]["minimum"] == "0"  # a decimal, as every figure
    assert indicators["SAVING_RATE_RECURRENT"]["minimum"] is None  # a rate may be negative


def test_it_withdraws_a_report_over_the_api(client: Client, rcast: ReportingCast) -> None:
    c = rcast.cast
    report = actions.open_report(c.regional, rcast.form, rcast.q3_2025, by=c.reporter)
    actions.submit_report(report, by=rcast.head)
    _t, reporter = issue_token(c.reporter, "reporter")
    _t, head = issue_token(rcast.head, "head")
    url = f"/api/v1/reports/{report.pk}/withdraw"
    body = {"reason": "Sửa lại"}
    refused = client.post(url, body, content_type="application/json", **bearer(reporter))
    assert refused.status_code == 403  # only the unit head submits and withdraws
    done = client.post(url, body, content_type="application/json", **bearer(head))
    assert done.status_code == 200
    assert done.json()["status"] == "draft"
    again = client.post(url, body, content_type="application/json", **bearer(head))
    assert again.status_code == 422  # a draft has nothing to withdraw
