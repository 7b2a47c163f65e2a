"""The oversight API: records of each kind listed and created for a unit and year (the same
checks as the pages), findings listed with their state; scope as everywhere else."""

from __future__ import annotations

from django.test import Client

from thidua.accounts.tokens import issue_token
from thidua.oversight.models import Finding
from thidua.oversight.models_assets import Vehicle
from thidua.testing import Cast


def _auth(user: object) -> dict[str, str]:
    _t, secret = issue_token(user, "api")  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {secret}"}


VEHICLE = {
    "plate": "80A-12345",
    "seats": "7",
    "kind": "general",
    "purchase_date": "02/02/2026",
    "price": "1.100.000.000",
    "odometer": "10",
}


def test_create_list_and_findings(client: Client, cast: Cast) -> None:
    url = f"/api/v1/oversight/units/{cast.regional.pk}/2026/vehicle"
    auth = _auth(cast.reporter)
    r = client.post(url, {"fields": VEHICLE}, content_type="application/json", headers=auth)
    assert r.status_code == 201, r.content
    assert r.json()["fields"]["plate"] == "80A-12345"
    listed = client.get(url, headers=auth).json()
    assert [v["fields"]["price"] for v in listed] == ["1100000000"]
    findings = client.get(
        f"/api/v1/oversight/findings?unit_id={cast.regional.pk}&year=2026", headers=auth
    ).json()
    assert [(f["rule"], f["state"]) for f in findings] == [("VEHICLE_PRICE", "new")]
    assert "1.100.000.000" in findings[0]["text"] or "1,100,000,000" in findings[0]["text"]
    assert client.get("/api/v1/oversight/findings?state=confirmed", headers=auth).json() == []


def test_refusals(client: Client, cast: Cast) -> None:
    url = f"/api/v1/oversight/units/{cast.regional.pk}/2026/vehicle"
    auth = _auth(cast.reporter)
    bad = VEHICLE | {"seats": "40"}
    r = client.post(url, {"fields": bad}, content_type="application/json", headers=auth)
    assert r.status_code == 400 and "seats" in r.json()["detail"]
    assert not Vehicle.objects.exists() and not Finding.objects.exists()
    assert client.get(url.replace("vehicle", "boat"), headers=auth).status_code == 422
    outsider = _auth(cast.outsider)
    assert client.get(url, headers=outsider).status_code == 404
    r = client.post(url, {"fields": VEHICLE}, content_type="application/json", headers=outsider)
    assert r.status_code == 404
    supervisor = _auth(cast.supervisor)
    r = client.post(url, {"fields": VEHICLE}, content_type="application/json", headers=supervisor)
    assert r.status_code == 404
    assert client.get(url).status_code == 401
